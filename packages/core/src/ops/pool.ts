/**
 * Pooling with PyTorch's semantics (NCHW; output sizes, ceil mode and padding as `F.max_pool2d`
 * / `F.avg_pool2d`). Max pooling picks indices and gathers; average pooling is a linear window
 * mean. Each forward has an adjoint op as its rule, whose own rule is the forward again.
 */
import { record } from '../tape/autograd.js';
import { allocate, floatOf } from '../tape/dtype.js';
import { ArgumentError, IndexError, ShapeError, ValueError } from '../tape/errors.js';
import { maxPoolIndices, windowMean, type Windows } from '../kernels/conv.js';
import { fmt, show } from '../tape/messages.js';
import { checkResult, MAX_ELEMENTS, sizeOf } from '../tape/shapes.js';
import { Tensor, asTensor, type TensorLike } from '../tape/tensor.js';
import { pair, type Size1, type Size2 } from './conv.js';

export interface MaxPool2dOptions {
  /** Default: the kernel size. */
  stride?: Size2;
  /** Implicit −∞ on both sides, at most half the kernel. Default 0. */
  padding?: Size2;
  dilation?: Size2;
  /** Round the output size up (a last, partial window), as PyTorch's `ceil_mode`. Default false. */
  ceilMode?: boolean;
}

export interface AvgPool2dOptions {
  stride?: Size2;
  padding?: Size2;
  ceilMode?: boolean;
  /** Count the zero padding in the divisor. Default true. */
  countIncludePad?: boolean;
}

export interface MaxPool1dOptions { stride?: Size1; padding?: Size1; dilation?: Size1; ceilMode?: boolean }
export interface AvgPool1dOptions { stride?: Size1; padding?: Size1; ceilMode?: boolean; countIncludePad?: boolean }

// ---------------------------------------------------------------------------
// gather / scatter at flat indices: max pooling and embedding

/** out[i] = x[idx[i]] (−∞ where idx[i] is −1), shape `shape`; the rule scatters back. */
function gatherAt(op: string, x: Tensor, idx: Int32Array, shape: readonly number[]): Tensor {
  const data = allocate(x.dtype, idx.length);
  for (let i = 0; i < idx.length; i++) data[i] = idx[i]! < 0 ? -Infinity : x._data[idx[i]!]!;
  return record(op, [x], Tensor._of(data, shape), (g) => [scatterAt(g, idx, x.shape)], []);
}

/** The adjoint of gatherAt: zeros of `shape` with x[i] added at idx[i]. */
function scatterAt(x: Tensor, idx: Int32Array, shape: readonly number[]): Tensor {
  const data = allocate(x.dtype, sizeOf(shape));
  for (let i = 0; i < idx.length; i++) if (idx[i]! >= 0) data[idx[i]!] = data[idx[i]!]! + x._data[i]!;
  return record('scatterAt', [x], Tensor._of(data, shape), (g) => [gatherAt('gatherAt', g, idx, x.shape)], []);
}

// ---------------------------------------------------------------------------
// Output sizes

/** PyTorch's pooling output size along one axis (with its ceil-mode rule: the last window must start inside input + left padding). */
function poolOut(n: number, k: number, s: number, p: number, d: number, ceil: boolean): number {
  const span = n + 2 * p - d * (k - 1) - 1 + (ceil ? s - 1 : 0);
  let out = Math.floor(span / s) + 1;
  if (ceil && (out - 1) * s >= n + p) out--;
  return out;
}

interface PoolArgs { k: number[]; s: number[]; p: number[]; d: number[]; ceil: boolean }

function poolArgs(op: string, kernelSize: unknown, o: MaxPool2dOptions | MaxPool1dOptions | AvgPool2dOptions | AvgPool1dOptions, dims: 1 | 2, dilation: boolean): PoolArgs {
  if (o === null || typeof o !== 'object') throw new ArgumentError(`${op}: options must be an object, got ${show(o)}`);
  const lift = (v: number[], d: number) => (dims === 1 ? [d, v[0]!] : v);
  const k = pair(op, 'kernelSize', kernelSize, 1, 1, dims);
  const s = o.stride === undefined || o.stride === null ? k : pair(op, 'stride', o.stride, 1, 1, dims);
  const p = pair(op, 'padding', o.padding, 0, 0, dims);
  const d = dilation ? pair(op, 'dilation', (o as MaxPool2dOptions).dilation, 1, 1, dims) : new Array<number>(dims).fill(1);
  if (p.some((v, i) => v > k[i]! / 2)) {
    throw new ValueError(`${op}: padding ${show(o.padding)} must be at most half the kernel size ${show(kernelSize)}`);
  }
  return { k: lift(k, 1), s: lift(s, 1), p: lift(p, 0), d: lift(d, 1), ceil: Boolean(o.ceilMode) };
}

