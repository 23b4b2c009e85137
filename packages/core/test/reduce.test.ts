/**
 * Forward values of the reductions against numpy, with
 *   x = np.array([[-1.5, 0, 2.25], [3, -0.5, 7]])
 *   c = np.arange(24.).reshape(2, 3, 4) * 0.25 - 2     # multiples of 1/4: every sum is exact in any order
 *   n = np.array([[1, np.nan, 3], [-np.inf, 2, np.inf]])
 *   def logsumexp(a, axis=None, keepdims=False):
 *       m = a.max(axis=axis, keepdims=True); m = np.where(np.isfinite(m), m, 0)
 *       r = np.log(np.exp(a - m).sum(axis=axis, keepdims=True)) + m
 *       return r if keepdims else np.squeeze(r, axis=axis)
 */
import { describe, expect, it } from 'vitest';
import { arange, argmax, argmin, logsumexp, max, mean, min, sum, tensor, zeros } from '../src/index.js';
import { ULPS4, expectValues } from './close.js';

const x = tensor([[-1.5, 0, 2.25], [3, -0.5, 7]]);
const c = arange(24).reshape([2, 3, 4]).mul(0.25).sub(2);
const n = tensor([[1, NaN, 3], [-Infinity, 2, Infinity]]);

describe('sum', () => {
  it('over all axes, one axis, a negative axis and a list of axes', () => {
    // c.sum(); c.sum(0); c.sum(-1); c.sum((0, 2))
    expectValues(sum(c), 21, { dtype: 'float64' });
    expectValues(c.sum(0), [[-1, -0.5, 0, 0.5], [1, 1.5, 2, 2.5], [3, 3.5, 4, 4.5]]);
    expectValues(c.sum(-1), [[-6.5, -2.5, 1.5], [5.5, 9.5, 13.5]]);
    expectValues(c.sum([0, 2]), [-1, 7, 15]);
    expectValues(c.sum([2, 0]), [-1, 7, 15]);
  });

  it('keeps reduced axes as size 1 with keepdims', () => {
    // c.sum(1, keepdims=True); c.sum((0, 2), keepdims=True).shape == (1, 3, 1)
    expectValues(c.sum(1, true), [[[-3, -2.25, -1.5, -0.75]], [[6, 6.75, 7.5, 8.25]]]);
    expect(c.sum([0, -1], true).shape).toEqual([1, 3, 1]);
    expect(c.sum(null, true).shape).toEqual([1, 1, 1]);
  });

  it('of 0-d and size-0 tensors', () => {
    // np.zeros((0, 3)).sum(0) -> [0, 0, 0]; np.zeros((0, 3)).sum(1).shape == (0,); np.zeros((2, 0)).sum() == 0
    expectValues(tensor(4).sum(), 4);
    expectValues(zeros([0, 3]).sum(0), [0, 0, 0]);
    expectValues(zeros([0, 3]).sum(1), [], { shape: [0] });
    expectValues(zeros([2, 0]).sum(), 0);
  });

  it('keeps int32 and float32', () => {
    expectValues(tensor([[1, 2], [3, 4]], { dtype: 'int32' }).sum(0), [4, 6], { dtype: 'int32' });
    expectValues(tensor([0.5, 0.25], { dtype: 'float32' }).sum(), 0.75, { dtype: 'float32' });
  });
});

describe('mean', () => {
  it('over all axes and along axes, with keepdims', () => {
    // c.mean(); c.mean(1); x.mean(0); x.mean(-1, keepdims=True)
    expectValues(mean(c), 0.875);
    expectValues(c.mean(1), [[-1, -0.75, -0.5, -0.25], [2, 2.25, 2.5, 2.75]]);
    expectValues(x.mean(0), [0.75, -0.25, 4.625]);
    expectValues(x.mean(-1, true), [[0.25], [3.1666666666666665]]);
  });

  it('gives float64 for int32, keeps float32, and NaN for an empty lane', () => {
    expectValues(tensor([1, 2], { dtype: 'int32' }).mean(), 1.5, { dtype: 'float64' });
    expect(tensor([1, 2], { dtype: 'float32' }).mean().dtype).toBe('float32');
    // np.zeros((2, 0)).mean(1) -> [nan, nan] (with a RuntimeWarning)
    expectValues(zeros([2, 0]).mean(1), [NaN, NaN]);
  });
});

