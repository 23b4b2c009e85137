import { describe, expect, it } from 'vitest';
import type { Tensor } from '@tapegrad/core';
import { Linear, ReLU, Sequential, course } from '@tapegrad/nn';
import { AdaGrad, Adam, Momentum, Nesterov, RMSProp, SGD, fit, type Optimizer } from '../src/index.js';
import { courseMse, regression, target } from './regression.js';

// Each optimizer trains the course's regression f(x) = 3·x0 + 2·x1 with a 2-10-1 ReLU network:
// seed 0; 1000 training samples x = rand(1000, 2), then W1, W2, b1, b2 = randn (the course's
// init order), then 200 evaluation samples; minibatches of 10, reshuffled each epoch; 1000 steps
// (10 epochs). Loss: the course's mean_squared_error = mean((d − y)²) / 2, which starts at
// 2.43 on the evaluation set here. Threshold: below 1e-3 (an RMS error under 0.045 on targets in [0, 5]).
const THRESHOLD = 1e-3;

const cases: [string, (ps: Tensor[]) => Optimizer][] = [
  ['SGD lr 0.07 (the course’s rate)', (ps) => new SGD(ps, { lr: 0.07 })],
  ['Momentum lr 0.01, momentum 0.9', (ps) => new Momentum(ps, { lr: 0.01 })],
  ['Nesterov lr 0.01, momentum 0.9', (ps) => new Nesterov(ps, { lr: 0.01 })],
  ['AdaGrad lr 0.1', (ps) => new AdaGrad(ps, { lr: 0.1 })],
  ['RMSProp lr 0.01, decayRate 0.99', (ps) => new RMSProp(ps, { lr: 0.01 })],
  ['Adam lr 0.01', (ps) => new Adam(ps, { lr: 0.01 })],
];

describe('each optimizer learns the course regression (seed 0, 1000 steps of 10)', () => {
  it.each(cases)('%s: evaluation loss < 1e-3', (_name, make) => {
    const r = regression(0, 1000);
    const xEval = r.generator.rand([200, 2]);
    const before = courseMse(r.model(xEval), target(xEval)).item();
    const history = fit({
      model: r.model, loss: courseMse, optimizer: make(r.params), x: r.x, d: r.d,
      batchSize: 10, iterations: 1000, generator: r.generator, evalData: [xEval, target(xEval)], progress: 'none',
    });
    const last = history.evals.at(-1)!;
    expect(before).toBeCloseTo(2.430836727508876, 12);
    expect(history.evals.map((e) => e.step)).toEqual([100, 200, 300, 400, 500, 600, 700, 800, 900, 1000]);
    expect(last.evalLoss).toBeLessThan(THRESHOLD);
  });
});

describe('the same regression with @tapegrad/nn', () => {
  it('a Sequential(Linear, ReLU, Linear) from the same weights trains to the same losses as the raw tensors', () => {
    const run = (withModule: boolean) => {
      const r = regression(0, 1000);
      const [W1, W2, b1, b2] = r.params as [Tensor, Tensor, Tensor, Tensor];
      const net = new Sequential(new Linear(2, 10, { weight: W1, bias: b1 }), new ReLU(), new Linear(10, 1, { weight: W2, bias: b2 }));
      const [model, params, loss] = withModule
        ? [net, net, (y: Tensor, d: Tensor) => course.meanSquaredError(d, y)]
        : [r.model, r.params, courseMse];
      return fit({
        model, loss, optimizer: new Adam(params, { lr: 0.01 }), x: r.x, d: r.d,
        batchSize: 10, iterations: 300, generator: r.generator, progress: 'none',
      }).loss;
    };
    const raw = run(false);
    expect(run(true)).toEqual(raw);
    expect(raw.at(-1)).toBeLessThan(raw[0]! / 100);
  });
});
