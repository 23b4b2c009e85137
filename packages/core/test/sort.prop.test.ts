import fc from 'fast-check';
import { describe, it } from 'vitest';
import { sort, topk } from '../src/index.js';
import { secondOrder } from './index.support.js';
import { expectGradOk, RUNS, seedArb, shapeArb, values } from './support.js';

const withAxis = shapeArb(3, 4).filter((s) => s.length > 0).chain((s) => fc.tuple(fc.constant(s), fc.nat(s.length - 1)));

// values() draws distinct numbers, so there are no ties: sort and topk are smooth there.
describe('sorting: tape gradient = central difference (no ties)', () => {
  it('sort, both directions, any axis; second order', () => {
    fc.assert(
      fc.property(withAxis, seedArb, fc.boolean(), ([s, ax], seed, descending) => {
        expectGradOk((x) => sort(x, ax, { descending }), [values(s, seed)]);
        expectGradOk(secondOrder((x) => sort(x, ax, { descending })), [values(s, seed)]);
      }),
      RUNS,
    );
  });
  it('topk: largest and smallest, sorted or in position order', () => {
    fc.assert(
      fc.property(withAxis, seedArb, fc.nat(4), fc.boolean(), fc.boolean(), ([s, ax], seed, k, largest, sorted) => {
        const kk = k % (s[ax]! + 1);
        expectGradOk((x) => topk(x, kk, ax, { largest, sorted }).values, [values(s, seed)]);
      }),
      RUNS,
    );
  });
});
