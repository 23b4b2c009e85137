/**
 * Shared test pieces: seeded values (so kinks and ties are avoided by construction),
 * the gradient check against the central difference, and elementwise comparison with
 * numpy's numbers.
 */
import fc from 'fast-check';
import { expect } from 'vitest';
import { Generator, numericalGradient, tensor, type NestedArray, type Tensor } from '@tapegrad/core';

export const seedArb = fc.integer({ min: 0, max: 0x7fffffff });
/** A batch size and a feature / class count, small enough for per-element central differences. */
export const dimArb = fc.integer({ min: 1, max: 4 });

export interface ValueRange {
  lo?: number;
  hi?: number;
  /** Keep |v| at least this far from 0 (the kinks of relu and step). */
  awayFromZero?: number;
}

/** Uniform values on [lo, hi) from a seeded generator, pushed away from 0 when asked. */
export function values(shape: number[], seed: number, { lo = -2, hi = 2, awayFromZero = 0 }: ValueRange = {}): Tensor {
  const t = new Generator(seed).uniform(lo, hi, shape);
  if (awayFromZero > 0) {
    for (let i = 0; i < t.size; i++) {
      const v = t.data[i]!;
      if (Math.abs(v) < awayFromZero) t.data[i] = v < 0 ? v - awayFromZero : v + awayFromZero;
    }
  }
  return t;
}

/** Tolerances for float64 central differences with eps 1e-6: truncation ~1e-12, rounding ~1e-10. */
export const TOL = { eps: 1e-6, atol: 1e-6, rtol: 1e-5 };

export const RUNS = { numRuns: 40 };

/**
 * The `.grad` that `backward` leaves on each leaf (parameters, inputs) equals the central
 * difference of `loss`, nudging that leaf in place — so it works for parameters that live
 * inside modules as well as for function inputs.
 */
export function expectLeafGradsOk(loss: () => Tensor, leaves: Tensor[]): void {
  for (const t of leaves) t.grad = null;
  loss().backward();
  leaves.forEach((t, k) => {
    const numeric = numericalGradient(loss, t, TOL.eps);
    const analytic: Tensor | null = t.grad;
    if (analytic === null) {
      expect.fail(`leaf ${k} of shape [${t.shape.join(',')}] got no gradient`);
      return;
    }
    for (let i = 0; i < t.size; i++) {
      const a: number = analytic.data[i]!;
      const n: number = numeric.data[i]!;
      if (!(Math.abs(a - n) <= TOL.atol + TOL.rtol * Math.abs(n))) {
        expect.fail(`leaf ${k} of shape [${t.shape.join(',')}], element ${i}: tape ${a} vs central difference ${n}`);
      }
    }
  });
}

/** Σ out · v with a fixed seeded v: one scalar that exercises the gradient of every output element. */
export function weightedSum(out: Tensor, seed = 7): Tensor {
  return out.mul(values(out.shape.slice(), seed, { lo: 0.5, hi: 1.5 })).sum();
}

/** For a function of tensors: its tape gradient with respect to copies of `inputs` = the central difference. */
export function expectGradOk(f: (...xs: Tensor[]) => Tensor, inputs: Tensor[]): void {
  const xs = inputs.map((x) => tensor(x).requiresGrad_());
  expectLeafGradsOk(() => weightedSum(f(...xs)), xs);
}

/** Asserts the shape, and every element within `tol` of `expected` (numpy's numbers), relative above 1. */
export function expectClose(actual: Tensor, expected: NestedArray | Tensor, tol = 1e-15): void {
  const want = tensor(expected as NestedArray);
  expect(actual.shape).toEqual(want.shape);
  for (let i = 0; i < want.size; i++) {
    const a = actual.data[i]!;
    const w = want.data[i]!;
    if (!(Math.abs(a - w) <= tol * Math.max(1, Math.abs(w)))) expect.fail(`element ${i}: ${a} differs from ${w} by ${Math.abs(a - w)} (tolerance ${tol})`);
  }
}
