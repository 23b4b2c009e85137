/**
 * matmul and dot against numpy: 1-d, 2-d, batched and broadcast-batch operands. Integer-valued
 * operands give exact products in any summation order; others are compared within BLAS_RTOL.
 *   P = np.arange(12.).reshape(2, 2, 3) - 5; Q = np.arange(12.).reshape(2, 3, 2) * 0.5
 *   R = np.arange(12.).reshape(2, 1, 2, 3); S = np.arange(18.).reshape(3, 3, 2) - 8
 */
import { describe, expect, it } from 'vitest';
import { arange, dot, matmul, ones, tensor, zeros } from '../src/index.js';
import { BLAS_RTOL, expectValues } from './close.js';

const P = arange(12).reshape([2, 2, 3]).sub(5);
const Q = arange(12).reshape([2, 3, 2]).mul(0.5);

describe('matmul', () => {
  it('1-d · 1-d is the inner product, a 0-d tensor', () => {
    // np.array([1., 2, 3]) @ np.array([4., 5, 6]) == 32.0
    expectValues(matmul(tensor([1, 2, 3]), tensor([4, 5, 6])), 32);
  });

  it('a 1-d operand is a row on the left and a column on the right, then dropped', () => {
    // np.array([1., 2]) @ np.array([[1., 2, 3], [4, 5, 6]]); np.array([[1., 2, 3], [4, 5, 6]]) @ np.array([1., 0, -1])
    const M = tensor([[1, 2, 3], [4, 5, 6]]);
    expectValues(tensor([1, 2]).matmul(M), [9, 12, 15]);
    expectValues(M.matmul(tensor([1, 0, -1])), [-2, -2]);
  });

  it('2-d · 2-d', () => {
    // np.array([[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]]) @ np.array([[0.7, 0.8], [0.9, 1.0], [1.1, 1.2]])
    const A = tensor([[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]]);
    const B = tensor([[0.7, 0.8], [0.9, 1.0], [1.1, 1.2]]);
    expectValues(A.matmul(B), [[0.58, 0.64], [1.39, 1.54]], { rtol: BLAS_RTOL });
  });

  it('batched 3-d · 3-d', () => {
    // P @ Q
    expectValues(P.matmul(Q), [[[-10, -16], [-1, -2.5]], [[26, 29], [62, 69.5]]]);
  });

  it('broadcasts the batch axes: [2,1,2,3] · [3,3,2] is [2,3,2,2]', () => {
    // R @ S
    const R = arange(12).reshape([2, 1, 2, 3]);
    const S = arange(18).reshape([3, 3, 2]).sub(8);
    expectValues(R.matmul(S), [
      [[[-14, -11], [-68, -56]], [[4, 7], [4, 16]], [[22, 25], [76, 88]]],
      [[[-122, -101], [-176, -146]], [[4, 25], [4, 34]], [[130, 151], [184, 214]]],
    ]);
  });

  it('1-d with a batch on either side', () => {
    // np.array([1., 2, 3]) @ Q; P @ np.array([1., 0, -1])
    expectValues(tensor([1, 2, 3]).matmul(Q), [[8, 11], [26, 29]]);
    expectValues(P.matmul(tensor([1, 0, -1])), [[-2, -2], [-2, -2]]);
  });

  it('size-0 operands: an empty inner axis gives zeros, as numpy', () => {
    // np.zeros((2, 0)) @ np.zeros((0, 3)) -> zeros (2, 3); np.zeros((0, 3)) @ np.ones((3, 2)) -> shape (0, 2)
    expectValues(zeros([2, 0]).matmul(zeros([0, 3])), [[0, 0, 0], [0, 0, 0]]);
    expectValues(zeros([0, 3]).matmul(ones([3, 2])), [], { shape: [0, 2] });
  });

  it('promotes dtypes as numpy', () => {
    const f32 = tensor([[1, 2]], { dtype: 'float32' });
    const f64 = tensor([[3], [4]]);
    expectValues(f32.matmul(f64), [[11]], { dtype: 'float64' });
    expectValues(f32.matmul(f32.T), [[5]], { dtype: 'float32' });
    const i32 = tensor([[1, 2], [3, 4]], { dtype: 'int32' });
    expectValues(i32.matmul(i32), [[7, 10], [15, 22]], { dtype: 'int32' });
  });
});

describe('dot', () => {
  it('is np.dot for 1-d and 2-d operands', () => {
    // np.dot([[1., 2], [3, 4]], [[5., 6], [7, 8]])
    expectValues(dot(tensor([[1, 2], [3, 4]]), tensor([[5, 6], [7, 8]])), [[19, 22], [43, 50]]);
    expectValues(tensor([1, 2, 3]).dot(tensor([4, 5, 6])), 32);
  });

  it('multiplies by a 0-d operand or a plain number', () => {
    // np.dot(2., np.array([1., 2]))
    expectValues(dot(2, tensor([1, 2])), [2, 4]);
    expectValues(tensor([1, 2]).dot(tensor(3)), [3, 6]);
  });

  it('gives the course\'s section-1 numbers: x·W + b and its sigmoid', () => {
    // W = np.array([[0.1, 0.2, 0.3], [0.2, 0.3, 0.4], [0.3, 0.4, 0.5], [0.4, 0.5, 0.6]]); b = np.array([0.1, 0.2, 0.3])
    // x = np.array([1, 5, 2, -1]); u = np.dot(x, W) + b; z = 1 / (1 + np.exp(-u))
    const W = tensor([[0.1, 0.2, 0.3], [0.2, 0.3, 0.4], [0.3, 0.4, 0.5], [0.4, 0.5, 0.6]]);
    const b = tensor([0.1, 0.2, 0.3]);
    const x = tensor([1, 5, 2, -1]);
    const u = x.dot(W).add(b);
    expectValues(u, [1.4000000000000001, 2.2, 2.9999999999999996], { rtol: BLAS_RTOL });
    expectValues(u, [1.4, 2.2, 3.0], { rtol: 1e-15 });
    const z = u.sigmoid();
    expectValues(z, [0.8021838885585818, 0.9002495108803148, 0.9525741268224331], { rtol: BLAS_RTOL });
    expect(Array.from(z.data, (v) => Number(v.toFixed(8)))).toEqual([0.80218389, 0.90024951, 0.95257413]);
  });
});
