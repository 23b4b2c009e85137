import { describe, expect, it } from 'vitest';
import { numpyMnistLosses } from '../src/contenders/numpy.js';
import { tapegradContender } from '../src/contenders/tapegrad.js';
import { selectBackend, tfjsContender } from '../src/contenders/tfjs.js';
import type { MnistProblem } from '../src/protocol.js';

// The course's step on a problem small enough to memorise: 10 rows with random labels.
const TINY: MnistProblem = { inputs: 20, hidden: 8, outputs: 3, batch: 10, trainSize: 10, learningRate: 0.5, initStd: 0.5, seed: 1 };
const STEPS = 30;

const mean = (xs: readonly number[]): number => xs.reduce((s, x) => s + x, 0) / xs.length;
/** Minibatches are random, so compare the first five steps with the last five. */
function expectLearns(losses: readonly number[]): void {
  expect(losses).toHaveLength(STEPS);
  expect(losses.every(Number.isFinite)).toBe(true);
  expect(mean(losses.slice(-5))).toBeLessThan(0.75 * mean(losses.slice(0, 5)));
}
const train = (step: () => number): number[] => Array.from({ length: STEPS }, step);

describe('each contender’s MNIST step lowers the loss on a tiny problem', () => {
  const reference = train(tapegradContender('float64').mnistStep(TINY));

  it('tapegrad float64', () => {
    expectLearns(reference);
    // ln 3 would be the loss of a uniform guess; the seeded weights start a little below it.
    expect(reference[0]).toBeCloseTo(1.141, 3);
  });

  it('tapegrad written plainly (a fresh batch tensor every step): the same losses, bit for bit', () => {
    expect(train(tapegradContender('float64').mnistPlainStep!(TINY))).toEqual(reference);
  });

  it('tapegrad float32, the same numbers to float32 precision', () => {
    const losses = train(tapegradContender('float32').mnistStep(TINY));
    expectLearns(losses);
    losses.forEach((l, i) => expect(l).toBeCloseTo(reference[i]!, 4));
  });

  // Same seeded data and batches as tapegrad: the same losses, which checks both sides.
  for (const backend of ['cpu', 'wasm'] as const) {
    it(`tfjs ${backend}`, async () => {
      await selectBackend(backend);
      const losses = train(tfjsContender(backend).mnistStep(TINY));
      expectLearns(losses);
      losses.forEach((l, i) => expect(l).toBeCloseTo(reference[i]!, 4));
    });
  }

  it('numpy (the course’s code), or a reason it is skipped', () => {
    const losses = numpyMnistLosses(TINY, STEPS);
    if (!losses.available) {
      expect(losses.reason).toMatch(/python3|numpy/);
      return;
    }
    expectLearns(losses.float64);
    expectLearns(losses.float32);
    losses.float32.forEach((l, i) => expect(l).toBeCloseTo(losses.float64[i]!, 4));
  });
});
