/**
 * Rearranging ops: tiles, repeats, padding, splits, flips, rolls, axis moves, triangles and
 * diagonals. Each is built from take, indexAdd, broadcastTo, slice, concat and transpose, so
 * their gradients (and the gradients of those) come from those ops' rules.
 */
import { allocate, type DType } from '../tape/dtype.js';
import { ArgumentError, IndexError, ShapeError, ValueError } from '../tape/errors.js';
import { checkSize, normAxes, normAxis, sizeOf } from '../tape/shapes.js';
import { fmt, show } from '../tape/messages.js';
import { Tensor, asTensor, type Axis, type TensorLike } from '../tape/tensor.js';
import { mul, where } from './elementwise.js';
import { indexAdd, take } from './indexing.js';
import { sum } from './reduce.js';
import { broadcastTo, concat, reshape, slice, transpose } from './shape.js';

/** A constant tensor (not on the tape). */
function full(shape: number[], value: number, dtype: DType): Tensor {
  const data = allocate(dtype, sizeOf(shape));
  if (value !== 0) data.fill(value);
  return Tensor._of(data, shape);
}

function ints(op: string, name: string, v: unknown, min = -Infinity): number[] {
  const list = typeof v === 'number' ? [v] : Array.isArray(v) ? v : null;
  if (list === null || !list.every((d) => typeof d === 'number' && Number.isInteger(d) && d >= min)) {
    throw new ValueError(`${op}: ${name} must be ${min === 0 ? 'a whole number ≥ 0' : 'an integer'} or an array of them, got ${show(v)}`);
  }
  return list as number[];
}

/**
 * numpy's `np.tile(x, reps)`: x repeated `reps[i]` times along each axis (reps shorter than
 * x's axes counts from the last axis; longer adds leading axes).
 * @example tile(tensor([1, 2]), 2); // [1, 2, 1, 2]
 *   tile(tensor([1, 2]), [2, 1]); // [[1, 2], [1, 2]]
 */
export function tile(a: TensorLike, reps: number | readonly number[]): Tensor {
  const x = asTensor(a);
  const r = ints('tile', 'reps', reps, 0);
  const nd = Math.max(x.ndim, r.length);
  const rr = [...new Array<number>(nd - r.length).fill(1), ...r];
  const xs = [...new Array<number>(nd - x.ndim).fill(1), ...x.shape];
  // [1, d0, 1, d1, …] broadcast to [r0, d0, r1, d1, …], then merged pairwise.
  const inter = xs.flatMap((d) => [1, d]);
  const big = xs.flatMap((d, i) => [rr[i]!, d]);
  return reshape(broadcastTo(reshape(x, inter), big), xs.map((d, i) => d * rr[i]!));
}

/**
 * numpy's `np.repeat(x, repeats, axis)`: each element (or slice along `axis`) repeated; x is
 * flattened when no axis is given. `repeats` is one count or one per position.
 * @example repeat(tensor([1, 2]), 2); // [1, 1, 2, 2]
 *   repeat(tensor([[1, 2], [3, 4]]), [1, 2], 0); // [[1, 2], [3, 4], [3, 4]]
 */
export function repeat(a: TensorLike, repeats: number | readonly number[], axis?: number | null): Tensor {
  let x = asTensor(a);
  if (axis === undefined || axis === null) {
    x = reshape(x, [x.size]);
    axis = 0;
  } else if (x.ndim === 0) throw new IndexError(`repeat: axis ${show(axis)} is out of range for a 0-d tensor`);
  const ax = normAxis('repeat', axis, x.ndim);
  const n = x.shape[ax]!;
  const r = ints('repeat', 'repeats', repeats, 0);
  if (r.length !== 1 && r.length !== n) {
    throw new ShapeError(`repeat: ${r.length} repeats do not fit axis ${ax} of size ${n} (give one count, or ${n})`);
  }
  const total = r.length === 1 ? r[0]! * n : r.reduce((acc, c) => acc + c, 0);
  const shape = x.shape.slice();
  shape[ax] = total;
  checkSize('repeat', shape);
  // NOTE: an empty result needs no list of positions (which an empty x with a large count would make huge).
  if (sizeOf(shape) === 0) return reshape(slice(x, ax, 0, 0), shape);
  const idx: number[] = [];
  for (let i = 0; i < n; i++) for (let k = r.length === 1 ? r[0]! : r[i]!; k > 0; k--) idx.push(i);
  return take(x, Int32Array.from(idx), ax);
}

