/**
 * Indexing ops: whole slices picked along an axis (take), added back (indexAdd), values put
 * along an axis, masks. `take` and `indexAdd` are each other's adjoints, so every rule here is
 * written with them and differentiates again.
 */
import { record } from '../tape/autograd.js';
import { allocate, promote, type TypedArray } from '../tape/dtype.js';
import { ArgumentError, IndexError, ShapeError } from '../tape/errors.js';
import { around, expandKernel } from '../kernels/loops.js';
import { broadcastShapes, normAxis, sameShape, sizeOf } from '../tape/shapes.js';
import { fmt, show } from '../tape/messages.js';
import { Tensor, asTensor, type TensorLike } from '../tape/tensor.js';
import { mul, sub, where } from './elementwise.js';
import { reshape, takeAlongAxis } from './shape.js';
import { sumTo } from './reduce.js';

/** From this many elements per slice `TypedArray.set` on a subarray beats an element loop (bench/results/design-measurements.md). */
const ROW_COPY = 16;

/**
 * Reads the indices of `ind` (any dtype, whole numbers) for an axis of size `n`; negative
 * ones count from the end. Out of range is an IndexError naming the op, the index and the size.
 */
function indicesFor(op: string, ind: TensorLike, n: number, axis: number): [Int32Array, readonly number[]] {
  if (ind === null || ind === undefined || typeof ind === 'string') throw new ArgumentError(`${op}: indices must be a Tensor, a number or an array of integers, got ${show(ind)}`);
  const t = asTensor(ind);
  const d = t._data;
  const idx = new Int32Array(d.length);
  for (let i = 0; i < d.length; i++) {
    const v = d[i]!;
    if (!Number.isInteger(v)) throw new IndexError(`${op}: indices must be integers, got ${v}`);
    if (v < -n || v >= n) throw new IndexError(`${op}: index ${v} is out of range for axis ${axis} of size ${n}`);
    idx[i] = v < 0 ? v + n : v;
  }
  return [idx, t.shape];
}

/** Slices `idx` (non-negative) of x along `ax`, whole rows at a time. */
function gather(x: Tensor, ax: number, idx: Int32Array, op = 'take'): Tensor {
  const [outer, n, inner] = around(x.shape, ax);
  const m = idx.length;
  const shape = x.shape.slice();
  shape[ax] = m;
  const data = allocate(x.dtype, outer * m * inner);
  const src = x._data;
  if (inner >= ROW_COPY) {
    for (let o = 0; o < outer; o++) {
      for (let j = 0; j < m; j++) {
        const s = (o * n + idx[j]!) * inner;
        data.set(src.subarray(s, s + inner) as ArrayLike<number>, (o * m + j) * inner);
      }
    }
  } else {
    for (let o = 0, p = 0; o < outer; o++) {
      for (let j = 0; j < m; j++) {
        const s = (o * n + idx[j]!) * inner;
        for (let i = 0; i < inner; i++) data[p++] = src[s + i]!;
      }
    }
  }
  return record(op, [x], Tensor._of(data, shape), (g) => [scatterAdd(null, g, ax, idx, n)], []);
}

/** base (zeros when null, n long along `ax`) with the rows of `src` added at `idx`: take's adjoint. */
function scatterAdd(base: Tensor | null, src: Tensor, ax: number, idx: Int32Array, n: number, op = 'indexAdd'): Tensor {
  const [outer, m, inner] = around(src.shape, ax);
  const shape = src.shape.slice();
  shape[ax] = n;
  const dtype = base === null ? src.dtype : promote(base.dtype, src.dtype);
  const data: TypedArray = allocate(dtype, outer * n * inner);
  if (base !== null) data.set(base._data as ArrayLike<number>);
  const s = src._data;
  for (let o = 0, p = 0; o < outer; o++) {
    for (let j = 0; j < m; j++) {
      const d = (o * n + idx[j]!) * inner;
      for (let i = 0; i < inner; i++, p++) data[d + i] = data[d + i]! + s[p]!;
    }
  }
  // NOTE: bools add as numpy's (True + True is True, a logical or): the storage holds only 0 and 1.
  if (dtype === 'bool') for (let k = 0; k < data.length; k++) data[k] = data[k] !== 0 ? 1 : 0;
  const out = Tensor._of(data, shape);
  const gsrc = (g: Tensor) => gather(g, ax, idx);
  if (base === null) return record(op, [src], out, (g) => [gsrc(g)], []);
  return record(op, [base, src], out, (g) => [g, src.requiresGrad ? gsrc(g) : null], []);
}

/**
 * numpy's `np.take(x, indices, axis)`: whole slices along `axis` (x flattened when omitted); the
 * indices' shape replaces that axis. Negative indices count from the end. Its gradient adds up
 * at repeated indices. `x.take(rows, 0)` builds a training batch.
 * @example take(tensor([[1, 2], [3, 4], [5, 6]]), [2, 0], 0); // [[5, 6], [1, 2]]
 *   take(tensor([10, 20, 30]), -1); // 30 (0-d)
 */
