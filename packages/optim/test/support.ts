/**
 * Shared pieces of the optim tests: the fixed two-parameter problem
 * f(x, y) = x²/20 + y² from (−7, 2) (the course's optimizer comparison), and a
 * runner that records the parameters after each update.
 */
import { expect } from 'vitest';
import { tensor, type Tensor } from '@tapegrad/core';
import type { Optimizer } from '../src/index.js';

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
