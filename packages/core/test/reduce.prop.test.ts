import fc from 'fast-check';
import { describe, it } from 'vitest';
import { logsumexp, max, mean, min, sum, sumTo, Tensor } from '../src/index.js';
import { broadcastPairArb, expectGradOk, RUNS, seedArb, shapeArb, values } from './support.js';

/** A random subset of axes of `shape` (or undefined: all), and keepdims. */
const reductionArb = shapeArb(3).chain((s) =>
  fc.tuple(
    fc.constant(s),
    fc.option(fc.subarray(s.map((_, i) => i)), { nil: undefined }),
    fc.boolean(),
    seedArb,
  ),
);

type Reduce = (x: Tensor, axis: number[] | undefined, keepdims: boolean) => Tensor;
const reductions: Record<string, Reduce> = {
  sum: (x, a, k) => sum(x, a, k),
  mean: (x, a, k) => mean(x, a, k),
  // Values are distinct (drawn from a seed), so max/min have no ties.
  max: (x, a, k) => max(x, a, k),
  min: (x, a, k) => min(x, a, k),
  logsumexp: (x, a, k) => logsumexp(x, a, k),
};

describe('reductions: tape gradient = central difference over random axes and keepdims', () => {
  for (const [name, f] of Object.entries(reductions)) {
    it(name, () => {
      fc.assert(
        fc.property(reductionArb, ([s, axes, keepdims, seed]) => {
          expectGradOk((x) => f(x, axes, keepdims), [values(s, seed)]);
        }),
        RUNS,
      );
    });
  }
  it('max and min split the gradient evenly at ties', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 5 }), (n) => {
        const x = new Tensor(new Float64Array(n).fill(1.5), [n]).requiresGrad_();
        x.max().backward();
        return Array.from(x.grad!.data).every((v) => v === 1 / n);
      }),
      RUNS,
    );
  });
  it('sumTo (the gradient of broadcasting)', () => {
    fc.assert(
      fc.property(broadcastPairArb(), seedArb, ([a, b], seed) => {
        const big = a.length >= b.length ? a : b;
        const small = a.length >= b.length ? b : a;
        const target = small.map((d, i) => (d === big[big.length - small.length + i] ? d : 1));
        expectGradOk((x) => sumTo(x, target), [values(big, seed)]);
      }),
      RUNS,
    );
  });
});
