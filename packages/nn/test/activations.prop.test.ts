import fc from 'fast-check';
import { describe, it } from 'vitest';
import type { Tensor } from '@tapegrad/core';
import { Identity, LogSoftmax, ReLU, Sigmoid, Softmax, Step, Tanh, type Layer } from '../src/index.js';
import { RUNS, dimArb, expectGradOk, seedArb, values, type ValueRange } from './support.js';

const shapeArb = fc.array(dimArb, { minLength: 1, maxLength: 3 });

describe('activation modules: tape gradient = central difference', () => {
  const elementwise: [string, () => Layer, ValueRange][] = [
    ['ReLU', () => new ReLU(), { awayFromZero: 0.05 }],
    ['Sigmoid', () => new Sigmoid(), { lo: -6, hi: 6 }],
    ['Tanh', () => new Tanh(), { lo: -3, hi: 3 }],
    ['Step', () => new Step(), { awayFromZero: 0.05 }],
    ['Identity', () => new Identity(), {}],
  ];
  for (const [name, make, range] of elementwise) {
    it(name, () => {
      fc.assert(fc.property(shapeArb, seedArb, (shape, seed) => expectGradOk((x: Tensor) => make().forward(x), [values(shape, seed, range)])), RUNS);
    });
  }
  for (const [name, make] of [['Softmax', (axis: number) => new Softmax(axis)], ['LogSoftmax', (axis: number) => new LogSoftmax(axis)]] as const) {
    it(`${name} along any axis`, () => {
      fc.assert(
        fc.property(shapeArb, seedArb, fc.nat(), (shape, seed, axisSeed) => {
          const axis = (axisSeed % (2 * shape.length)) - shape.length; // negative axes too
          expectGradOk((x: Tensor) => make(axis).forward(x), [values(shape, seed, { lo: -4, hi: 4 })]);
        }),
        RUNS,
      );
    });
  }
});
