/**
 * The wasm gemm's resident operand: a large operand that no user holds stays in wasm memory between
 * products, keyed by its array and version. Every way its values can change must make the next
 * product read the new values: in-place ops (version bumps), a user's writes through `data`, the
 * numerical gradient's nudges, and the product's own output.
 */
import { describe, expect, it } from 'vitest';
import { numericalGradient, Tensor, tensor } from '../src/index.js';
import { createGemm } from '../src/kernels/wasm/gemm.js';
import { problem, referenceGemm } from './wasm.gemm.support.js';

// 64 × 160 float64 is 80 KB: above the 64 KB from which an operand may stay resident.
const M = 64;
const K = 160;
const N = 3;
const seq = (n: number, f: (i: number) => number): Float64Array => Float64Array.from({ length: n }, (_, i) => f(i));

/** x·w by the JavaScript loop (the wasm kernel's float64 results are bit-identical to it). */
function expected(x: Float64Array, w: Float64Array, m: number, k: number, n: number, transA = false): Float64Array {
  return referenceGemm(x, w, problem(m, k, n, { transA }));
}

describe('gemm (wasm SIMD): the resident operand', () => {
  it('is read again only while array and stamp match', () => {
    const e = createGemm()!;
    const a = seq(M * K, (i) => Math.sin(i));
    const b = seq(K * N, (i) => Math.cos(i));
    const out = new Float64Array(M * N);
    e.gemm(a, 0, b, 0, out, 0, M, K, N, false, false, 7, -1);
    expect(out).toEqual(expected(a, b, M, K, N));
    a[5] = 100; // a new stamp promises nothing about the copy: it is copied again
    e.gemm(a, 0, b, 0, out, 0, M, K, N, false, false, 8, -1);
    expect(out).toEqual(expected(a, b, M, K, N));
    a[6] = -3; // no stamp: always copied
    e.gemm(a, 0, b, 0, out, 0, M, K, N, false, false, -1, -1);
    expect(out).toEqual(expected(a, b, M, K, N));
    // The resident copy serves the transposed product too (k×m read as its transpose).
    const c = seq(M * N, (i) => i - 50);
    const outT = new Float64Array(K * N);
    e.gemm(a, 0, b, 0, out, 0, M, K, N, false, false, 9, -1);
    e.gemm(a, 0, c, 0, outT, 0, K, M, N, true, false, 9, -1);
    expect(outT).toEqual(expected(a, c, K, M, N, true));
  });

  it('survives an in-place product (the convolutions’ operands written straight into wasm memory)', () => {
    const e = createGemm()!;
    const a = seq(M * K, (i) => Math.sin(i));
    const b = seq(K * N, (i) => Math.cos(i));
    const out = new Float64Array(M * N);
    e.gemm(a, 0, b, 0, out, 0, M, K, N, false, false, 3, -1);
    // An in-place product fills its own regions with other values, as conv's im2col does.
    const p = e.inPlace('float64', M, K, N, false, false)!;
    p.view.fill(7, p.a, p.a + M * K);
    p.view.fill(-1, p.b, p.b + K * N);
    p.run(false);
    e.gemm(a, 0, b, 0, out, 0, M, K, N, false, false, 3, -1); // reads the resident copy of a
    expect(out).toEqual(expected(a, b, M, K, N));
  });

  it('is dropped when a product writes its output into the resident array', () => {
    const e = createGemm()!;
    const a = seq(M * K, (i) => (i % 7) - 3);
    const eye = seq(K * K, (i) => (i % (K + 1) === 0 ? 2 : 0));
    const twice = a.map((v) => 2 * v);
    e.gemm(a, 0, eye, 0, a, 0, M, K, K, false, false, 1, -1); // a ← a·2I, in place
    expect(a).toEqual(twice);
    e.gemm(a, 0, eye, 0, a, 0, M, K, K, false, false, 1, -1); // same stamp, but a was written: not the old copy
    expect(a).toEqual(twice.map((v) => 2 * v));
  });

  it('follows a tensor through in-place ops and a user’s writes through data', () => {
    const w = tensor(seq(K * N, (i) => Math.cos(i)), { shape: [K, N] });
    // x is an op's result that no user has read: it may stay resident.
    const x = tensor(seq(M * K, (i) => Math.sin(i)), { shape: [M, K] }).mul(1);
    const y1 = x.matmul(w);
    x.fill_(0.5); // an in-place op bumps the version
    const y2 = x.matmul(w);
    expect(y2._data).toEqual(expected(new Float64Array(M * K).fill(0.5), w._data as Float64Array, M, K, N));
    expect(y1._data).not.toEqual(y2._data);
    const d = x.data as Float64Array; // a user now holds the array and may write it without a bump
    d[0] = 9;
    d[M * K - 1] = -9;
    expect(x.matmul(w)._data).toEqual(expected(d, w._data as Float64Array, M, K, N));
  });

  it('numericalGradient nudges a resident operand in place and still sees every nudge', () => {
    // sum(u·v) over u (1×8192, 64 KB, an op's result, resident) and v (a user's array, copied):
    // d/du_i = Σ_j v_ij. A stale copy would give plus = minus, a zero gradient.
    const k = 8192;
    const u = tensor(seq(k, (i) => Math.sin(i)), { shape: [1, k] }).mul(1);
    const vArr = seq(k * 2, (i) => ((i * 7) % 11) - 5);
    const v = new Tensor(vArr, [k, 2]);
    u.matmul(v); // u becomes resident
    const g = numericalGradient((t) => t.matmul(v).sum(), u, 1e-3);
    const want = seq(k, (i) => vArr[2 * i]! + vArr[2 * i + 1]!);
    const worst = Math.max(...Array.from(g._data, (gi, i) => Math.abs(gi - want[i]!)));
    expect(worst).toBeLessThan(1e-6);
  });
});
