/**
 * The elementwise math ops and activations with the value ranges their property tests draw from
 * (kinks and steps kept away from), shared by math.prop.test.ts and math.second.prop.test.ts.
 */
import * as core from '../src/index.js';
import { Tensor } from '../src/index.js';
import { values, type ValueRange } from './support.js';

/** Moves values within 0.02 of a multiple of `period` (or of one of `points`) 0.05 further up. */
export function offSteps(t: Tensor, { period, points = [] }: { period?: number; points?: number[] }): Tensor {
  const d = t.data.slice();
  for (let i = 0; i < d.length; i++) {
    const v = d[i]!;
    const nearPeriod = period !== undefined && Math.abs(v / period - Math.round(v / period)) * period < 0.02;
    if (nearPeriod || points.some((p) => Math.abs(v - p) < 0.02)) d[i] = v + 0.05;
  }
  return new Tensor(d, t.shape.slice());
}

export type Unary = (x: Tensor) => Tensor;
export interface UnaryCase { f: Unary; r: ValueRange; smooth: boolean; steps?: { period?: number; points?: number[] } }

export const unaries: Record<string, UnaryCase> = {
  // piecewise constant: the gradient is zero away from the steps
  floor: { f: core.floor, r: { lo: -3, hi: 3 }, smooth: false, steps: { period: 1 } },
  ceil: { f: core.ceil, r: { lo: -3, hi: 3 }, smooth: false, steps: { period: 1 } },
  trunc: { f: core.trunc, r: { lo: -3, hi: 3 }, smooth: false, steps: { period: 1 } },
  round: { f: core.round, r: { lo: -3, hi: 3 }, smooth: false, steps: { period: 0.5 } },
  sign: { f: core.sign, r: { awayFromZero: 0.05 }, smooth: false },
  sin: { f: core.sin, r: { lo: -4, hi: 4 }, smooth: true },
  cos: { f: core.cos, r: { lo: -4, hi: 4 }, smooth: true },
  tan: { f: core.tan, r: { lo: -1.2, hi: 1.2 }, smooth: true },
  asin: { f: core.asin, r: { lo: -0.9, hi: 0.9 }, smooth: true },
  acos: { f: core.acos, r: { lo: -0.9, hi: 0.9 }, smooth: true },
  atan: { f: core.atan, r: { lo: -3, hi: 3 }, smooth: true },
  sinh: { f: core.sinh, r: { lo: -2, hi: 2 }, smooth: true },
  cosh: { f: core.cosh, r: { lo: -2, hi: 2 }, smooth: true },
  asinh: { f: core.asinh, r: { lo: -3, hi: 3 }, smooth: true },
  acosh: { f: core.acosh, r: { lo: 1.2, hi: 4 }, smooth: true },
  atanh: { f: core.atanh, r: { lo: -0.9, hi: 0.9 }, smooth: true },
  reciprocal: { f: core.reciprocal, r: { lo: -2, hi: 2, awayFromZero: 0.3 }, smooth: true },
  rsqrt: { f: core.rsqrt, r: { lo: 0.3, hi: 3 }, smooth: true },
  log1p: { f: core.log1p, r: { lo: -0.7, hi: 3 }, smooth: true },
  expm1: { f: core.expm1, r: { lo: -2, hi: 2 }, smooth: true },
  log2: { f: core.log2, r: { lo: 0.3, hi: 3 }, smooth: true },
  log10: { f: core.log10, r: { lo: 0.3, hi: 3 }, smooth: true },
  exp2: { f: core.exp2, r: { lo: -2, hi: 2 }, smooth: true },
  erf: { f: core.erf, r: { lo: -2.5, hi: 2.5 }, smooth: true },
  erfc: { f: core.erfc, r: { lo: -2.5, hi: 2.5 }, smooth: true },
  // activations (kinks kept away from)
  leakyRelu: { f: (x) => core.leakyRelu(x, 0.1), r: { awayFromZero: 0.05 }, smooth: true },
  elu: { f: (x) => core.elu(x, 0.7), r: { lo: -3, hi: 3, awayFromZero: 0.05 }, smooth: true },
  selu: { f: core.selu, r: { lo: -3, hi: 3, awayFromZero: 0.05 }, smooth: true },
  celu: { f: (x) => core.celu(x, 1.5), r: { lo: -3, hi: 3, awayFromZero: 0.05 }, smooth: true },
  softplus: { f: core.softplus, r: { lo: -4, hi: 4 }, smooth: true },
  'softplus(beta 2, threshold 3)': { f: (x) => core.softplus(x, 2, 3), r: { lo: -3, hi: 3 }, smooth: true, steps: { points: [1.5] } },
  logSigmoid: { f: core.logSigmoid, r: { lo: -6, hi: 6 }, smooth: true },
  relu6: { f: core.relu6, r: { lo: -2, hi: 8 }, smooth: true, steps: { points: [0, 6] } },
  hardtanh: { f: (x) => core.hardtanh(x, -0.5, 1), r: { lo: -2, hi: 2 }, smooth: true, steps: { points: [-0.5, 1] } },
  hardSigmoid: { f: core.hardSigmoid, r: { lo: -5, hi: 5 }, smooth: true, steps: { points: [-3, 3] } },
  hardSwish: { f: core.hardSwish, r: { lo: -5, hi: 5 }, smooth: true, steps: { points: [-3, 3] } },
  gelu: { f: (x) => core.gelu(x), r: { lo: -4, hi: 4 }, smooth: true },
  "gelu('tanh')": { f: (x) => core.gelu(x, 'tanh'), r: { lo: -4, hi: 4 }, smooth: true },
  silu: { f: core.silu, r: { lo: -5, hi: 5 }, smooth: true },
  mish: { f: core.mish, r: { lo: -5, hi: 5 }, smooth: true },
};

export const draw = (s: number[], seed: number, c: UnaryCase): Tensor => {
  const x = values(s, seed, c.r);
  return c.steps ? offSteps(x, c.steps) : x;
};