export function take(a: TensorLike, indices: TensorLike, axis?: number | null): Tensor {
  let x = asTensor(a);
  if (axis === undefined || axis === null) {
    x = reshape(x, [x.size]);
    axis = 0;
  } else if (x.ndim === 0) throw new IndexError(`take: axis ${show(axis)} is out of range for a 0-d tensor`);
  const ax = normAxis('take', axis, x.ndim);
  const [idx, ishape] = indicesFor('take', indices, x.shape[ax]!, ax);
  const out = gather(x, ax, idx);
  if (ishape.length === 1) return out;
  return reshape(out, [...x.shape.slice(0, ax), ...ishape, ...x.shape.slice(ax + 1)]);
}

/**
 * PyTorch's `x.index_add(axis, indices, source)`. NOTE: out of place, as `index_add` (not `index_add_`): a copy of x with the slices of
 * `source` added at `indices` along `axis` (repeated indices add up). `source` has x's shape with
 * `indices.length` along the axis.
 * @example indexAdd(zeros([3]), 0, [0, 2, 0], tensor([1, 2, 3])); // [4, 0, 2]
 *   x.indexAdd(0, rows, updates); // rows may repeat
 */
export function indexAdd(a: TensorLike, axis: number, indices: TensorLike, source: TensorLike): Tensor {
  const x = asTensor(a);
  const src = asTensor(source, x.dtype);
  if (x.ndim === 0) throw new IndexError('indexAdd: a 0-d tensor has no axis to add along');
  const ax = normAxis('indexAdd', axis, x.ndim);
  const [idx, ishape] = indicesFor('indexAdd', indices, x.shape[ax]!, ax);
  if (ishape.length > 1) throw new ShapeError(`indexAdd: indices must be 1-d, got shape ${fmt(ishape)}`);
  const want = x.shape.slice();
  want[ax] = idx.length;
  if (!sameShape(src.shape, want)) {
    throw new ShapeError(`indexAdd: source of shape ${fmt(src.shape)} does not fit x of shape ${fmt(x.shape)} with ${idx.length} indices along axis ${ax} (expected ${fmt(want)})`);
  }
  return scatterAdd(x, src, ax, idx, x.shape[ax]!);
}

/**
 * numpy's `np.put_along_axis`. NOTE: out of place (numpy writes in place): a copy of x with `values` (broadcast to the
 * indices' shape) written at `indices` along `axis`. At a repeated index the last write wins,
 * as in numpy, and only that value gets the gradient.
 * @example putAlongAxis(zeros([2, 3]), tensor([[2], [0]]), 5, 1); // [[0, 0, 5], [5, 0, 0]]
 *   x.putAlongAxis(x.argmax(1, true), 0, 1); // each row's largest set to 0
 */
export function putAlongAxis(a: TensorLike, indices: TensorLike, values: TensorLike, axis: number): Tensor {
  const x = asTensor(a);
  const v = asTensor(values, x.dtype);
  const ind = asTensor(indices);
  if (ind.ndim !== x.ndim) {
    throw new ShapeError(`putAlongAxis: indices of shape ${fmt(ind.shape)} need as many axes as x of shape ${fmt(x.shape)}`);
  }
  const ax = normAxis('putAlongAxis', axis, x.ndim);
  const n = x.shape[ax]!;
  const [idx] = indicesFor('putAlongAxis', ind, n, ax);
  // The index shape: indices broadcast against x off the axis (numpy's fancy-index broadcast).
  const xOff = x.shape.map((d, i) => (i === ax ? 1 : d));
  const iOff = ind.shape.map((d, i) => (i === ax ? 1 : d));
  let is: number[];
  try {
    is = broadcastShapes('putAlongAxis', xOff, iOff);
  } catch {
    throw new ShapeError(`putAlongAxis: indices of shape ${fmt(ind.shape)} do not broadcast against x of shape ${fmt(x.shape)}`);
  }
  if (!sameShape(is, x.shape.map((d, i) => (i === ax ? 1 : d)))) {
    throw new ShapeError(`putAlongAxis: indices of shape ${fmt(ind.shape)} do not fit x of shape ${fmt(x.shape)} off axis ${ax}`);
  }
  is[ax] = ind.shape[ax]!;
  let vb: number[];
  try {
    vb = broadcastShapes('putAlongAxis', v.shape, is);
  } catch {
    throw new ShapeError(`putAlongAxis: values of shape ${fmt(v.shape)} do not broadcast to the indices' shape ${fmt(is)}`);
  }
  if (!sameShape(vb, is)) throw new ShapeError(`putAlongAxis: values of shape ${fmt(v.shape)} do not broadcast to the indices' shape ${fmt(is)}`);
  const ib = expandKernel(idx, ind.shape, is, 'int32') as Int32Array;
  const vd = expandKernel(v._data, v.shape, is, promote(x.dtype, v.dtype));
  const [outer, , inner] = around(x.shape, ax);
  const m = is[ax]!;
  const dtype = promote(x.dtype, v.dtype);
  const data = allocate(dtype, x.size);
  data.set(x._data as ArrayLike<number>);
  // written: 1 where some value landed; last: 1 at the index position whose write stayed.
  const writer = new Int32Array(x.size).fill(-1);
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < m; j++) {
      for (let i = 0; i < inner; i++) {
        const p = (o * m + j) * inner + i;
        const q = (o * n + ib[p]!) * inner + i;
        data[q] = vd[p]!;
        writer[q] = p;
      }
    }
  }
  const written = allocate(dtype, x.size);
  const last = allocate(dtype, ib.length);
  for (let q = 0; q < x.size; q++) {
    if (writer[q]! >= 0) {
      written[q] = 1;
      last[writer[q]!] = 1;
    }
  }
  const keep = Tensor._of(written, x.shape);
  const won = Tensor._of(last, is);
  const idxT = Tensor._of(ib, is);
  const out = Tensor._of(data, x.shape);
  return record('putAlongAxis', [x, v], out, (g) => [
    x.requiresGrad ? sub(g, mul(g, keep)) : null,
    v.requiresGrad ? sumTo(mul(takeAlongAxis(g, idxT, ax), won), v.shape) : null,
  ], []);
}

