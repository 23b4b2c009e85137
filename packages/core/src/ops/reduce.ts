/**
 * Reductions over `axis?: number | number[]` (all axes when omitted) with numpy's
 * `keepdims`. Forward kernel and gradient rule side by side.
 */
import { record, isTensor } from '../tape/autograd.js';
import { allocate, floatOf, type DType } from '../tape/dtype.js';
import { ArgumentError, ShapeError, ValueError } from '../tape/errors.js';
import { argKernel, reduceKernel, type ReduceKind } from '../kernels/loops.js';
import { checkResult, checkShape, normAxes, normAxis, sameShape, type Shape } from '../tape/shapes.js';
import { fmt, show } from '../tape/messages.js';
import { Tensor, asTensor, type Axis, type TensorLike } from '../tape/tensor.js';

function reduced(x: Tensor, axes: readonly number[], keepdims: boolean): number[] {
  const out: number[] = [];
  x.shape.forEach((d, i) => {
    if (!axes.includes(i)) out.push(d);
    else if (keepdims) out.push(1);
  });
  return out;
}

function checkKeepdims(op: string, keepdims: unknown): void {
  if (typeof keepdims !== 'boolean') throw new ArgumentError(`${op}: keepdims must be true or false, got ${show(keepdims)}`);
}

/** Runs a reduce kernel and returns (keepdims-shaped result, result in the asked shape). */
function reduceOp(op: string, kind: ReduceKind, x: Tensor, axis: Axis | null | undefined, keepdims: boolean, dtype: DType) {
  checkKeepdims(op, keepdims);
  const axes = normAxes(op, axis, x.ndim);
  if (kind !== 'sum' && x.size === 0 && (axes.some((a) => x.shape[a] === 0) || axes.length === 0)) {
    throw new ValueError(`${op}: cannot take the ${kind} over an empty axis of a tensor of shape ${fmt(x.shape)}`);
  }
  const keepShape = x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
  // An empty input can still ask for a large result (the sum over the empty axis of [0, 2**31]).
  checkResult(op, [x.shape], keepShape);
  const data = reduceKernel(x._data, x.shape, axes, kind, dtype);
  return { axes, keepShape, out: Tensor._of(data, reduced(x, axes, keepdims)) };
}

/**
 * Σ over `axis` (all axes when omitted). A bool tensor is summed as int32 (counts its trues). An
 * int32 sum is accumulated in float64 (exact to 2^53) and stays int32: a sum beyond the int32 range
 * is a ValueError, never a wrapped number (numpy would give int64).
 * @example sum(tensor([[1, 2], [3, 4]]), 0); // [4, 6]
 */
export function sum(a: TensorLike, axis?: Axis | null, keepdims = false): Tensor {
  const x = boolAsInt(asTensor(a));
  if (x.dtype === 'int32') return intSum(x, axis, keepdims);
  const { keepShape, out } = reduceOp('sum', 'sum', x, axis, keepdims, x.dtype);
  return record('sum', [x], out, (g) => [g.reshape(keepShape).broadcastTo(x.shape)], []);
}

/** int32 Σ: float64 partial sums, then a range check. No gradient (int32 tensors cannot require grad). */
function intSum(x: Tensor, axis: Axis | null | undefined, keepdims: boolean): Tensor {
  const { out } = reduceOp('sum', 'sum', x, axis, keepdims, 'float64');
  for (const v of out._data) {
    if (v < -0x80000000 || v > 0x7fffffff) {
      throw new ValueError(`sum: the sum of these int32 values is ${v}, beyond the int32 range; convert with astype('float64') first`);
    }
  }
  return out.astype('int32');
}

/**
 * Sums a broadcast result back to `shape` (the gradient of an expand). Its own gradient
 * is `broadcastTo`, so rules that use it stay differentiable.
 * @example sumTo(ones([3, 2]), [2]); // [3, 3]
 */
export function sumTo(x: Tensor, shape: Shape): Tensor {
  // NOTE: public, so checked: a shape that is not an array of sizes would make a malformed tensor.
  if (!isTensor(x)) throw new ArgumentError(`sumTo: x must be a Tensor, got ${show(x)}`);
  return fitTo(x, checkShape('sumTo', shape));
}

/** @internal `sumTo` for a shape known to be valid (a tensor's own): the binary ops' gradients. */
export function fitTo(x: Tensor, shape: Shape): Tensor {
  x = boolAsInt(x);
  if (sameShape(x.shape, shape)) return x;
  const lead = x.ndim - shape.length;
  const axes: number[] = [];
  for (let i = 0; i < x.ndim; i++) {
    const target = i < lead ? undefined : shape[i - lead];
    if (target === undefined) axes.push(i);
    else if (target === 1 && x.shape[i] !== 1) axes.push(i);
    else if (target !== x.shape[i]) throw new ShapeError(`sumTo: shape ${fmt(x.shape)} cannot be summed to ${fmt(shape)}`);
  }
  if (lead < 0) throw new ShapeError(`sumTo: shape ${fmt(x.shape)} cannot be summed to ${fmt(shape)}`);
  const data = reduceKernel(x._data, x.shape, axes, 'sum', x.dtype);
  const out = Tensor._of(data, shape);
  return record('sumTo', [x], out, (g) => [g.broadcastTo(x.shape)], []);
}

