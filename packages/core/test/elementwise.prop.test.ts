import fc from 'fast-check';
import { describe, it } from 'vitest';
import { abs, add, clamp, div, exp, log, maximum, minimum, mul, neg, pow, sqrt, square, sub, where } from '../src/index.js';
import { broadcastPairArb, expectGradOk, RUNS, seedArb, shapeArb, values } from './support.js';

// Every binary op over random broadcast pairs (0-d and size-1 axes included).
const binaries = {
  add: { f: add, x: {}, y: {} },
  sub: { f: sub, x: {}, y: {} },
  mul: { f: mul, x: {}, y: {} },
  div: { f: div, x: {}, y: { lo: 0.5, hi: 2 } },
  pow: { f: pow, x: { lo: 0.5, hi: 2 }, y: { lo: -2, hi: 2 } },
  maximum: { f: maximum, x: {}, y: {} },
  minimum: { f: minimum, x: {}, y: {} },
} as const;

describe('binary ops: tape gradient = central difference over broadcast pairs', () => {
  for (const [name, { f, x, y }] of Object.entries(binaries)) {
    it(name, () => {
      fc.assert(
        fc.property(broadcastPairArb(), seedArb, ([sx, sy], seed) => {
          expectGradOk((a, b) => f(a, b), [values(sx, seed, x), values(sy, seed + 1, y)]);
        }),
        RUNS,
      );
    });
  }
  it('pow with a number exponent, and a number base', () => {
    fc.assert(
      fc.property(shapeArb(), seedArb, fc.constantFrom(2, 3, 0.5, -1.5), (s, seed, e) => {
        expectGradOk((a) => pow(a, e), [values(s, seed, { lo: 0.3, hi: 2 })]);
        expectGradOk((a) => pow(e > 0 ? e : 2, a), [values(s, seed)]);
      }),
      RUNS,
    );
  });
  it('operations with plain numbers on either side', () => {
    fc.assert(
      fc.property(shapeArb(), seedArb, (s, seed) => {
        expectGradOk((a) => sub(3, a).mul(2).div(4).add(1), [values(s, seed)]);
        expectGradOk((a) => div(1.5, a), [values(s, seed, { lo: 0.5, hi: 2 })]);
      }),
      RUNS,
    );
  });
});

const unaries = {
  neg: { f: neg, r: {} },
  exp: { f: exp, r: {} },
  log: { f: log, r: { lo: 0.2, hi: 3 } },
  sqrt: { f: sqrt, r: { lo: 0.2, hi: 3 } },
  square: { f: square, r: {} },
  abs: { f: abs, r: { awayFromZero: 0.05 } },
} as const;

describe('unary ops: tape gradient = central difference', () => {
  for (const [name, { f, r }] of Object.entries(unaries)) {
    it(name, () => {
      fc.assert(fc.property(shapeArb(), seedArb, (s, seed) => expectGradOk((a) => f(a), [values(s, seed, r)])), RUNS);
    });
  }
  it('clamp (samples kept off the bounds)', () => {
    fc.assert(
      fc.property(shapeArb(), seedArb, (s, seed) => {
        // Values in ±(0.05..2.05) never land within 1e-6 of the bounds ±1 with meaningful probability; shift them off anyway.
        const x = values(s, seed, { awayFromZero: 0.05 });
        for (let i = 0; i < x.size; i++) if (Math.abs(Math.abs(x.data[i]!) - 1) < 0.01) x.data[i] = x.data[i]! * 1.1;
        expectGradOk((a) => clamp(a, -1, 1), [x]);
        expectGradOk((a) => clamp(a, null, 0.5).add(clamp(a, 0.7)), [x.add(0.003)]);
      }),
      RUNS,
    );
  });
  it('where: gradient flows to the picked side only, over a three-way broadcast', () => {
    fc.assert(
      fc.property(broadcastPairArb(), seedArb, ([sx, sy], seed) => {
        const cond = values(sy, seed + 7).gt(0);
        expectGradOk((a, b) => where(cond, a, b), [values(sx, seed), values(sy, seed + 1)]);
      }),
      RUNS,
    );
  });
});