export type PadMode = 'constant' | 'reflect' | 'edge';
export interface PadOptions {
  mode?: PadMode;
  /** The fill of mode 'constant'. Default 0. */
  value?: number;
}

/** numpy's pad_width forms: n, [n], [before, after], [[before, after]], [[b0, a0], [b1, a1], …]. */
function padWidths(width: unknown, ndim: number): [number, number][] {
  const bad = () => new ValueError(`pad: padWidth must be n, [before, after] or one [before, after] per axis (whole numbers ≥ 0), got ${show(width)}`);
  const ok = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;
  let pairs: [number, number][];
  if (ok(width)) pairs = [[width, width]];
  else if (Array.isArray(width) && width.every(ok)) {
    if (width.length === 1) pairs = [[width[0]!, width[0]!]];
    else if (width.length === 2) pairs = [[width[0]!, width[1]!]];
    else throw bad();
  } else if (Array.isArray(width) && width.every((p) => Array.isArray(p) && (p.length === 1 || p.length === 2) && p.every(ok))) {
    pairs = (width as number[][]).map((p) => [p[0]!, p[p.length - 1]!]);
  } else throw bad();
  if (pairs.length === 1) return Array.from({ length: ndim }, () => pairs[0]!);
  if (pairs.length !== ndim) throw new ShapeError(`pad: ${pairs.length} [before, after] pairs for a tensor of shape ${fmt(Array(ndim).fill('·'))} with ${ndim} axes`);
  return pairs;
}

/**
 * numpy's `np.pad(x, padWidth, mode)` for modes 'constant' (with `value`), 'reflect' (mirrored
 * without repeating the edge) and 'edge' (the edge repeated). padWidth takes numpy's forms.
 * @example pad(tensor([1, 2, 3]), [1, 2]); // [0, 1, 2, 3, 0, 0]
 *   pad(tensor([1, 2, 3]), 2, { mode: 'reflect' }); // [3, 2, 1, 2, 3, 2, 1]
 */
export function pad(a: TensorLike, padWidth: number | readonly number[] | readonly (readonly number[])[], options: PadOptions = {}): Tensor {
  const x = asTensor(a);
  if (options === null || typeof options !== 'object') throw new ArgumentError(`pad: options must be an object, got ${show(options)}`);
  const { mode = 'constant', value = 0 } = options;
  if (mode !== 'constant' && mode !== 'reflect' && mode !== 'edge') throw new ValueError(`pad: mode must be 'constant', 'reflect' or 'edge', got ${show(mode)}`);
  if (typeof value !== 'number') throw new ArgumentError(`pad: value must be a number, got ${show(value)}`);
  const widths = padWidths(padWidth, x.ndim);
  checkSize('pad', x.shape.map((d, i) => d + widths[i]![0] + widths[i]![1]));
  let out = x;
  widths.forEach(([before, after], ax) => {
    if (before === 0 && after === 0) return;
    const n = out.shape[ax]!;
    if (mode === 'constant') {
      const side = (w: number) => {
        const s = out.shape.slice();
        s[ax] = w;
        return full(s, value, out.dtype);
      };
      out = concat([side(before), out, side(after)], ax);
      return;
    }
    if (n === 0) throw new ValueError(`pad: cannot extend the empty axis ${ax} of ${fmt(x.shape)} with mode '${mode}' (only 'constant')`);
    const period = 2 * (n - 1);
    const idx = new Int32Array(before + n + after);
    for (let i = -before; i < n + after; i++) {
      let j: number;
      if (mode === 'edge' || n === 1) j = Math.min(Math.max(i, 0), n - 1);
      else {
        j = ((i % period) + period) % period;
        if (j >= n) j = period - j;
      }
      idx[i + before] = j;
    }
    out = take(out, idx, ax);
  });
  return out;
}

