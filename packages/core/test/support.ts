/**
 * Shared pieces of the property tests: random shapes (0-d, size-1 axes, broadcast
 * pairs), values drawn from a seed (so ties and kinks are avoided by construction),
 * and the check that the tape's gradient equals the central difference.
 */
import fc from 'fast-check';
import { expect } from 'vitest';
import { gradcheck, Tensor } from '../src/index.js';

export type Shape = number[];

/** 0 to `maxDims` axes of size 1..`maxSize` (size-1 axes are common). */
export const shapeArb = (maxDims = 3, maxSize = 4): fc.Arbitrary<Shape> =>
  fc.array(fc.integer({ min: 1, max: maxSize }), { minLength: 0, maxLength: maxDims });

/** Two shapes that broadcast together: each drops some leading axes of a common shape and sets some axes to 1. */
export const broadcastPairArb = (maxDims = 3): fc.Arbitrary<[Shape, Shape]> =>
  shapeArb(maxDims).chain((out) =>
    fc.tuple(operandOf(out), operandOf(out)),
  );

function operandOf(out: Shape): fc.Arbitrary<Shape> {
  return fc
    .tuple(fc.integer({ min: 0, max: out.length }), fc.array(fc.boolean(), { minLength: out.length, maxLength: out.length }))
    .map(([drop, ones]) => out.slice(drop).map((d, i) => (ones[i + drop] ? 1 : d)));
}

export const seedArb = fc.integer({ min: 1, max: 0x7fffffff });

export interface ValueRange {
  lo?: number;
  hi?: number;
  /** Keep |v| at least this far from 0 (kinks of relu, abs, step). */
  awayFromZero?: number;
}

/** Deterministic values from `seed`: uniform in [lo, hi), distinct with probability 1, optionally away from 0. */
export function values(shape: Shape, seed: number, { lo = -2, hi = 2, awayFromZero = 0 }: ValueRange = {}): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const data = new Float64Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    const u = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    let v = lo + (hi - lo) * u;
    if (awayFromZero > 0 && Math.abs(v) < awayFromZero) v = v < 0 ? v - awayFromZero : v + awayFromZero;
    data[i] = v;
  }
  return new Tensor(data, shape);
}

/** Tolerances for float64 central differences with eps 1e-6: truncation ~1e-12, rounding ~1e-10. */
export const TOL = { eps: 1e-6, atol: 1e-6, rtol: 1e-5 };

/** Asserts that the tape's gradient of f equals the central difference for every input element. */
export function expectGradOk(f: (...xs: Tensor[]) => Tensor, inputs: Tensor[]): void {
  const report = gradcheck(f, inputs, TOL);
  if (!report.passed) {
    const shapes = inputs.map((x) => `[${x.shape.join(',')}]`).join(' ');
    expect.fail(`${report.toString()} (input shapes ${shapes})`);
  }
}

export const RUNS = { numRuns: 40 };
