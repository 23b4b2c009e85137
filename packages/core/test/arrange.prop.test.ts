import fc from 'fast-check';
import { describe, it } from 'vitest';
import {
  concat, diag, flip, moveaxis, outer, pad, repeat, roll, split, stack, swapaxes, tile, trace, tril, triu, unstack, type Tensor,
} from '../src/index.js';
import { secondOrder } from './index.support.js';
import { expectGradOk, RUNS, seedArb, shapeArb, values } from './support.js';

const withAxis = shapeArb(3, 4).filter((s) => s.length > 0).chain((s) => fc.tuple(fc.constant(s), fc.nat(s.length - 1)));

/** A list of outputs as one tensor: each part weighted differently, flattened and joined. */
const joined = (parts: Tensor[]) => concat(parts.map((p, i) => p.mul(i + 1).reshape([-1])).concat([values([1], 1)]), 0);

describe('rearranging ops: tape gradient = central difference', () => {
  it('tile (reps shorter and longer than the axes)', () => {
    fc.assert(
      fc.property(shapeArb(), seedArb, fc.array(fc.integer({ min: 1, max: 3 }), { maxLength: 4 }), (s, seed, reps) => {
        expectGradOk((x) => tile(x, reps), [values(s, seed)]);
      }),
      RUNS,
    );
  });
  it('repeat (one count or one per position; flat or along an axis)', () => {
    fc.assert(
      fc.property(withAxis, seedArb, fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 4, maxLength: 4 }), ([s, ax], seed, r) => {
        expectGradOk((x) => repeat(x, r.slice(0, s[ax]), ax), [values(s, seed)]);
        expectGradOk((x) => repeat(x, r[0]! + 1), [values(s, seed)]);
      }),
      RUNS,
    );
  });
  it('pad in each mode, widths beyond the size included (reflect wraps)', () => {
    fc.assert(
      fc.property(shapeArb(3, 3), seedArb, fc.constantFrom('constant', 'reflect', 'edge'), fc.nat(4), fc.nat(4), (s, seed, mode, b, a) => {
        expectGradOk((x) => pad(x, [b, a], { mode, value: 0.5 }), [values(s, seed)]);
      }),
      RUNS,
    );
  });
  it('split into sections and at points; unstack', () => {
    fc.assert(
      fc.property(withAxis, seedArb, fc.array(fc.integer({ min: -5, max: 5 }), { maxLength: 3 }), ([s, ax], seed, cuts) => {
        expectGradOk((x) => joined(split(x, cuts, ax)), [values(s, seed)]);
        expectGradOk((x) => joined(split(x, 1, ax)), [values(s, seed)]);
        expectGradOk((x) => joined(unstack(x, ax)), [values(s, seed)]);
      }),
      RUNS,
    );
  });
  it('flip, roll, swapaxes, moveaxis', () => {
    fc.assert(
      fc.property(withAxis, seedArb, fc.integer({ min: -5, max: 5 }), fc.nat(3), ([s, ax], seed, shift, other) => {
        const b = other % s.length;
        expectGradOk((x) => flip(x, ax), [values(s, seed)]);
        expectGradOk((x) => flip(x), [values(s, seed)]);
        expectGradOk((x) => roll(x, shift, ax), [values(s, seed)]);
        expectGradOk((x) => roll(x, shift), [values(s, seed)]);
        expectGradOk((x) => swapaxes(x, ax, b), [values(s, seed)]);
        expectGradOk((x) => moveaxis(x, ax, -1 - b), [values(s, seed)]);
      }),
      RUNS,
    );
  });
  it('tril and triu (1-d to 3-d, any k), diag both ways, trace', () => {
    fc.assert(
      fc.property(shapeArb(3, 4).filter((s) => s.length > 0), seedArb, fc.integer({ min: -3, max: 3 }), (s, seed, k) => {
        expectGradOk((x) => tril(x, k), [values(s, seed)]);
        expectGradOk((x) => triu(x, k), [values(s, seed)]);
        if (s.length <= 2) expectGradOk((x) => diag(x, k), [values(s, seed)]);
        if (s.length === 2) expectGradOk((x) => trace(x, k), [values(s, seed)]);
        if (s.length === 1) expectGradOk(secondOrder((x) => diag(x, k)), [values(s, seed)]);
      }),
      RUNS,
    );
  });
  it('outer, and concat / stack as methods', () => {
    fc.assert(
      fc.property(shapeArb(2, 3), shapeArb(2, 3), seedArb, (s1, s2, seed) => {
        expectGradOk((x, y) => outer(x, y), [values(s1, seed), values(s2, seed + 1)]);
        expectGradOk((x, y) => x.stack([y, x]), [values(s1, seed), values(s1, seed + 1)]);
        if (s1.length > 0) expectGradOk((x, y) => x.concat(y, 0), [values(s1, seed), values(s1, seed + 1)]);
      }),
      RUNS,
    );
  });
});