/** The most tensors one split returns: each is an object, and an empty axis divides into any count. */
const MAX_PARTS = 2 ** 20;

/**
 * numpy's `np.split(x, indicesOrSections, axis)`: a number cuts into that many equal parts (it
 * must divide the axis); an array gives the cut points (numpy's slicing: clipped, maybe empty).
 * @example split(arange(6), 3); // [[0, 1], [2, 3], [4, 5]]
 *   split(arange(5), [2]); // [[0, 1], [2, 3, 4]]
 */
export function split(a: TensorLike, indicesOrSections: number | readonly number[], axis = 0): Tensor[] {
  const x = asTensor(a);
  if (x.ndim === 0) throw new IndexError('split: a 0-d tensor has no axis to split');
  const ax = normAxis('split', axis, x.ndim);
  const n = x.shape[ax]!;
  let cuts: number[];
  if (typeof indicesOrSections === 'number') {
    const k = indicesOrSections;
    if (!Number.isInteger(k) || k <= 0) throw new ValueError(`split: the number of sections must be a whole number ≥ 1, got ${show(k)}`);
    if (n % k !== 0) throw new ValueError(`split: axis ${ax} of size ${n} does not divide into ${k} equal sections`);
    if (k > MAX_PARTS) throw new ValueError(`split: ${k} sections are more than the ${MAX_PARTS} parts one split returns`);
    cuts = Array.from({ length: k - 1 }, (_, i) => ((i + 1) * n) / k);
  } else cuts = ints('split', 'indicesOrSections', indicesOrSections);
  if (cuts.length >= MAX_PARTS) throw new ValueError(`split: ${cuts.length} cut points are more than one split returns (${MAX_PARTS} parts)`);
  const points = [0, ...cuts, n];
  return points.slice(1).map((end, i) => slice(x, ax, points[i]!, end));
}

/**
 * The slices along `axis`, that axis removed (PyTorch's `unbind`, TensorFlow's `unstack`).
 * @example unstack(tensor([[1, 2], [3, 4]])); // [[1, 2], [3, 4]] as two tensors
 *   unstack(tensor([[1, 2], [3, 4]]), 1); // [1, 3] and [2, 4]
 */
export function unstack(a: TensorLike, axis = 0): Tensor[] {
  const x = asTensor(a);
  if (x.ndim === 0) throw new IndexError('unstack: a 0-d tensor has no axis to unstack');
  const ax = normAxis('unstack', axis, x.ndim);
  return Array.from({ length: x.shape[ax]! }, (_, i) => take(x, i, ax));
}

/**
 * numpy's `np.flip`: the order of elements reversed along `axis` (every axis when omitted).
 * @example flip(tensor([[1, 2], [3, 4]]), 1); // [[2, 1], [4, 3]]
 *   flip(tensor([[1, 2], [3, 4]])); // [[4, 3], [2, 1]]
 */
export function flip(a: TensorLike, axis?: Axis | null): Tensor {
  const x = asTensor(a);
  return normAxes('flip', axis, x.ndim).reduce((t, ax) => slice(t, ax, null, null, -1), x);
}

/**
 * numpy's `np.roll`: elements shifted by `shift` along `axis` (x flattened when omitted), those
 * leaving one end coming back at the other. shift and axis may be arrays of the same length.
 * @example roll(tensor([1, 2, 3, 4]), 1); // [4, 1, 2, 3]
 *   roll(tensor([[1, 2], [3, 4]]), 1, 1); // [[2, 1], [4, 3]]
 */
