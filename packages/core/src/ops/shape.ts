/**
 * Shape ops: views that share storage (reshape, squeeze, unsqueeze) and copies
 * (transpose, broadcastTo, concat, slice, gather). Forward and gradient rule side by side.
 */
import { record } from '../tape/autograd.js';
import { allocate, copyInto, isDType, isFloat, promote, type DType } from '../tape/dtype.js';
import { ArgumentError, DTypeError, IndexError, ShapeError, ValueError } from '../tape/errors.js';
import { around, expandKernel, transposeKernel } from '../kernels/loops.js';
import { broadcastShapes, checkResult, checkShape, normAxes, normAxis, sameShape, sizeOf } from '../tape/shapes.js';
import { fmt, show } from '../tape/messages.js';
import { Tensor, asTensor, checkOptions, type Axis, type TensorLike } from '../tape/tensor.js';
import { sumTo } from './reduce.js';

/** A copy with its own storage; gradient passes straight through. @example const c = clone(x); */
export function clone(a: TensorLike): Tensor {
  const x = asTensor(a);
  return record('clone', [x], Tensor._of(x._data.slice(), x.shape), (g) => [g], []);
}

/**
 * Converts to another dtype. Between float dtypes the gradient is cast back; to int32
 * values are truncated toward zero, to bool they are true where nonzero (NaN included,
 * as numpy), and the result is off the tape.
 * @example astype(tensor([1.5]), 'float32');
 *   astype(tensor([0, 2, NaN]), 'bool'); // [False, True, True]
 */
export function astype(a: TensorLike, dtype: DType): Tensor {
  const x = asTensor(a);
  if (!isDType(dtype)) throw new DTypeError(`astype: unknown dtype ${show(dtype)}; use 'float64', 'float32', 'int32' or 'bool'`);
  if (dtype === x.dtype) return x;
  const data = allocate(dtype, x.size);
  copyInto(data, x._data);
  const out = Tensor._of(data, x.shape);
  if (!isFloat(dtype)) return out;
  return record('astype', [x], out, (g) => [g.astype(x.dtype)], []);
}

/**
 * The same elements in a new shape (row-major, storage shared); one size may be −1.
 * @example reshape(arange(6), [2, -1]); // shape [2, 3]
 */
export function reshape(a: TensorLike, shape: readonly number[]): Tensor {
  const x = asTensor(a);
  if (!Array.isArray(shape)) throw new ArgumentError(`reshape: shape must be an array of sizes, got ${show(shape)}`);
  // + 0: a size of −0 becomes 0, as in checkShape.
  const s = shape.map((d: unknown) => (typeof d === 'number' ? d + 0 : d)) as number[];
  let unknown = -1;
  let known = 1;
  s.forEach((d, i) => {
    if (d === -1 && unknown < 0) unknown = i;
    else if (typeof d !== 'number' || !Number.isInteger(d) || d < 0) {
      throw new ValueError(`reshape: bad size ${show(d)} in ${show(shape)} (sizes are whole numbers ≥ 0, with at most one −1)`);
    } else known *= d;
  });
  if (unknown >= 0) {
    if (known === 0 || x.size % known !== 0) throw new ShapeError(`reshape: cannot reshape ${fmt(x.shape)} (${x.size} elements) into ${fmt(shape)}`);
    s[unknown] = x.size / known;
  }
  if (sizeOf(s) !== x.size) throw new ShapeError(`reshape: cannot reshape ${fmt(x.shape)} (${x.size} elements) into ${fmt(shape)}`);
  if (x.size === 0) checkResult('reshape', [x.shape], s); // an empty tensor reshapes into any empty shape, up to the axis limit
  // NOTE: a new tensor even for the same shape (a view on the same storage, as PyTorch's): naming it or
  // setting requiresGrad on it must not change x.
  return record('reshape', [x], Tensor._view(x, s), (g) => [g.reshape(x.shape)], []);
}

/**
 * Permutes the axes (reversed when omitted, as numpy's `.T`).
 * @example transpose(ones([2, 3, 4]), [1, 0, 2]); // shape [3, 2, 4]
 */
export function transpose(a: TensorLike, axes?: readonly number[]): Tensor {
  const x = asTensor(a);
  const perm = axes === undefined ? x.shape.map((_, i) => x.ndim - 1 - i) : Array.isArray(axes) ? axes.map((ax) => normAxis('transpose', ax, x.ndim)) : null;
  if (perm === null || perm.length !== x.ndim || new Set(perm).size !== x.ndim) {
    throw new ValueError(`transpose: axes ${show(axes)} are not a permutation of the ${x.ndim} axes of ${fmt(x.shape)}`);
  }
  if (perm.every((p, i) => p === i)) return x;
  const out = Tensor._of(transposeKernel(x._data, x.shape, perm, x.dtype), perm.map((p) => x.shape[p]!));
  const inverse = new Array<number>(perm.length);
  perm.forEach((p, i) => (inverse[p] = i));
  return record('transpose', [x], out, (g) => [g.transpose(inverse)], []);
}

