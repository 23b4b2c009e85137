/**
 * Sorting: a stable argsort along an axis, and the values read through `takeAlongAxis`, so
 * the gradient of sort and topk flows back to the original positions by that op's rule.
 */
import { ArgumentError, ValueError } from '../tape/errors.js';
import { around } from '../kernels/loops.js';
import { normAxis } from '../tape/shapes.js';
import { show } from '../tape/messages.js';
import { Tensor, asTensor, type TensorLike } from '../tape/tensor.js';
import { reshape, takeAlongAxis } from './shape.js';

export interface SortOptions {
  /** Largest first. Default false. */
  descending?: boolean;
}

function options<T extends object>(op: string, o: T | undefined): T {
  if (o === undefined) return {} as T;
  if (o === null || typeof o !== 'object') throw new ArgumentError(`${op}: options must be an object, got ${show(o)}`);
  return o;
}

/**
 * The stable order along `ax`. NOTE: NaN sorts last ascending and first descending (as PyTorch: NaN
 * counts as the largest value); equal values keep their order either way.
 */
function order(x: Tensor, ax: number, descending: boolean): Int32Array {
  const [outer, n, inner] = around(x.shape, ax);
  const out = new Int32Array(x.size);
  const vals = new Float64Array(n);
  const perm = new Array<number>(n);
  const up = (i: number, j: number) => {
    const a = vals[i]!, b = vals[j]!;
    if (a < b) return -1;
    if (a > b) return 1;
    if (a === b) return 0;
    return a !== a ? (b !== b ? 0 : 1) : -1;
  };
  const cmp = descending ? (i: number, j: number) => up(j, i) : up;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * n * inner + i;
      for (let j = 0; j < n; j++) {
        vals[j] = x._data[base + j * inner]!;
        perm[j] = j;
      }
      // Array.prototype.sort is stable (ECMAScript 2019), and so is a reversed comparator.
      perm.sort(cmp);
      for (let j = 0; j < n; j++) out[base + j * inner] = perm[j]!;
    }
  }
  return out;
}

/** A 0-d tensor sorts as one element (as PyTorch). */
function axisOf(op: string, x: Tensor, axis: number): [Tensor, number] {
  if (x.ndim === 0) {
    normAxis(op, axis, 1);
    return [reshape(x, [1]), 0];
  }
  return [x, normAxis(op, axis, x.ndim)];
}

/**
 * The indices that sort x along `axis` (int32, stable, no gradient); NaN counts as the largest.
 * @example argsort(tensor([3, 1, 2])); // [1, 2, 0]
 *   argsort(tensor([1, 2, 1]), -1, { descending: true }); // [1, 0, 2]
 */
export function argsort(a: TensorLike, axis = -1, opts?: SortOptions): Tensor {
  const x0 = asTensor(a);
  const { descending = false } = options('argsort', opts);
  const [x, ax] = axisOf('argsort', x0, axis);
  return Tensor._of(order(x, ax, Boolean(descending)), x0.shape);
}

/**
 * x sorted along `axis` (stable); the gradient flows back to each value's original position.
 * NaN sorts last (first when descending).
 * @example sort(tensor([3, 1, 2])); // [1, 2, 3]
 *   sort(tensor([3, 1, 2]), -1, { descending: true }); // [3, 2, 1]
 */
export function sort(a: TensorLike, axis = -1, opts?: SortOptions): Tensor {
  const x0 = asTensor(a);
  const { descending = false } = options('sort', opts);
  const [x, ax] = axisOf('sort', x0, axis);
  const idx = Tensor._of(order(x, ax, Boolean(descending)), x.shape);
  return reshape(takeAlongAxis(x, idx, ax), x0.shape);
}

export interface TopkOptions {
  /** The k largest (default) or the k smallest. */
  largest?: boolean;
  /** In sorted order (default); otherwise in the order of their positions along the axis. */
  sorted?: boolean;
}

/**
 * The k largest (or smallest) values along `axis` and their int32 indices; the values carry the
 * gradient back to their positions. NOTE: with `sorted: false` they come in the order of their
 * positions (PyTorch leaves that order unspecified).
 * @example const { values, indices } = topk(tensor([1, 5, 3]), 2);
 *   // values [5, 3], indices [1, 2]
 */
export function topk(a: TensorLike, k: number, axis = -1, opts?: TopkOptions): { values: Tensor; indices: Tensor } {
  const x0 = asTensor(a);
  const { largest = true, sorted = true } = options('topk', opts);
  const [x, ax] = axisOf('topk', x0, axis);
  const n = x.shape[ax]!;
  if (typeof k !== 'number' || !Number.isInteger(k) || k < 0 || k > n) {
    throw new ValueError(`topk: k = ${show(k)} is out of range for axis ${ax} of size ${n}`);
  }
  const full = order(x, ax, Boolean(largest));
  const [outer, , inner] = around(x.shape, ax);
  const idx = new Int32Array(outer * k * inner);
  const row = new Array<number>(k);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      for (let j = 0; j < k; j++) row[j] = full[o * n * inner + j * inner + i]!;
      if (!sorted) row.sort((p, q) => p - q);
      for (let j = 0; j < k; j++) idx[o * k * inner + j * inner + i] = row[j]!;
    }
  }
  const shape = x.shape.slice();
  shape[ax] = k;
  const indices = Tensor._of(idx, shape);
  const outShape = x0.ndim === 0 && k === 1 ? [] : shape;
  return { values: reshape(takeAlongAxis(x, indices, ax), outShape), indices: reshape(indices, outShape) };
}
