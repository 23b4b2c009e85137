import { describe, expect, it } from 'vitest';
import { ArgumentError, Generator, ShapeError, tensor, type Tensor } from '@tapegrad/core';
import { Linear, ReLU, Sequential, course } from '@tapegrad/nn';
import { Adam, SGD, accuracy, fit, type FitOptions, type StepInfo } from '../src/index.js';
import { courseMse, regression } from './regression.js';

const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;
const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

describe('fit: online learning, the course’s SGD notebook', () => {
  // /tmp/ref/course_sgd.py — the notebook with its ReLU derivative, seed 0:
  //   np.random.seed(0); N = 100000; x_all = np.random.rand(N, 2); d_all = 3 * x_all[:, 0] + 2 * x_all[:, 1]
  //   net = {'W1': randn(2, 10), 'W2': randn(10), 'b1': randn(10), 'b2': randn()}
  //   for i in np.random.choice(N, 1000):  # forward, backward (delta1 = delta2 * W2 * (z1 > 0)),
  //       for k in net: net[k] -= 0.07 * grad[k];  losses.append(np.mean(np.square(d - y)) / 2)
  it('batchSize 1, 1000 draws with replacement, lr 0.07: the same losses and weights as numpy', () => {
    const r = regression(0, 100000);
    const history = fit({
      model: r.model, loss: courseMse, optimizer: new SGD(r.params, { lr: 0.07 }), x: r.x, d: r.d,
      batchSize: 1, iterations: 1000, sampling: 'replacement', generator: r.generator, progress: 'none',
    });
    expect(history.loss.length).toBe(1000);
    const numpy = {
      first: [0.32854058468771896, 0.7577426376226741, 1.2227016227963916],
      last: [4.4502321327484907e-7, 3.23059352900861e-5, 6.742424115798606e-6],
      meanFirst100: 0.4185540017764027,
      meanLast100: 0.0006771093588630217,
      W2: [0.7793316648017935, 1.541292268733906, 1.160689579860747],
      b2: -0.6386693203286666,
      fullSetLoss: 0.0001266699480045562,
    };
    // NOTE: 1e-9 relative, not bit-exact: numpy's dot sums in another order than our matmul.
    const got = [...history.loss.slice(0, 3), ...history.loss.slice(-3), mean(history.loss.slice(0, 100)), mean(history.loss.slice(-100))];
    const want = [...numpy.first, ...numpy.last, numpy.meanFirst100, numpy.meanLast100];
    got.forEach((v, i) => expect(rel(v, want[i]!), `value ${i}: ${v} vs ${want[i]}`).toBeLessThan(1e-9));
    const [, W2, , b2] = r.params as [Tensor, Tensor, Tensor, Tensor];
    numpy.W2.forEach((v, i) => expect(rel(W2.data[i]!, v)).toBeLessThan(1e-9));
    expect(rel(b2.item(), numpy.b2)).toBeLessThan(1e-9);
    expect(rel(courseMse(r.model(r.x), r.d).item(), numpy.fullSetLoss)).toBeLessThan(1e-9);
  });
});

describe('fit: batches, epochs and iterations', () => {
  /** A one-weight model y = w·x on 4 samples, so every number below is checkable by hand. */
  function tiny(lr = 0.1) {
    const w = tensor([[0]], { requiresGrad: true });
    const x = tensor([[1], [2], [3], [4]]);
    const d = tensor([[2], [4], [6], [8]]); // d = 2x
    const base: FitOptions = {
      model: (xb: Tensor) => xb.matmul(w), loss: courseMse, optimizer: new SGD([w], { lr }),
      x, d, batchSize: 4, epochs: 1, progress: 'none',
    };
    return { w, base };
  }

  it('full batch: one step per epoch, the mean gradient of all samples', () => {
    const { w, base } = tiny();
    const h = fit({ ...base, epochs: 2 });
    // L = mean((2x - w x)²)/2, dL/dw = -(2 - w)·mean(x²) = -(2 - w)·7.5
    // w1 = 0 + 0.1·2·7.5 = 1.5; w2 = 1.5 + 0.1·0.5·7.5 = 1.875
    expect(w.item()).toBeCloseTo(1.875, 14);
    // losses: (2 - 0)²·7.5/2 = 15, (0.5)²·7.5/2 = 0.9375
    expect(h.loss).toEqual([15, 0.9375]);
    expect([h.steps, h.epochs, h.stopped]).toEqual([2, 2, false]);
  });

  it('online, in order: one update per sample', () => {
    const { w, base } = tiny(0.01);
    const h = fit({ ...base, batchSize: 1, sampling: 'sequential' });
    // per sample: w ← w + 0.01·(2 - w)·x²; python: w=0; for x in [1,2,3,4]: w += 0.01*(2-w)*x*x
    expect(w.item()).toBeCloseTo(0.54702848, 14);
    expect(h.loss.length).toBe(4);
  });

  it('minibatches with dropLast; iterations run across epochs', () => {
    const { base } = tiny(0.01);
    const epochs: number[] = [];
    const h = fit({ ...base, batchSize: 3, dropLast: true, iterations: 5, epochs: undefined, onEpoch: (e) => void epochs.push(e.epoch) });
    // 1 batch of 3 per epoch (the 4th sample dropped): 5 steps = 5 epochs
    expect([h.steps, h.epochs, epochs]).toEqual([5, 5, [1, 2, 3, 4, 5]]);
  });

  it('the same generator seed gives the same run; another seed another', () => {
    const run = (seed: number) => {
      const { base } = tiny(0.01);
      return fit({ ...base, batchSize: 1, epochs: 2, generator: new Generator(seed) }).loss;
    };
    expect(run(3)).toEqual(run(3));
    expect(run(3)).not.toEqual(run(4));
  });
});

