/**
 * The WebAssembly SIMD gemm on fixed cases: numpy's numbers, sizes that cross every block
 * boundary, IEEE special values, batches through offsets, memory reuse, bad input, and the
 * JavaScript fallback when WebAssembly or SIMD is missing.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ArgumentError, DTypeError, ValueError } from '../src/index.js';
import { createGemm, DEFAULT_TUNING, gemmModuleBytes, gemmWasm, wasmAvailable } from '../src/kernels/wasm/gemm.js';
import {
  everySize, firstDifference, float32Violation, operands, problem, referenceGemm, runEngine, tinyBlocks,
  type Precision, type Problem,
} from './wasm.gemm.support.js';

const TRANSPOSES = [[false, false], [true, false], [false, true], [true, true]] as const;

/** Stores row-major `rows` (r×c) as given, or transposed (c×r) when `transposed`. */
function stored(rows: number[][], transposed: boolean): Float64Array {
  const r = rows.length;
  const c = rows[0]!.length;
  const out = new Float64Array(r * c);
  rows.forEach((row, i) => row.forEach((v, j) => (out[transposed ? j * r + i : i * c + j] = v)));
  return out;
}

describe('gemm (wasm SIMD): the module', () => {
  it('compiles here, synchronously, from under 4 KB (Chrome’s limit for synchronous compiles)', () => {
    expect(wasmAvailable).toBe(true);
    const bytes = gemmModuleBytes();
    expect(bytes.length).toBeLessThan(4096);
    expect(WebAssembly.validate(bytes)).toBe(true);
  });
});

describe('gemm (wasm SIMD): results', () => {
  // python3 -c "import numpy as np; A = np.array([[1, -2, 0.5, 3], [0, 4, -1.5, 2], [2.5, 1, 1, -1]]);
  //   B = np.array([[1, 0, -1, 2, 0.5], [3, -2, 1, 0, 1], [-1, 1, 2, 4, -2], [0.5, 2, 0, -3, 1]]); print((A @ B).tolist())"
  const A = [[1, -2, 0.5, 3], [0, 4, -1.5, 2], [2.5, 1, 1, -1]];
  const B = [[1, 0, -1, 2, 0.5], [3, -2, 1, 0, 1], [-1, 1, 2, 4, -2], [0.5, 2, 0, -3, 1]];
  const NUMPY = [-4.0, 10.5, -2.0, -5.0, 0.5, 14.5, -5.5, 1.0, -12.0, 9.0, 4.0, -3.0, 0.5, 12.0, -0.75];

  it.each(TRANSPOSES)('numpy’s A @ B, with A stored transposed: %s, B: %s', (transA, transB) => {
    const c = runEngine(everySize, stored(A, transA), stored(B, transB), problem(3, 4, 5, { transA, transB }));
    expect([...c]).toEqual(NUMPY);
  });

  const crossings: [string, Problem][] = [
    ['128×257×129: two k-blocks, edge tiles in m and n', problem(128, 257, 129)],
    ['70×600×520: three k-blocks, two m-blocks, two n-blocks', problem(70, 600, 520)],
    ['1×1×1', problem(1, 1, 1)],
    ['1×300×1 (a dot product)', problem(1, 300, 1)],
    ['131×1×67 (an outer product, primes)', problem(131, 1, 67)],
  ];
  for (const [name, base] of crossings) {
    it.each(TRANSPOSES)(`float64 ${name} is bit-identical to the loop (transA %s, transB %s)`, (transA, transB) => {
      const pr = { ...base, transA, transB };
      const { a, b } = operands(pr, 7, 'float64');
      const expected = referenceGemm(a, b, pr);
      expect(firstDifference(runEngine(everySize, a, b, pr), expected)).toBeNull();
      expect(firstDifference(runEngine(tinyBlocks, a, b, pr), expected)).toBeNull();
    });
  }

  it('float32 128×257×129 stays within the stated bound, all transposes', () => {
    for (const [transA, transB] of TRANSPOSES) {
      const pr = problem(128, 257, 129, { transA, transB });
      const { a, b } = operands(pr, 11, 'float32');
      expect(float32Violation(runEngine(everySize, a, b, pr), a, b, pr)).toBeNull();
    }
  });

  it('float32 on small integers (every product and sum exact in float32) equals the loop exactly', () => {
    const pr = problem(37, 70, 45, { transB: true });
    const { a, b } = operands(pr, 3, 'float32');
    const ints = (x: Float32Array | Float64Array) => x.map((v) => Math.round(v * 4)); // −8..8: |sums| ≤ 70·64 < 2²⁴
    const [ia, ib] = [ints(a), ints(b)];
    expect(firstDifference(runEngine(everySize, ia, ib, pr), Float32Array.from(referenceGemm(ia, ib, pr)))).toBeNull();
  });
});