export function roll(a: TensorLike, shift: number | readonly number[], axis?: Axis | null): Tensor {
  const x = asTensor(a);
  const shifts = ints('roll', 'shift', shift);
  if (axis === undefined || axis === null) {
    if (shifts.length !== 1) throw new ValueError(`roll: without an axis, shift must be one number, got ${show(shift)}`);
    return reshape(roll(reshape(x, [x.size]), shifts[0]!, 0), x.shape);
  }
  let axes = (typeof axis === 'number' ? [axis] : Array.isArray(axis) ? axis : [NaN]).map((ax) => normAxis('roll', ax, x.ndim));
  // shift and axis broadcast against each other, as in numpy (an axis named twice rolls twice).
  if (axes.length === 1 && shifts.length > 1) axes = shifts.map(() => axes[0]!);
  if (shifts.length !== 1 && shifts.length !== axes.length) {
    throw new ValueError(`roll: ${shifts.length} shifts for ${axes.length} axes`);
  }
  return axes.reduce((t, ax, i) => {
    const n = t.shape[ax]!;
    const s = shifts.length === 1 ? shifts[0]! : shifts[i]!;
    if (t.size === 0 || s % n === 0) return t; // an empty t needs no table of n positions
    const idx = new Int32Array(n);
    for (let j = 0; j < n; j++) idx[j] = (((j - s) % n) + n) % n;
    return take(t, idx, ax);
  }, x);
}

/**
 * Axes `a` and `b` exchanged (numpy's `swapaxes`).
 * @example swapaxes(ones([2, 3, 4]), 0, 2); // shape [4, 3, 2]
 *   swapaxes(ones([5, 2, 3]), -1, -2); // shape [5, 3, 2]
 */
export function swapaxes(x0: TensorLike, a: number, b: number): Tensor {
  const x = asTensor(x0);
  const i = normAxis('swapaxes', a, x.ndim);
  const j = normAxis('swapaxes', b, x.ndim);
  const perm = x.shape.map((_, k) => (k === i ? j : k === j ? i : k));
  return transpose(x, perm);
}

/**
 * numpy's `np.moveaxis`: axes `source` moved to positions `destination`, the others keeping
 * their order.
 * @example moveaxis(ones([2, 3, 4]), 0, -1); // shape [3, 4, 2]
 *   moveaxis(ones([2, 3, 4]), [0, 1], [-1, -2]); // shape [4, 3, 2]
 */
export function moveaxis(a: TensorLike, source: number | readonly number[], destination: number | readonly number[]): Tensor {
  const x = asTensor(a);
  const src = ints('moveaxis', 'source', source).map((ax) => normAxis('moveaxis', ax, x.ndim));
  const dst = ints('moveaxis', 'destination', destination).map((ax) => normAxis('moveaxis', ax, x.ndim));
  if (src.length !== dst.length) throw new ValueError(`moveaxis: ${src.length} source axes but ${dst.length} destinations`);
  if (new Set(src).size !== src.length || new Set(dst).size !== dst.length) {
    throw new IndexError(`moveaxis: repeated axis in source ${show(source)} or destination ${show(destination)}`);
  }
  const rest = x.shape.map((_, i) => i).filter((i) => !src.includes(i));
  const perm = new Array<number>(x.ndim);
  src.forEach((s, i) => (perm[dst[i]!] = s));
  for (let i = 0, r = 0; i < x.ndim; i++) if (perm[i] === undefined) perm[i] = rest[r++]!;
  return transpose(x, perm);
}

/** Ones on and below (lower) or on and above the k-th diagonal of an n×m matrix. */
function triangle(n: number, m: number, k: number, lower: boolean): Tensor {
  const data = allocate('float64', n * m);
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) if (lower ? j - i <= k : j - i >= k) data[i * m + j] = 1;
  return Tensor._of(data, [n, m]);
}