describe('fit: evaluations, callbacks, stopping', () => {
  function classification() {
    // Two separable classes in 2-d: class 1 when x0 > x1.
    const g = new Generator(1);
    const x = g.rand([64, 2]);
    const labels = Int32Array.from({ length: 64 }, (_, i) => (x.data[2 * i]! > x.data[2 * i + 1]! ? 1 : 0));
    const d = tensor(labels);
    const model = new Sequential(new Linear(2, 2, { init: 'randn', generator: g })); // the course's init, which these numbers were set with
    const loss = (y: Tensor, t: Tensor) => course.softmaxWithLoss(t, y);
    return { g, x, d, model, loss };
  }

  it('evaluates every evalEvery steps and after the last; train metrics are means since the last evaluation', () => {
    const c = classification();
    const modes: boolean[] = [];
    const metric = (y: Tensor, t: Tensor) => (modes.push(c.model.training), accuracy(y, t));
    const h = fit({
      model: c.model, loss: c.loss, optimizer: new Adam(c.model.parameters(), { lr: 0.1 }), x: c.x, d: c.d,
      batchSize: 16, iterations: 10, evalEvery: 4, evalData: [c.x, c.d], metric, generator: c.g, progress: 'none',
    });
    expect(h.evals.map((e) => [e.step, e.epoch])).toEqual([[4, 1], [8, 2], [10, 3]]);
    // trainLoss at step 4 is the mean of the losses of steps 1..4 (equal batch sizes)
    expect(h.evals[0]!.trainLoss).toBeCloseTo(mean(h.loss.slice(0, 4)), 14);
    expect(h.evals[2]!.trainLoss).toBeCloseTo(mean(h.loss.slice(8, 10)), 14);
    expect(h.evals.at(-1)!.evalMetric).toBeGreaterThan(0.9);
    // the metric ran in training mode on the batches and in eval mode on evalData; training again after
    expect(modes.filter((m) => !m).length).toBe(3);
    expect(c.model.training).toBe(true);
  });

  it('onStep sees step, epoch, loss and lr; returning false stops, and a final evaluation is made', () => {
    const c = classification();
    const seen: StepInfo[] = [];
    const h = fit({
      model: c.model, loss: c.loss, optimizer: new SGD(c.model.parameters(), { lr: (t) => 0.5 / (t + 1) }), x: c.x, d: c.d,
      batchSize: 16, epochs: 5, generator: c.g, progress: 'none',
      onStep: (s) => (seen.push(s), s.step < 6),
    });
    expect(seen.map((s) => [s.step, s.epoch, s.lr])).toEqual([[1, 1, 0.5], [2, 1, 0.25], [3, 1, 0.5 / 3], [4, 1, 0.125], [5, 2, 0.1], [6, 2, 0.5 / 6]]);
    expect(seen.map((s) => s.loss)).toEqual(h.loss);
    expect([h.steps, h.epochs, h.stopped]).toEqual([6, 1, true]);
    expect(h.evals.map((e) => e.step)).toEqual([4, 6]);
  });

  it('onEpoch gets the epoch’s mean loss and its evaluation', () => {
    const c = classification();
    const got: [number, number, number | undefined][] = [];
    const h = fit({
      model: c.model, loss: c.loss, optimizer: new SGD(c.model.parameters(), { lr: 0.1 }), x: c.x, d: c.d,
      batchSize: 32, epochs: 2, generator: c.g, progress: 'none', onEpoch: (e) => void got.push([e.epoch, e.loss, e.evaluation?.step]),
    });
    expect(got).toEqual([[1, mean(h.loss.slice(0, 2)), 2], [2, mean(h.loss.slice(2, 4)), 4]]);
  });
});

describe('fit: bad options', () => {
  const w = tensor([1], { requiresGrad: true });
  const ok: FitOptions = {
    model: (x: Tensor) => x.mul(w), loss: courseMse, optimizer: new SGD([w]), x: tensor([1, 2]), d: tensor([2, 4]),
    batchSize: 1, epochs: 1, progress: 'none',
  };
  it('names the option and the value', () => {
    expect(() => fit({ ...ok, iterations: 3 })).toThrow(new ArgumentError('fit: give exactly one of epochs and iterations, got epochs 1 and iterations 3'));
    expect(() => fit({ ...ok, batchSize: 0 })).toThrow(/fit: batchSize must be a whole number ≥ 1, got 0/);
    expect(() => fit({ ...ok, sampling: 'random' as never })).toThrow(
      new ArgumentError('fit: sampling must be one of "shuffle", "sequential", "replacement", got "random"'),
    );
    expect(() => fit({ ...ok, optimizer: {} as never })).toThrow(/fit: optimizer must be an optimizer such as new SGD\(params\)/);
    expect(() => fit({ ...ok, lr: 0.1 } as never)).toThrow(/fit: unknown option 'lr'/);
    expect(() => fit({ ...ok, d: tensor([1, 2, 3]) })).toThrow(new ShapeError('fit: x has 2 samples (shape [2]) but d has 3 (shape [3])'));
    expect(() => fit({ ...ok, batchSize: 3, dropLast: true })).toThrow(/fit: an epoch has no batches \(2 samples, batchSize 3, dropLast true\)/);
  });
  it('rejects a loss that is not one number', () => {
    expect(() => fit({ ...ok, batchSize: 2, loss: (y, d) => y.sub(d) })).toThrow(
      new ShapeError('fit: loss(y, d) must return one number, got shape [2]; reduce it with mean() or sum()'),
    );
  });
});
