/**
 * Matrix products with numpy's semantics: 1-d operands are promoted to a row (left) or
 * a column (right) and the added axis removed again; leading batch axes broadcast.
 */
import { record } from '../autograd.js';
import { promote } from '../dtype.js';
import { ShapeError } from '../errors.js';
import { matmulKernel } from '../kernels.js';
import { broadcastShapes, broadcastStrides, fmt } from '../shape.js';
import { Tensor, asTensor, type TensorLike } from '../tensor.js';
import { operands } from './elementwise.js';
import { sumTo } from './reduce.js';

/** The batched 2-d core: x (…, m, k) · y (…, k, n). */
function matmulCore(op: string, x: Tensor, y: Tensor, shownX: readonly number[], shownY: readonly number[]): Tensor {
  const m = x.shape[x.ndim - 2]!;
  const k = x.shape[x.ndim - 1]!;
  const k2 = y.shape[y.ndim - 2]!;
  const n = y.shape[y.ndim - 1]!;
  if (k !== k2) {
    throw new ShapeError(`${op}: cannot multiply ${fmt(shownX)} by ${fmt(shownY)} (inner sizes ${k} and ${k2} differ)`);
  }
  const xb = x.shape.slice(0, -2);
  const yb = y.shape.slice(0, -2);
  let batch: number[];
  try {
    batch = broadcastShapes(op, xb, yb);
  } catch {
    throw new ShapeError(`${op}: cannot multiply ${fmt(shownX)} by ${fmt(shownY)} (batch shapes ${fmt(xb)} and ${fmt(yb)} do not broadcast)`);
  }
  const xs = broadcastStrides(xb, batch).map((s) => s * m * k);
  const ys = broadcastStrides(yb, batch).map((s) => s * k * n);
  const data = matmulKernel(x.data, xs, y.data, ys, batch, m, k, n, promote(x.dtype, y.dtype));
  const out = new Tensor(data, [...batch, m, n]);
  return record(op, [x, y], out, (g) => [
    x.requiresGrad ? sumTo(g.matmul(y.mT), x.shape) : null,
    y.requiresGrad ? sumTo(x.mT.matmul(g), y.shape) : null,
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
  let out = matmulCore(op, x2, y2, x.shape, y.shape);
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
