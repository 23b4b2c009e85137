/**
 * Activations: the course's step, sigmoid and ReLU, tanh, and the output layer's
 * softmax / log-softmax along an axis. Forward loop and gradient rule side by side.
 */
import { record } from '../tape/autograd.js';
import { allocate, floatOf, type TypedArray } from '../tape/dtype.js';
import { IndexError } from '../tape/errors.js';
import { around } from '../kernels/loops.js';
import { normAxis } from '../tape/shapes.js';
import { show } from '../tape/messages.js';
import { Tensor, asTensor, type TensorLike } from '../tape/tensor.js';
import { unary } from './elementwise.js';

/**
 * 1 / (1 + e⁻ˣ), computed without overflow for large |x|. NOTE: the rule saves the output: σ' = σ(1 − σ).
 * @example sigmoid(tensor([0, 2])); // [0.5, 0.88079708]
 */
export const sigmoid = unary('sigmoid', 'float', 'out',
  (x, out) => {
    for (let i = 0; i < x.length; i++) {
      const v = x[i]!;
      if (v >= 0) out[i] = 1 / (1 + Math.exp(-v));
      else { const e = Math.exp(v); out[i] = e / (1 + e); }
    }
  },
  (g, _x, out) => g.mul(out.mul(out.neg().add(1))));

/** Hyperbolic tangent. NOTE: the rule saves the output: tanh' = 1 − tanh². @example tanh(tensor([0])); // [0] */
export const tanh = unary('tanh', 'float', 'out',
  (x, out) => { for (let i = 0; i < x.length; i++) out[i] = Math.tanh(x[i]!); },
  (g, _x, out) => g.mul(out.mul(out).neg().add(1)));

/**
 * max(0, x), the course's `np.maximum(0, x)`. NOTE: the subgradient at 0 is 0 (as PyTorch and the course's
 * `relu_derivative`, which is `np.where(x > 0, 1, 0)`).
 * @example relu(tensor([-1, 0, 2])); // [0, 0, 2]
 */
export const relu = unary('relu', 'same', 'x',
  (x, out) => { for (let i = 0; i < x.length; i++) { const v = x[i]!; out[i] = v > 0 ? v : v !== v ? v : 0; } },
  (g, x) => g.mul(x.gt(0)));

/**
 * The course's step function `np.where(x > 0, 1, 0)`: 1 for x > 0, else 0.
 * NOTE: its gradient is zero everywhere (and undefined at 0, where we also give 0).
 * @example step(tensor([-1, 0, 2])); // [0, 0, 1]
 */
export const step = unary('step', 'float', '',
  (x, out) => { for (let i = 0; i < x.length; i++) out[i] = x[i]! > 0 ? 1 : 0; },
  (g) => g.mul(0));

/** Runs `rowFn` on every 1-d lane along `axis`: lane j is at base + j*inner. */
function alongAxis(x: Tensor, axis: number, fn: (x: TypedArray, out: TypedArray, base: number, n: number, inner: number) => void): Tensor {
  const out = Tensor._of(allocate(floatOf(x.dtype), x.size), x.shape);
  if (x.ndim === 0) {
    fn(x._data, out._data, 0, 1, 1);
    return out;
  }
  const [outer, n, inner] = around(x.shape, axis);
  if (n === 0) return out;
  for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i++) fn(x._data, out._data, o * n * inner + i, n, inner);
  return out;
}

/** The axis of the lanes; a 0-d tensor is one lane of one element, reached by axis 0 or −1. */
function laneAxis(op: string, x: Tensor, axis: number): number {
  if (x.ndim > 0) return normAxis(op, axis, x.ndim);
  if (axis === 0 || axis === -1) return 0;
  throw new IndexError(`${op}: axis ${show(axis)} is out of range for a 0-d tensor (use 0 or -1)`);
}

function laneMax(x: TypedArray, base: number, n: number, inner: number): number {
  let m = -Infinity;
  for (let j = 0; j < n; j++) { const v = x[base + j * inner]!; if (v > m) m = v; }
  // All −∞ (or NaN): shift by 0 so that −∞ − m does not become NaN.
  return Number.isFinite(m) ? m : 0;
}

/**
 * exp(x) / Σ exp(x) along `axis`, shifted by the maximum so that large logits do not
 * overflow: softmax([-1000, 1000]) is [0, 1]. NOTE: the rule saves the output:
 * dx = out · (g − Σ g·out).
 * @example softmax(tensor([1, 2, 3])); // [0.09003057, 0.24472847, 0.66524096]
 */
export function softmax(a: TensorLike, axis = -1): Tensor {
  const x = asTensor(a);
  const ax = laneAxis('softmax', x, axis);
  const out = alongAxis(x, ax, (xd, od, base, n, inner) => {
    const m = laneMax(xd, base, n, inner);
    let s = 0;
    for (let j = 0, p = base; j < n; j++, p += inner) { const e = Math.exp(xd[p]! - m); od[p] = e; s += e; }
    for (let j = 0, p = base; j < n; j++, p += inner) od[p] = od[p]! / s;
  });
  return record('softmax', [x], out, (g) => {
    const gOut = g.mul(out);
    return [gOut.sub(out.mul(gOut.sum(x.ndim === 0 ? null : ax, true)))];
  }, [out]);
}

/**
 * log(softmax(x)) along `axis`, computed as (x − max) − log Σ exp(x − max): finite for logits of ±1000.
 * NOTE: the rule saves the output: dx = g − exp(out) · Σ g.
 * @example logSoftmax(tensor([0, 0])); // [-0.69314718, -0.69314718]
 */
export function logSoftmax(a: TensorLike, axis = -1): Tensor {
  const x = asTensor(a);
  const ax = laneAxis('logSoftmax', x, axis);
  const out = alongAxis(x, ax, (xd, od, base, n, inner) => {
    const m = laneMax(xd, base, n, inner);
    let s = 0;
    for (let j = 0, p = base; j < n; j++, p += inner) s += Math.exp(xd[p]! - m);
    // NOTE: (x − m) − log s, not x − (m + log s): the sum would round log s to the ulp of m.
    const logS = Math.log(s);
    for (let j = 0, p = base; j < n; j++, p += inner) od[p] = xd[p]! - m - logS;
  });
  return record('logSoftmax', [x], out, (g) => [g.sub(out.exp().mul(g.sum(x.ndim === 0 ? null : ax, true)))], [out]);
}
