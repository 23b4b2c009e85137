import fc from 'fast-check';
import { describe, it } from 'vitest';
import {
  astype, broadcastTo, clone, concat, mT, reshape, slice, squeeze, stack, takeAlongAxis, tensor, transpose, unsqueeze,
} from '../src/index.js';
import { broadcastPairArb, expectGradOk, RUNS, seedArb, shapeArb, values } from './support.js';

/** A permutation of 0..n-1 drawn by fast-check. */
const permArb = (n: number) => fc.shuffledSubarray(Array.from({ length: n }, (_, i) => i), { minLength: n, maxLength: n });

describe('shape ops: tape gradient = central difference', () => {
  it('reshape (to a random factorisation, with −1)', () => {
    fc.assert(
      fc.property(shapeArb(), seedArb, fc.boolean(), (s, seed, useMinus) => {
        const n = s.reduce((a, b) => a * b, 1);
        const target = useMinus ? [-1] : [1, n];
        expectGradOk((x) => reshape(x, target).mul(values([n], seed + 3).reshape(target)), [values(s, seed)]);
      }),
      RUNS,
    );
  });
  it('transpose (random permutations, and .T) and mT', () => {
    fc.assert(
      fc.property(shapeArb(4).chain((s) => fc.tuple(fc.constant(s), permArb(s.length), seedArb)), ([s, perm, seed]) => {
        expectGradOk((x) => transpose(x, perm), [values(s, seed)]);
        expectGradOk((x) => x.T, [values(s, seed)]);
        if (s.length >= 2) expectGradOk((x) => mT(x), [values(s, seed)]);
      }),
      RUNS,
    );
  });
  it('squeeze and unsqueeze', () => {
    fc.assert(
      fc.property(shapeArb(), seedArb, fc.nat(), (s, seed, k) => {
        expectGradOk((x) => squeeze(x), [values(s, seed)]);
        expectGradOk((x) => unsqueeze(x, k % (s.length + 1)), [values(s, seed)]);
      }),
      RUNS,
    );
  });
  it('broadcastTo', () => {
    fc.assert(
      fc.property(broadcastPairArb(), seedArb, ([a, b], seed) => {
        const out = Array.from({ length: Math.max(a.length, b.length) }, (_, i) => {
          const da = a[a.length - Math.max(a.length, b.length) + i] ?? 1;
          const db = b[b.length - Math.max(a.length, b.length) + i] ?? 1;
          return Math.max(da, db);
        });
        expectGradOk((x) => broadcastTo(x, out), [values(a, seed)]);
      }),
      RUNS,
    );
  });
  it('concat and stack along a random axis', () => {
    fc.assert(
      fc.property(shapeArb(3, 3).filter((s) => s.length > 0), seedArb, fc.nat(), fc.integer({ min: 1, max: 3 }), (s, seed, k, extra) => {
        const ax = k % s.length;
        const other = s.slice();
        other[ax] = extra;
        expectGradOk((x, y) => concat([x, y, x], ax), [values(s, seed), values(other, seed + 1)]);
        expectGradOk((x, y) => stack([x, y], k % (s.length + 1)), [values(s, seed), values(s, seed + 2)]);
      }),
      RUNS,
    );
  });
  it('slice with negative indices and steps', () => {
    fc.assert(
      fc.property(
        shapeArb(3, 5).filter((s) => s.length > 0), seedArb, fc.nat(),
        fc.integer({ min: -6, max: 6 }), fc.integer({ min: -6, max: 6 }), fc.constantFrom(1, 2, -1, -2),
        (s, seed, k, start, end, step) => {
          expectGradOk((x) => slice(x, k % s.length, start, end, step), [values(s, seed)]);
        },
      ),
      RUNS,
    );
  });
  it('takeAlongAxis with repeated indices (gradients add up)', () => {
    fc.assert(
      fc.property(shapeArb(3, 4).filter((s) => s.length > 0), seedArb, fc.nat(), fc.integer({ min: 1, max: 4 }), (s, seed, k, m) => {
        const ax = k % s.length;
        const ishape = s.slice();
        ishape[ax] = m;
        const n = s[ax]!;
        const idx = values(ishape, seed + 9, { lo: 0, hi: n }).data.map(Math.floor);
        const indices = tensor(idx, { shape: ishape, dtype: 'int32' });
        expectGradOk((x) => takeAlongAxis(x, indices, ax), [values(s, seed)]);
      }),
      RUNS,
    );
  });
  it('clone and astype', () => {
    fc.assert(
      fc.property(shapeArb(), seedArb, (s, seed) => {
        expectGradOk((x) => clone(x).mul(x), [values(s, seed)]);
        expectGradOk((x) => astype(x, 'float64').mul(2), [values(s, seed)]);
      }),
      RUNS,
    );
  });
});
