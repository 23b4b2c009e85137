/**
 * Statistics and reductions beyond sum/mean/max/min (prod, var, std, norm, median, any, all,
 * countNonzero), all over `axis?` (all axes when omitted) with numpy's `keepdims`, and the scans
 * cumsum, cumprod, logcumsumexp along one axis. Forward kernel and gradient rule side by side.
 */
import { record } from '../tape/autograd.js';
import { allocate, floatOf, type DType, type TypedArray } from '../tape/dtype.js';
import { ArgumentError, IndexError, ValueError } from '../tape/errors.js';
import { around, transposeKernel } from '../kernels/loops.js';
import { logAddExp } from '../kernels/special.js';
import { normAxes, normAxis } from '../tape/shapes.js';
import { fmt, show } from '../tape/messages.js';
import { Tensor, asTensor, type Axis, type TensorLike } from '../tape/tensor.js';
import { where } from './elementwise.js';
import { takeAlongAxis } from './shape.js';

const INT32_MIN = -0x80000000;
const INT32_MAX = 0x7fffffff;

function checkKeepdims(op: string, keepdims: unknown): void {
  if (typeof keepdims !== 'boolean') throw new ArgumentError(`${op}: keepdims must be true or false, got ${show(keepdims)}`);
}

/** The axes an op reduces, checked, and the result's shape with and without the reduced axes kept as 1. */
function plan(op: string, x: Tensor, axis: Axis | null | undefined, keepdims: boolean) {
  checkKeepdims(op, keepdims);
  const axes = normAxes(op, axis, x.ndim);
  const keepShape = x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const shape = keepdims ? keepShape : x.shape.filter((_, i) => !axes.includes(i));
  let n = 1;
  for (const a of axes) n *= x.shape[a]!;
  return { axes, keepShape, shape, n };
}

/**
 * x's data with the reduced axes moved last, so that each result element reads one contiguous
 * lane of n values: lane l is data[l·n … l·n + n).
 */
function lanes(x: Tensor, axes: readonly number[]): TypedArray {
  const perm = [...x.shape.map((_, i) => i).filter((i) => !axes.includes(i)), ...axes];
  return perm.every((p, i) => p === i) ? x._data : transposeKernel(x._data, x.shape, perm, x.dtype);
}

/** bool data as int32, as numpy's prod, cumsum and cumprod give integers for bools. */
const integers = (x: Tensor): Tensor => (x.dtype === 'bool' ? x.astype('int32') : x);

/** Integer and bool data as float64, for the ops whose results are fractions. */
const floats = (x: Tensor): Tensor => (x.dtype === 'int32' || x.dtype === 'bool' ? x.astype('float64') : x);

/** An int32 result that does not fit is an error, never a wrapped number. */
function checkInt32(op: string, v: number, what: string): void {
  if (v < INT32_MIN || v > INT32_MAX) {
    throw new ValueError(`${op}: the ${what} of these int32 values is ${v}, beyond the int32 range; convert with astype('float64') first`);
  }
}

// ---------------------------------------------------------------------------
// prod

/**
 * The product over `axis` (all axes when omitted); 1 for an empty lane. int32 products are computed
 * exactly and must fit in int32 (a ValueError otherwise). NOTE: the gradient is right with zeros in
 * the lane: the product of the others at a single zero, 0 everywhere for two or more.
 * @example prod(tensor([[1, 2], [3, 4]]), 1); // [2, 12]
 */
export function prod(a: TensorLike, axis?: Axis | null, keepdims = false): Tensor {
  const x = integers(asTensor(a));
  const { axes, keepShape, shape, n } = plan('prod', x, axis, keepdims);
  const data = lanes(x, axes);
  const count = n === 0 ? keepShape.reduce((p, d) => p * d, 1) : x.size / n;
  const od = allocate(x.dtype, count);
  const int = x.dtype === 'int32';
  for (let l = 0; l < count; l++) {
    let p = 1;
    for (let j = l * n; j < l * n + n; j++) {
      p *= data[j]!;
      // Past the int32 range the exact value no longer matters, only that it stays out of range
      // (or becomes 0): pin it so that it cannot overflow to ∞ and turn into NaN at a later zero.
      if (int && (p > INT32_MAX || p < INT32_MIN)) p = p > 0 ? 2 ** 32 : -(2 ** 32);
    }
    if (int && (p > INT32_MAX || p < INT32_MIN)) {
      throw new ValueError(`prod: the product of these int32 values is beyond the int32 range; convert with astype('float64') first`);
    }
    od[l] = p;
  }
  const out = Tensor._of(od, shape);
  return record('prod', [x], out, (g) => {
    const keep = out.reshape(keepShape);
    const zero = x.eq(0);
    const nonzero = where(zero, 1, x);
    // d out / d xᵢ = the product of the others: out / xᵢ where xᵢ ≠ 0; at a zero, the product of the
    // rest if it is the lane's only zero, else 0. (out / xᵢ is already 0 at a nonzero of a lane with a zero.)
    const onlyZero = zero.sum(axes, true).eq(1);
    const others = where(zero, prod(nonzero, axes, true).mul(onlyZero), keep.div(nonzero));
    return [g.reshape(keepShape).mul(others)];
  }, [x, out]);
}