/** x as (N, C, H, W): 1-d inputs get H = 1; a missing batch axis gets N = 1. Returns the shape to give the result back. */
function asPlanes(op: string, x: Tensor, dims: 1 | 2): { x4: Tensor; back: (oh: number, ow: number) => number[] } {
  const full = dims + 2;
  if (x.ndim !== full && x.ndim !== full - 1) {
    throw new ShapeError(`${op}: input must be ${full}-d ${dims === 2 ? '(N, C, H, W)' : '(N, C, L)'} or ${full - 1}-d without the batch axis, got shape ${fmt(x.shape)}`);
  }
  const lead = x.shape.slice(0, x.ndim - dims);
  const H = dims === 2 ? x.shape[x.ndim - 2]! : 1;
  const W = x.shape[x.ndim - 1]!;
  const planes = sizeOf(lead);
  return {
    x4: x.reshape([planes, 1, H, W]),
    back: (oh, ow) => (dims === 2 ? [...lead, oh, ow] : [...lead, ow]),
  };
}

function outputSizes(op: string, x: Tensor, a: PoolArgs, dims: 1 | 2): [number, number] {
  const H = dims === 2 ? x.shape[x.ndim - 2]! : 1;
  const W = x.shape[x.ndim - 1]!;
  const oh = poolOut(H, a.k[0]!, a.s[0]!, a.p[0]!, a.d[0]!, a.ceil);
  const ow = poolOut(W, a.k[1]!, a.s[1]!, a.p[1]!, a.d[1]!, a.ceil);
  if (oh < 1 || ow < 1) {
    const show2 = (v: number[]) => (dims === 1 ? String(v[1]) : `[${v.join(',')}]`);
    throw new ShapeError(
      `${op}: input ${fmt(x.shape)} with kernel ${show2(a.k)} (stride ${show2(a.s)}, padding ${show2(a.p)}, dilation ${show2(a.d)}) ` +
        `gives output size ${dims === 1 ? ow : `[${oh},${ow}]`}, which is too small`,
    );
  }
  return [oh, ow];
}

// ---------------------------------------------------------------------------
// Max pooling

function maxPool(op: string, input: TensorLike, kernelSize: unknown, options: MaxPool2dOptions | MaxPool1dOptions, dims: 1 | 2): Tensor {
  const x = asTensor(input);
  const a = poolArgs(op, kernelSize, options, dims, true);
  const { x4, back } = asPlanes(op, x, dims);
  const [oh, ow] = outputSizes(op, x, a, dims);
  const [planes, , H, W] = x4.shape as [number, number, number, number];
  const idx = maxPoolIndices(x._data, planes, H, W, oh, ow, a.k[0]!, a.k[1]!, a.s[0]!, a.s[1]!, a.p[0]!, a.p[1]!, a.d[0]!, a.d[1]!);
  // NOTE: the gradient goes to the first maximum of each window (PyTorch's CPU rule; NaN counts as the maximum).
  return gatherAt(op, x, idx, back(oh, ow));
}

/**
 * 2-d max pooling (PyTorch's `F.max_pool2d`): x (N, C, H, W) or (C, H, W); the stride defaults
 * to the kernel size. The gradient goes to the first maximum of each window.
 * @example
 *   maxPool2d(arange(16).reshape([1, 1, 4, 4]), 2); // [[[[5, 7], [13, 15]]]]
 */
export function maxPool2d(input: TensorLike, kernelSize: Size2, options: MaxPool2dOptions = {}): Tensor {
  return maxPool('maxPool2d', input, kernelSize, options, 2);
}

/**
 * 1-d max pooling (PyTorch's `F.max_pool1d`): x (N, C, L) or (C, L).
 * @example
 *   maxPool1d(tensor([[[1, 3, 2, 5]]]), 2); // [[[3, 5]]]
 */
