/**
 * Shape ops against numpy (all exact: they only move numbers), with
 *   a = np.arange(10.); m = np.arange(12.).reshape(3, 4); t = np.arange(24.).reshape(2, 3, 4)
 */
import { describe, expect, it } from 'vitest';
import {
  arange, broadcastTo, concat, oneHot, reshape, slice, squeeze, stack, takeAlongAxis, tensor, transpose, unsqueeze, zeros,
} from '../src/index.js';
import { expectValues } from './close.js';

const a = arange(10);
const m = arange(12).reshape([3, 4]);
const t = arange(24).reshape([2, 3, 4]);

describe('reshape and flatten', () => {
  it('reads row-major into the new shape, one size given as −1', () => {
    expectValues(reshape(arange(6), [2, -1]), [[0, 1, 2], [3, 4, 5]]);
    expectValues(arange(6).reshape(-1, 2), [[0, 1], [2, 3], [4, 5]]);
    expectValues(arange(6).reshape(3, 2), [[0, 1], [2, 3], [4, 5]]);
    expectValues(m.reshape([-1]), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expectValues(t.flatten(), Array.from({ length: 24 }, (_, i) => i));
  });

  it('to and from 0-d and size-0 shapes', () => {
    expectValues(tensor([5]).reshape([]), 5);
    expectValues(tensor(5).reshape([1, 1]), [[5]]);
    // np.zeros((0, 3)).reshape(3, -1).shape == (3, 0)
    expect(zeros([0, 3]).reshape([3, -1]).shape).toEqual([3, 0]);
  });

  it('shares storage with its input (a view, as numpy)', () => {
    const r = m.reshape([4, 3]);
    expect(r.data).toBe(m.data);
  });
});

describe('transpose', () => {
  it('.T reverses the axes', () => {
    expectValues(m.T, [[0, 4, 8], [1, 5, 9], [2, 6, 10], [3, 7, 11]]);
    // t.T.shape == (4, 3, 2); t.T[1].tolist()
    const tt = t.T;
    expect(tt.shape).toEqual([4, 3, 2]);
    expectValues(tt.slice(0, 1, 2).reshape([3, 2]), [[1, 13], [5, 17], [9, 21]]);
    expectValues(a.T, a.toArray());
    expectValues(tensor(3).T, 3);
  });

  it('permutes the given axes, negative ones included', () => {
    // np.transpose(t, (1, 0, 2))[2]; np.transpose(t, (-1, 0, 1)).shape == (4, 2, 3)
    expectValues(transpose(t, [1, 0, 2]).slice(0, 2, 3), [[[8, 9, 10, 11], [20, 21, 22, 23]]]);
    expect(t.transpose([-1, 0, 1]).shape).toEqual([4, 2, 3]);
    expectValues(t.transpose([-1, 0, 1]).slice(0, 0, 1).slice(1, 1), [[[12, 16, 20]]]);
  });

  it('.mT swaps the last two axes of a batch', () => {
    // np.swapaxes(t, -1, -2)[1]
    expectValues(t.mT.slice(0, 1), [[[12, 16, 20], [13, 17, 21], [14, 18, 22], [15, 19, 23]]]);
    expectValues(m.mT, m.T.toArray());
  });
});

describe('squeeze and unsqueeze', () => {
  const s = zeros([1, 3, 1]);
  it('squeeze removes all size-1 axes or the given ones', () => {
    // np.zeros((1, 3, 1)).squeeze().shape == (3,); .squeeze(-1).shape == (1, 3); .squeeze((0, 2)).shape == (3,)
    expect(squeeze(s).shape).toEqual([3]);
    expect(s.squeeze(-1).shape).toEqual([1, 3]);
    expect(s.squeeze([0, 2]).shape).toEqual([3]);
    expectValues(tensor([[7]]).squeeze(), 7);
    expect(zeros([0, 1]).squeeze().shape).toEqual([0]);
  });

  it('unsqueeze inserts a size-1 axis, −1 appending', () => {
    // np.expand_dims(np.zeros((2, 3)), 1).shape == (2, 1, 3); (…, -1).shape == (2, 3, 1)
    expect(unsqueeze(zeros([2, 3]), 1).shape).toEqual([2, 1, 3]);
    expect(zeros([2, 3]).unsqueeze(-1).shape).toEqual([2, 3, 1]);
    expectValues(tensor([1, 2]).unsqueeze(0), [[1, 2]]);
    expectValues(tensor(4).unsqueeze(0), [4]);
  });
});

describe('broadcastTo', () => {
  it('repeats size-1 and missing leading axes by numpy\'s rules', () => {
    expectValues(broadcastTo(tensor([1, 2]), [3, 2]), [[1, 2], [1, 2], [1, 2]]);
    // np.broadcast_to(np.array([[1.], [2], [3]]), (2, 3, 4))[1]
    const b = tensor([[1], [2], [3]]).broadcastTo([2, 3, 4]);
    const block = [[1, 1, 1, 1], [2, 2, 2, 2], [3, 3, 3, 3]];
    expectValues(b, [block, block]);
    expectValues(tensor(5).broadcastTo([2, 2]), [[5, 5], [5, 5]]);
    expect(tensor([1, 2]).broadcastTo([0, 2]).shape).toEqual([0, 2]);
  });
});

describe('concat and stack', () => {
  it('concat joins along an existing axis', () => {
    // np.concatenate([m[:2], m[2:] * 10], 0); np.concatenate([np.ones((2, 1)), m[:2]], -1)
    expectValues(concat([m.slice(0, 0, 2), m.slice(0, 2).mul(10)], 0), [[0, 1, 2, 3], [4, 5, 6, 7], [80, 90, 100, 110]]);
    expectValues(concat([tensor([[1], [1]]), m.slice(0, 0, 2)], -1), [[1, 0, 1, 2, 3], [1, 4, 5, 6, 7]]);
    expectValues(concat([tensor([1]), tensor([2, 3]), tensor([4])]), [1, 2, 3, 4]);
  });

  it('concat promotes dtypes and takes size-0 parts', () => {
    expectValues(concat([tensor([1], { dtype: 'float32' }), tensor([2])]), [1, 2], { dtype: 'float64' });
    expectValues(concat([tensor([1, 2], { dtype: 'int32' }), tensor([3], { dtype: 'int32' })]), [1, 2, 3], { dtype: 'int32' });
    expectValues(concat([zeros([0, 2]), tensor([[1, 2]])]), [[1, 2]]);
  });

  it('stack joins along a new axis', () => {
    // np.stack([[1., 2], [3, 4]], 1); np.stack([np.array(1.), np.array(2.)])
    const p = tensor([1, 2]);
    const q = tensor([3, 4]);
    expectValues(stack([p, q]), [[1, 2], [3, 4]]);
    expectValues(stack([p, q], 1), [[1, 3], [2, 4]]);
    expectValues(stack([p, q], -1), [[1, 3], [2, 4]]);
    expectValues(stack([tensor(1), tensor(2)]), [1, 2]);
  });
});

describe('slice', () => {
  it('is Python\'s start:end:step with negative indices and clipping', () => {
    // a[2:8:3]; a[-3:]; a[::-1]; a[-1::-2]; a[-100:3]; a[5:100]; a[8:2]; a[7:-8:-2]
    expectValues(slice(a, 0, 2, 8, 3), [2, 5]);
    expectValues(a.slice(0, -3), [7, 8, 9]);
    expectValues(a.slice(0, null, null, -1), [9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
    expectValues(a.slice(0, -1, null, -2), [9, 7, 5, 3, 1]);
    expectValues(a.slice(0, -100, 3), [0, 1, 2]);
    expectValues(a.slice(0, 5, 100), [5, 6, 7, 8, 9]);
    expectValues(a.slice(0, 8, 2), []);
    expectValues(a.slice(0, 7, -8, -2), [7, 5, 3]);
  });

  it('along any axis of a matrix', () => {
    // m[:, ::-2]; m[1:, 1:3]; m[-2:, -1:]
    expectValues(m.slice(1, null, null, -2), [[3, 1], [7, 5], [11, 9]]);
    expectValues(m.slice(0, 1).slice(1, 1, 3), [[5, 6], [9, 10]]);
    expectValues(m.slice(-2, -2).slice(-1, -1), [[7], [11]]);
  });
});

describe('takeAlongAxis', () => {
  it('is the course\'s y[np.arange(n), d] in one call', () => {
    // y = np.array([[0.1, 0.7, 0.2], [0.5, 0.25, 0.25], [0.05, 0.05, 0.9], [0.3, 0.3, 0.4]]); d = np.array([1, 0, 2, 2])
    // y[np.arange(4), d] -> [0.7, 0.5, 0.9, 0.4]
    const y = tensor([[0.1, 0.7, 0.2], [0.5, 0.25, 0.25], [0.05, 0.05, 0.9], [0.3, 0.3, 0.4]]);
    const d = tensor([1, 0, 2, 2], { dtype: 'int32' });
    expectValues(y.takeAlongAxis(d.reshape([-1, 1]), 1).flatten(), [0.7, 0.5, 0.9, 0.4]);
  });

  it('matches np.take_along_axis with negative and broadcast indices', () => {
    // np.take_along_axis(m, [[3], [0], [-1]], 1); np.take_along_axis(m, [[2, 0, 1, 1]], 0); np.take_along_axis(m, [[1, 3]], 1)
    expectValues(takeAlongAxis(m, tensor([[3], [0], [-1]]), 1), [[3], [4], [11]]);
    expectValues(m.takeAlongAxis([[2, 0, 1, 1]], 0), [[8, 1, 6, 7]]);
    expectValues(m.takeAlongAxis(tensor([[1, 3]], { dtype: 'int32' }), 1), [[1, 3], [5, 7], [9, 11]]);
  });
});

describe('oneHot', () => {
  it('turns class indices into rows of the identity', () => {
    // np.eye(3)[[0, 2, 1]]
    expectValues(oneHot(tensor([0, 2, 1], { dtype: 'int32' }), 3), [[1, 0, 0], [0, 0, 1], [0, 1, 0]], { dtype: 'float64' });
    expectValues(oneHot([1], 2, { dtype: 'float32' }), [[0, 1]], { dtype: 'float32' });
  });

  it('adds the class axis after any index shape', () => {
    // np.eye(3)[np.array([[0, 1], [2, 2]])].shape == (2, 2, 3)
    expectValues(oneHot(tensor([[0, 1], [2, 2]]), 3), [[[1, 0, 0], [0, 1, 0]], [[0, 0, 1], [0, 0, 1]]]);
    expectValues(oneHot(tensor(1), 2), [0, 1]);
  });
});