/**
 * The mean over `axis` (all axes when omitted). Integer input gives float64.
 * @example mean(tensor([[1, 2], [3, 4]]), 1); // [1.5, 3.5]
 */
export function mean(a: TensorLike, axis?: Axis | null, keepdims = false): Tensor {
  const x = asTensor(a);
  checkKeepdims('mean', keepdims);
  const axes = normAxes('mean', axis, x.ndim);
  let count = 1;
  for (const ax of axes) count *= x.shape[ax]!;
  const xf = x.dtype === 'int32' || x.dtype === 'bool' ? x.astype('float64') : x;
  return sum(xf, axes, keepdims).div(count);
}

/** NOTE: numpy sums bool as its default int (int64); ours is int32. */
function boolAsInt(x: Tensor): Tensor {
  return x.dtype === 'bool' ? x.astype('int32') : x;
}

function extreme(op: 'max' | 'min') {
  return (a: TensorLike, axis?: Axis | null, keepdims = false): Tensor => {
    const x = asTensor(a);
    // bool: reduced as float64 (exact for 0 and 1), and the result is bool again, as numpy's.
    if (x.dtype === 'bool') return extreme(op)(x.astype('float64'), axis, keepdims).astype('bool');
    const { axes, keepShape, out } = reduceOp(op, op, x, axis, keepdims, x.dtype);
    // NOTE: ties share the gradient equally (PyTorch's amax/amin), so it still sums to g.
    return record(op, [x], out, (g) => {
      const hit = x.eq(out.reshape(keepShape));
      return [g.reshape(keepShape).mul(hit).div(hit.sum(axes, true))];
    }, [x, out]);
  };
}

/** The largest value over `axis` (all axes when omitted); NaN propagates. @example max(tensor([[1, 5], [3, 4]]), 1); // [5, 4] */
export const max = extreme('max');
/** The smallest value over `axis` (all axes when omitted); NaN propagates. @example min(tensor([[1, 5], [3, 4]]), 1); // [1, 3] */
export const min = extreme('min');

/**
 * log Σ exp(x) over `axis`, shifted by the maximum so that it is finite for large x.
 * @example logsumexp(tensor([1000, 1000])); // 1000.69314718
 */
export function logsumexp(a: TensorLike, axis?: Axis | null, keepdims = false): Tensor {
  const x = asTensor(a);
  checkKeepdims('logsumexp', keepdims);
  const axes = normAxes('logsumexp', axis, x.ndim);
  // Nothing to overflow in an empty tensor, and an empty lane is log 0 = −∞ (as PyTorch).
  if (x.size === 0) return x.astype(floatOf(x.dtype)).exp().sum(axes, keepdims).log();
  // NOTE: the shift is a constant (detached): the result does not depend on it.
  const m = max(x.detach(), axes, true);
  const shift = m.where(isFiniteMask(m), 0); // all −∞ or +∞ lanes: shift by 0, not ∞
  const xs = x.astype(floatOf(x.dtype)).sub(shift);
  const out = xs.exp().sum(axes, true).log().add(shift);
  return keepdims ? out : out.reshape(reduced(x, axes, false));
}

function isFiniteMask(t: Tensor): Tensor {
  const d = allocate('float64', t.size);
  for (let i = 0; i < d.length; i++) d[i] = Number.isFinite(t._data[i]!) ? 1 : 0;
  return Tensor._of(d, t.shape);
}

function argOp(op: 'argmax' | 'argmin') {
  return (a: TensorLike, axis?: number | null, keepdims = false): Tensor => {
    const x = asTensor(a);
    checkKeepdims(op, keepdims);
    const empty = () => new ValueError(`${op}: an empty axis of a tensor of shape ${fmt(x.shape)} has no ${op.slice(3)}imum`);
    if (axis === undefined || axis === null) {
      if (x.size === 0) throw empty();
      const flat = argKernel(x._data, [x.size], 0, op === 'argmax');
      return Tensor._of(flat, keepdims ? x.shape.map(() => 1) : []);
    }
    const ax = normAxis(op, axis, x.ndim);
    if (x.shape[ax] === 0) throw empty();
    const data = argKernel(x._data, x.shape, ax, op === 'argmax');
    return Tensor._of(data, reduced(x, [ax], keepdims));
  };
}

/** Index of the largest value (first on ties), flattened or along `axis`; int32, no gradient. @example argmax(tensor([[1, 5], [7, 2]]), 1); // [1, 0] */
export const argmax = argOp('argmax');
/** Index of the smallest value (first on ties), flattened or along `axis`; int32, no gradient. @example argmin(tensor([3, 1, 2])); // 1 */
export const argmin = argOp('argmin');
