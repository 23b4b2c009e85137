/**
 * Matrix products with numpy's semantics: 1-d operands are promoted to a row (left) or
 * a column (right) and the added axis removed again; leading batch axes broadcast.
 */
import { record, versionOf } from '../tape/autograd.js';
import { allocate, copyInto, promote, unseen } from '../tape/dtype.js';
import { ShapeError } from '../tape/errors.js';
import { matmulKernel } from '../kernels/loops.js';
import { broadcastShapes, broadcastStrides, checkResult } from '../tape/shapes.js';
import { fmt } from '../tape/messages.js';
import { Tensor, asTensor, type TensorLike } from '../tape/tensor.js';
import { operands } from './elementwise.js';
import { sumTo } from './reduce.js';

/** Rows and columns of op(t): the last two axes, swapped when `trans`. */
function dims(t: Tensor, trans: boolean): [number, number] {
  const r = t.shape[t.ndim - 2]!;
  const c = t.shape[t.ndim - 1]!;
  return trans ? [c, r] : [r, c];
}

/**
 * The version of x's storage when no user holds that array (then only package code writes it, and
 * bumps the version when it does), else −1: what lets the wasm kernel keep a large operand in its
 * memory between products (the batch, read by x·W1 and again by xᵀ·δ1) without copying it twice.
 */
function stampOf(x: Tensor): number {
  return unseen(x._data) ? versionOf(x) : -1;
}

/**
 * The batched 2-d core: op(x)·op(y), where op transposes the last two axes when asked.
 * Transposed operands are read in place, never copied: backward's g·yᵀ and xᵀ·g are
 * products of this same op, so the rule below is differentiable again.
 */
export function matmulT(x: Tensor, y: Tensor, tx: boolean, ty: boolean, op = 'matmul', shown?: [readonly number[], readonly number[]]): Tensor {
  const [m, k] = dims(x, tx);
  const [k2, n] = dims(y, ty);
  const [sx, sy] = shown ?? [x.shape, y.shape];
  if (k !== k2) {
    throw new ShapeError(`${op}: cannot multiply ${fmt(sx)} by ${fmt(sy)} (inner sizes ${k} and ${k2} differ)`);
  }
  const xb = x.shape.slice(0, -2);
  const yb = y.shape.slice(0, -2);
  let batch: number[];
  try {
    batch = broadcastShapes(op, xb, yb);
  } catch (e) {
    if (!(e instanceof ShapeError)) throw e;
    throw new ShapeError(`${op}: cannot multiply ${fmt(sx)} by ${fmt(sy)} (batch shapes ${fmt(xb)} and ${fmt(yb)} do not broadcast)`);
  }
  checkResult(op, [sx, sy], [...batch, m, n]);
  const xs = broadcastStrides(xb, batch).map((s) => s * m * k);
  const ys = broadcastStrides(yb, batch).map((s) => s * k * n);
  const dtype = promote(x.dtype, y.dtype);
  // bool @ bool is bool, as numpy (true where any product is); counted in int32 first, since a byte would wrap at 256.
  const counts = matmulKernel(x._data, xs, y._data, ys, batch, m, k, n, dtype === 'bool' ? 'int32' : dtype, tx, ty, stampOf(x), stampOf(y));
  const data = dtype === 'bool' ? allocate('bool', counts.length) : counts;
  if (data !== counts) copyInto(data, counts);
  const out = Tensor._of(data, [...batch, m, n]);
  // C = op(X)·op(Y): dop(X) = g·op(Y)ᵀ and dop(Y) = op(X)ᵀ·g, each transposed back when the operand was.
  return record(op, [x, y], out, (g) => [
    x.requiresGrad ? sumTo(tx ? matmulT(y, g, ty, true) : matmulT(g, y, false, !ty), x.shape) : null,
    y.requiresGrad ? sumTo(ty ? matmulT(g, x, true, tx) : matmulT(x, g, !tx, false), y.shape) : null,
  ], [x, y]);
}

/**
 * numpy's `a @ b`: 1-d, 2-d and batched operands.
 * @example
 *   matmul(tensor([1, 2]), tensor([[1, 0], [0, 1]])); // [1, 2]
 */
export function matmul(a: TensorLike, b: TensorLike): Tensor {
  return product('matmul', a, b);
}

function product(op: string, a: TensorLike, b: TensorLike): Tensor {
  const [x, y] = operands(op, a, b);
  if (x.ndim === 0 || y.ndim === 0) {
    throw new ShapeError(`${op}: cannot multiply ${fmt(x.shape)} by ${fmt(y.shape)}: both operands need at least one axis (use mul for scalars)`);
  }
  const x2 = x.ndim === 1 ? x.reshape([1, x.shape[0]!]) : x;
  const y2 = y.ndim === 1 ? y.reshape([y.shape[0]!, 1]) : y;
  let out = matmulT(x2, y2, false, false, op, [x.shape, y.shape]);
  if (x.ndim === 1 || y.ndim === 1) {
    const s = out.shape.slice();
    if (y.ndim === 1) s.splice(s.length - 1, 1);
    if (x.ndim === 1) s.splice(s.length - (y.ndim === 1 ? 1 : 2), 1);
    out = out.reshape(s);
  }
  return out;
}

/**
 * numpy's `np.dot` for 0-d, 1-d and 2-d operands — the course's `np.dot(x, W) + b`.
 * @example
 *   dot(tensor([1, 5, 2, -1]), W).add(b); // the total input u
 */
export function dot(a: TensorLike, b: TensorLike): Tensor {
  const [x, y] = operands('dot', a, b);
  if (x.ndim === 0 || y.ndim === 0) return x.mul(y);
  if (x.ndim > 2 || y.ndim > 2) {
    throw new ShapeError(`dot: supports operands of up to 2 axes, got ${fmt(x.shape)} and ${fmt(y.shape)}; use matmul for batches`);
  }
  return product('dot', x, y);
}
