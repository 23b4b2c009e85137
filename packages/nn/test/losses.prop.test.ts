import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Generator, logSoftmax, oneHot, softmax, type Tensor } from '@tapegrad/core';
import {
  binaryCrossEntropy, binaryCrossEntropyWithLogits, course, crossEntropy, mseLoss, nllLoss, type Reduction,
} from '../src/index.js';
import { RUNS, dimArb, expectGradOk, seedArb, values, type ValueRange } from './support.js';

const reductionArb = fc.constantFrom<Reduction>('mean', 'sum', 'none');
/** (batch, C), or (C) for a single sample when batch is 0. */
const logitShape = (batch: number, classes: number): number[] => (batch === 0 ? [classes] : [batch, classes]);
const batchArb = fc.integer({ min: 0, max: 4 });
const labels = (batch: number, classes: number, seed: number): Tensor =>
  new Generator(seed).randint(0, classes, batch === 0 ? [] : [batch]);
/** Strictly inside (0, 1), so that ± eps stays a valid probability. */
const unit = { lo: 0.05, hi: 0.95 };

type Loss = (input: Tensor, target: Tensor, options: { reduction: Reduction }) => Tensor;

describe('losses: tape gradient = central difference', () => {
  // Losses of an input and a target of the same shape: checked with respect to both.
  const elementwise: [string, Loss, ValueRange, ValueRange][] = [
    ['mseLoss', mseLoss, {}, {}],
    ['binaryCrossEntropy', binaryCrossEntropy, unit, unit],
    ['binaryCrossEntropyWithLogits', binaryCrossEntropyWithLogits, { lo: -6, hi: 6 }, unit],
    // crossEntropy with probability rows: the logits and the target have the same shape (…, C).
    ['crossEntropy with probability rows', crossEntropy, { lo: -4, hi: 4 }, unit],
  ];
  for (const [name, loss, inputRange, targetRange] of elementwise) {
    it(`${name}, for the input and the target`, () => {
      fc.assert(
        fc.property(batchArb, dimArb, seedArb, reductionArb, (batch, size, seed, reduction) => {
          const shape = logitShape(batch, size);
          expectGradOk((x, t) => loss(x, t, { reduction }), [values(shape, seed, inputRange), values(shape, seed + 1, targetRange)]);
        }),
        RUNS,
      );
    });
  }

  // Losses with class-index targets: checked with respect to the input.
  const indexed: [string, Loss, ValueRange][] = [
    ['crossEntropy', crossEntropy, { lo: -4, hi: 4 }],
    ['nllLoss', nllLoss, { lo: -5, hi: 0 }],
  ];
  for (const [name, loss, range] of indexed) {
    it(`${name} with class indices, for the input`, () => {
      fc.assert(
        fc.property(batchArb, dimArb, seedArb, reductionArb, (batch, classes, seed, reduction) => {
          const target = labels(batch, classes, seed + 1);
          expectGradOk((x) => loss(x, target, { reduction }), [values(logitShape(batch, classes), seed, range)]);
        }),
        RUNS,
      );
    });
  }
});

describe('crossEntropy = nllLoss(logSoftmax) = course crossEntropyError(softmax)', () => {
  it('agree within 1e-6, with index and one-hot targets', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 2, max: 4 }), seedArb, (batch, classes, seed) => {
        const target = labels(batch, classes, seed + 1);
        // The course adds 1e-7 inside the log, which moves each term by about 1e-7 / p; lifting the
        // target logit by 2 keeps its probability ≥ 1/4 (logits in [-1, 1], at most 4 classes), so the gap stays ≤ 4e-7.
        const rows = oneHot(target, classes);
        const logits = values([batch, classes], seed, { lo: -1, hi: 1 }).add(rows.mul(2));
        const fused = crossEntropy(logits, target).item();
        expect(Math.abs(fused - nllLoss(logSoftmax(logits), target).item())).toBeLessThanOrEqual(1e-12);
        expect(Math.abs(fused - course.crossEntropyError(target, softmax(logits)).item())).toBeLessThanOrEqual(1e-6);
        expect(Math.abs(fused - crossEntropy(logits, rows).item())).toBeLessThanOrEqual(1e-12);
        expect(Math.abs(fused - course.crossEntropyError(rows, softmax(logits)).item())).toBeLessThanOrEqual(1e-6);
      }),
      RUNS,
    );
  });
});
