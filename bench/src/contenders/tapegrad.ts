/**
 * tapegrad, written the way a user of the course writes it: W1, b1, W2, b2 as tensors that
 * require grad, `x.matmul(W1).add(b1).relu()…`, `backward()`, and the SGD update in place
 * on `.data` under `noGrad` (no @tapegrad/nn or optim: the core alone).
 */
import { Tensor, bumpVersion, conv2d, maxPool2d, noGrad, numericalGradient, tensor } from '@tapegrad/core';
import { Batcher, chainConstants, convData, mnistData, onlineData } from '../data.js';
import { convFeatures, type MnistProblem, type NumericalSubset, type OnlineProblem } from '../protocol.js';
import type { GradientVsNumerical, JsContender } from '../suite.js';

export type FloatDType = 'float64' | 'float32';

export function tapegradContender(dtype: FloatDType): JsContender {
  const Arr = dtype === 'float64' ? Float64Array : Float32Array;
  const param = (data: ArrayLike<number>, shape: number[]): Tensor => new Tensor(Arr.from(data), shape).requiresGrad_();
  const constant = (data: ArrayLike<number>, shape: number[]): Tensor => new Tensor(Arr.from(data), shape);

  /** The course's network as tensors, and its loss on a batch. */
  function mnistNet(p: MnistProblem) {
    const d = mnistData(p);
    const W1 = param(d.W1, [p.inputs, p.hidden]);
    const b1 = param(d.b1, [p.hidden]);
    const W2 = param(d.W2, [p.hidden, p.outputs]);
    const b2 = param(d.b2, [p.outputs]);
    const batcher = new Batcher(p, p.seed + 1);
    // NOTE: one batch tensor, refilled in place each step (as the README's performance notes show):
    // a fresh 627 KB array per step costs 30–60 µs of allocation and GC. bumpVersion marks the
    // refill, so a graph still holding the old batch would refuse to run backward.
    const x = new Tensor(new Arr(p.batch * p.inputs), [p.batch, p.inputs]);
    // The training set in the contender's dtype, converted once (numpy's x_train.astype(dtype)).
    const xTrain = Arr.from(d.x);
    const nextBatch = (): { x: Tensor; t: Tensor } => {
      const rows = batcher.draw();
      batcher.rows(xTrain, x.data as InstanceType<typeof Arr>);
      bumpVersion(x);
      const t = new Tensor(Int32Array.from(rows, (r) => d.labels[r]!), [p.batch, 1]);
      return { x, t };
    };
    // Cross entropy of softmax(u2) against the labels: −mean(log softmax(u2)[label]).
    const loss = (x: Tensor, t: Tensor): Tensor =>
      x.matmul(W1).add(b1).relu().matmul(W2).add(b2).logSoftmax(-1).takeAlongAxis(t, 1).mean().neg();
    // As a user writes it: the training set and its labels as tensors, the batch taken from them by row.
    const xTrainT = tensor(xTrain, { shape: [p.trainSize, p.inputs] });
    const labelsT = tensor(d.labels, { shape: [p.trainSize, 1] });
    const plainBatch = (): { x: Tensor; t: Tensor } => {
      const rows = tensor(batcher.draw());
      return { x: xTrainT.take(rows, 0), t: labelsT.take(rows, 0) };
    };
    // Also as users write it: a fresh array of the drawn rows and a new tensor of it every step.
    const freshBatch = (): { x: Tensor; t: Tensor } => {
      const rows = batcher.draw();
      const batch = batcher.rows(xTrain, new Arr(p.batch * p.inputs));
      return { x: tensor(batch, { shape: [p.batch, p.inputs] }), t: tensor(Int32Array.from(rows, (r) => d.labels[r]!), { shape: [p.batch, 1] }) };
    };
    return { params: [W1, b1, W2, b2], b1, b2, nextBatch, plainBatch, freshBatch, loss };
  }

  /** One training step of the course's network, its batch taken by `batch`: forward, backward, SGD. */
  function trainingStep(net: ReturnType<typeof mnistNet>, batch: 'nextBatch' | 'plainBatch' | 'freshBatch', learningRate: number): () => number {
    return () => {
      const { x, t } = net[batch]();
      const loss = net.loss(x, t);
      loss.backward();
      sgd(net.params, learningRate);
      return loss.item();
    };
  }

  return {
    impl: `tapegrad ${dtype}`,
    deepChainCheck: true,

    mnistStep: (p) => trainingStep(mnistNet(p), 'nextBatch', p.learningRate),
    mnistPlainStep: (p) => trainingStep(mnistNet(p), 'plainBatch', p.learningRate),
    mnistFreshStep: (p) => trainingStep(mnistNet(p), 'freshBatch', p.learningRate),

    matmul(n) {
      const a = constant(Float64Array.from({ length: n * n }, Math.random), [n, n]);
      const b = constant(Float64Array.from({ length: n * n }, Math.random), [n, n]);
      return () => a.matmul(b);
    },

    tapeChain(ops, width) {
      const c = chainConstants(width);
      const a = constant(c.a, [width]);
      const k = constant(c.c, [width]);
      const x = param(c.x, [width]);
      return () => {
        let y = x;
        for (let i = 0; i < ops; i += 2) y = y.mul(a).add(k);
        y.sum().backward();
        x.zeroGrad();
      };
    },

    onlineSgd(p: OnlineProblem) {
      const d = onlineData(p);
      const xs = Array.from({ length: p.steps }, (_, i) => constant(d.x.subarray(2 * i, 2 * i + 2), [2]));
      const ds = Array.from(d.d, (v) => constant([v], []));
      return () => {
        const W1 = param(d.W1, [2, p.hidden]);
        const b1 = param(d.b1, [p.hidden]);
        const W2 = param(d.W2, [p.hidden]);
        const b2 = param([d.b2], []);
        let last = 0;
        for (let i = 0; i < p.steps; i++) {
          const y = xs[i]!.dot(W1).add(b1).relu().dot(W2).add(b2);
          // The course's mean_squared_error: mean((d − y)²) / 2.
          const loss = ds[i]!.sub(y).square().mean().div(2);
          loss.backward();
          sgd([W1, b1, W2, b2], p.learningRate);
          last = loss.item();
        }
        return last;
      };
    },

    convStep(p) {
      const d = convData(p);
      const features = convFeatures(p);
      const params = [
        param(d.W1, [p.filters, 1, p.kernel, p.kernel]), param(new Float64Array(p.filters), [p.filters]),
        param(d.W2, [features, p.hidden]), param(new Float64Array(p.hidden), [p.hidden]),
        param(d.W3, [p.hidden, p.outputs]), param(new Float64Array(p.outputs), [p.outputs]),
      ];
      const [W1, b1, W2, b2, W3, b3] = params as [Tensor, Tensor, Tensor, Tensor, Tensor, Tensor];
      const pixels = p.side * p.side;
      const batcher = new Batcher({ batch: p.batch, trainSize: p.trainSize, inputs: pixels }, p.seed + 1);
      const x = new Tensor(new Arr(p.batch * pixels), [p.batch, 1, p.side, p.side]);
      const xTrain = Arr.from(d.x);
      return () => {
        const rows = batcher.draw();
        batcher.rows(xTrain, x.data as InstanceType<typeof Arr>);
        bumpVersion(x);
        const t = new Tensor(Int32Array.from(rows, (r) => d.labels[r]!), [p.batch, 1]);
        const h = maxPool2d(conv2d(x, W1, b1).relu(), 2).reshape([p.batch, features]);
        const loss = h.matmul(W2).add(b2).relu().matmul(W3).add(b3).logSoftmax(-1).takeAlongAxis(t, 1).mean().neg();
        loss.backward();
        sgd(params, p.learningRate);
        return loss.item();
      };
    },

    gradientVsNumerical(p: MnistProblem, subset: NumericalSubset): GradientVsNumerical {
      const net = mnistNet(p);
      const nudged = net[subset];
      const { x, t } = net.nextBatch();
      return {
        backward: () => {
          net.loss(x, t).backward();
          for (const w of net.params) w.zeroGrad();
        },
        // numericalGradient nudges the subset in place; the loss closes over it, as the course's lambda does.
        numericalSubset: () => numericalGradient(() => net.loss(x, t), nudged),
        subsetSize: nudged.size,
        totalParams: net.params.reduce((s, w) => s + w.size, 0),
      };
    },

    info: () => ({ dtype }),
  };
}

/** w ← w − lr·∇w in place, then clear the gradient. */
function sgd(params: readonly Tensor[], learningRate: number): void {
  noGrad(() => {
    for (const w of params) {
      const g = w.grad!.data;
      const data = w.data;
      for (let i = 0; i < data.length; i++) data[i] = data[i]! - learningRate * g[i]!;
      w.zeroGrad();
    }
  });
}
