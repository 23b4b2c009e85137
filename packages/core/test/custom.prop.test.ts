import fc from 'fast-check';
import { describe, it } from 'vitest';
import { customGrad, sumTo, type Tensor } from '../src/index.js';
import { secondOrder } from './index.support.js';
import { broadcastPairArb, expectGradOk, RUNS, seedArb, values } from './support.js';

// tanh and a broadcasting product with their rules written by hand: the tape runs the user's rules.
const myTanh = customGrad((x: Tensor) => ({ value: x.tanh(), grad: (dy) => dy.mul(x.tanh().square().neg().add(1)) }), { name: 'myTanh' });
const myMul = customGrad((x: Tensor, y: Tensor) => ({
  value: x.mul(y),
  grad: (dy) => [sumTo(dy.mul(y), x.shape), sumTo(dy.mul(x), y.shape)],
}), { name: 'myMul' });

describe('customGrad: tape gradient = central difference through user rules', () => {
  it('a unary rule, first and second order', () => {
    fc.assert(
      fc.property(broadcastPairArb(), seedArb, ([s], seed) => {
        expectGradOk((x) => myTanh(x), [values(s, seed)]);
        expectGradOk(secondOrder((x) => myTanh(x)), [values(s, seed)]);
      }),
      RUNS,
    );
  });
  it('a binary rule over broadcast operands', () => {
    fc.assert(
      fc.property(broadcastPairArb(), seedArb, ([a, b], seed) => {
        expectGradOk((x, y) => myMul(x, y), [values(a, seed), values(b, seed + 1)]);
      }),
      RUNS,
    );
  });
});
