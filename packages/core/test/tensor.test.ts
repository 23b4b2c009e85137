/**
 * Creation, dtypes and conversion of tensors, against numpy's values and dtypes.
 * Reference numbers come from numpy 2.x; each block shows the snippet that made them.
 */
import { describe, expect, it } from 'vitest';
import {
  Tensor, arange, eye, full, linspace, ones, onesLike, tensor, zeros, zerosLike,
  type DType, type TensorOptions,
} from '../src/index.js';
import { expectValues } from './close.js';

describe('tensor()', () => {
  it('makes a 0-d float64 tensor from a number', () => {
    const t = tensor(3.5);
    expect([t.shape, t.ndim, t.size, t.dtype]).toEqual([[], 0, 1, 'float64']);
    expect(t.toArray()).toBe(3.5);
    expect(t.item()).toBe(3.5);
  });

  it('reads nested arrays row-major, with their shape', () => {
    const m = tensor([[1, 2, 3], [4, 5, 6]]);
    expect([m.shape, m.ndim, m.size]).toEqual([[2, 3], 2, 6]);
    expect(m.data).toEqual(new Float64Array([1, 2, 3, 4, 5, 6]));
    const cube = tensor([[[1, 2], [3, 4]], [[5, 6], [7, 8]]]);
    expect([cube.shape, cube.ndim, cube.size]).toEqual([[2, 2, 2], 3, 8]);
    expect(Array.from(cube.data)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('gives empty arrays numpy\'s size-0 shapes', () => {
    // np.array([]).shape == (0,); np.array([[], []]).shape == (2, 0)
    expect(tensor([]).shape).toEqual([0]);
    expect(tensor([[], []]).shape).toEqual([2, 0]);
    expect(tensor([[], []]).size).toBe(0);
  });

  it('reads a flat array (or a number) in the given shape', () => {
    expect(tensor([1, 2, 3, 4, 5, 6], { shape: [3, 2] }).toArray()).toEqual([[1, 2], [3, 4], [5, 6]]);
    expect(tensor(7, { shape: [1, 1] }).toArray()).toEqual([[7]]);
    expect(tensor([], { shape: [0, 4] }).shape).toEqual([0, 4]);
    expect(tensor([[1, 2], [3, 4]], { shape: [2, 2] }).toArray()).toEqual([[1, 2], [3, 4]]);
  });

  it('copies a typed array and takes its dtype from it', () => {
    const source = new Float32Array([0.1, 2]);
    const t = tensor(source);
    // np.float32(0.1).item() == 0.10000000149011612
    expectValues(t, [0.10000000149011612, 2], { dtype: 'float32' });
    source[0] = 9;
    expect(t.data[0]).toBe(0.10000000149011612);
    expect(t.data).not.toBe(source);
    expectValues(tensor(new Int32Array([7, -8])), [7, -8], { dtype: 'int32' });
    expectValues(tensor(new Float64Array([1.25])), [1.25], { dtype: 'float64' });
  });

  it('reads a typed array in the given shape and dtype', () => {
    const t = tensor(new Float64Array([1, 2, 3, 4, 5, 6]), { shape: [2, 3] });
    expect(t.toArray()).toEqual([[1, 2, 3], [4, 5, 6]]);
    expectValues(tensor(new Float32Array([1.5, -2]), { dtype: 'float64' }), [1.5, -2], { dtype: 'float64' });
    // Other numeric typed arrays (bytes, 16-bit ints; untyped callers) have no dtype of ours: they become float64.
    const bytes = new Uint8Array([0, 255]) as unknown as Float64Array;
    expectValues(tensor(bytes), [0, 255], { dtype: 'float64' });
    const shorts = new Int16Array([-3, 4]) as unknown as Float64Array;
    expectValues(tensor(shorts, { shape: [2, 1] }), [[-3], [4]], { dtype: 'float64' });
  });

  it('copies a Tensor into a new leaf with its own storage', () => {
    const x = tensor([[1, 2], [3, 4]], { requiresGrad: true });
    const y = tensor(x);
    expect(y.data).not.toBe(x.data);
    expect(y.toArray()).toEqual([[1, 2], [3, 4]]);
    expect([y.requiresGrad, y.isLeaf]).toEqual([false, true]);
    expectValues(tensor(x, { dtype: 'float32', shape: [4] }), [1, 2, 3, 4], { dtype: 'float32' });
    expect(tensor(x, { requiresGrad: true }).requiresGrad).toBe(true);
  });

  it('makes bool tensors from booleans, and 0 and 1 of them in a number dtype', () => {
    expect(tensor(true).item()).toBe(1);
    expectValues(tensor([true, false, true]), [1, 0, 1], { dtype: 'bool' });
    expectValues(tensor([true, false, true], { dtype: 'float64' }), [1, 0, 1], { dtype: 'float64' });
    expectValues(tensor([[true], [false]], { dtype: 'int32' }), [[1], [0]], { dtype: 'int32' });
  });

  it('converts to the asked dtype as numpy\'s astype does', () => {
    // np.array([1.7, -1.7, 2.5]).astype(np.int32) -> [1, -1, 2] (toward zero)
    expectValues(tensor([1.7, -1.7, 2.5], { dtype: 'int32' }), [1, -1, 2], { dtype: 'int32' });
    // np.array([0.1, 1/3], dtype=np.float32).tolist()
    expectValues(tensor([0.1, 1 / 3], { dtype: 'float32' }), [0.10000000149011612, 0.3333333432674408], { dtype: 'float32' });
  });
});

describe('creation functions', () => {
  it('zeros, ones and full fill float64 tensors of the given shape', () => {
    expectValues(zeros([2, 3]), [[0, 0, 0], [0, 0, 0]], { dtype: 'float64' });
    expectValues(zeros(4), [0, 0, 0, 0], { dtype: 'float64' });
    expectValues(zeros([]), 0, { dtype: 'float64' }); // np.zeros(()) is 0-d
    expectValues(zeros([0, 3]), [], { shape: [0, 3] });
    expectValues(ones([2, 2], { dtype: 'int32' }), [[1, 1], [1, 1]], { dtype: 'int32' });
    expectValues(full([2, 3], 7.5), [[7.5, 7.5, 7.5], [7.5, 7.5, 7.5]], { dtype: 'float64' });
    expectValues(full([], -2), -2);
    expectValues(full([2], NaN), [NaN, NaN]);
    // np.full(2, 1.5, dtype=np.int32) -> [1, 1]
    expectValues(full([2], 1.5, { dtype: 'int32' }), [1, 1], { dtype: 'int32' });
  });

  it('zerosLike and onesLike copy shape and dtype, unless told otherwise', () => {
    const x = tensor([[1, 2, 3]], { dtype: 'float32' });
    expectValues(zerosLike(x), [[0, 0, 0]], { dtype: 'float32' });
    expectValues(onesLike(x), [[1, 1, 1]], { dtype: 'float32' });
    expectValues(onesLike(x, { dtype: 'int32' }), [[1, 1, 1]], { dtype: 'int32' });
    expectValues(zerosLike(tensor(5)), 0);
  });

  it('arange gives numpy\'s values bit for bit', () => {
    // [float(v) for v in np.arange(5)] (numpy's dtype is int64; ours float64, tapegrad's default)
    expectValues(arange(5), [0, 1, 2, 3, 4], { dtype: 'float64' });
    // np.arange(2, 8, 1.5); np.arange(5, 0, -1.5); np.arange(3, 1)
    expectValues(arange(2, 8, 1.5), [2, 3.5, 5, 6.5]);
    expectValues(arange(5, 0, -1.5), [5, 3.5, 2, 0.5]);
    expectValues(arange(3, 1), []);
    // np.arange(1, 2, 0.1).tolist(): numpy steps by (1 + 0.1) - 1, not by 0.1
    expectValues(arange(1, 2, 0.1), [
      1.0, 1.1, 1.2000000000000002, 1.3000000000000003, 1.4000000000000004, 1.5000000000000004,
      1.6000000000000005, 1.7000000000000006, 1.8000000000000007, 1.9000000000000008,
    ]);
    // np.arange(1, 1.3, 0.1).tolist(): the famous fourth element
    expectValues(arange(1, 1.3, 0.1), [1.0, 1.1, 1.2000000000000002, 1.3000000000000003]);
  });

  it('arange in float32 and int32 computes in that type, as numpy', () => {
    // np.arange(0, 1, 0.1, dtype=np.float32).tolist()
    expectValues(arange(0, 1, 0.1, { dtype: 'float32' }), [
      0.0, 0.10000000149011612, 0.20000000298023224, 0.30000001192092896, 0.4000000059604645, 0.5,
      0.6000000238418579, 0.699999988079071, 0.800000011920929, 0.9000000357627869,
    ], { dtype: 'float32' });
    // np.arange(-3, 5, 0.37, dtype=np.float32).tolist()[-3:]
    expect(Array.from(arange(-3, 5, 0.37, { dtype: 'float32' }).data.slice(-3))).toEqual([
      4.029997825622559, 4.399997711181641, 4.769997596740723,
    ]);
    // np.arange(0.5, 4, 1, dtype=np.int32) -> [0, 1, 2, 3]
    expectValues(arange(0.5, 4, 1, { dtype: 'int32' }), [0, 1, 2, 3], { dtype: 'int32' });
  });

  it('linspace includes both ends, as numpy', () => {
    // np.linspace(0, 1, 5); np.linspace(-1, 2, 7); np.linspace(0.1, 0.7, 4)
    expectValues(linspace(0, 1, 5), [0, 0.25, 0.5, 0.75, 1], { dtype: 'float64' });
    expectValues(linspace(-1, 2, 7), [-1, -0.5, 0, 0.5, 1, 1.5, 2]);
    expectValues(linspace(0.1, 0.7, 4), [0.1, 0.3, 0.5, 0.7]);
    expectValues(linspace(0, 1, 1), [0]);
    expectValues(linspace(0, 1, 0), []);
    // np.linspace(2, 3)[:3] — 50 points by default
    const fifty = linspace(2, 3);
    expect(fifty.shape).toEqual([50]);
    expect(Array.from(fifty.data.slice(0, 3))).toEqual([2, 2.020408163265306, 2.0408163265306123]);
    // np.linspace(0, 10, 4, dtype=np.float32).tolist()
    expectValues(linspace(0, 10, 4, { dtype: 'float32' }), [0, 3.3333332538604736, 6.666666507720947, 10], { dtype: 'float32' });
  });

  it('eye makes square and rectangular identities', () => {
    expectValues(eye(3), [[1, 0, 0], [0, 1, 0], [0, 0, 1]], { dtype: 'float64' });
    expectValues(eye(2, 3), [[1, 0, 0], [0, 1, 0]]);
    expectValues(eye(3, 2), [[1, 0], [0, 1], [0, 0]]);
    expectValues(eye(0), [], { shape: [0, 0] });
    expectValues(eye(2, { dtype: 'int32' }), [[1, 0], [0, 1]], { dtype: 'int32' });
  });

  const x = tensor([1, 2]);
  const makers: [string, (o: TensorOptions) => Tensor][] = [
    ['tensor', (o) => tensor([1, 2], o)],
    ['zeros', (o) => zeros([2], o)],
    ['ones', (o) => ones([2], o)],
    ['full', (o) => full([2], 3, o)],
    ['zerosLike', (o) => zerosLike(x, o)],
    ['onesLike', (o) => onesLike(x, o)],
    ['arange(stop)', (o) => arange(2, o)],
    ['arange(start, stop)', (o) => arange(0, 2, o)],
    ['arange(start, stop, step)', (o) => arange(0, 2, 1, o)],
    ['linspace', (o) => linspace(0, 1, 2, o)],
    ['eye(n)', (o) => eye(2, o)],
    ['eye(n, m)', (o) => eye(2, 1, o)],
  ];
  it.each(makers)('%s takes { dtype, requiresGrad }', (_, make) => {
    const leaf = make({ dtype: 'float32', requiresGrad: true });
    expect([leaf.dtype, leaf.requiresGrad, leaf.isLeaf]).toEqual(['float32', true, true]);
    expect(leaf.data).toBeInstanceOf(Float32Array);
    const ints = make({ dtype: 'int32' });
    expect([ints.dtype, ints.requiresGrad]).toEqual(['int32', false]);
    expect(make({}).dtype).toBe('float64');
  });
});

describe('dtype promotion', () => {
  const f64 = tensor([1, 2]);
  const f32 = tensor([1, 2], { dtype: 'float32' });
  const i32 = tensor([1, 2], { dtype: 'int32' });
  const cases: [string, Tensor, DType][] = [
    // np.result_type(np.float32, np.float64) == float64; np.result_type(np.int32, np.float32) == float64
    ['float32 + float64', f32.add(f64), 'float64'],
    ['float64 + float32', f64.add(f32), 'float64'],
    ['int32 + float32', i32.add(f32), 'float64'],
    ['float32 · float32', f32.mul(f32), 'float32'],
    ['int32 + int32', i32.add(i32), 'int32'],
    ['int32 / int32 (true division)', i32.div(i32), 'float64'],
    ['exp of int32', i32.exp(), 'float64'],
    ['exp of float32', f32.exp(), 'float32'],
    ['float32 + a plain number', f32.add(2.5), 'float32'],
    ['a plain number − float32', tensor(2.5).sub(f32), 'float64'],
    ['int32 + a whole number', i32.add(2), 'int32'],
    ['int32 + a fraction', i32.add(2.5), 'float64'],
    ['float32 + true', f32.add(true), 'float32'],
    ['float32 + a nested array (float64, as np.asarray)', f32.add([1, 2]), 'float64'],
  ];
  it.each(cases)('%s', (_, result, dtype) => {
    expect(result.dtype).toBe(dtype);
  });

  it('keeps float32 arithmetic in float32 with a plain number (numpy 2\'s weak scalars)', () => {
    // (np.array([0.1], dtype=np.float32) + 2.5).tolist() == [2.5999999046325684]
    expectValues(tensor([0.1], { dtype: 'float32' }).add(2.5), [2.5999999046325684], { dtype: 'float32' });
  });

  it('widens int32 with a whole number outside its range rather than wrapping', () => {
    // numpy raises OverflowError here; we give the right number in float64
    expectValues(i32.mul(2 ** 40), [2 ** 40, 2 ** 41], { dtype: 'float64' });
  });
});

describe('conversion', () => {
  it('astype converts, truncating toward zero into int32', () => {
    const x = tensor([1.5, -2.7, 3]);
    expectValues(x.astype('int32'), [1, -2, 3], { dtype: 'int32' });
    expectValues(x.astype('float32'), [1.5, -2.700000047683716, 3], { dtype: 'float32' });
    expectValues(tensor([1, 2], { dtype: 'int32' }).astype('float64'), [1, 2], { dtype: 'float64' });
  });

  it('astype stays on the tape between float dtypes and leaves it for int32', () => {
    const x = tensor([1.5], { requiresGrad: true });
    expect(x.astype('float32').requiresGrad).toBe(true);
    expect(x.astype('int32').requiresGrad).toBe(false);
  });

  it('toArray gives nested arrays, and a number for a 0-d tensor', () => {
    expect(tensor(2.5).toArray()).toBe(2.5);
    expect(arange(6).reshape([2, 3]).toArray()).toEqual([[0, 1, 2], [3, 4, 5]]);
    expect(arange(8, { dtype: 'int32' }).reshape([2, 2, 2]).toArray()).toEqual([[[0, 1], [2, 3]], [[4, 5], [6, 7]]]);
    expect(zeros([2, 0]).toArray()).toEqual([[], []]);
    expect(zeros([0, 2]).toArray()).toEqual([]);
  });

  it('item gives the number of any one-element tensor', () => {
    expect(tensor([[5]]).item()).toBe(5);
    expect(tensor([-1], { dtype: 'int32' }).item()).toBe(-1);
  });

  it('clone copies into its own storage and stays on the tape', () => {
    const x = tensor([1, 2, 3], { requiresGrad: true });
    const c = x.clone();
    expect(c.data).not.toBe(x.data);
    expect(c.toArray()).toEqual([1, 2, 3]);
    c.data[0] = 9;
    expect(x.data[0]).toBe(1);
    expect([c.requiresGrad, c.isLeaf]).toEqual([true, false]);
  });

  it('detach shares the storage and leaves the tape', () => {
    const x = tensor([1, 2, 3], { requiresGrad: true });
    const d = x.mul(2).detach();
    expect([d.requiresGrad, d.isLeaf]).toEqual([false, true]);
    const leaf = x.detach();
    expect(leaf.data).toBe(x.data);
    leaf.data[1] = 7;
    expect(x.data[1]).toBe(7);
  });

  it('keeps its own frozen copy of the shape', () => {
    const shape = [2, 3];
    const t = zeros(shape);
    shape[0] = 5;
    expect(t.shape).toEqual([2, 3]);
    expect(Object.isFrozen(t.shape)).toBe(true);
    expect([t.ndim, t.size]).toEqual([2, 6]);
    expect([zeros([4, 0, 2]).ndim, zeros([4, 0, 2]).size]).toEqual([3, 0]);
  });
});
