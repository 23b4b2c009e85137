/**
 * Shared pieces of the wasm gemm tests: the JavaScript reference loop, seeded operands with room
 * for offsets, engines that take every size (and one with tiny blocks, so that every block edge is
 * crossed), and comparisons that name the first element that differs.
 * Not a test file itself (vitest only collects `*.test.ts`).
 */
import { expect } from 'vitest';
import { createGemm, DEFAULT_TUNING, type GemmConfig, type WasmGemm } from '../src/kernels/wasm/gemm.js';
import { values } from './support.js';

export type FloatArray = Float64Array | Float32Array;
export type Precision = 'float64' | 'float32';

export interface Problem {
  m: number;
  k: number;
  n: number;
  transA: boolean;
  transB: boolean;
  aOffset: number;
  bOffset: number;
  outOffset: number;
}

export const problem = (m: number, k: number, n: number, more: Partial<Problem> = {}): Problem => ({
  m, k, n, transA: false, transB: false, aOffset: 0, bOffset: 0, outOffset: 0, ...more,
});

/**
 * The reference: `for i, for p, for j: C[i,j] += A[i,p]*B[p,j]` in float64 (whatever a and b hold),
 * reading op(A) and op(B) through the transposes and offsets.
 */
export function referenceGemm(a: FloatArray, b: FloatArray, { m, k, n, transA, transB, aOffset, bOffset }: Problem): Float64Array {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let p = 0; p < k; p++) {
      const av = a[aOffset + (transA ? p * m + i : i * k + p)]!;
      for (let j = 0; j < n; j++) c[i * n + j] = c[i * n + j]! + av * b[bOffset + (transB ? j * k + p : p * n + j)]!;
    }
  }
  return c;
}

/** Σ_p |A[i,p]·B[p,j]| for every (i, j): the scale of the float32 error bound. */
export function magnitudes(a: FloatArray, b: FloatArray, pr: Problem): Float64Array {
  return referenceGemm(a.map(Math.abs), b.map(Math.abs), pr);
}

const SENTINEL = 12345.5;

/** Seeded values in [-2, 2) around the operands (offset elements before, two after). */
export function operands(pr: Problem, seed: number, dtype: Precision): { a: FloatArray; b: FloatArray } {
  const make = (offset: number, size: number, s: number): FloatArray => {
    const data = values([offset + size + 2], s).data as Float64Array;
    return dtype === 'float64' ? data : Float32Array.from(data);
  };
  return { a: make(pr.aOffset, pr.m * pr.k, seed), b: make(pr.bOffset, pr.k * pr.n, seed + 1) };
}

/** Runs `engine` into an output with a sentinel around the result; checks the sentinel survived and returns the m×n result. */
export function runEngine(engine: WasmGemm, a: FloatArray, b: FloatArray, pr: Problem): FloatArray {
  const size = pr.outOffset + pr.m * pr.n + 3;
  const out = a instanceof Float64Array ? new Float64Array(size) : new Float32Array(size);
  out.fill(SENTINEL);
  const ran = engine.gemm(a, pr.aOffset, b, pr.bOffset, out, pr.outOffset, pr.m, pr.k, pr.n, pr.transA, pr.transB);
  expect(ran).toBe(true);
  const end = pr.outOffset + pr.m * pr.n;
  expect([...out.subarray(0, pr.outOffset), ...out.subarray(end)].every((v) => v === SENTINEL)).toBe(true);
  return out.subarray(pr.outOffset, end);
}

/** The first index where `actual` and `expected` differ as bits of a float (NaN matches NaN, +0 not −0), or null. */
export function firstDifference(actual: ArrayLike<number>, expected: ArrayLike<number>): string | null {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    if (!Object.is(actual[i], expected[i])) return `element ${i}: got ${actual[i]}, expected ${expected[i]}`;
  }
  return null;
}

/**
 * The float32 bound: |C − fl32(exact)| ≤ (k + 1)·2⁻²⁴·Σ_p|A[i,p]·B[p,j]|. Recursive summation of k
 * rounded products errs by at most γ_k = k·u/(1 − k·u) times that sum (u = 2⁻²⁴, Higham, Accuracy and
 * Stability §3.1); rounding the float64 reference to float32 adds u·|C|; the 1 + 2⁻¹⁰ factor covers
 * γ_k/(k·u) (under 1.0001 for k ≤ 1000) and the float64 reference's own error (k·2⁻⁵³·Σ). In ulps:
 * within k + 1 ulps of Σ|A·B| (an ulp of x is between 2⁻²⁴·x and 2⁻²³·x).
 * NaN and ±Inf must sit exactly where the reference has them.
 */
export function float32Violation(actual: FloatArray, a: FloatArray, b: FloatArray, pr: Problem): string | null {
  const exact = referenceGemm(a, b, pr);
  const scale = magnitudes(a, b, pr);
  for (let i = 0; i < exact.length; i++) {
    const want = Math.fround(exact[i]!);
    const got = actual[i]!;
    if (!Number.isFinite(want) || !Number.isFinite(got)) {
      if (!Object.is(got, want) && !(Number.isNaN(got) && Number.isNaN(want))) return `element ${i}: got ${got}, expected ${want}`;
      continue;
    }
    const bound = (pr.k + 1) * 2 ** -24 * scale[i]! * (1 + 2 ** -10);
    if (Math.abs(got - want) > bound) return `element ${i}: got ${got}, expected ${want} ± ${bound}`;
  }
  return null;
}

function engineWith(change: Partial<GemmConfig>): WasmGemm {
  const engine = createGemm({
    float64: { ...DEFAULT_TUNING.float64, ...change },
    float32: { ...DEFAULT_TUNING.float32, ...change },
  });
  if (engine === null) throw new Error('WebAssembly SIMD is unavailable in this Node');
  return engine;
}

/** The default tiles and blocks, taking every size (no JavaScript cut-off). */
export const everySize = engineWith({ minMacs: 0 });
/**
 * Tiny odd blocks and a 3-row tile, the step loop unrolled by 2: a 70×70×70 product crosses
 * 12 m-blocks, 14 k-blocks (each padded from 5 steps to 6) and 9 n-blocks, with edge tiles in every one.
 */
export const tinyBlocks = engineWith({ mr: 3, nrVectors: 1, unroll: 2, kc: 5, mc: 6, nc: 8, minMacs: 0 });
