/**
 * Property tests of the WebAssembly SIMD gemm against the JavaScript reference loop, over random
 * shapes (1..70 on each side), transposes, offsets and values: float64 bit for bit, including NaN,
 * ±Inf, ±0 and subnormals; float32 within the bound stated in wasm.gemm.support.ts.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gemmWasm, DEFAULT_TUNING } from '../src/kernels/wasm/gemm.js';
import { RUNS, seedArb } from './support.js';
import {
  everySize, firstDifference, float32Violation, operands, referenceGemm, runEngine, tinyBlocks, type Problem,
} from './wasm.gemm.support.js';

const side = fc.integer({ min: 1, max: 70 });
const offset = fc.integer({ min: 0, max: 5 });
const problemArb: fc.Arbitrary<Problem> = fc.record({
  m: side, k: side, n: side, transA: fc.boolean(), transB: fc.boolean(), aOffset: offset, bOffset: offset, outOffset: offset,
});

/** Values that stress IEEE rules: 0·Inf = NaN, Inf − Inf = NaN, −0, subnormals; mostly ordinary numbers. */
const SPECIALS = [0, -0, Infinity, -Infinity, NaN, 5e-324, -1e-310, 2.5e-308];
const specialsArb = fc.array(fc.tuple(fc.nat(), fc.constantFrom(...SPECIALS)), { minLength: 1, maxLength: 12 });

function sprinkle(x: Float64Array | Float32Array, picks: [number, number][]): void {
  for (const [at, v] of picks) x[at % x.length] = v;
}

describe('gemm (wasm SIMD) = the JavaScript loop', () => {
  it('float64: bit-identical for every shape, transpose and offset (default and tiny blocks)', () => {
    fc.assert(
      fc.property(problemArb, seedArb, (pr, seed) => {
        const { a, b } = operands(pr, seed, 'float64');
        const expected = referenceGemm(a, b, pr);
        expect(firstDifference(runEngine(everySize, a, b, pr), expected)).toBeNull();
        expect(firstDifference(runEngine(tinyBlocks, a, b, pr), expected)).toBeNull();
      }),
      { numRuns: 60 },
    );
  });

  it('float64: NaN, ±Inf, ±0 and subnormals land exactly where the loop puts them', () => {
    fc.assert(
      fc.property(problemArb, seedArb, specialsArb, specialsArb, (pr, seed, inA, inB) => {
        const { a, b } = operands(pr, seed, 'float64');
        sprinkle(a, inA);
        sprinkle(b, inB);
        const expected = referenceGemm(a, b, pr);
        expect(firstDifference(runEngine(everySize, a, b, pr), expected)).toBeNull();
        expect(firstDifference(runEngine(tinyBlocks, a, b, pr), expected)).toBeNull();
      }),
      RUNS,
    );
  });

  it('float32: within (k + 1)·2⁻²⁴·Σ|A·B| of the float64 loop rounded, NaN and ±Inf in place', () => {
    fc.assert(
      fc.property(problemArb, seedArb, specialsArb, (pr, seed, inA) => {
        const { a, b } = operands(pr, seed, 'float32');
        sprinkle(a, inA.filter(([, v]) => !Number.isFinite(v)));
        expect(float32Violation(runEngine(everySize, a, b, pr), a, b, pr)).toBeNull();
        expect(float32Violation(runEngine(tinyBlocks, a, b, pr), a, b, pr)).toBeNull();
      }),
      RUNS,
    );
  });

  it('gemmWasm runs exactly the products of at least minMacs multiply-adds, and then agrees', () => {
    fc.assert(
      fc.property(problemArb, seedArb, fc.constantFrom('float64' as const, 'float32' as const), (pr, seed, dtype) => {
        const { a, b } = operands(pr, seed, dtype);
        const out = dtype === 'float64' ? new Float64Array(pr.outOffset + pr.m * pr.n) : new Float32Array(pr.outOffset + pr.m * pr.n);
        const ran = gemmWasm(a, pr.aOffset, b, pr.bOffset, out, pr.outOffset, pr.m, pr.k, pr.n, pr.transA, pr.transB);
        expect(ran).toBe(pr.m * pr.k * pr.n >= DEFAULT_TUNING[dtype].minMacs);
        if (ran) expect(firstDifference(out.subarray(pr.outOffset), runEngine(everySize, a, b, pr))).toBeNull();
      }),
      RUNS,
    );
  });
});
