import { describe, expect, it } from 'vitest';
import { ArgumentError, onesLike, reshape, tensor, zerosLike } from '../src/index.js';

describe('small traps of a first hour, gone', () => {
  it('toArray takes the type the caller knows, so .map needs no cast', () => {
    const rows = tensor([[1, 2], [3, 4]]).toArray<number[][]>();
    expect(rows.map((row) => row[0]! + row[1]!)).toEqual([3, 7]);
    expect(tensor(5).toArray<number>() + 1).toBe(6);
  });

  it('JSON.stringify(tensor) writes its values, not its internals', () => {
    const t = tensor([[1, 2.5], [NaN, -3]], { requiresGrad: true });
    t.mul(2).sum().backward();
    expect(JSON.stringify(t)).toBe('[[1,2.5],[null,-3]]');
    expect(JSON.stringify({ w: tensor([1, 2], { dtype: 'int32' }), s: tensor(0.5) })).toBe('{"w":[1,2],"s":0.5}');
  });

  it('zerosLike and onesLike take nested arrays, as every other op does', () => {
    expect(zerosLike([[1, 2, 3]]).toArray()).toEqual([[0, 0, 0]]);
    expect(onesLike([[1], [2]], { dtype: 'int32' }).dtype).toBe('int32');
    expect(onesLike(new Float32Array(2)).toArray()).toEqual([1, 1]);
    expect(zerosLike(7).shape).toEqual([]);
    expect(() => zerosLike('ab' as never)).toThrow(ArgumentError);
  });

  it('x.reshape(x.shape) is a new tensor on the same storage: naming it or requiresGrad_() leaves x alone', () => {
    const x = tensor([[1, 2], [3, 4]]);
    const y = x.reshape(x.shape);
    expect(y).not.toBe(x);
    expect(y.data).toBe(x.data);
    y.name = 'y';
    y.requiresGrad_();
    expect([x.name, x.requiresGrad]).toEqual([undefined, false]);
    expect(reshape(x, [2, 2])).not.toBe(x);
    // On the tape it is an op like any other: the gradient flows back through it.
    const w = tensor([1, 2], { requiresGrad: true });
    const v = w.reshape([2]);
    expect(v.isLeaf).toBe(false);
    v.mul(3).sum().backward();
    expect(w.grad!.toArray()).toEqual([3, 3]);
  });
});