/** The last two axes swapped. @example mT(ones([5, 2, 3])); // shape [5, 3, 2] */
export function mT(a: TensorLike): Tensor {
  const x = asTensor(a);
  if (x.ndim < 2) throw new ShapeError(`mT: needs at least 2 axes, got shape ${fmt(x.shape)}`);
  const perm = x.shape.map((_, i) => i);
  perm[x.ndim - 2] = x.ndim - 1;
  perm[x.ndim - 1] = x.ndim - 2;
  return transpose(x, perm);
}

/**
 * Removes size-1 axes (all of them, or those given).
 * @example squeeze(ones([1, 3, 1])); // shape [3]
 */
export function squeeze(a: TensorLike, axis?: Axis | null): Tensor {
  const x = asTensor(a);
  const axes = axis === undefined || axis === null ? x.shape.flatMap((d, i) => (d === 1 ? [i] : [])) : normAxes('squeeze', axis, x.ndim);
  for (const ax of axes) {
    if (x.shape[ax] !== 1) throw new ShapeError(`squeeze: axis ${ax} of shape ${fmt(x.shape)} has size ${x.shape[ax]}, not 1`);
  }
  return reshape(x, x.shape.filter((_, i) => !axes.includes(i)));
}

/**
 * Inserts a size-1 axis at `axis` (−1 appends).
 * @example unsqueeze(ones([3]), 0); // shape [1, 3]
 */
export function unsqueeze(a: TensorLike, axis: number): Tensor {
  const x = asTensor(a);
  const ax = normAxis('unsqueeze', axis, x.ndim + 1);
  const s = x.shape.slice();
  s.splice(ax, 0, 1);
  return reshape(x, s);
}

/**
 * Repeats size-1 (and missing leading) axes to reach `shape`, by numpy's rules.
 * Its gradient sums back to the input's shape.
 * @example broadcastTo(tensor([1, 2]), [3, 2]); // [[1, 2], [1, 2], [1, 2]]
 */
export function broadcastTo(a: TensorLike, shape: readonly number[]): Tensor {
  const x = asTensor(a);
  const target = checkShape('broadcastTo', shape);
  const ok = (() => {
    try {
      return sameShape(broadcastShapes('broadcastTo', x.shape, target), target);
    } catch {
      return false;
    }
  })();
  if (!ok) throw new ShapeError(`broadcastTo: cannot broadcast ${fmt(x.shape)} to ${fmt(target)}`);
  if (sameShape(x.shape, target)) return x;
  const out = Tensor._of(expandKernel(x._data, x.shape, target, x.dtype), target);
  return record('broadcastTo', [x], out, (g) => [sumTo(g, x.shape)], []);
}

/**
 * Joins tensors along an existing axis (numpy's `concatenate`).
 * @example concat([ones([2, 3]), zeros([1, 3])], 0); // shape [3, 3]
 */
export function concat(items: readonly TensorLike[], axis = 0): Tensor {
  if (!Array.isArray(items) || items.length === 0) throw new ArgumentError('concat: needs a non-empty array of tensors');
  const xs = items.map((t) => asTensor(t));
  const first = xs[0]!;
  if (first.ndim === 0) throw new ShapeError('concat: 0-d tensors cannot be joined along an axis; use stack');
  const ax = normAxis('concat', axis, first.ndim);
  for (const t of xs) {
    if (t.ndim !== first.ndim || t.shape.some((d, i) => i !== ax && d !== first.shape[i])) {
      throw new ShapeError(`concat: shapes ${xs.map((u) => fmt(u.shape)).join(', ')} differ outside axis ${ax}`);
    }
  }
  const dtype = xs.reduce<DType>((d, t) => promote(d, t.dtype), first.dtype);
  const shape = first.shape.slice();
  shape[ax] = xs.reduce((s, t) => s + t.shape[ax]!, 0);
  checkResult('concat', xs.map((t) => t.shape), shape);
  const data = allocate(dtype, sizeOf(shape));
  const [outer, total, inner] = around(shape, ax);
  let offset = 0;
  for (const t of xs) {
    const n = t.shape[ax]! * inner;
    for (let o = 0; o < outer; o++) {
      const src = t._data.subarray(o * n, o * n + n);
      data.set(src as ArrayLike<number>, o * total * inner + offset);
    }
    offset += n;
  }
  const out = Tensor._of(data, shape);
  return record('concat', xs, out, (g) => {
    let start = 0;
    return xs.map((t) => {
      const gi = g.slice(ax, start, start + t.shape[ax]!);
      start += t.shape[ax]!;
      return gi;
    });
  }, []);
}