describe('gemm (wasm SIMD): IEEE special values', () => {
  const one = (a: number[], b: number[], k: number, dtype: Precision) => {
    const Ctor = dtype === 'float64' ? Float64Array : Float32Array;
    return runEngine(everySize, Ctor.from(a), Ctor.from(b), problem(1, k, 1))[0];
  };

  it.each(['float64', 'float32'] as const)('%s: 0·Inf is NaN (zeros are never skipped), and NaN propagates', (dtype) => {
    expect(one([0, 1], [Infinity, 1], 2, dtype)).toBeNaN();
    expect(one([1, NaN, 0], [2, 0, 0], 3, dtype)).toBeNaN();
    expect(one([1, 1], [Infinity, -Infinity], 2, dtype)).toBeNaN();
    expect(one([2, 1], [Infinity, 5], 2, dtype)).toBe(Infinity);
  });

  it.each(['float64', 'float32'] as const)('%s: the sum starts at +0, as the loop’s does: −1·0 gives +0, not −0', (dtype) => {
    expect(Object.is(one([-1], [0], 1, dtype), 0)).toBe(true);
    expect(Object.is(one([-0, 0], [1, -1], 2, dtype), 0)).toBe(true);
  });

  it('float64: subnormal products and sums are kept, not flushed to zero', () => {
    expect(one([5e-324, 1e-310], [1, 0.5], 2, 'float64')).toBe(5e-324 + 1e-310 * 0.5);
  });
});

describe('gemm (wasm SIMD): batches and memory', () => {
  it('multiplies a batch of matrices held in single arrays through the offsets', () => {
    const [m, k, n, batch] = [9, 14, 11, 3];
    const { a, b } = operands(problem(m * batch, k, n), 5, 'float64');
    const out = new Float64Array(batch * m * n);
    for (let t = 0; t < batch; t++) {
      expect(gemmWasm(a, t * m * k, b, 0, out, t * m * n, m, k, n, false, false)).toBe(true);
    }
    for (let t = 0; t < batch; t++) {
      const pr = problem(m, k, n, { aOffset: t * m * k });
      expect(firstDifference(out.subarray(t * m * n, (t + 1) * m * n), referenceGemm(a, b, pr))).toBeNull();
    }
  });

  it('reads both operands before writing: out may share its array with a or b', () => {
    const pr = problem(20, 20, 20, { transB: true });
    const { a, b } = operands(pr, 9, 'float64');
    const expected = referenceGemm(a, b, pr);
    expect(gemmWasm(a, 0, b, 0, a, 0, 20, 20, 20, false, true)).toBe(true);
    expect(firstDifference(a.subarray(0, 400), expected)).toBeNull();
  });

  it('reuses its memory: a small product after a large one sees nothing of it, and the large one still works', () => {
    const big = problem(200, 300, 100, { transA: true });
    const small = problem(5, 3, 7, { transB: true });
    for (const pr of [big, small, big, small]) {
      const { a, b } = operands(pr, pr.m, 'float64');
      expect(firstDifference(runEngine(everySize, a, b, pr), referenceGemm(a, b, pr))).toBeNull();
    }
  });
});

