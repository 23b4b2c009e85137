/**
 * Memory: training must not grow the heap. The course's MNIST-sized MLP (784-40-10, batch 100)
 * for 20,000 steps (~1 min on 2 cores with the wasm matmul), and a smaller net for 20,000 steps.
 * Needs --expose-gc (root vitest.config.ts gives it to this project).
 */
import { describe, expect, it } from 'vitest';
import { Generator, manualSeed } from '@tapegrad/core';
import { Linear, ReLU, Sequential, crossEntropy } from '@tapegrad/nn';
import { SGD, fit } from '../src/index.js';

const MB = 1024 * 1024;

/** Heap in use (after a full collection) after step `early` and after the last of `steps` steps. */
function heapDuringTraining(inputs: number, batchSize: number, steps: number, early: number): { early: number; last: number } {
  const gc = (globalThis as { gc?: () => void }).gc;
  expect(typeof gc).toBe('function');
  const heap = () => {
    gc!();
    return process.memoryUsage().heapUsed;
  };
  manualSeed(0);
  const g = new Generator(1);
  const x = g.rand([1000, inputs]);
  const d = g.randint(0, 10, [1000]);
  const model = new Sequential(new Linear(inputs, 40), new ReLU(), new Linear(40, 10));
  let atEarly = 0;
  const history = fit({
    model, loss: (y, t) => crossEntropy(y, t), optimizer: new SGD(model.parameters(), { lr: 0.1 }), x, d,
    batchSize, iterations: steps, sampling: 'replacement', generator: g, progress: 'none',
    onStep: ({ step }) => void (step === early && (atEarly = heap())),
  });
  const last = heap();
  expect(history.steps).toBe(steps);
  return { early: atEarly, last };
}

function report(name: string, h: { early: number; last: number }): number {
  const growth = (h.last - h.early) / MB;
  console.log(`${name}: heap ${(h.early / MB).toFixed(2)} MB after step 1,000, ${(h.last / MB).toFixed(2)} MB after the last (${growth >= 0 ? '+' : ''}${growth.toFixed(2)} MB)`);
  return growth;
}

describe('memory: the heap after the last step is within a few MB of the heap after step 1,000', () => {
  // The loss history alone grows by 19,000 numbers (~0.15 MB): the bound leaves room for that, not for a leak.
  it('20,000 steps of a 64-40-10 MLP, batch 10', () => {
    expect(report('64-40-10, batch 10', heapDuringTraining(64, 10, 20_000, 1_000))).toBeLessThan(2);
  }, 120_000);

  it('20,000 steps of the course’s 784-40-10 MLP, batch 100', () => {
    expect(report('784-40-10, batch 100', heapDuringTraining(784, 100, 20_000, 1_000))).toBeLessThan(2);
  }, 600_000);
});
