/**
 * Hostile arguments: results past the element cap, thread counts past reason, gradients of the
 * wrong kind, nesting past any real tensor. Each is a typed error naming the op, before anything
 * large is allocated.
 */
import { describe, expect, it } from 'vitest';
import {
  ArgumentError, DTypeError, getNumThreads, matmul, oneHot, ones, setNumThreads, ShapeError, tensor, Tensor, ValueError, zeros,
} from '../src/index.js';

/** Runs `fn`, which must throw; returns the error and how much the process grew meanwhile. */
function refused(fn: () => unknown): { error: unknown; grewBytes: number } {
  const before = process.memoryUsage().rss;
  try {
    fn();
  } catch (error) {
    return { error, grewBytes: process.memoryUsage().rss - before };
  }
  throw new Error('expected an error');
}

describe('the 2**31 - 1 element cap holds for op results, checked before allocating', () => {
  it('a broadcast [46341, 1] + [1, 46341] is a ValueError naming the op and the shapes (it allocated 17 GB)', () => {
    const a = zeros([46341, 1]);
    const b = zeros([1, 46341]);
    const { error, grewBytes } = refused(() => a.add(b));
    expect(error).toBeInstanceOf(ValueError);
    expect(String(error)).toMatch(/add: the result of \[46341,1\] and \[1,46341\] would have shape \[46341,46341\], 2147488281 elements; a tensor holds at most 2\*\*31 - 1/);
    expect(grewBytes).toBeLessThan(100e6);
    expect(() => a.mul(b)).toThrow(/^mul: the result/);
    expect(() => a.where(zeros([1, 46341]), 0)).toThrow(ValueError);
  });

  it('the matching matmul, oneHot with 46341 classes, and the sum over the empty axis of [0, 2**16, 2**16]', () => {
    const m = refused(() => matmul(zeros([46341, 0]), zeros([0, 46341])));
    expect(String(m.error)).toMatch(/matmul: the result of \[46341,0\] and \[0,46341\] would have shape \[46341,46341\]/);
    expect(m.error).toBeInstanceOf(ValueError);
    const o = refused(() => oneHot(zeros([46341], { dtype: 'int32' }), 46341));
    expect(String(o.error)).toMatch(/oneHot: the result of \[46341\] would have shape \[46341,46341\]/);
    const s = refused(() => zeros([0, 2 ** 16, 2 ** 16]).sum(0));
    expect(String(s.error)).toMatch(/sum: the result of \[0,65536,65536\] would have shape \[1,65536,65536\]/);
    expect(() => zeros([0, 2 ** 16, 2 ** 16]).max(0)).toThrow(ValueError);
    for (const r of [m, o, s]) expect(r.grewBytes).toBeLessThan(100e6);
    // Just under the cap in elements is still fine for the shapes (nothing large made here).
    expect(zeros([0, 2 ** 31 - 1]).sum(1).shape).toEqual([0]);
  });
});

describe('setNumThreads is capped', () => {
  it('2**53, 512 and 65 are an ArgumentError naming the limit (2**53 was accepted and hung the next matmul)', () => {
    const before = getNumThreads();
    for (const n of [2 ** 53, 512, 65, 0, 1.5, NaN]) {
      expect(() => setNumThreads(n), String(n)).toThrow(ArgumentError);
      expect(() => setNumThreads(n), String(n)).toThrow(/setNumThreads: the count must be a whole number from 1 to 64/);
    }
    expect(getNumThreads()).toBe(before);
    setNumThreads(before);
  });
});

