/**
 * Forward values of the activations against numpy, with
 *   x = np.array([[-1.5, 0, 2.25], [3, -0.5, 7]])
 *   def softmax(x, axis=-1): e = np.exp(x - x.max(axis, keepdims=True)); return e / e.sum(axis, keepdims=True)
 *   def log_softmax(x, axis=-1): m = x.max(axis, keepdims=True); return x - m - np.log(np.exp(x - m).sum(axis, keepdims=True))
 * Results through libm (exp, tanh) are compared within 4 ulps, the rest exactly.
 */
import { describe, expect, it } from 'vitest';
import { arange, logSoftmax, relu, sigmoid, softmax, step, tanh, tensor, zeros } from '../src/index.js';
import { ULPS4, expectValues } from './close.js';

const x = tensor([[-1.5, 0, 2.25], [3, -0.5, 7]]);

describe('tanh and sigmoid', () => {
  it('tanh', () => {
    // np.tanh(x).tolist()
    expectValues(tanh(x), [
      [-0.9051482536448665, 0, 0.9780261147388136],
      [0.9950547536867305, -0.46211715726000974, 0.9999983369439447],
    ], { rtol: ULPS4, dtype: 'float64' });
    expectValues(tensor([-Infinity, Infinity, NaN]).tanh(), [-1, 1, NaN]);
  });

  it('sigmoid', () => {
    // (1 / (1 + np.exp(-x))).tolist()
    expectValues(sigmoid(x), [
      [0.18242552380635635, 0.5, 0.9046505351008906],
      [0.9525741268224334, 0.3775406687981454, 0.9990889488055994],
    ], { rtol: ULPS4, dtype: 'float64' });
  });

  it('sigmoid saturates to exactly 0 and 1 without overflow', () => {
    // (1 / (1 + np.exp(-np.array([-1000., 1000, -40, 40, -5])))).tolist()
    expectValues(tensor([-1000, 1000, -40, 40, -5]).sigmoid(), [0, 1, 4.24835425529159e-18, 1, 0.0066928509242848554], { rtol: ULPS4 });
  });

  it('keep float32 and turn int32 into float64', () => {
    expect(tensor([1], { dtype: 'float32' }).sigmoid().dtype).toBe('float32');
    expectValues(tensor([0], { dtype: 'int32' }).tanh(), [0], { dtype: 'float64' });
  });
});

describe('relu and step', () => {
  it('relu is np.maximum(0, x), NaN kept', () => {
    expectValues(relu(x), [[0, 0, 2.25], [3, 0, 7]]);
    expectValues(tensor([NaN, -Infinity, Infinity]).relu(), [NaN, 0, Infinity]);
    expectValues(tensor([-2, 5], { dtype: 'int32' }).relu(), [0, 5], { dtype: 'int32' });
  });

  it('step is the course\'s np.where(x > 0, 1, 0)', () => {
    expectValues(step(x), [[0, 0, 1], [1, 0, 1]], { dtype: 'float64' });
    expectValues(tensor([NaN, 1e-300, -0]).step(), [0, 1, 0]);
  });

  it('work on 0-d and size-0 tensors', () => {
    expectValues(tensor(-3).relu(), 0);
    expectValues(tensor(3).step(), 1);
    expectValues(zeros([0, 2]).relu(), [], { shape: [0, 2] });
  });
});

describe('softmax', () => {
  it('normalises along the last axis by default', () => {
    // softmax(np.array([1., 2, 3])).tolist()
    expectValues(softmax(tensor([1, 2, 3])), [0.09003057317038046, 0.24472847105479764, 0.6652409557748218], { rtol: ULPS4 });
    // softmax(x, 1).tolist()
    const rows = [
      [0.020832130681235055, 0.0933631323859454, 0.8858047369328196],
      [0.017976446298352412, 0.000542841641442066, 0.9814807120602055],
    ];
    expectValues(x.softmax(), rows, { rtol: ULPS4 });
    expectValues(x.softmax(1), rows, { rtol: ULPS4 });
  });

  it('normalises along axis 0 and along a middle axis', () => {
    // softmax(x, 0).tolist()
    expectValues(x.softmax(0), [
      [0.01098694263059318, 0.6224593312018546, 0.008577485413711986],
      [0.9890130573694068, 0.37754066879814546, 0.991422514586288],
    ], { rtol: ULPS4 });
    // c = np.arange(12.).reshape(2, 3, 2) * np.array([0.5, -1]); softmax(c, 1).tolist()
    const c = arange(12).reshape([2, 3, 2]).mul(tensor([0.5, -1]));
    const lane = [[0.09003057317038046, 0.8668133321973347], [0.24472847105479764, 0.11731042782619835], [0.6652409557748218, 0.015876239976466762]];
    expectValues(c.softmax(1), [lane, lane], { rtol: ULPS4 });
    expectValues(c.softmax(-2), [lane, lane], { rtol: ULPS4 });
  });

  it('is stable for huge logits: softmax([-1000, 1000]) is [0, 1], no NaN', () => {
    expectValues(softmax(tensor([-1000, 1000])), [0, 1]);
    expectValues(softmax(tensor([1000, 1000])), [0.5, 0.5]);
    expectValues(softmax(tensor([[-1000, 1000], [1000, -1000]]), 0), [[0, 1], [1, 0]]);
  });

  it('keeps float32 (within 4 float32 ulps of numpy\'s float32 softmax)', () => {
    // softmax(np.array([1, 2, 3], dtype=np.float32)).tolist()
    expectValues(tensor([1, 2, 3], { dtype: 'float32' }).softmax(), [0.09003057330846786, 0.2447284609079361, 0.6652409434318542], {
      rtol: 4 * 2 ** -23, dtype: 'float32',
    });
  });

  it('handles 0-d and size-0 tensors', () => {
    expectValues(tensor(5).softmax(), 1);
    expectValues(zeros([0, 3]).softmax(), [], { shape: [0, 3] });
    expectValues(zeros([2, 0]).softmax(), [], { shape: [2, 0] });
  });
});

describe('logSoftmax', () => {
  it('is finite for logits of ±1000', () => {
    // log_softmax(np.array([-1000., 1000])); log_softmax(np.array([1000., 1000, -1000]))
    expectValues(logSoftmax(tensor([-1000, 1000])), [-2000, 0]);
    expectValues(logSoftmax(tensor([1000, 1000, -1000])), [-0.6931471805599453, -0.6931471805599453, -2000.69314718056], { rtol: ULPS4 });
  });

  it('normalises along the asked axis', () => {
    // log_softmax(x, 0).tolist()
    expectValues(x.logSoftmax(0), [
      [-4.511047744848594, -0.4740769841801067, -4.758614483762176],
      [-0.011047744848593777, -0.9740769841801067, -0.008614483762175515],
    ], { rtol: ULPS4 });
    expectValues(tensor(3).logSoftmax(), 0);
  });
});