describe('max and min', () => {
  it('over all axes and along axes, with keepdims', () => {
    // c.max(); c.max(1); x.min(0); x.max(-1, keepdims=True); c.min((1, 2))
    expectValues(max(c), 3.75);
    expectValues(c.max(1), [[0, 0.25, 0.5, 0.75], [3, 3.25, 3.5, 3.75]]);
    expectValues(min(x, 0), [-1.5, -0.5, 2.25]);
    expectValues(x.max(-1, true), [[2.25], [7]]);
    expectValues(c.min([1, 2]), [-2, 1]);
  });

  it('propagate NaN and handle ±∞, as numpy', () => {
    // n.max(1); n.min(0); n.max()
    expectValues(n.max(1), [NaN, Infinity]);
    expectValues(n.min(0), [-Infinity, NaN, 3]);
    expectValues(n.max(), NaN);
    expectValues(tensor([-Infinity, -Infinity]).max(), -Infinity);
  });

  it('of 0-d, int32 and a size-0 tensor along a non-empty axis', () => {
    expectValues(tensor(-2).max(), -2);
    expectValues(tensor([3, -9], { dtype: 'int32' }).min(), -9, { dtype: 'int32' });
    // np.zeros((0, 3)).max(1) -> array([], dtype=float64)
    expectValues(zeros([0, 3]).max(1), [], { shape: [0] });
  });
});

describe('logsumexp', () => {
  it('is finite for large values', () => {
    // logsumexp(np.array([1000., 1000])); logsumexp(np.array([-1000., -1000]))
    expectValues(logsumexp(tensor([1000, 1000])), 1000.6931471805599);
    expectValues(logsumexp(tensor([-1000, -1000])), -999.3068528194401);
  });

  it('over all axes and along axes, with keepdims', () => {
    // logsumexp(np.array([1., 2, 3])); logsumexp(x); logsumexp(x, 1); logsumexp(x, 0, True)
    expectValues(logsumexp(tensor([1, 2, 3])), 3.4076059644443806, { rtol: ULPS4 });
    expectValues(x.logsumexp(), 7.0282334280070025, { rtol: ULPS4 });
    expectValues(x.logsumexp(1), [2.371258739874893, 7.018692916951118], { rtol: ULPS4 });
    expectValues(x.logsumexp(0, true), [[3.011047744848594, 0.4740769841801067, 7.008614483762176]], { rtol: ULPS4 });
  });

  it('handles lanes of −∞ and +∞', () => {
    // logsumexp(np.array([[1000., -1000, 999], [-np.inf] * 3]), 1); logsumexp(np.array([np.inf, 1.]))
    expectValues(tensor([[1000, -1000, 999], [-Infinity, -Infinity, -Infinity]]).logsumexp(1), [1000.3132616875182, -Infinity], { rtol: ULPS4 });
    expectValues(tensor([Infinity, 1]).logsumexp(), Infinity);
  });

  it('of size-0 tensors: an empty lane is −∞ (log of an empty sum)', () => {
    expectValues(zeros([2, 0]).logsumexp(1), [-Infinity, -Infinity]);
    expectValues(zeros([0, 3]).logsumexp(1), [], { shape: [0] });
  });
});

describe('argmax and argmin', () => {
  // t = np.array([[3, 1, 3], [2, 2, 0], [5, 5, 5]])
  const t = tensor([[3, 1, 3], [2, 2, 0], [5, 5, 5]]);

  it('give the first index on ties, as numpy', () => {
    // t.argmax(1); t.argmin(1); t.argmax(0); t.argmin(0); t.argmax(); t.argmin()
    expectValues(argmax(t, 1), [0, 0, 0], { dtype: 'int32' });
    expectValues(argmin(t, 1), [1, 2, 0], { dtype: 'int32' });
    expectValues(t.argmax(0), [2, 2, 2]);
    expectValues(t.argmin(-2), [1, 0, 1]);
    expectValues(t.argmax(), 6, { dtype: 'int32' });
    expectValues(t.argmin(), 5);
  });

  it('keep dims as numpy', () => {
    // np.argmax(t, axis=1, keepdims=True).shape == (3, 1); np.argmax(t, keepdims=True).shape == (1, 1)
    expectValues(t.argmax(1, true), [[0], [0], [0]]);
    expectValues(t.argmin(null, true), [[5]]);
  });

  it('point at the first NaN, as numpy', () => {
    // np.argmax(n, 1); np.argmin(n, 0); np.argmax(n); np.argmin(n, 1)
    expectValues(n.argmax(1), [1, 2]);
    expectValues(n.argmin(0), [1, 0, 0]);
    expectValues(n.argmax(), 1);
    expectValues(n.argmin(1), [1, 0]);
  });

  it('of 0-d tensors and of size-0 tensors along a non-empty axis', () => {
    expectValues(tensor(7).argmax(), 0);
    // np.argmax(np.zeros((0, 3)), axis=1) -> array([], dtype=int64)
    expectValues(zeros([0, 3]).argmax(1), [], { shape: [0], dtype: 'int32' });
  });

  it('are never on the tape', () => {
    expect(tensor([1, 2], { requiresGrad: true }).argmax().requiresGrad).toBe(false);
  });
});
