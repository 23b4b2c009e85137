/**
 * Shared pieces of the optim tests: the fixed two-parameter problem
 * f(x, y) = x²/20 + y² from (−7, 2) (the course's optimizer comparison), and a
 * runner that records the parameters after each update.
 */
import { expect } from 'vitest';
import { Generator, tensor, type Tensor } from '@tapegrad/core';
import { mseLoss } from '@tapegrad/nn';
import { Momentum, type FitOptions, type Optimizer } from '../src/index.js';

/** Fresh parameters x = [−7], y = [2] and the loss f = x²/20 + y² (gradient (x/10, 2y)). */
export function bowl(): { params: Tensor[]; loss: () => Tensor } {
  const x = tensor([-7], { requiresGrad: true });
  const y = tensor([2], { requiresGrad: true });
  return { params: [x, y], loss: () => x.square().div(20).add(y.square()).sum() };
}

/** One training step: clear, backward, update. */
export function trainStep(opt: Optimizer, loss: () => Tensor): void {
  opt.zeroGrad();
  loss().backward();
  opt.step();
}

/** [x, y] after each of `n` steps of the optimizer made by `make` on the bowl. */
export function trajectory(make: (params: Tensor[]) => Optimizer, n = 3): number[][] {
  const { params, loss } = bowl();
  const opt = make(params);
  const out: number[][] = [];
  for (let k = 0; k < n; k++) {
    trainStep(opt, loss);
    out.push(params.map((p) => p.item()));
  }
  return out;
}

/** Elementwise closeness of nested number arrays, to ~1 ulp of the values here. */
export function expectClose(actual: number[][], expected: number[][], rtol = 1e-14): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((row, i) =>
    row.forEach((a, j) => {
      const e = expected[i]![j]!;
      expect(Math.abs(a - e), `[${i}][${j}]: ${a} vs ${e}`).toBeLessThanOrEqual(rtol * Math.max(1, Math.abs(e)));
    }),
  );
}

/**
 * A 2-8-1 regression for `fit`, with a function model (so the optimizer's parameters are what a
 * checkpoint saves), Momentum lr 0.05, batches of 4 drawn as `sampling` says.
 */
export function fitRegression(iterations: number, sampling: FitOptions['sampling']): { options: FitOptions; params: Tensor[] } {
  const g = new Generator(3);
  const x = g.rand([40, 2]);
  const d = x.matmul(tensor([[3], [2]]));
  const w1 = g.randn([2, 8]).mul(0.5).requiresGrad_();
  const w2 = g.randn([8, 1]).mul(0.5).requiresGrad_();
  const model = (xb: Tensor) => xb.matmul(w1).relu().matmul(w2);
  const options: FitOptions = {
    model, loss: (y, t) => mseLoss(y, t), optimizer: new Momentum([w1, w2], { lr: 0.05 }), x, d,
    batchSize: 4, iterations, sampling, generator: g, progress: 'none',
  };
  return { options, params: [w1, w2] };
}