// ---------------------------------------------------------------------------
// var, std, norm

function checkDdof(op: string, ddof: unknown): number {
  if (typeof ddof !== 'number' || !Number.isFinite(ddof)) throw new ArgumentError(`${op}: ddof must be a finite number, got ${show(ddof)}`);
  return ddof;
}

/**
 * The variance Σ(x − mean)² / (N − ddof) over `axis`, with numpy's default ddof = 0 (PyTorch's
 * default is 1; tested against numpy). N − ddof ≤ 0 divides by 0 (∞ or NaN), as numpy.
 * @example variance(tensor([1, 2, 3, 4])); // 1.25
 */
export function variance(a: TensorLike, axis?: Axis | null, keepdims = false, ddof = 0): Tensor {
  return varianceOf('var', a, axis, keepdims, ddof);
}

function varianceOf(op: string, a: TensorLike, axis: Axis | null | undefined, keepdims: boolean, ddof: unknown): Tensor {
  const x = asTensor(a);
  const d = checkDdof(op, ddof);
  const { axes, n } = plan(op, x, axis, keepdims);
  const xf = floats(x);
  const centred = xf.sub(xf.mean(axes, true));
  return centred.square().sum(axes, keepdims).div(Math.max(n - d, 0));
}

/**
 * The standard deviation √var over `axis`, numpy's default ddof = 0 (PyTorch's is 1). NOTE: the
 * gradient where every value of a lane is equal is NaN (√ at 0), as PyTorch's.
 * @example std(tensor([1, 2, 3, 4]), null, false, 1); // 1.29099445
 */
export function std(a: TensorLike, axis?: Axis | null, keepdims = false, ddof = 0): Tensor {
  return varianceOf('std', a, axis, keepdims, ddof).sqrt();
}

/** The orders `norm` takes. */
export type NormOrd = number | 'fro';

/**
 * The vector norm of the elements over `axis` (all axes when omitted, so the default of a matrix
 * is its Frobenius norm): ord 2 (or 'fro') √Σx², 1 Σ|x|, Infinity max |x|, −Infinity min |x|,
 * 0 the number of nonzeros (PyTorch's `linalg.vector_norm`; over two axes numpy's ord 1, ∞ and 2
 * would be matrix norms, which this is not). NOTE: the gradient of the 2-norm at 0 is 0 (PyTorch's),
 * of the 0-"norm" zero everywhere.
 * @example norm(tensor([3, 4])); // 5
 */
export function norm(a: TensorLike, ord: NormOrd = 2, axis?: Axis | null, keepdims = false): Tensor {
  const x = asTensor(a);
  const { axes, keepShape, n } = plan('norm', x, axis, keepdims);
  const xf = floats(x);
  if (n === 0 && (ord === Infinity || ord === -Infinity)) {
    throw new ValueError(`norm: ord ${ord} over an empty axis of a tensor of shape ${fmt(x.shape)} has no ${ord > 0 ? 'max' : 'min'}imum`);
  }
  if (ord === 1) return xf.abs().sum(axes, keepdims);
  if (ord === Infinity) return xf.abs().max(axes, keepdims);
  if (ord === -Infinity) return xf.abs().min(axes, keepdims);
  if (ord === 0) {
    const count = xf.ne(0).sum(axes, keepdims).astype(xf.dtype).detach();
    return record('norm', [xf], count, () => [xf._zerosLike()], []);
  }
  if (ord === 2 || ord === 'fro') {
    const out = xf.detach().square().sum(axes, keepdims).sqrt().detach();
    return record('norm', [xf], out, (g) => {
      const keep = out.reshape(keepShape);
      return [g.reshape(keepShape).mul(xf).div(where(keep.eq(0), 1, keep))];
    }, [xf, out]);
  }
  throw new ValueError(`norm: ord must be 1, 2, Infinity, -Infinity, 0 or 'fro', got ${show(ord)}`);
}

// ---------------------------------------------------------------------------
// median