export function maxPool1d(input: TensorLike, kernelSize: Size1, options: MaxPool1dOptions = {}): Tensor {
  return maxPool('maxPool1d', input, kernelSize, options, 1);
}

// ---------------------------------------------------------------------------
// Average pooling: a linear window mean and its adjoint

interface MeanGeom { planes: number; H: number; W: number; rows: Windows; cols: Windows; divisor: Float64Array }

function windowMeanOp(op: string, x: Tensor, geo: MeanGeom, shape: readonly number[]): Tensor {
  const data = allocate(x.dtype, sizeOf(shape));
  windowMean(x._data, data, geo.planes, geo.H, geo.W, geo.rows, geo.cols, geo.divisor, false);
  return record(op, [x], Tensor._of(data, shape), (g) => [windowSpreadOp(g, geo, x.shape)], []);
}

/** The adjoint of the window mean: each x[p, oy, ox] / divisor spread over its window. */
function windowSpreadOp(x: Tensor, geo: MeanGeom, shape: readonly number[]): Tensor {
  const data = allocate(x.dtype, sizeOf(shape));
  windowMean(x._data, data, geo.planes, geo.H, geo.W, geo.rows, geo.cols, geo.divisor, true);
  return record('windowSpread', [x], Tensor._of(data, shape), (g) => [windowMeanOp('windowMean', g, geo, x.shape)], []);
}

function avgPool(op: string, input: TensorLike, kernelSize: unknown, options: AvgPool2dOptions | AvgPool1dOptions, dims: 1 | 2): Tensor {
  const x0 = asTensor(input);
  const x = x0.astype(floatOf(x0.dtype));
  const a = poolArgs(op, kernelSize, options, dims, false);
  const includePad = options.countIncludePad ?? true;
  const { x4, back } = asPlanes(op, x, dims);
  const [oh, ow] = outputSizes(op, x, a, dims);
  const [planes, , H, W] = x4.shape as [number, number, number, number];
  // As PyTorch: a window runs from o·s − p to at most n + p; the divisor counts that padded
  // window (countIncludePad) or only the part inside the input.
  const axis = (n: number, on: number, k: number, s: number, p: number) => {
    const start = new Int32Array(on);
    const end = new Int32Array(on);
    const padded = new Int32Array(on);
    for (let o = 0; o < on; o++) {
      const s0 = o * s - p;
      const e0 = Math.min(s0 + k, n + p);
      padded[o] = e0 - s0;
      start[o] = Math.max(s0, 0);
      end[o] = Math.min(e0, n);
    }
    return { start, end, padded };
  };
  const r = axis(H, oh, a.k[0]!, a.s[0]!, a.p[0]!);
  const c = axis(W, ow, a.k[1]!, a.s[1]!, a.p[1]!);
  const divisor = new Float64Array(oh * ow);
  for (let i = 0; i < oh; i++) {
    for (let j = 0; j < ow; j++) {
      divisor[i * ow + j] = includePad ? r.padded[i]! * c.padded[j]! : (r.end[i]! - r.start[i]!) * (c.end[j]! - c.start[j]!);
    }
  }
  return windowMeanOp(op, x, { planes, H, W, rows: r, cols: c, divisor }, back(oh, ow));
}

/**
 * 2-d average pooling (PyTorch's `F.avg_pool2d`): x (N, C, H, W) or (C, H, W); the stride
 * defaults to the kernel size; zero padding counts in the divisor unless `countIncludePad: false`.
 * @example
 *   avgPool2d(arange(16).reshape([1, 1, 4, 4]), 2); // [[[[2.5, 4.5], [10.5, 12.5]]]]
 */
export function avgPool2d(input: TensorLike, kernelSize: Size2, options: AvgPool2dOptions = {}): Tensor {
  return avgPool('avgPool2d', input, kernelSize, options, 2);
}

/**
 * 1-d average pooling (PyTorch's `F.avg_pool1d`): x (N, C, L) or (C, L).
 * @example
 *   avgPool1d(tensor([[[1, 3, 2, 6]]]), 2); // [[[2, 4]]]
 */
export function avgPool1d(input: TensorLike, kernelSize: Size1, options: AvgPool1dOptions = {}): Tensor {
  return avgPool('avgPool1d', input, kernelSize, options, 1);
}