/**
 * Joins same-shaped tensors along a new axis.
 * @example stack([tensor([1, 2]), tensor([3, 4])]); // [[1, 2], [3, 4]]
 */
export function stack(items: readonly TensorLike[], axis = 0): Tensor {
  if (!Array.isArray(items) || items.length === 0) throw new ArgumentError('stack: needs a non-empty array of tensors');
  const xs = items.map((t) => asTensor(t));
  const first = xs[0]!;
  for (const t of xs) {
    if (!sameShape(t.shape, first.shape)) throw new ShapeError(`stack: all shapes must be equal, got ${xs.map((u) => fmt(u.shape)).join(', ')}`);
  }
  const ax = normAxis('stack', axis, first.ndim + 1);
  return concat(xs.map((t) => unsqueeze(t, ax)), ax);
}

/** Python's slice.indices along an axis of n: the first position and how many positions, `step` apart. */
function sliceBounds(op: string, n: number, start: number | null | undefined, end: number | null | undefined, step: number): [number, number] {
  if (!Number.isInteger(step) || step === 0) throw new ValueError(`${op}: step must be a nonzero integer, got ${show(step)}`);
  for (const v of [start, end]) {
    if (v !== undefined && v !== null && !Number.isInteger(v)) throw new ValueError(`${op}: start and end must be integers, got ${show(v)}`);
  }
  // Negative counts from the end, out-of-range clips.
  const clip = (v: number | null | undefined, dflt: number, lo: number, hi: number) =>
    v === undefined || v === null ? dflt : v < 0 ? Math.max(v + n, lo) : Math.min(v, hi);
  const s = step > 0 ? clip(start, 0, 0, n) : clip(start, n - 1, -1, n - 1);
  const e = step > 0 ? clip(end, n, 0, n) : clip(end, -1, -1, n - 1);
  return [s, Math.max(0, Math.ceil((e - s) / step))];
}

/**
 * Python's `x[start:end:step]` along one axis (negative indices count from the end).
 * @example slice(arange(10), 0, 2, 8, 3); // [2, 5]
 */
export function slice(a: TensorLike, axis: number, start?: number | null, end?: number | null, step = 1): Tensor {
  const x = asTensor(a);
  if (x.ndim === 0) throw new IndexError('slice: a 0-d tensor has no axis to slice');
  const ax = normAxis('slice', axis, x.ndim);
  const [first, count] = sliceBounds('slice', x.shape[ax]!, start, end, step);
  if (x.size === 0) {
    // NOTE: nothing to pick; no list of positions, which for an axis of 2**31 - 1 would be 16 GB.
    const shape = x.shape.slice();
    shape[ax] = count;
    return reshape(x, shape);
  }
  const idx = new Array<number>(count);
  for (let j = 0; j < count; j++) idx[j] = first + j * step;
  return indexAxis('slice', x, ax, idx);
}

/** Picks positions `idx` along axis `ax`; the gradient scatters back (adding at repeats). */
function indexAxis(op: string, x: Tensor, ax: number, idx: readonly number[]): Tensor {
  const [outer, n, inner] = around(x.shape, ax);
  const shape = x.shape.slice();
  shape[ax] = idx.length;
  const data = allocate(x.dtype, sizeOf(shape));
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < idx.length; j++) {
      const src = (o * n + idx[j]!) * inner;
      data.set(x._data.subarray(src, src + inner) as ArrayLike<number>, (o * idx.length + j) * inner);
    }
  }
  const out = Tensor._of(data, shape);
  return record(op, [x], out, (g) => [scatterAxis(g, ax, idx, n)], []);
}

/** The adjoint of `indexAxis`: zeros of size n along `ax`, with g's rows added at `idx`. */
function scatterAxis(g: Tensor, ax: number, idx: readonly number[], n: number): Tensor {
  const shape = g.shape.slice();
  shape[ax] = n;
  const [outer, m, inner] = around(g.shape, ax);
  const data = allocate(g.dtype, sizeOf(shape));
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < m; j++) {
      const dst = (o * n + idx[j]!) * inner;
      const src = (o * m + j) * inner;
      for (let i = 0; i < inner; i++) data[dst + i] = data[dst + i]! + g._data[src + i]!;
    }
  }
  return record('scatter', [g], Tensor._of(data, shape), (gg) => [indexAxis('slice', gg, ax, idx)], []);
}

