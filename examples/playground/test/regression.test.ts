import { describe, expect, it } from 'vitest';
import { main } from '../../1_3_stochastic_gradient_descent.js';
import { Regression, meanOf, type Activation } from '../src/regression.js';

describe('the live regression', () => {
  it.each<Activation>(['relu', 'sigmoid'])('with %s loses exactly what examples/1_3 loses, step by step', async (activation) => {
    const model = new Regression({ activation, learningRate: 0.07, seed: 0 });
    // In slices, as the page trains it between frames.
    for (const n of [1, 5, 94, 400, 500]) expect(model.train(n)).toBe(n);
    const example = await main({ activation, quiet: true, plot: false, print: () => {} });
    expect(model.losses).toEqual(example.losses);
    expect(model.predict(0.3, 0.6)).toBe(example.check);
  });

  it('stops at the step whose loss is no longer finite', () => {
    const model = new Regression({ activation: 'relu', learningRate: 3, seed: 0 });
    const ran = model.train(1000);
    expect(model.divergedAt).toBe(ran + 1);
    expect(model.losses).toHaveLength(ran);
    expect(ran).toBeLessThan(1000);
    expect(model.train(10)).toBe(0);
  });

  it('takes a new learning rate from the next step', () => {
    const model = new Regression({ activation: 'relu', learningRate: 0.07, seed: 0 });
    model.train(10);
    model.learningRate = 1e-300; // SGD takes only lr > 0; this one moves no weight of this size
    const before = model.predict(0.3, 0.6);
    model.train(10);
    expect(model.predict(0.3, 0.6)).toBe(before);
  });

  it('averages a window of the losses', () => {
    expect(meanOf([1, 2, 3], 1, 3)).toBe(2.5);
    expect(meanOf([1, 2, 3], -5)).toBe(2);
    expect(meanOf([], 0)).toBeNaN();
  });
});
