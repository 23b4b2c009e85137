/**
 * Scalar special functions the op loops call per element: erf and erfc (JavaScript has neither)
 * and log(eˣ + eʸ). erf/erfc: a series near 0, a Taylor expansion about tabulated points in the
 * middle, a continued fraction in the tail; within 8 ulps of libm's on a dense grid.
 */

/** 2/√π, the slope of erf at 0. */
export const TWO_OVER_SQRT_PI = 1.1283791670955126;
const INV_SQRT_PI = 0.5641895835477563;

/** e^(−x²) without the rounding of x² growing with x: x = hi + lo with hi of 24 bits, so hi² is exact. */
function expNegSquare(x: number): number {
  const hi = Math.fround(x);
  const lo = x - hi;
  return Math.exp(-hi * hi) * Math.exp(-lo * (x + hi));
}

/** erf(x) for |x| < 0.5: 2/√π Σ (−1)ⁿ x²ⁿ⁺¹ / (n! (2n + 1)); the terms fall fast, nothing cancels. */
function erfSeries(x: number): number {
  const x2 = x * x;
  let term = x;
  let sum = x;
  for (let n = 1; n < 40; n++) {
    term *= -x2 / n;
    const t = term / (2 * n + 1);
    sum += t;
    if (Math.abs(t) <= 1e-17 * Math.abs(sum)) break;
  }
  return TWO_OVER_SQRT_PI * sum;
}

/** erfc(0.5 + k/4) for k = 0…13 (Python's math.erfc). */
const ERFC_AT = [
  0.4795001221869535, 0.28884436634648486, 0.15729920705028513, 0.07709987174354177, 0.033894853524689274,
  0.013328328780817555, 0.004677734981047265, 0.0014627165866811518, 0.0004069520174449589, 0.00010062192211963684,
  2.2090496998585438e-05, 4.302779463675122e-06, 7.430983723414128e-07, 1.1372725656979664e-07,
];

/**
 * erfc(x) for 0.375 ≤ x < 3.875: Taylor about the nearest tabulated point a (|h| ≤ 1/8), with
 * erfc⁽ⁿ⁺¹⁾(a) = −2/√π (−1)ⁿ Hₙ(a) e^(−a²) and the Hermite recurrence Hₙ₊₁ = 2aHₙ − 2nHₙ₋₁.
 */
function erfcTaylor(x: number): number {
  const k = Math.round((x - 0.5) * 4);
  const a = 0.5 + 0.25 * k;
  const h = x - a;
  let hPrev = 1;
  let hCur = 2 * a;
  let p = h;
  let sum = h;
  for (let n = 1; n < 60; n++) {
    p *= h / (n + 1);
    const t = (n & 1 ? -hCur : hCur) * p;
    sum += t;
    if (Math.abs(t) <= 1e-17 * Math.abs(sum)) break;
    const next = 2 * a * hCur - 2 * n * hPrev;
    hPrev = hCur;
    hCur = next;
  }
  return ERFC_AT[k]! - TWO_OVER_SQRT_PI * Math.exp(-a * a) * sum;
}

/** erfc(x) for x ≥ 3.875: e^(−x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …)))), by modified Lentz (≤ 30 terms). */
function erfcFraction(x: number): number {
  let f = x;
  let c = x;
  let d = 0;
  for (let n = 1; n < 200; n++) {
    const a = n / 2;
    d = 1 / (x + a * d);
    c = x + a / c;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return (expNegSquare(x) * INV_SQRT_PI) / f;
}

/** erfc for x ≥ 0.5. */
function erfcUpper(x: number): number {
  if (x < 3.875) return erfcTaylor(x);
  return x > 27.3 ? 0 : erfcFraction(x); // erfc(27.3) is below the smallest float64
}

/** erf(x). */
export function erfScalar(x: number): number {
  if (x !== x) return x;
  const a = Math.abs(x);
  if (a < 0.5) return erfSeries(x);
  if (a > 6) return x > 0 ? 1 : -1;
  const c = erfcUpper(a);
  return x > 0 ? 1 - c : c - 1;
}

/** erfc(x) = 1 − erf(x), without the cancellation. */
export function erfcScalar(x: number): number {
  if (x !== x) return x;
  if (Math.abs(x) < 0.5) return 1 - erfSeries(x);
  if (x > 0) return erfcUpper(x);
  return x < -6 ? 2 : 2 - erfcUpper(-x);
}

/** log(eˣ + eʸ) without overflow: max + log1p(e^−|x−y|); equal infinities give that infinity. */
export function logAddExp(a: number, b: number): number {
  if (a === b) return a + Math.LN2; // also ±∞ with itself
  const m = a > b ? a : b;
  const d = a > b ? b - a : a - b;
  return d !== d ? d : m + Math.log1p(Math.exp(d));
}