/** Checks that a mask broadcasts to `shape` exactly (the output keeps x's shape). */
function maskTo(op: string, m: TensorLike, shape: readonly number[]): Tensor {
  if (m === null || m === undefined || typeof m === 'string') throw new ArgumentError(`${op}: mask must be a Tensor or nested arrays, got ${show(m)}`);
  const mask = asTensor(m);
  let ok = false;
  try {
    ok = sameShape(broadcastShapes(op, mask.shape, shape), shape);
  } catch {
    ok = false;
  }
  if (!ok) throw new ShapeError(`${op}: mask of shape ${fmt(mask.shape)} does not broadcast to x's shape ${fmt(shape)}`);
  return mask;
}

/**
 * PyTorch's `x.masked_fill(mask, value)`: `value` where the mask is nonzero (true), x elsewhere.
 * The mask broadcasts to x's shape; the gradient flows where the mask is zero.
 * @example maskedFill(tensor([1, 2, 3]), tensor([0, 1, 0]), -1); // [1, -1, 3]
 *   scores.maskedFill(mask, -Infinity).softmax(); // masked positions get 0
 */
export function maskedFill(a: TensorLike, mask: TensorLike, value: number): Tensor {
  const x = asTensor(a);
  const m = maskTo('maskedFill', mask, x.shape);
  if (typeof value !== 'number' && typeof value !== 'boolean') throw new ArgumentError(`maskedFill: value must be a number, got ${show(value)}`);
  return where(m, asTensor(value, x.dtype), x);
}

/**
 * The positions of the nonzero elements as an int32 tensor of shape [count, ndim], in row-major
 * order. NOTE: PyTorch's `nonzero()` (numpy's `argwhere`), not numpy's tuple of arrays. No gradient.
 * @example nonzero(tensor([[0, 3], [4, 0]])); // [[0, 1], [1, 0]]
 *   nonzero(tensor([0, 5, 0, 7])); // [[1], [3]]
 */
export function nonzero(a: TensorLike): Tensor {
  const x = asTensor(a);
  const nd = x.ndim;
  let count = 0;
  for (let i = 0; i < x.size; i++) if (x._data[i] !== 0) count++;
  const out = new Int32Array(count * nd);
  const pos = new Array<number>(nd).fill(0);
  for (let i = 0, k = 0; i < x.size; i++) {
    if (x._data[i] !== 0) for (let d = 0; d < nd; d++) out[k++] = pos[d]!;
    for (let d = nd - 1; d >= 0; d--) {
      if (++pos[d]! < x.shape[d]!) break;
      pos[d] = 0;
    }
  }
  return Tensor._of(out, [count, nd]);
}

/**
 * numpy's `x[mask]`: the mask's shape matches x's leading axes, and the elements (or slices)
 * where it is nonzero come out flat along one axis, in row-major order. Its gradient scatters back.
 * @example booleanMask(tensor([[1, 2], [3, 4]]), tensor([[1, 0], [0, 1]])); // [1, 4]
 *   x.booleanMask(x.gt(0)); // the positive elements, flat
 */
export function booleanMask(a: TensorLike, mask: TensorLike): Tensor {
  const x = asTensor(a);
  if (mask === null || mask === undefined || typeof mask === 'string') throw new ArgumentError(`booleanMask: mask must be a Tensor or nested arrays, got ${show(mask)}`);
  const m = asTensor(mask);
  if (m.ndim > x.ndim || !sameShape(m.shape, x.shape.slice(0, m.ndim))) {
    throw new ShapeError(`booleanMask: mask of shape ${fmt(m.shape)} does not match the leading axes of x's shape ${fmt(x.shape)}`);
  }
  const rest = x.shape.slice(m.ndim);
  const picked: number[] = [];
  for (let i = 0; i < m.size; i++) if (m._data[i] !== 0) picked.push(i);
  // A 0-d mask adds the axis, as numpy's x[True] does.
  const rows = reshape(x, [m.size, ...rest]);
  return gather(rows, 0, Int32Array.from(picked), 'booleanMask');
}
