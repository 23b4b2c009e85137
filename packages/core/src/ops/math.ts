/**
 * Elementwise math beyond arithmetic: rounding, trigonometric and hyperbolic functions, logs and
 * exponentials in other bases, erf, and the binary atan2 / mod / fmod / floorDivide /
 * squaredDifference / logaddexp. Each entry: its forward loop, then its gradient rule.
 * Rounding ops are piecewise constant: their gradient is zero (as PyTorch's).
 */
import type { TypedArray } from '../tape/dtype.js';
import type { BinaryRow } from '../kernels/loops.js';
import type { Tensor } from '../tape/tensor.js';
import { TWO_OVER_SQRT_PI, erfScalar, erfcScalar, logAddExp } from '../kernels/special.js';
import { binary, need, unary } from './elementwise.js';

/** A loop that applies `f` to every element (one call per element; the ops here are libm-bound anyway). */
const map = (f: (v: number) => number) => (x: TypedArray, out: TypedArray): void => {
  for (let i = 0; i < x.length; i++) out[i] = f(x[i]!);
};

/** A broadcast row that applies `f` to every pair. */
const map2 = (f: (a: number, b: number) => number): BinaryRow => (x, xi, xs, y, yi, ys, out, oi, n) => {
  for (let k = 0; k < n; k++, xi += xs, yi += ys) out[oi + k] = f(x[xi]!, y[yi]!);
};

/** The gradient of a piecewise-constant op: zero everywhere (undefined at the steps, where we also give 0). */
const zero = (g: Tensor): Tensor => g._zerosLike();

// ---------------------------------------------------------------------------
// Rounding: same dtype, zero gradient

/** Largest integer ≤ x. NOTE: zero gradient (piecewise constant). @example floor(tensor([-1.5, 1.5])); // [-2, 1] */
export const floor = unary('floor', 'same', '', map(Math.floor), zero);

/** Smallest integer ≥ x. NOTE: zero gradient. @example ceil(tensor([-1.5, 1.5])); // [-1, 2] */
export const ceil = unary('ceil', 'same', '', map(Math.ceil), zero);

/** x rounded toward 0. NOTE: zero gradient. @example trunc(tensor([-1.5, 1.5])); // [-1, 1] */
export const trunc = unary('trunc', 'same', '', map(Math.trunc), zero);

