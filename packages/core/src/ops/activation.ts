/**
 * Activations: the course's step, sigmoid and ReLU, tanh, and the output layer's
 * softmax / log-softmax along an axis. Forward loop and gradient rule side by side.
 */
import { record } from '../tape/autograd.js';
import { allocate, floatOf, type TypedArray } from '../tape/dtype.js';
import { ArgumentError, IndexError, ShapeError, ValueError } from '../tape/errors.js';
import { around } from '../kernels/loops.js';
import { normAxis } from '../tape/shapes.js';
import { fmt, show } from '../tape/messages.js';
import { Tensor, asTensor, type TensorLike } from '../tape/tensor.js';
import { unary, where } from './elementwise.js';
import { erfScalar } from '../kernels/special.js';
import { erf } from './math.js';

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

// ---------------------------------------------------------------------------
// PyTorch's activations (torch.nn.functional), with its definitions and its values at the kinks

function checkNumber(op: string, name: string, v: unknown): number {
  if (typeof v !== 'number' || Number.isNaN(v)) throw new ArgumentError(`${op}: ${name} must be a number, got ${show(v)}`);
  return v;
}

/** 1 where x > 0, else 0: which side of a kink (the gradient at the kink itself follows PyTorch). */
const positive = (x: Tensor): Tensor => x.gt(0);

/**
 * x for x > 0, negativeSlope · x otherwise. NOTE: the gradient at 0 is negativeSlope (PyTorch's).
 * @example leakyRelu(tensor([-2, 3])); // [-0.02, 3]
 */
export function leakyRelu(a: TensorLike, negativeSlope = 0.01): Tensor {
  const s = checkNumber('leakyRelu', 'negativeSlope', negativeSlope);
  return unary('leakyRelu', 'float', 'x',
    (x, out) => { for (let i = 0; i < x.length; i++) { const v = x[i]!; out[i] = v > 0 ? v : v * s; } },
    (g, x) => where(positive(x), g, g.mul(s)))(a);
}

/** alpha·(eˣ − 1) for x ≤ 0, through expm1 (accurate for tiny x). */
const eluLoop = (alpha: number, scale: number) => (x: TypedArray, out: TypedArray): void => {
  for (let i = 0; i < x.length; i++) { const v = x[i]!; out[i] = scale * (v > 0 ? v : alpha * Math.expm1(v)); }
};

/** The gradient of scale·elu(x, alpha): scale for x > 0, scale·alpha·eˣ otherwise (alpha·scale at 0, as PyTorch). */
const eluRule = (alpha: number, scale: number) => (g: Tensor, x: Tensor): Tensor =>
  g.mul(where(positive(x), scale, x.exp().mul(alpha * scale)));

/**
 * x for x > 0, alpha·(eˣ − 1) otherwise.
 * @example elu(tensor([-1, 2])); // [-0.63212056, 2]
 */
export function elu(a: TensorLike, alpha = 1): Tensor {
  const al = checkNumber('elu', 'alpha', alpha);
  return unary('elu', 'float', 'x', eluLoop(al, 1), eluRule(al, 1))(a);
}

const SELU_ALPHA = 1.6732632423543772848170429916717;
const SELU_SCALE = 1.0507009873554804934193349852946;

/**
 * scale · elu(x, alpha) with PyTorch's constants (alpha ≈ 1.6733, scale ≈ 1.0507).
 * @example selu(tensor([-1, 1])); // [-1.11133074, 1.05070099]
 */
export const selu = unary('selu', 'float', 'x', eluLoop(SELU_ALPHA, SELU_SCALE), eluRule(SELU_ALPHA, SELU_SCALE));

/**
 * max(0, x) + min(0, alpha·(e^(x/alpha) − 1)); alpha 0 is a ValueError.
 * @example celu(tensor([-1, 2]), 2); // [-0.78693868, 2]
 */
export function celu(a: TensorLike, alpha = 1): Tensor {
  const al = checkNumber('celu', 'alpha', alpha);
  if (al === 0) throw new ValueError('celu: alpha must not be 0 (it divides x)');
  return unary('celu', 'float', 'x',
    (x, out) => { for (let i = 0; i < x.length; i++) { const v = x[i]!; out[i] = v > 0 ? v : al * Math.expm1(v / al); } },
    (g, x) => g.mul(where(positive(x), 1, x.div(al).exp())))(a);
}

