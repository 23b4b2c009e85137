import { describe, expect, it } from 'vitest';
import { DTypeError, Tensor, tensor } from '@tapegrad/core';
import { Parameter, isParameter } from '../src/index.js';

describe('Parameter', () => {
  it('is a float leaf tensor that requires grad, holding a copy of its value', () => {
    const source = tensor([[0.1, 0.3], [0.2, 0.4]], { dtype: 'float32' });
    const p = new Parameter(source);
    expect(p).toBeInstanceOf(Tensor);
    expect([p.requiresGrad, p.isLeaf, p.dtype, p.shape]).toEqual([true, true, 'float32', [2, 2]]);
    source.data[0] = 9;
    expect(p.data[0]).toBe(Math.fround(0.1));
    expect(new Parameter([1, 2], { dtype: 'float32' }).dtype).toBe('float32');
    expect(isParameter(p)).toBe(true);
    expect(isParameter(source)).toBe(false);
  });

  it('gets gradients like any leaf', () => {
    const p = new Parameter([1, 2]);
    p.mul(p).sum().backward();
    expect(p.grad!.toArray()).toEqual([2, 4]);
  });

  it('refuses int32 values', () => {
    expect(() => new Parameter(tensor([1, 2], { dtype: 'int32' }))).toThrow(DTypeError);
    expect(() => new Parameter(tensor([1, 2], { dtype: 'int32' }))).toThrow('Parameter: parameters must be float32 or float64, got an int32 tensor of shape [2]');
  });
});