/** numpy's rint: the nearest integer, halves to the even one; −0 stays −0. */
function rint(v: number): number {
  const r = Math.round(v); // halves up
  return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * The nearest integer, halves to even (numpy's `round`, which PyTorch's also follows). NOTE: zero gradient.
 * @example round(tensor([0.5, 1.5, 2.5, -0.5])); // [0, 2, 2, -0]
 */
export const round = unary('round', 'same', '', map(rint), zero);

/**
 * −1, 0 or 1 by the sign of x, numpy's: sign(NaN) is NaN and sign(−0) is 0 (PyTorch gives 0 for NaN).
 * NOTE: zero gradient.
 * @example sign(tensor([-2, 0, 3])); // [-1, 0, 1]
 */
export const sign = unary('sign', 'same', '', map((v) => (v > 0 ? 1 : v < 0 ? -1 : v === 0 ? 0 : v)), zero);

// ---------------------------------------------------------------------------
// Trigonometric and hyperbolic

/** Sine. @example sin(tensor([0, Math.PI / 2])); // [0, 1] */
export const sin = unary('sin', 'float', 'x', map(Math.sin), (g, x) => g.mul(cos(x)));

/** Cosine. @example cos(tensor([0, Math.PI])); // [1, -1] */
export const cos = unary('cos', 'float', 'x', map(Math.cos), (g, x) => g.mul(sin(x)).neg());

/** Tangent. NOTE: the rule saves the output: tan' = 1 + tan². @example tan(tensor([0, Math.PI / 4])); // [0, 1] */
export const tan = unary('tan', 'float', 'out', map(Math.tan), (g, _x, out) => g.mul(out.square().add(1)));

/** Inverse sine, NaN outside [−1, 1]. @example asin(tensor([0, 1])); // [0, 1.57079633] */
export const asin = unary('asin', 'float', 'x', map(Math.asin), (g, x) => g.div(x.square().neg().add(1).sqrt()));

/** Inverse cosine, NaN outside [−1, 1]. @example acos(tensor([1, 0])); // [0, 1.57079633] */
export const acos = unary('acos', 'float', 'x', map(Math.acos), (g, x) => g.div(x.square().neg().add(1).sqrt()).neg());

/** Inverse tangent. @example atan(tensor([0, 1])); // [0, 0.78539816] */
export const atan = unary('atan', 'float', 'x', map(Math.atan), (g, x) => g.div(x.square().add(1)));

/** Hyperbolic sine. @example sinh(tensor([0, 1])); // [0, 1.17520119] */
export const sinh = unary('sinh', 'float', 'x', map(Math.sinh), (g, x) => g.mul(cosh(x)));

/** Hyperbolic cosine. @example cosh(tensor([0, 1])); // [1, 1.54308063] */
export const cosh = unary('cosh', 'float', 'x', map(Math.cosh), (g, x) => g.mul(sinh(x)));

/** Inverse hyperbolic sine. @example asinh(tensor([0, 1])); // [0, 0.88137359] */
export const asinh = unary('asinh', 'float', 'x', map(Math.asinh), (g, x) => g.div(x.square().add(1).sqrt()));

/** Inverse hyperbolic cosine, NaN below 1. @example acosh(tensor([1, 2])); // [0, 1.3169579] */
export const acosh = unary('acosh', 'float', 'x', map(Math.acosh), (g, x) => g.div(x.sub(1).mul(x.add(1)).sqrt()));

/** Inverse hyperbolic tangent, ±∞ at ±1. @example atanh(tensor([0, 0.5])); // [0, 0.54930614] */
export const atanh = unary('atanh', 'float', 'x', map(Math.atanh), (g, x) => g.div(x.square().neg().add(1)));

// ---------------------------------------------------------------------------
// Powers, logarithms and exponentials

/** 1 / x. NOTE: the rule saves the output: (1/x)' = −out². @example reciprocal(tensor([2, 4])); // [0.5, 0.25] */
export const reciprocal = unary('reciprocal', 'float', 'out', map((v) => 1 / v), (g, _x, out) => g.mul(out.square()).neg());

/** 1 / √x. NOTE: the rule saves the output: (x^−½)' = −½ out³. @example rsqrt(tensor([4, 16])); // [0.5, 0.25] */
export const rsqrt = unary('rsqrt', 'float', 'out', map((v) => 1 / Math.sqrt(v)), (g, _x, out) => g.mul(out.pow(3)).mul(-0.5));

/** log(1 + x), accurate for tiny x. @example log1p(tensor([0, 1e-10])); // [0, 1e-10] */
export const log1p = unary('log1p', 'float', 'x', map(Math.log1p), (g, x) => g.div(x.add(1)));

/** eˣ − 1, accurate for tiny x. NOTE: the rule saves the output: (eˣ − 1)' = out + 1. @example expm1(tensor([0, 1e-10])); // [0, 1e-10] */
export const expm1 = unary('expm1', 'float', 'out', map(Math.expm1), (g, _x, out) => g.mul(out.add(1)));

/** Base-2 logarithm. @example log2(tensor([1, 8])); // [0, 3] */
export const log2 = unary('log2', 'float', 'x', map(Math.log2), (g, x) => g.div(x.mul(Math.LN2)));

/** Base-10 logarithm. @example log10(tensor([1, 1000])); // [0, 3] */
export const log10 = unary('log10', 'float', 'x', map(Math.log10), (g, x) => g.div(x.mul(Math.LN10)));

/** 2ˣ. NOTE: the rule saves the output: (2ˣ)' = 2ˣ ln 2. @example exp2(tensor([3, -1])); // [8, 0.5] */
export const exp2 = unary('exp2', 'float', 'out', map((v) => 2 ** v), (g, _x, out) => g.mul(out).mul(Math.LN2));

/** d erf / dx = 2/√π e^(−x²), as tensor ops (so it can be differentiated again). */
const erfSlope = (x: Tensor): Tensor => x.square().neg().exp().mul(TWO_OVER_SQRT_PI);

/** The error function. @example erf(tensor([0, 1])); // [0, 0.84270079] */
export const erf = unary('erf', 'float', 'x', map(erfScalar), (g, x) => g.mul(erfSlope(x)));

/** 1 − erf(x), accurate where erf(x) is near 1. @example erfc(tensor([0, 5])); // [1, 1.53745979e-12] */
export const erfc = unary('erfc', 'float', 'x', map(erfcScalar), (g, x) => g.mul(erfSlope(x)).neg());

// ---------------------------------------------------------------------------
// Binary

/**
 * The angle of the point (x, y) from the x axis, in (−π, π], for `atan2(y, x)` (numpy's argument order).
 * @example atan2(tensor([1, -1]), tensor([0, 0])); // [1.57079633, -1.57079633]
 */
export const atan2 = binary('atan2', 'float', 'x y', map2(Math.atan2), (g, x, y) => {
  // NOTE: here x is the first operand (the ordinate): ∂/∂x = y / (x² + y²), ∂/∂y = −x / (x² + y²).
  const r2 = x.square().add(y.square());
  return [need(x, () => g.mul(y).div(r2)), need(y, () => g.mul(x).div(r2).neg())];
});

/** numpy's remainder: fmod, moved into the divisor's sign; a zero result takes the divisor's sign. */
function remainder(a: number, b: number): number {
  const m = a % b;
  if (m === 0) return b < 0 || Object.is(b, -0) ? -0 : 0;
  return (m < 0) !== (b < 0) ? m + b : m;
}

/** numpy's floor_divide (npy_divmod): floor((a − fmod(a, b)) / b), corrected so that the pair (div, mod) is consistent. */
function floorDiv(a: number, b: number): number {
  if (b === 0) return a / b;
  const m = a % b;
  let d = (a - m) / b;
  if (m !== 0 && (b < 0) !== (m < 0)) d -= 1;
  if (d === 0) return (a / b < 0 || Object.is(a / b, -0)) ? -0 : 0;
  let f = Math.floor(d);
  if (d - f > 0.5) f += 1;
  return f;
}

/**
 * numpy's `remainder` (Python's %): the result has the divisor's sign, mod(-1, 3) is 2. PyTorch's
 * `remainder` agrees; tested against numpy. NOTE: int32 mod 0 is 0, as numpy. The gradient is 1 for
 * x and −floor(x / y) for y (PyTorch's).
 * @example mod(tensor([-1, 5]), 3); // [2, 2]
 */
export const mod = binary('mod', 'promote', 'x y', map2(remainder), (g, x, y) => [
  need(x, () => g),
  need(y, () => g.mul(floorDivide(x.detach(), y.detach())).neg()),
]);

/**
 * C's fmod: the result has the dividend's sign, fmod(-1, 3) is −1. NOTE: int32 fmod 0 is 0, as numpy.
 * The gradient is 1 for x and −trunc(x / y) for y.
 * @example fmod(tensor([-1, 5]), 3); // [-1, 2]
 */
export const fmod = binary('fmod', 'promote', 'x y', map2((a, b) => a % b), (g, x, y) => [
  need(x, () => g),
  need(y, () => g.mul(trunc(x.detach().div(y.detach()))).neg()),
]);

/**
 * numpy's `floor_divide` (Python's //): floor(x / y), consistent with `mod` (x = y·floorDivide + mod).
 * int32 stays int32 (int32 division by 0 gives 0, as numpy). NOTE: zero gradient (piecewise constant;
 * PyTorch refuses to differentiate it).
 * @example floorDivide(tensor([7, -7]), 2); // [3, -4]
 */
export const floorDivide = binary('floorDivide', 'promote', '', map2(floorDiv), (_g, x, y) => [
  need(x, () => x._zerosLike()),
  need(y, () => y._zerosLike()),
]);

/** (x − y)², broadcasting. @example squaredDifference(tensor([1, 5]), 2); // [1, 9] */
export const squaredDifference = binary('squaredDifference', 'promote', 'x y', map2((a, b) => (a - b) * (a - b)), (g, x, y) => {
  const twice = x.sub(y).mul(2);
  return [need(x, () => g.mul(twice)), need(y, () => g.mul(twice).neg())];
});

/**
 * log(eˣ + eʸ), finite for large x and y. NOTE: the rule saves the output: ∂/∂x = e^(x − out).
 * @example logaddexp(tensor([1000, 0]), tensor([1000, 0])); // [1000.69314718, 0.69314718]
 */
export const logaddexp = binary('logaddexp', 'float', 'x y out', map2(logAddExp), (g, x, y, out) => [
  need(x, () => g.mul(x.sub(out).exp())),
  need(y, () => g.mul(y.sub(out).exp())),
]);
