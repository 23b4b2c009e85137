import fc from 'fast-check';
import { describe, it } from 'vitest';
import { logSoftmax, relu, sigmoid, softmax, step, tanh } from '../src/index.js';
import { expectGradOk, RUNS, seedArb, shapeArb, values } from './support.js';

describe('activations: tape gradient = central difference', () => {
  const elementwise = {
    sigmoid: { f: sigmoid, r: { lo: -6, hi: 6 } },
    tanh: { f: tanh, r: { lo: -3, hi: 3 } },
    relu: { f: relu, r: { awayFromZero: 0.05 } },
    step: { f: step, r: { awayFromZero: 0.05 } },
  } as const;
  for (const [name, { f, r }] of Object.entries(elementwise)) {
    it(name, () => {
      fc.assert(fc.property(shapeArb(), seedArb, (s, seed) => expectGradOk((a) => f(a), [values(s, seed, r)])), RUNS);
    });
  }
  for (const [name, f] of Object.entries({ softmax, logSoftmax })) {
    it(`${name} along every axis, negative axes included`, () => {
      fc.assert(
        fc.property(shapeArb(3), seedArb, fc.integer({ min: -3, max: 2 }), (s, seed, axis) => {
          const ax = s.length === 0 ? -1 : ((axis % s.length) + s.length) % s.length;
          expectGradOk((a) => f(a, ax), [values(s, seed, { lo: -4, hi: 4 })]);
        }),
        RUNS,
      );
    });
  }
});