/**
 * log(1 + e^(beta·x)) / beta, and x itself where beta·x > threshold (PyTorch's linear tail).
 * @example softplus(tensor([0, 30])); // [0.69314718, 30]
 */
export function softplus(a: TensorLike, beta = 1, threshold = 20): Tensor {
  const b = checkNumber('softplus', 'beta', beta);
  const th = checkNumber('softplus', 'threshold', threshold);
  if (b === 0) throw new ValueError('softplus: beta must not be 0 (it divides the result)');
  return unary('softplus', 'float', 'x',
    (x, out) => { for (let i = 0; i < x.length; i++) { const v = x[i]!; out[i] = v * b > th ? v : Math.log1p(Math.exp(v * b)) / b; } },
    (g, x) => g.mul(where(x.mul(b).gt(th), 1, sigmoid(x.mul(b)))))(a);
}

/**
 * log σ(x) = min(x, 0) − log(1 + e^−|x|), finite for large |x|.
 * @example logSigmoid(tensor([0, -1000])); // [-0.69314718, -1000]
 */
export const logSigmoid = unary('logSigmoid', 'float', 'x',
  (x, out) => { for (let i = 0; i < x.length; i++) { const v = x[i]!; out[i] = (v < 0 ? v : 0) - Math.log1p(Math.exp(-Math.abs(v))); } },
  (g, x) => g.mul(sigmoid(x.neg())));

/** clamp(x, lo, hi) whose gradient passes strictly inside (lo, hi) only (PyTorch's hardtanh family). */
function clip(op: string, lo: number, hi: number) {
  return unary(op, 'float', 'x',
    (x, out) => { for (let i = 0; i < x.length; i++) { const v = x[i]!; out[i] = v < lo ? lo : v > hi ? hi : v; } },
    (g, x) => g.mul(x.gt(lo).mul(x.lt(hi))));
}

/**
 * min(max(x, 0), 6). NOTE: the gradient is 0 at 0 and 6 (PyTorch's).
 * @example relu6(tensor([-1, 3, 9])); // [0, 3, 6]
 */
export const relu6 = clip('relu6', 0, 6);

/**
 * x limited to [min, max]. NOTE: the gradient is 0 at the bounds (PyTorch's; `clamp` passes it there).
 * @example hardtanh(tensor([-2, 0.5, 2])); // [-1, 0.5, 1]
 */
export function hardtanh(a: TensorLike, min = -1, max = 1): Tensor {
  const lo = checkNumber('hardtanh', 'min', min);
  const hi = checkNumber('hardtanh', 'max', max);
  if (lo > hi) throw new ValueError(`hardtanh: min ${lo} is larger than max ${hi}`);
  return clip('hardtanh', lo, hi)(a);
}

/**
 * 0 below −3, 1 above 3, x/6 + 1/2 between. NOTE: the gradient is 0 at ±3 (PyTorch's).
 * @example hardSigmoid(tensor([-4, 0, 4])); // [0, 0.5, 1]
 */
export const hardSigmoid = unary('hardSigmoid', 'float', 'x',
  (x, out) => { for (let i = 0; i < x.length; i++) { const v = x[i]!; out[i] = v <= -3 ? 0 : v >= 3 ? 1 : v / 6 + 0.5; } },
  (g, x) => g.mul(x.gt(-3).mul(x.lt(3))).div(6));

/**
 * x · hardSigmoid(x). NOTE: the gradient at −3 is −1/2 and at 3 is 3/2 (PyTorch's: the middle piece's, closed at both ends).
 * @example hardSwish(tensor([-4, 1, 4])); // [-0, 0.66666667, 4]
 */
export const hardSwish = unary('hardSwish', 'float', 'x',
  (x, out) => { for (let i = 0; i < x.length; i++) { const v = x[i]!; out[i] = v <= -3 ? v * 0 : v >= 3 ? v : (v * (v + 3)) / 6; } },
  (g, x) => g.mul(where(x.lt(-3), 0, where(x.le(3), x.div(3).add(0.5), 1))));

const SQRT1_2 = Math.SQRT1_2;
const INV_SQRT_2PI = 0.3989422804014327;
const SQRT_2_OVER_PI = 0.7978845608028654;

