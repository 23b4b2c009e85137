import fc from 'fast-check';
import { describe, it } from 'vitest';
import { booleanMask, indexAdd, maskedFill, putAlongAxis, take } from '../src/index.js';
import { indices, secondOrder } from './index.support.js';
import { expectGradOk, RUNS, seedArb, shapeArb, values } from './support.js';

const withAxis = shapeArb(3, 4).filter((s) => s.length > 0).chain((s) => fc.tuple(fc.constant(s), fc.nat(s.length - 1)));

describe('indexing ops: tape gradient = central difference', () => {
  it('take along a random axis (indices of 0–2 axes, repeats add up) and flat; second order', () => {
    fc.assert(
      fc.property(withAxis, seedArb, fc.constantFrom<number[]>([], [3], [2, 2]), ([s, ax], seed, ishape) => {
        const ind = indices(ishape, s[ax]!, seed + 1);
        expectGradOk((x) => take(x, ind, ax), [values(s, seed)]);
        const size = s.reduce((a, b) => a * b, 1);
        expectGradOk((x) => x.take(indices(ishape, size, seed + 2)), [values(s, seed)]);
        expectGradOk(secondOrder((x) => take(x, ind, ax)), [values(s, seed)]);
      }),
      RUNS,
    );
  });
  it('take of a 0-d tensor with no axis', () => {
    fc.assert(fc.property(seedArb, (seed) => expectGradOk((x) => take(x, [0, -1, 0]), [values([], seed)])), { numRuns: 5 });
  });
  it('indexAdd: gradients for x and source; second order', () => {
    fc.assert(
      fc.property(withAxis, seedArb, fc.integer({ min: 0, max: 4 }), ([s, ax], seed, m) => {
        const ind = indices([m], s[ax]!, seed + 1);
        const src = s.slice();
        src[ax] = m;
        expectGradOk((x, y) => indexAdd(x, ax, ind, y), [values(s, seed), values(src, seed + 2)]);
        expectGradOk(secondOrder((y) => indexAdd(values(s, seed), ax, ind, y)), [values(src, seed + 2)]);
      }),
      RUNS,
    );
  });
  it('putAlongAxis: x gets the gradient where nothing was written; values (broadcast) where their write stayed', () => {
    fc.assert(
      fc.property(withAxis, seedArb, fc.integer({ min: 1, max: 4 }), fc.boolean(), ([s, ax], seed, m, scalar) => {
        const ishape = s.slice();
        ishape[ax] = m;
        const ind = indices(ishape, s[ax]!, seed + 1);
        const vshape = scalar ? [] : ishape;
        expectGradOk((x, v) => putAlongAxis(x, ind, v, ax), [values(s, seed), values(vshape, seed + 2)]);
      }),
      RUNS,
    );
  });
  it('maskedFill with a broadcast mask', () => {
    fc.assert(
      fc.property(shapeArb(), seedArb, fc.nat(3), (s, seed, drop) => {
        const ms = s.slice(Math.min(drop, s.length));
        const mask = values(ms, seed + 1).gt(0);
        expectGradOk((x) => maskedFill(x, mask, 3), [values(s, seed)]);
      }),
      RUNS,
    );
  });
  it('booleanMask over the leading axes', () => {
    fc.assert(
      fc.property(shapeArb(), seedArb, fc.nat(3), (s, seed, k) => {
        const mask = values(s.slice(0, Math.min(k, s.length)), seed + 1).gt(0);
        expectGradOk((x) => booleanMask(x, mask).square(), [values(s, seed)]);
      }),
      RUNS,
    );
  });
});