function tri(op: 'tril' | 'triu', a: TensorLike, k: number): Tensor {
  const x = asTensor(a);
  if (!Number.isInteger(k)) throw new ValueError(`${op}: k must be an integer, got ${show(k)}`);
  if (x.ndim === 0) throw new ShapeError(`${op}: needs at least 1 axis, got a 0-d tensor`);
  // NOTE: as numpy, a 1-d x is taken as the rows of a square matrix.
  const n = x.ndim === 1 ? x.shape[0]! : x.shape[x.ndim - 2]!;
  const m = x.shape[x.ndim - 1]!;
  return where(triangle(n, m, k, op === 'tril'), x, asTensor(0, x.dtype));
}

/**
 * The lower triangle of the last two axes (on and below diagonal k), zeros above.
 * @example tril(ones([3, 3])); // [[1, 0, 0], [1, 1, 0], [1, 1, 1]]
 *   tril(ones([3, 3]), -1); // [[0, 0, 0], [1, 0, 0], [1, 1, 0]]
 */
export function tril(a: TensorLike, k = 0): Tensor {
  return tri('tril', a, k);
}

/**
 * The upper triangle of the last two axes (on and above diagonal k), zeros below.
 * @example triu(ones([3, 3]), 1); // [[0, 1, 1], [0, 0, 1], [0, 0, 0]]
 *   triu(ones([2, 3])); // [[1, 1, 1], [0, 1, 1]]
 */
export function triu(a: TensorLike, k = 0): Tensor {
  return tri('triu', a, k);
}

/**
 * numpy's `np.diag(x, k)`: of a 1-d x, the square matrix with x on diagonal k; of a 2-d x, its
 * k-th diagonal.
 * @example diag(tensor([1, 2])); // [[1, 0], [0, 2]]
 *   diag(tensor([[1, 2], [3, 4]])); // [1, 4]
 */
export function diag(a: TensorLike, k = 0): Tensor {
  const x = asTensor(a);
  if (!Number.isInteger(k)) throw new ValueError(`diag: k must be an integer, got ${show(k)}`);
  if (x.ndim === 1) {
    const n = x.shape[0]! + Math.abs(k);
    checkSize('diag', [n, n]);
    const idx = Int32Array.from({ length: x.shape[0]! }, (_, i) => (k >= 0 ? i * n + i + k : (i - k) * n + i));
    return reshape(indexAdd(full([n * n], 0, x.dtype), 0, idx, x), [n, n]);
  }
  if (x.ndim !== 2) throw new ShapeError(`diag: needs a 1-d or 2-d tensor, got shape ${fmt(x.shape)}`);
  const [n, m] = x.shape as [number, number];
  const len = Math.max(0, k >= 0 ? Math.min(n, m - k) : Math.min(n + k, m));
  const idx = Int32Array.from({ length: len }, (_, i) => (k >= 0 ? i * m + i + k : (i - k) * m + i));
  return take(reshape(x, [n * m]), idx, 0);
}

/**
 * The sum of diagonal k of a matrix. NOTE: 2-d only, as PyTorch (numpy's `np.trace` also takes more axes).
 * @example trace(tensor([[1, 2], [3, 4]])); // 5
 *   trace(tensor([[1, 2], [3, 4]]), 1); // 2
 */
export function trace(a: TensorLike, k = 0): Tensor {
  const x = asTensor(a);
  if (x.ndim !== 2) throw new ShapeError(`trace: needs a 2-d tensor, got shape ${fmt(x.shape)}`);
  return sum(diag(x, k));
}

/**
 * The outer product of x and y, both flattened: out[i, j] = x[i]·y[j] (numpy's `np.outer`).
 * @example outer(tensor([1, 2]), tensor([1, 10, 100])); // [[1, 10, 100], [2, 20, 200]]
 *   outer(ones([2, 2]), tensor([1, 2])); // shape [4, 2]
 */
export function outer(a: TensorLike, b: TensorLike): Tensor {
  const x = asTensor(a);
  const y = asTensor(b, x.dtype);
  return mul(reshape(x, [x.size, 1]), reshape(y, [1, y.size]));
}