/**
 * x·Φ(x) with the normal CDF Φ through erf ('none', the default) or PyTorch's tanh approximation
 * ('tanh'): ½x(1 + tanh(√(2/π)(x + 0.044715x³))).
 * @example gelu(tensor([-1, 1])); // [-0.15865525, 0.84134475]
 */
export function gelu(a: TensorLike, approximate: 'none' | 'tanh' = 'none'): Tensor {
  if (approximate === 'none') {
    return unary('gelu', 'float', 'x',
      // NOTE: ½x(1 + erf(x/√2)), PyTorch's formula: for x below about −8 it gives −0 where x·erfc(−x/√2)/2 would give −1e-16.
      (x, out) => { for (let i = 0; i < x.length; i++) { const v = x[i]!; out[i] = v * 0.5 * (1 + erfScalar(v * SQRT1_2)); } },
      (g, x) => g.mul(erf(x.mul(SQRT1_2)).add(1).mul(0.5).add(x.mul(x.square().mul(-0.5).exp()).mul(INV_SQRT_2PI))))(a);
  }
  if (approximate === 'tanh') {
    return unary('gelu', 'float', 'x',
      (x, out) => { for (let i = 0; i < x.length; i++) { const v = x[i]!; out[i] = 0.5 * v * (1 + Math.tanh(SQRT_2_OVER_PI * (v + 0.044715 * v * v * v))); } },
      (g, x) => {
        const inner = x.add(x.pow(3).mul(0.044715)).mul(SQRT_2_OVER_PI);
        const t = tanh(inner);
        const dInner = x.square().mul(3 * 0.044715).add(1).mul(SQRT_2_OVER_PI);
        return g.mul(t.add(1).mul(0.5).add(x.mul(0.5).mul(t.square().neg().add(1)).mul(dInner)));
      })(a);
  }
  throw new ValueError(`gelu: approximate must be 'none' or 'tanh', got ${show(approximate)}`);
}

/**
 * x · σ(x) (also called swish).
 * @example silu(tensor([0, 1])); // [0, 0.73105858]
 */
export const silu = unary('silu', 'float', 'x',
  (x, out) => { for (let i = 0; i < x.length; i++) { const v = x[i]!; out[i] = v >= 0 ? v / (1 + Math.exp(-v)) : (v * Math.exp(v)) / (1 + Math.exp(v)); } },
  (g, x) => { const s = sigmoid(x); return g.mul(s.mul(x.mul(s.neg().add(1)).add(1))); });

/**
 * x · tanh(softplus(x)).
 * @example mish(tensor([0, 1])); // [0, 0.86509839]
 */
export const mish = unary('mish', 'float', 'x',
  (x, out) => { for (let i = 0; i < x.length; i++) { const v = x[i]!; out[i] = v * Math.tanh(v > 20 ? v : Math.log1p(Math.exp(v))); } },
  (g, x) => {
    const t = tanh(softplus(x));
    return g.mul(t.add(x.mul(sigmoid(x)).mul(t.square().neg().add(1))));
  });

/**
 * x for x > 0, weight · x otherwise, with a learnable `weight`: one value, or one per channel
 * (axis 1; a 0-d or 1-d x has one channel), as PyTorch's `prelu`. NOTE: the gradient at 0 goes to the weight side.
 * @example prelu(tensor([[-2, 3]]), tensor([0.25, 0.5])); // [[-0.5, 3]]
 */
export function prelu(a: TensorLike, weight: TensorLike): Tensor {
  const x = asTensor(a);
  const w = asTensor(weight, x.dtype);
  if (w.size !== 1 && w.ndim !== 1) throw new ShapeError(`prelu: weight must have one element or be 1-d, got shape ${fmt(w.shape)}`);
  let wb: Tensor;
  if (w.size !== 1) {
    const channels = x.ndim >= 2 ? x.shape[1]! : 1;
    if (w.size !== channels) {
      throw new ShapeError(`prelu: weight of shape ${fmt(w.shape)} does not match the ${channels} channel(s) of x ${fmt(x.shape)} (axis 1)`);
    }
    wb = w.reshape([channels, ...new Array<number>(x.ndim - 2).fill(1)]);
  } else {
    wb = w.reshape([]);
  }
  return where(positive(x), x, x.mul(wb));
}
