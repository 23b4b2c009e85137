import fc from 'fast-check';
import { describe, it } from 'vitest';
import { Generator, grad, oneHot, type Tensor } from '@tapegrad/core';
import { binaryCrossEntropyWithLogits, course, crossEntropy } from '../src/index.js';
import { RUNS, dimArb, expectClose, expectGradOk, seedArb, values } from './support.js';

const shapeArb = fc.array(dimArb, { minLength: 0, maxLength: 3 });
/** A vector (batch 0) or a batch of rows: the two shapes the course's softmax and cross entropy take. */
const rowsShape = (batch: number, classes: number): number[] => (batch === 0 ? [classes] : [batch, classes]);
const batchArb = fc.integer({ min: 0, max: 4 });
const labels = (batch: number, classes: number, seed: number): Tensor => new Generator(seed).randint(0, classes, [Math.max(batch, 1)]);

describe('course functions: tape gradient = central difference', () => {
  it('sigmoid, relu and stepFunction (away from the kink at 0)', () => {
    fc.assert(
      fc.property(shapeArb, seedArb, (shape, seed) => {
        const x = values(shape, seed, { lo: -4, hi: 4, awayFromZero: 0.05 });
        for (const f of [course.sigmoid, course.relu, course.stepFunction]) expectGradOk((t) => f(t), [x]);
      }),
      RUNS,
    );
  });

  it('softmax of a vector and of rows', () => {
    fc.assert(
      fc.property(batchArb, dimArb, seedArb, (batch, classes, seed) => {
        expectGradOk((t) => course.softmax(t), [values(rowsShape(batch, classes), seed, { lo: -4, hi: 4 })]);
      }),
      RUNS,
    );
  });

  it('meanSquaredError, for d and y', () => {
    fc.assert(
      fc.property(shapeArb, seedArb, (shape, seed) => {
        expectGradOk((d, y) => course.meanSquaredError(d, y), [values(shape, seed), values(shape, seed + 1)]);
      }),
      RUNS,
    );
  });

  it('crossEntropyError and softmaxWithLoss, with index and one-hot d', () => {
    fc.assert(
      fc.property(batchArb, dimArb, seedArb, fc.boolean(), (batch, classes, seed, asOneHot) => {
        const idx = labels(batch, classes, seed + 1);
        const d = asOneHot ? oneHot(idx, classes).reshape(rowsShape(batch, classes)) : idx;
        expectGradOk((y) => course.crossEntropyError(d, y), [values(rowsShape(batch, classes), seed, { lo: 0.05, hi: 1 })]);
        expectGradOk((x) => course.softmaxWithLoss(d, x), [values(rowsShape(batch, classes), seed, { lo: -4, hi: 4 })]);
      }),
      RUNS,
    );
  });
});

/** The tape's gradient of the scalar `f` at `at`. */
const tapeGrad = (f: (t: Tensor) => Tensor, at: Tensor): Tensor => grad(f)(at);

describe('hand-written derivatives = the tape, on random inputs', () => {
  it('dSigmoid and dRelu at the total input', () => {
    fc.assert(
      fc.property(shapeArb, seedArb, (shape, seed) => {
        const u = values(shape, seed, { lo: -5, hi: 5, awayFromZero: 0.05 });
        expectClose(course.dSigmoid(u), tapeGrad((t) => course.sigmoid(t).sum(), u), 1e-16);
        expectClose(course.dRelu(u), tapeGrad((t) => course.relu(t).sum(), u), 0);
      }),
      RUNS,
    );
  });

  it('dSoftmaxWithLoss = gradient of the fused cross entropy over a batch, index or one-hot labels', () => {
    // NOTE: at least 2 classes: with one class, index labels have as many elements as y and the
    // course (d.size == y.size) reads them as one-hot.
    fc.assert(
      fc.property(dimArb, fc.integer({ min: 2, max: 4 }), seedArb, (batch, classes, seed) => {
        const x = values([batch, classes], seed, { lo: -4, hi: 4 });
        const idx = labels(batch, classes, seed + 1);
        const want = tapeGrad((t) => crossEntropy(t, idx), x);
        expectClose(course.dSoftmaxWithLoss(idx, course.softmax(x)), want, 1e-15);
        expectClose(course.dSoftmaxWithLoss(oneHot(idx, classes), course.softmax(x)), want, 1e-15);
      }),
      RUNS,
    );
  });

  it('dSigmoidWithLoss = gradient of the summed binary cross entropy on logits', () => {
    fc.assert(
      fc.property(shapeArb, seedArb, (shape, seed) => {
        const x = values(shape, seed, { lo: -6, hi: 6 });
        const d = values(shape, seed + 1, { lo: 0, hi: 1 });
        const want = tapeGrad((t) => binaryCrossEntropyWithLogits(t, d, { reduction: 'sum' }), x);
        expectClose(course.dSigmoidWithLoss(d, course.sigmoid(x)), want, 1e-15);
      }),
      RUNS,
    );
  });

  it('dMeanSquaredError = gradient of meanSquaredError for one output per sample', () => {
    fc.assert(
      fc.property(dimArb, seedArb, (batch, seed) => {
        const d = values([batch, 1], seed);
        const y = values([batch, 1], seed + 1);
        expectClose(course.dMeanSquaredError(d, y), tapeGrad((t) => course.meanSquaredError(d, t), y), 1e-15);
      }),
      RUNS,
    );
  });
});