function checkIndices(op: string, indices: Tensor, n: number): void {
  for (let i = 0; i < indices.size; i++) {
    const v = indices._data[i]!;
    if (!Number.isInteger(v) || v < -n || v >= n) {
      throw new IndexError(`${op}: index ${v} is out of range for an axis of size ${n}`);
    }
  }
}

/**
 * numpy's `np.take_along_axis(x, indices, axis)`: the course's `y[np.arange(n), d]` is
 * `y.takeAlongAxis(d.reshape([-1, 1]), 1)`. Indices broadcast against x off the axis.
 * @example takeAlongAxis(tensor([[1, 2], [3, 4]]), tensor([[1], [0]]), 1); // [[2], [3]]
 */
export function takeAlongAxis(a: TensorLike, ind: TensorLike, axis: number): Tensor {
  const x = asTensor(a);
  const indices = asTensor(ind, 'int32');
  if (indices.ndim !== x.ndim) {
    throw new ShapeError(`takeAlongAxis: indices of shape ${fmt(indices.shape)} need as many axes as x of shape ${fmt(x.shape)}`);
  }
  const ax = normAxis('takeAlongAxis', axis, x.ndim);
  const n = x.shape[ax]!;
  checkIndices('takeAlongAxis', indices, n);
  // Broadcast both off the axis; the axis keeps each side's own length.
  const xOff = x.shape.map((d, i) => (i === ax ? 1 : d));
  const iOff = indices.shape.map((d, i) => (i === ax ? 1 : d));
  let common: number[];
  try {
    common = broadcastShapes('takeAlongAxis', xOff, iOff);
  } catch {
    throw new ShapeError(`takeAlongAxis: indices of shape ${fmt(indices.shape)} do not broadcast against x of shape ${fmt(x.shape)}`);
  }
  const xs = common.slice();
  xs[ax] = n;
  const is = common.slice();
  is[ax] = indices.shape[ax]!;
  const xb = broadcastTo(x, xs);
  const ib = expandKernel(indices._data, indices.shape, is, 'int32');
  const [outer, , inner] = around(xs, ax);
  const m = is[ax]!;
  const data = allocate(x.dtype, sizeOf(is));
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < m; j++) {
      for (let i = 0; i < inner; i++) {
        const p = (o * m + j) * inner + i;
        let k = ib[p]!;
        if (k < 0) k += n;
        data[p] = xb._data[(o * n + k) * inner + i]!;
      }
    }
  }
  const out = Tensor._of(data, is);
  const idxT = Tensor._of(ib, is);
  return record('takeAlongAxis', [xb], out, (g) => [putAlongAxis(g, idxT, ax, xs)], []);
}

/** The adjoint of takeAlongAxis: zeros of `shape` with g added at the indices. */
function putAlongAxis(g: Tensor, indices: Tensor, ax: number, shape: readonly number[]): Tensor {
  const [outer, n, inner] = around(shape, ax);
  const m = indices.shape[ax]!;
  const data = allocate(g.dtype, sizeOf(shape));
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < m; j++) {
      for (let i = 0; i < inner; i++) {
        const p = (o * m + j) * inner + i;
        let k = indices._data[p]!;
        if (k < 0) k += n;
        const q = (o * n + k) * inner + i;
        data[q] = data[q]! + g._data[p]!;
      }
    }
  }
  return record('putAlongAxis', [g], Tensor._of(data, shape), (gg) => [takeAlongAxis(gg, indices, ax)], []);
}

/**
 * Rows of the identity: class indices (any shape) to one-hot vectors along a new last axis.
 * @example oneHot(tensor([0, 2]), 3); // [[1, 0, 0], [0, 0, 1]]
 */
export function oneHot(ind: TensorLike, numClasses: number, options?: { dtype?: DType }): Tensor {
  const indices = asTensor(ind, 'int32');
  const { dtype = 'float64' } = checkOptions('oneHot', options);
  if (!Number.isInteger(numClasses) || numClasses <= 0) throw new ValueError(`oneHot: numClasses must be a positive integer, got ${show(numClasses)}`);
  for (let i = 0; i < indices.size; i++) {
    const v = indices._data[i]!;
    if (!Number.isInteger(v) || v < 0 || v >= numClasses) {
      throw new IndexError(`oneHot: class index ${v} is out of range for ${numClasses} classes`);
    }
  }
  checkResult('oneHot', [indices.shape], [...indices.shape, numClasses]);
  const data = allocate(dtype, indices.size * numClasses);
  for (let i = 0; i < indices.size; i++) data[i * numClasses + indices._data[i]!] = 1;
  return Tensor._of(data, [...indices.shape, numClasses]);
}