/**
 * Average pooling to a fixed output size (PyTorch's `F.adaptive_avg_pool2d`): window i along an
 * axis of n covers [⌊i·n/out⌋, ⌈(i+1)·n/out⌉). A size of null keeps the input's.
 * @example
 *   adaptiveAvgPool2d(ones([2, 3, 7, 5]), 1).shape; // [2, 3, 1, 1]
 */
export function adaptiveAvgPool2d(input: TensorLike, outputSize: number | readonly [number | null, number | null]): Tensor {
  const op = 'adaptiveAvgPool2d';
  const x0 = asTensor(input);
  const x = x0.astype(floatOf(x0.dtype));
  const { x4, back } = asPlanes(op, x, 2);
  const [planes, , H, W] = x4.shape as [number, number, number, number];
  const sizes = typeof outputSize === 'number' ? [outputSize, outputSize] : Array.isArray(outputSize) ? outputSize.map((v, i) => (v === null ? [H, W][i] : v)) : null;
  if (sizes === null || sizes.length !== 2 || sizes.some((v) => typeof v !== 'number' || !Number.isInteger(v) || v < 1)) {
    throw new ValueError(`${op}: outputSize must be a whole number ≥ 1 or two of them (null keeps the input's size), got ${show(outputSize)}`);
  }
  const [oh, ow] = sizes as [number, number];
  // NOTE: checked before the windows are made (an entry per output row, column and cell): outputSize [2**31, 1]
  // used to allocate 24 GB and kill the process; [1e12, 1e12] threw the engine's RangeError.
  checkResult(op, [x.shape], [...x.shape.slice(0, -2), oh, ow]);
  if (oh * ow > MAX_ELEMENTS) throw new ValueError(`${op}: output size [${oh},${ow}] holds ${oh * ow} elements per plane; a tensor holds at most 2**31 - 1`);
  if ((H === 0 || W === 0) && planes > 0) throw new ShapeError(`${op}: input ${fmt(x.shape)} has an empty spatial axis; output size [${oh},${ow}] needs at least one element per window`);
  const axis = (n: number, on: number): Windows => {
    const start = new Int32Array(on);
    const end = new Int32Array(on);
    for (let o = 0; o < on; o++) {
      start[o] = Math.floor((o * n) / on);
      end[o] = Math.ceil(((o + 1) * n) / on);
    }
    return { start, end };
  };
  const rows = axis(H, oh);
  const cols = axis(W, ow);
  const divisor = new Float64Array(oh * ow);
  for (let i = 0; i < oh; i++) for (let j = 0; j < ow; j++) divisor[i * ow + j] = (rows.end[i]! - rows.start[i]!) * (cols.end[j]! - cols.start[j]!);
  return windowMeanOp(op, x, { planes, H, W, rows, cols, divisor }, back(oh, ow));
}

// ---------------------------------------------------------------------------
// Embedding: rows of a weight table picked by integer indices

/**
 * Looks up rows of `weight` (num, dim) at integer `indices` (any shape): output indices.shape + [dim].
 * The gradient adds into the picked rows (repeats add up), as PyTorch's `F.embedding`.
 * @example
 *   embedding(tensor([[0, 2]]), eye(3)).toArray(); // [[[1, 0, 0], [0, 0, 1]]]
 */
export function embedding(indices: TensorLike, weight: TensorLike): Tensor {
  const op = 'embedding';
  const ind = asTensor(indices, 'int32');
  const w = asTensor(weight);
  if (w.ndim !== 2) throw new ShapeError(`${op}: weight must be 2-d (numEmbeddings, dim), got shape ${fmt(w.shape)}`);
  const [num, dim] = w.shape as [number, number];
  const idx = new Int32Array(ind.size * dim);
  for (let i = 0; i < ind.size; i++) {
    const v = ind._data[i]!;
    if (!Number.isInteger(v) || v < 0 || v >= num) {
      throw new IndexError(`${op}: index ${v} (at flat position ${i} of indices ${fmt(ind.shape)}) is out of range for a weight of ${num} rows ${fmt(w.shape)}`);
    }
    for (let j = 0; j < dim; j++) idx[i * dim + j] = v * dim + j;
  }
  return gatherAt(op, w, idx, [...ind.shape, dim]);
}
