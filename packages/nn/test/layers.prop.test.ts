import fc from 'fast-check';
import { describe, it } from 'vitest';
import { Linear, Sequential, Sigmoid, Tanh } from '../src/index.js';
import { RUNS, dimArb, expectLeafGradsOk, seedArb, values, weightedSum } from './support.js';

describe('layers: tape gradient = central difference, for inputs and parameters', () => {
  it('Linear, batched or 1-d input, with or without bias', () => {
    fc.assert(
      fc.property(dimArb, dimArb, fc.integer({ min: 0, max: 4 }), fc.boolean(), seedArb, (inF, outF, batch, bias, seed) => {
        const layer = new Linear(inF, outF, { bias: bias ? values([outF], seed + 1) : false, weight: values([inF, outF], seed + 2) });
        // batch 0 stands for a single 1-d sample, the course's np.dot(x, W) + b with x of shape (in,)
        const x = values(batch === 0 ? [inF] : [batch, inF], seed).requiresGrad_();
        expectLeafGradsOk(() => weightedSum(layer.forward(x)), [x, ...layer.parameters()]);
      }),
      RUNS,
    );
  });

  it('Sequential of Linear, Tanh, Linear, Sigmoid: every parameter of every layer', () => {
    fc.assert(
      fc.property(dimArb, dimArb, dimArb, dimArb, seedArb, (inF, hidden, outF, batch, seed) => {
        const net = new Sequential(
          new Linear(inF, hidden, { weight: values([inF, hidden], seed + 1), bias: values([hidden], seed + 2) }),
          new Tanh(),
          new Linear(hidden, outF, { weight: values([hidden, outF], seed + 3), bias: values([outF], seed + 4) }),
          new Sigmoid(),
        );
        const x = values([batch, inF], seed).requiresGrad_();
        expectLeafGradsOk(() => weightedSum(net.forward(x)), [x, ...net.parameters()]);
      }),
      { numRuns: 30 },
    );
  });
});