/** Where the middle of each lane is: [lo, hi] (equal for odd n); a lane with NaN points at its NaN. */
function middles(data: TypedArray, count: number, n: number): Int32Array {
  const out = new Int32Array(count * 2);
  const order = new Array<number>(n);
  for (let l = 0; l < count; l++) {
    const base = l * n;
    let nan = -1;
    for (let j = 0; j < n; j++) {
      order[j] = j;
      if (nan < 0 && data[base + j] !== data[base + j]) nan = j;
    }
    if (nan >= 0) {
      out[2 * l] = out[2 * l + 1] = nan;
      continue;
    }
    order.sort((i, j) => data[base + i]! - data[base + j]! || i - j);
    out[2 * l] = order[(n - 1) >> 1]!;
    out[2 * l + 1] = order[n >> 1]!;
  }
  return out;
}

/**
 * The median over `axis` (all axes when omitted): the mean of the two middle values for an even
 * count, as numpy (PyTorch returns the lower one; tested against numpy). NaN in a lane gives NaN.
 * An empty lane is a ValueError (numpy warns and gives NaN). NOTE: the gradient goes to the middle
 * value, or half to each of the two.
 * @example median(tensor([3, 1, 4, 2])); // 2.5
 */
export function median(a: TensorLike, axis?: Axis | null, keepdims = false): Tensor {
  const x = asTensor(a);
  const { axes, shape, n } = plan('median', x, axis, keepdims);
  const kept = x.shape.filter((_, i) => !axes.includes(i));
  const count = kept.reduce((p, d) => p * d, 1);
  if (n === 0 && count > 0) throw new ValueError(`median: an empty axis of a tensor of shape ${fmt(x.shape)} has no median`);
  const perm = [...x.shape.map((_, i) => i).filter((i) => !axes.includes(i)), ...axes];
  const xt = x.transpose(perm).reshape([...kept, n]);
  const idx = Tensor._of(count === 0 ? new Int32Array(0) : middles(lanes(x, axes), count, n), [...kept, 2]);
  return takeAlongAxis(xt, idx, -1).mean(-1).reshape(shape);
}

// ---------------------------------------------------------------------------
// any, all, countNonzero: no gradient

function truth(op: 'any' | 'all' | 'countNonzero', dtype: () => DType) {
  return (a: TensorLike, axis?: Axis | null, keepdims = false): Tensor => {
    const x = asTensor(a);
    const { axes, keepShape, shape, n } = plan(op, x, axis, keepdims);
    const data = lanes(x, axes);
    const count = keepShape.reduce((p, d) => p * d, 1);
    const out = allocate(dtype(), count);
    for (let l = 0; l < count; l++) {
      let c = 0;
      for (let j = l * n; j < l * n + n; j++) if (data[j] !== 0) c++; // NaN counts as nonzero, as numpy
      out[l] = op === 'countNonzero' ? c : op === 'any' ? (c > 0 ? 1 : 0) : c === n ? 1 : 0;
    }
    return Tensor._of(out, shape);
  };
}

/**
 * True where some value over `axis` is nonzero (NaN counts), false for an empty lane; bool, no gradient.
 * @example any(tensor([[0, 1], [0, 0]]), 1); // [True, False]
 */
export const any = truth('any', () => 'bool');
/**
 * True where every value over `axis` is nonzero, true for an empty lane; bool, no gradient.
 * @example all(tensor([[0, 1], [1, 1]]), 1); // [False, True]
 */
export const all = truth('all', () => 'bool');
/**
 * How many values over `axis` are nonzero (NaN counts); int32, no gradient.
 * @example countNonzero(tensor([[0, 1], [2, 3]])); // 3
 */
export const countNonzero = truth('countNonzero', () => 'int32');

// ---------------------------------------------------------------------------
// Scans

type ScanKind = 'sum' | 'prod' | 'logsumexp';

/** The scan's axis; a 0-d tensor is one lane of one element (axis 0 or −1); null scans the flattened tensor. */
function scanAxis(op: string, x: Tensor, axis: number | null | undefined): [Tensor, number] {
  if (axis === undefined || axis === null) return [x.reshape([-1]), 0];
  if (x.ndim > 0) return [x, normAxis(op, axis, x.ndim)];
  if (axis === 0 || axis === -1) return [x, 0];
  throw new IndexError(`${op}: axis ${show(axis)} is out of range for a 0-d tensor (use 0 or -1)`);
}