describe('gemm (wasm SIMD): when the JavaScript kernel runs instead', () => {
  it('declines products under minMacs and zero-sized ones, leaving out untouched', () => {
    const out = new Float64Array(4).fill(7);
    const two = new Float64Array(4).fill(1);
    expect(DEFAULT_TUNING.float64.minMacs).toBeGreaterThan(8);
    expect(gemmWasm(two, 0, two, 0, out, 0, 2, 2, 2, false, false)).toBe(false);
    expect(gemmWasm(two, 0, two, 0, out, 0, 2, 0, 2, false, false)).toBe(false);
    expect(everySize.gemm(two, 0, two, 0, out, 0, 0, 2, 2, false, false)).toBe(false);
    expect([...out]).toEqual([7, 7, 7, 7]);
  });

  afterEach(() => {
    vi.unstubAllGlobals();
    vi.restoreAllMocks();
  });

  it('is unavailable (null) without WebAssembly, or when the engine rejects SIMD', () => {
    expect(createGemm()).not.toBeNull();
    vi.spyOn(WebAssembly, 'validate').mockReturnValue(false);
    expect(createGemm()).toBeNull();
    vi.stubGlobal('WebAssembly', undefined);
    expect(createGemm()).toBeNull();
  });

  it('is unavailable when compiling throws (a CSP, or a browser’s limit on synchronous compiles)', () => {
    vi.spyOn(WebAssembly, 'Module').mockImplementation(function refuse() {
      throw new RangeError('WebAssembly.Module(): Buffer size exceeds the limit for synchronous compilation');
    });
    expect(createGemm()).toBeNull();
  });
});

describe('gemm (wasm SIMD): bad input', () => {
  const a = new Float64Array(6);
  const out = new Float64Array(4);

  it('mixed element types are a DTypeError naming gemmWasm', () => {
    expect(() => gemmWasm(a, 0, new Float32Array(6), 0, out, 0, 2, 3, 2, false, false)).toThrow(DTypeError);
    expect(() => gemmWasm(a, 0, new Float32Array(6), 0, out, 0, 2, 3, 2, false, false)).toThrow(/gemmWasm: a, b and out must be all Float64Array or all Float32Array, got Float64Array, Float32Array, Float64Array/);
  });

  it('operands that do not fit their arrays are an ArgumentError naming the operand and shape', () => {
    expect(() => gemmWasm(a, 1, a, 0, out, 0, 2, 3, 2, true, false)).toThrow(ArgumentError);
    expect(() => gemmWasm(a, 1, a, 0, out, 0, 2, 3, 2, true, false)).toThrow('gemmWasm: a holds 6 elements; a 3×2 (transA) matrix at offset 1 does not fit');
    expect(() => gemmWasm(a, 0, a, 0, out, 1, 2, 3, 2, false, false)).toThrow('gemmWasm: out holds 4 elements; a 2×2 matrix at offset 1 does not fit');
    expect(() => gemmWasm(a, 0, a, 0, out, 0, -2, 3, 2, false, false)).toThrow('gemmWasm: m, k and n must be non-negative integers, got -2, 3, 2');
  });

  it('a tuning whose blocks do not hold whole tiles is a ValueError', () => {
    const bad = { ...DEFAULT_TUNING, float32: { ...DEFAULT_TUNING.float32, nc: 10 } };
    expect(() => createGemm(bad)).toThrow(ValueError);
    expect(() => createGemm(bad)).toThrow(/createGemm: bad float32 tuning .* nc of nrVectors·4/);
  });

  it('a negative or missing thread threshold is a ValueError naming the tuning', () => {
    for (const change of [{ minMacsThreads: -1 }, { minSideThreads: Number.NaN }]) {
      const bad = { ...DEFAULT_TUNING, float64: { ...DEFAULT_TUNING.float64, ...change } };
      expect(() => createGemm(bad)).toThrow(ValueError);
      expect(() => createGemm(bad)).toThrow(/createGemm: bad float64 tuning/);
    }
  });
});
