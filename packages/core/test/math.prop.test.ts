/**
 * Gradients of the elementwise math and PyTorch's activations: the tape's gradient equals the
 * central difference over random shapes (broadcast pairs for binary ops), and the second
 * derivatives of the smooth ones too (statistics and scans: statistics.prop.test.ts). Samples are kept off kinks and steps, not tolerances widened.
 */
import fc from 'fast-check';
import { describe, it } from 'vitest';
import * as core from '../src/index.js';
import { grad, Tensor } from '../src/index.js';
import { broadcastPairArb, expectGradOk, RUNS, seedArb, shapeArb, values, type ValueRange } from './support.js';

/** Moves values within 0.02 of a multiple of `period` (or of one of `points`) 0.05 further up. */
function offSteps(t: Tensor, { period, points = [] }: { period?: number; points?: number[] }): Tensor {
  const d = t.data.slice();
  for (let i = 0; i < d.length; i++) {
    const v = d[i]!;
    const nearPeriod = period !== undefined && Math.abs(v / period - Math.round(v / period)) * period < 0.02;
    if (nearPeriod || points.some((p) => Math.abs(v - p) < 0.02)) d[i] = v + 0.05;
  }
  return new Tensor(d, t.shape.slice());
}

type Unary = (x: Tensor) => Tensor;
interface UnaryCase { f: Unary; r: ValueRange; smooth: boolean; steps?: { period?: number; points?: number[] } }

const unaries: Record<string, UnaryCase> = {
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

const draw = (s: number[], seed: number, c: UnaryCase): Tensor => {
  const x = values(s, seed, c.r);
  return c.steps ? offSteps(x, c.steps) : x;
};

describe('elementwise math and activations: tape gradient = central difference', () => {
  for (const [name, c] of Object.entries(unaries)) {
    it(name, () => {
      fc.assert(fc.property(shapeArb(), seedArb, (s, seed) => expectGradOk((a) => c.f(a), [draw(s, seed, c)])), RUNS);
    });
  }
});

describe('second derivatives of the smooth ones (piecewise-linear activations: zero, also checked)', () => {
  for (const [name, c] of Object.entries(unaries)) {
    if (!c.smooth) continue;
    it(name, () => {
      fc.assert(
        fc.property(shapeArb(), seedArb, (s, seed) => {
          const dfdx = (x: Tensor) => grad((y: Tensor) => c.f(y).sum())(x);
          expectGradOk(dfdx, [draw(s, seed, c)]);
        }),
        RUNS,
      );
    });
  }
});

type Binary = (a: Tensor, b: Tensor) => Tensor;
interface BinaryCase { f: Binary; x: ValueRange; y: ValueRange; smooth: boolean; off?: (x: Tensor, y: Tensor) => [Tensor, Tensor] }

/** Moves x so that x / y is at least 0.02 from a whole number (the jumps of mod, fmod, floorDivide). */
function offQuotientSteps(x: Tensor, y: Tensor): [Tensor, Tensor] {
  const shape = x.add(y).shape;
  const xb = core.broadcastTo(x, shape).clone().detach();
  const yb = core.broadcastTo(y, shape);
  const d = xb.data;
  for (let i = 0; i < d.length; i++) {
    const q = d[i]! / yb.data[i]!;
    if (Math.abs(q - Math.round(q)) < 0.02) d[i] = d[i]! + 0.05 * Math.abs(yb.data[i]!);
  }
  return [new Tensor(d.slice(), shape.slice()), y];
}

const binaries: Record<string, BinaryCase> = {
  atan2: { f: core.atan2, x: { awayFromZero: 0.3 }, y: { awayFromZero: 0.3 }, smooth: true },
  mod: { f: core.mod, x: { lo: -5, hi: 5 }, y: { lo: -2, hi: 2, awayFromZero: 0.4 }, smooth: false, off: offQuotientSteps },
  fmod: { f: core.fmod, x: { lo: -5, hi: 5 }, y: { lo: -2, hi: 2, awayFromZero: 0.4 }, smooth: false, off: offQuotientSteps },
  floorDivide: { f: core.floorDivide, x: { lo: -5, hi: 5 }, y: { lo: -2, hi: 2, awayFromZero: 0.4 }, smooth: false, off: offQuotientSteps },
  squaredDifference: { f: core.squaredDifference, x: {}, y: {}, smooth: true },
  logaddexp: { f: core.logaddexp, x: { lo: -4, hi: 4 }, y: { lo: -4, hi: 4 }, smooth: true },
};

describe('binary math over broadcast pairs: tape gradient = central difference (second derivatives of the smooth ones)', () => {
  for (const [name, c] of Object.entries(binaries)) {
    it(name, () => {
      fc.assert(
        fc.property(broadcastPairArb(), seedArb, ([sx, sy], seed) => {
          let x = values(sx, seed, c.x);
          const y = values(sy, seed + 1, c.y);
          // mod and friends jump where x / y is whole: x takes the broadcast shape to be moved off those points
          if (c.off) [x] = c.off(x, y);
          expectGradOk((a, b) => c.f(a, b), [x, y]);
          if (c.smooth) {
            expectGradOk((a, b) => grad((u: Tensor, v: Tensor) => c.f(u, v).sum(), 0)(a, b), [x, y]);
            expectGradOk((a, b) => grad((u: Tensor, v: Tensor) => c.f(u, v).sum(), 1)(a, b), [x, y]);
          }
        }),
        RUNS,
      );
    });
  }
  it('with plain numbers on either side', () => {
    fc.assert(
      fc.property(shapeArb(), seedArb, (s, seed) => {
        expectGradOk((a) => core.atan2(a, 1.5).add(core.logaddexp(0.5, a)).add(core.squaredDifference(a, 2)), [values(s, seed)]);
      }),
      RUNS,
    );
  });
});

describe('prelu: gradient for x and for the weight (one per channel, or one for all)', () => {
  it('per channel along axis 1, and a single weight', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 2, maxLength: 4 }), seedArb, (s, seed) => {
        const x = values(s, seed, { awayFromZero: 0.05 });
        expectGradOk((a, w) => core.prelu(a, w), [x, values([s[1]!], seed + 1, { lo: 0, hi: 1 })]);
        expectGradOk((a, w) => core.prelu(a, w), [x, values([1], seed + 2, { lo: 0, hi: 1 })]);
        expectGradOk((a, w) => grad((u: Tensor, v: Tensor) => core.prelu(u, v).square().sum(), 1)(a, w), [x, values([1], seed + 2)]);
      }),
      RUNS,
    );
  });
});