describe('x.grad is checked when assigned, as PyTorch does', () => {
  it('a gradient of the wrong shape or dtype, or not a tensor, is refused at assignment', () => {
    const x = tensor([[1, 2, 3]], { requiresGrad: true });
    expect(() => (x.grad = tensor([1, 2, 3]))).toThrow(ShapeError);
    expect(() => (x.grad = tensor([1, 2, 3]))).toThrow(/grad: a gradient of shape \[3\] cannot be the gradient of a tensor of shape \[1,3\]/);
    expect(() => (x.grad = tensor([[1, 2, 3]], { dtype: 'float32' }))).toThrow(DTypeError);
    expect(() => ((x as { grad: unknown }).grad = 'abc')).toThrow(ArgumentError);
    expect(() => ((x as { grad: unknown }).grad = [[1, 2, 3]])).toThrow(/must be a Tensor or null, got \[\[1,2,3\]\]/);
    expect(x.grad).toBeNull();
    x.grad = tensor([[4, 5, 6]]);
    x.sum().backward();
    expect(x.grad.toArray()).toEqual([[5, 6, 7]]);
    x.grad = null;
    expect(x.grad).toBeNull();
  });
});

describe('an axis holds at most 2**31 - 1 positions, even in an empty tensor', () => {
  // The fuzz, run 100× deeper, found [2, 0].repeat(1e12, 0) and zeros([0, 0, 2, 1e12]).flip() aborting the process
  // (V8's "invalid size error" on a list of 10¹² positions): empty tensors with such axes are refused where made.
  it('shapes given by the user, results of ops, and reshapes of empty tensors', () => {
    expect(() => zeros([0, 1e12])).toThrow('zeros: shape [0,1000000000000] has an axis of 1000000000000; an axis holds at most 2**31 - 1, even in an empty tensor');
    expect(() => zeros([2, 0]).repeat(1e12, 0)).toThrow(ValueError);
    expect(() => zeros([2, 0]).repeat(1e12, 0)).toThrow(/^repeat: shape \[2000000000000,0\] has an axis of 2000000000000/);
    expect(() => zeros([0]).reshape([1e12, 0])).toThrow('reshape: the result of [0], shape [1000000000000,0], has an axis of 1000000000000');
    const big = zeros([0, 2 ** 31 - 1]);
    expect(() => big.concat([big], 1)).toThrow('concat: the result of [0,2147483647] and [0,2147483647], shape [0,4294967294], has an axis of 4294967294');
    expect(() => tensor([], { shape: [2 ** 31, 0] })).toThrow(ValueError);
  });
  it('ops on an empty tensor with an axis of 2**31 - 1 do no work per position along it', () => {
    const x = zeros([0, 0, 2, 2 ** 31 - 1]).requiresGrad_();
    // flip and slice made a list of 2**31 positions (16 GB, or V8 aborting the process); roll a table of
    // them; the scans walked 2**31 empty lanes (each of these took minutes).
    expect(x.flip().shape).toEqual([0, 0, 2, 2 ** 31 - 1]);
    expect(x.slice(3, 5, null, 2).shape).toEqual([0, 0, 2, 1073741821]);
    expect(x.slice(3, null, null, -3).shape).toEqual([0, 0, 2, 715827883]);
    expect(zeros([3, 0]).repeat(2 ** 29, 0).shape).toEqual([3 * 2 ** 29, 0]);
    expect(x.roll(5, 3).shape).toEqual(x.shape);
    for (const axis of [0, 3]) {
      expect(x.cumsum(axis).shape).toEqual(x.shape);
      expect(x.cumprod(axis).shape).toEqual(x.shape);
      expect(x.logcumsumexp(axis).shape).toEqual(x.shape);
    }
    x.flip().sum().backward();
    expect(x.grad!.shape).toEqual([0, 0, 2, 2 ** 31 - 1]);
  });
});

describe('deep nesting', () => {
  it('tensor(100,000 levels of nesting) is a ValueError, not a stack overflow', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(() => tensor(deep as number[])).toThrow(ValueError);
    expect(() => tensor(deep as number[])).toThrow(/tensor: the data is nested more than 64 levels deep/);
    let ok: unknown = 2;
    for (let i = 0; i < 64; i++) ok = [ok];
    expect(tensor(ok as number[]).ndim).toBe(64);
    expect(new Tensor(new Float64Array([3]), Array(64).fill(1)).item()).toBe(3);
    expect(ones([1]).size).toBe(1);
  });
});
