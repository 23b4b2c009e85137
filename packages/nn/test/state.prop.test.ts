import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tensor } from '@tapegrad/core';
import { Linear, type StateDict } from '../src/index.js';
import { RUNS } from './support.js';

describe('stateDict → JSON → loadStateDict is exact', () => {
  for (const dtype of ['float64', 'float32'] as const) {
    it(`for any ${dtype} values, NaN, ±Infinity, −0 and subnormals included`, () => {
      const number = dtype === 'float64' ? fc.double() : fc.float();
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 }), fc.array(number, { minLength: 20, maxLength: 20 }), (inF, outF, pool) => {
          const weight = tensor(pool.slice(0, inF * outF), { dtype }).reshape([inF, outF]);
          const bias = tensor(pool.slice(inF * outF, inF * outF + outF), { dtype });
          const model = new Linear(inF, outF, { weight, bias, dtype });
          const copy = new Linear(inF, outF, { weight: tensor(0, { dtype }).broadcastTo([inF, outF]), dtype });
          copy.loadStateDict(JSON.parse(JSON.stringify(model.stateDict())) as StateDict);
          // toEqual compares elements with Object.is: NaN equals NaN, −0 differs from 0.
          expect(Array.from(copy.weight.data)).toEqual(Array.from(model.weight.data));
          expect(Array.from(copy.bias!.data)).toEqual(Array.from(model.bias!.data));
        }),
        RUNS,
      );
    });
  }
});