/** The running sum, product or log-sum-exp along `axis`, from the end when `reverse`. */
function scanKernel(op: string, kind: ScanKind, x: Tensor, axis: number, reverse: boolean): Tensor {
  const dtype = kind === 'logsumexp' ? floatOf(x.dtype) : x.dtype === 'bool' ? 'int32' : x.dtype;
  const od = allocate(dtype, x.size);
  // An empty x: nothing to scan (its lanes may still number 2**31 - 1).
  if (x.size === 0) return Tensor._of(od, x.shape.slice());
  const xd = x._data;
  const [outer, n, inner] = x.ndim === 0 ? [1, 1, 1] : around(x.shape, axis);
  const int = dtype === 'int32';
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const start = o * n * inner + i + (reverse ? (n - 1) * inner : 0);
      const stepBy = reverse ? -inner : inner;
      let acc = kind === 'sum' ? 0 : kind === 'prod' ? 1 : -Infinity;
      for (let j = 0, p = start; j < n; j++, p += stepBy) {
        const v = xd[p]!;
        acc = kind === 'sum' ? acc + v : kind === 'prod' ? acc * v : logAddExp(acc, v);
        if (int) checkInt32(op, acc, kind === 'sum' ? 'running sum' : 'running product');
        od[p] = acc;
      }
    }
  }
  return Tensor._of(od, x.shape.slice());
}

/** The running sum along `axis` (from the end when `reverse`); its gradient is the running sum of g the other way. */
function scanSum(x: Tensor, axis: number, reverse: boolean): Tensor {
  const out = scanKernel('cumsum', 'sum', x, axis, reverse);
  return record('cumsum', [x], out, (g) => [scanSum(g, axis, !reverse)], []);
}

/**
 * The running sum along `axis` (over the flattened tensor when axis is omitted, as numpy). int32
 * sums are exact and must fit in int32 (a ValueError otherwise).
 * @example cumsum(tensor([1, 2, 3]), 0); // [1, 3, 6]
 */
export function cumsum(a: TensorLike, axis?: number | null): Tensor {
  const [x, ax] = scanAxis('cumsum', integers(asTensor(a)), axis);
  return scanSum(x, ax, false);
}

/**
 * The running product along `axis` (flattened when omitted). int32 products must fit in int32.
 * NOTE: the gradient is right with zeros in the input: at a lane's first zero it is Σⱼ gⱼ·(the
 * product up to j without that zero); after it, at other zeros, 0.
 * @example cumprod(tensor([1, 2, 3]), 0); // [1, 2, 6]
 */
export function cumprod(a: TensorLike, axis?: number | null): Tensor {
  const [x, ax] = scanAxis('cumprod', integers(asTensor(a)), axis);
  const out = scanKernel('cumprod', 'prod', x, ax, false);
  return record('cumprod', [x], out, (g) => {
    const zero = x.eq(0);
    const nonzero = where(zero, 1, x);
    // Where xᵢ ≠ 0: Σ_{j≥i} gⱼ outⱼ / xᵢ (a later zero makes outⱼ 0, as it should).
    let gx = where(zero, 0, scanSum(g.mul(out), ax, true).div(nonzero));
    const first = zero.mul(scanKernel('cumprod', 'sum', zero.detach(), ax, false).eq(1));
    if (first._data.some((v) => v !== 0)) {
      // At the first zero: Σ_{j≥i} gⱼ · (the running product with that zero taken as 1).
      const without = cumprod(where(first, 1, x), ax);
      gx = where(first, scanSum(g.mul(without), ax, true), gx);
    }
    return [gx];
  }, [x, out]);
}

/** The running log Σ exp along `axis` (from the end when `reverse`). */
function scanLogSumExp(x: Tensor, axis: number, reverse: boolean): Tensor {
  const out = scanKernel('logcumsumexp', 'logsumexp', x, axis, reverse);
  return record('logcumsumexp', [x], out, (g) => {
    // dx_i = Σ_{j≥i} gⱼ e^(xᵢ − outⱼ), summed in log space for the positive and negative parts of g
    // separately, so that no e^x overflows (as PyTorch's rule).
    const part = (mask: Tensor, mag: Tensor) => where(mask, where(mask, mag, 1).log(), -Infinity).sub(out);
    const pos = scanLogSumExp(part(g.gt(0), g), axis, !reverse).add(x).exp();
    const neg = scanLogSumExp(part(g.lt(0), g.neg()), axis, !reverse).add(x).exp();
    return [pos.sub(neg)];
  }, [x, out]);
}

/**
 * log Σ exp over the running prefix along `axis` (flattened when omitted), finite for large x.
 * Integer input gives float64.
 * @example logcumsumexp(tensor([0, 0]), 0); // [0, 0.69314718]
 */
export function logcumsumexp(a: TensorLike, axis?: number | null): Tensor {
  const [x, ax] = scanAxis('logcumsumexp', asTensor(a), axis);
  return scanLogSumExp(floats(x), ax, false);
}
