/**
 * The convolution kernels run per sample in wasm memory; the batched kernels (one product over the
 * whole batch, what the fixtures and the examples' traces were made with) are the reference: float64
 * bit for bit over random geometries, and the in-place product accumulated over slices of k equals
 * one product.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { batchedKernels, convForward, convInputKernel, convWeightKernel, type ConvGeom } from '../src/kernels/conv.js';
import { gemmInPlace, gemmWasm } from '../src/kernels/wasm/gemm.js';
import { conv1d, conv2d, tensor, zeros } from '../src/index.js';

const geomArb: fc.Arbitrary<ConvGeom> = fc.record({
  N: fc.integer({ min: 1, max: 3 }), cg: fc.integer({ min: 1, max: 3 }), fg: fc.integer({ min: 1, max: 5 }),
  groups: fc.integer({ min: 1, max: 2 }), H: fc.integer({ min: 1, max: 9 }), W: fc.integer({ min: 1, max: 9 }),
  kh: fc.integer({ min: 1, max: 3 }), kw: fc.integer({ min: 1, max: 3 }), sh: fc.integer({ min: 1, max: 2 }), sw: fc.integer({ min: 1, max: 2 }),
  ph: fc.integer({ min: 0, max: 2 }), pw: fc.integer({ min: 0, max: 2 }), dh: fc.integer({ min: 1, max: 2 }), dw: fc.integer({ min: 1, max: 2 }),
}).map((r) => ({
  N: r.N, C: r.cg * r.groups, H: r.H, W: r.W, F: r.fg * r.groups, groups: r.groups, kh: r.kh, kw: r.kw, sh: r.sh, sw: r.sw,
  ph: r.ph, pw: r.pw, dh: r.dh, dw: r.dw,
  oh: Math.floor((r.H + 2 * r.ph - r.dh * (r.kh - 1) - 1) / r.sh) + 1,
  ow: Math.floor((r.W + 2 * r.pw - r.dw * (r.kw - 1) - 1) / r.sw) + 1,
})).filter((g) => g.oh >= 1 && g.ow >= 1);

function values(n: number, seed: number): Float64Array {
  const out = new Float64Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 32 - 0.5;
  }
  return out;
}

const sameBits = (a: ArrayLike<number>, b: ArrayLike<number>): boolean => a.length === b.length && Array.from(a).every((v, i) => Object.is(v, b[i]));

describe('per-sample convolution kernels', () => {
  it('give the batched kernels\' float64 bits: forward, input gradient, weight gradient', () => {
    fc.assert(fc.property(geomArb, fc.integer(), (g, seed) => {
      const x = values(g.N * g.C * g.H * g.W, seed);
      const w = values(g.F * (g.C / g.groups) * g.kh * g.kw, seed + 1);
      const gy = values(g.N * g.F * g.oh * g.ow, seed + 2);
      const ref = batchedKernels.forward(x, w, g, 'float64');
      expect(sameBits(convForward(x, w, g, 'float64'), ref)).toBe(true);
      // The bias added as rows are written: the bits of a separate add.
      const b = values(g.F, seed + 3);
      const L = g.oh * g.ow;
      expect(sameBits(convForward(x, w, g, 'float64', b), ref.map((v, i) => v + b[Math.floor(i / L) % g.F]!))).toBe(true);
      expect(sameBits(convInputKernel(gy, w, g, 'float64'), batchedKernels.input(gy, w, g, 'float64'))).toBe(true);
      expect(sameBits(convWeightKernel(x, gy, g, 'float64'), batchedKernels.weight(x, gy, g, 'float64'))).toBe(true);
    }), { numRuns: 40 });
  });

  it('an in-place product accumulated over slices of k equals one product, bit for bit', () => {
    const [m, k, n] = [7, 300, 13];
    const a = values(m * k, 1);
    const b = values(n * k, 2); // stored n×k (transposed)
    const ref = new Float64Array(m * n);
    expect(gemmWasm(a, 0, b, 0, ref, 0, m, k, n, false, true)).toBe(true);
    const slice = 37;
    const p = gemmInPlace('float64', m, slice, n, false, true)!;
    for (let p0 = 0; p0 < k; p0 += slice) {
      const len = Math.min(slice, k - p0);
      // A slice: columns [p0, p0 + len) of A, packed m×slice with zeros beyond len (a +0 term leaves sums unchanged).
      for (let i = 0; i < m; i++) for (let q = 0; q < slice; q++) p.view[p.a + i * slice + q] = q < len ? a[i * k + p0 + q]! : 0;
      for (let j = 0; j < n; j++) for (let q = 0; q < slice; q++) p.view[p.b + j * slice + q] = q < len ? b[j * k + p0 + q]! : 0;
      p.run(p0 > 0);
    }
    const got = new Float64Array(m * n);
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) got[i * n + j] = p.view[p.c + i * p.ldc + j]!;
    expect(sameBits(got, ref)).toBe(true);
  });

  it('zero input channels: every sum is empty, so the output is the bias (a product with k = 0 never reaches the wasm kernel)', () => {
    expect(conv1d(zeros([1, 0, 1]), zeros([1, 0, 1])).toArray()).toEqual([[[0]]]);
    const y = conv2d(zeros([2, 0, 3, 3]), zeros([2, 0, 2, 2]), tensor([1, -2]));
    expect(y.shape).toEqual([2, 2, 2, 2]);
    expect(Array.from(y.data)).toEqual(Array.from({ length: 16 }, (_, i) => (Math.floor(i / 4) % 2 === 0 ? 1 : -2)));
    const x = zeros([2, 0, 3, 3]).requiresGrad_();
    const w = zeros([2, 0, 2, 2]).requiresGrad_();
    conv2d(x, w).sum().backward();
    expect([x.grad!.shape, w.grad!.shape]).toEqual([[2, 0, 3, 3], [2, 0, 2, 2]]);
  });
});
