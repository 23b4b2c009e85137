/**
 * The wasm gemm split between threads: products split by rows and by columns, into uneven parts,
 * across every block edge, give the very bits of one thread (float64: of the reference loop too);
 * the thread count's contract; and a process that used workers exits on its own.
 */
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ArgumentError, getNumThreads, setNumThreads } from '../src/index.js';
import { createGemm, DEFAULT_TUNING, type GemmConfig, type WasmGemm } from '../src/kernels/wasm/gemm.js';
import { threadsSupported } from '../src/kernels/wasm/threads.js';
import { firstDifference, operands, problem, referenceGemm, runEngine, type Precision, type Problem } from './wasm.gemm.support.js';

/** An engine that splits every product (no size threshold) between `threads` threads, its workers started. */
async function threadedEngine(threads: number, change: Partial<GemmConfig> = {}): Promise<WasmGemm> {
  const tuning = {
    float64: { ...DEFAULT_TUNING.float64, minMacs: 0, minMacsThreads: 0, minSideThreads: 0, ...change },
    float32: { ...DEFAULT_TUNING.float32, minMacs: 0, minMacsThreads: 0, minSideThreads: 0, ...change },
  };
  // Not adaptive: on a loaded machine it would run some products on one thread, and these tests count threads.
  const engine = createGemm(tuning, { threads, adaptive: false })!;
  expect(await engine.startThreads()).toBe(true);
  return engine;
}

const single = createGemm({
  float64: { ...DEFAULT_TUNING.float64, minMacs: 0 },
  float32: { ...DEFAULT_TUNING.float32, minMacs: 0 },
})!;
let three: WasmGemm; // 3 threads on this 2-core machine: uneven parts, one more than the cores
let tiny: WasmGemm; // tiny odd blocks: every part crosses k-, m- and n-block edges

beforeAll(async () => {
  expect(threadsSupported).toBe(true);
  three = await threadedEngine(3);
  tiny = await threadedEngine(2, { mr: 3, nrVectors: 1, unroll: 2, kc: 5, mc: 6, nc: 8 });
}, 30_000);

afterAll(() => {
  three.setThreads(1);
  tiny.setThreads(1);
});

const PACKAGE = fileURLToPath(new URL('..', import.meta.url));
const TRANSPOSES = [[false, false], [true, false], [false, true], [true, true]] as const;

/** Threads `engine` splits `pr` into: whole 4-row (or 4-column float64, 8-column float32) tiles of the longer side. */
function expectedParts(pr: Problem, threads: number, mr: number, nr: number): number {
  const tiles = pr.m >= pr.n ? Math.ceil(pr.m / mr) : Math.ceil(pr.n / nr);
  return Math.min(threads, tiles);
}

describe('gemm split between threads', () => {
  const shapes: [string, Problem][] = [
    ['by rows: 70×600×52 (three k-blocks; parts of 24, 24 and 22 rows)', problem(70, 600, 52)],
    ['by rows into 4 + 4 + 1: 9×5×3', problem(9, 5, 3)],
    ['by columns: 5×33×130 (n > m)', problem(5, 33, 130)],
    ['by columns, with offsets: 3×17×21', problem(3, 17, 21, { aOffset: 3, bOffset: 1, outOffset: 5 })],
    ['the MNIST backward xᵀ·δ: 784×100×40', problem(784, 100, 40)],
  ];
  for (const [name, base] of shapes) {
    it.each(TRANSPOSES)(`float64 ${name} is bit-identical to the loop (transA %s, transB %s)`, (transA, transB) => {
      const pr = { ...base, transA, transB };
      const { a, b } = operands(pr, 11, 'float64');
      const expected = referenceGemm(a, b, pr);
      expect(firstDifference(runEngine(three, a, b, pr), expected)).toBeNull();
      expect(three.lastParts).toBe(expectedParts(pr, 3, 4, 4));
      expect(firstDifference(runEngine(tiny, a, b, pr), expected)).toBeNull();
      expect(tiny.lastParts).toBe(expectedParts(pr, 2, 3, 2));
    });

    it(`float32 ${name}: the same bits as one thread`, () => {
      const pr = { ...base, transA: true };
      const { a, b } = operands(pr, 12, 'float32');
      const one = runEngine(single, a, b, pr);
      expect(single.lastParts).toBe(1);
      expect(firstDifference(runEngine(three, a, b, pr), one)).toBeNull();
      expect(three.lastParts).toBe(expectedParts(pr, 3, 4, 8));
    });
  }

  it('property: any shape, layout and offsets give the loop’s bits in float64 and one thread’s in float32', () => {
    const dim = fc.integer({ min: 1, max: 40 });
    fc.assert(
      fc.property(dim, dim, dim, fc.boolean(), fc.boolean(), fc.nat(3), fc.integer({ min: 0, max: 1000 }), (m, k, n, transA, transB, offset, seed) => {
        const pr = problem(m, k, n, { transA, transB, aOffset: offset, outOffset: 3 - offset });
        const d64 = operands(pr, seed, 'float64');
        expect(firstDifference(runEngine(three, d64.a, d64.b, pr), referenceGemm(d64.a, d64.b, pr))).toBeNull();
        expect(three.lastParts).toBe(expectedParts(pr, 3, 4, 4));
        const d32 = operands(pr, seed, 'float32');
        expect(firstDifference(runEngine(three, d32.a, d32.b, pr), runEngine(single, d32.a, d32.b, pr))).toBeNull();
      }),
      { numRuns: 150 },
    );
  });

  it('a product below the threshold, narrow, or one tile wide, runs on the calling thread alone', async () => {
    const engine = createGemm(DEFAULT_TUNING, { threads: 2, adaptive: false })!;
    expect(await engine.startThreads()).toBe(true);
    const small = problem(100, 100, 100); // 1,000,000 multiply-adds, below minMacsThreads
    const { a, b } = operands(small, 1, 'float64');
    expect(firstDifference(runEngine(engine, a, b, small), referenceGemm(a, b, small))).toBeNull();
    expect(engine.lastParts).toBe(1);
    const big = problem(160, 160, 160); // 4,096,000
    const ops = operands(big, 2, 'float64');
    expect(firstDifference(runEngine(engine, ops.a, ops.b, big), referenceGemm(ops.a, ops.b, big))).toBeNull();
    expect(engine.lastParts).toBe(2);
    const narrow = problem(100, 784, 40); // the MNIST step's x·W1: 3,136,000 multiply-adds, C only 40 wide
    const w = operands(narrow, 4, 'float64');
    expect(firstDifference(runEngine(engine, w.a, w.b, narrow), referenceGemm(w.a, w.b, narrow))).toBeNull();
    expect(engine.lastParts).toBe(1);
    const thin = problem(4, 200_000, 4); // 3,200,000 multiply-adds, but one 4×4 tile of C
    const t = operands(thin, 3, 'float64');
    expect(firstDifference(runEngine(engine, t.a, t.b, thin), referenceGemm(t.a, t.b, thin))).toBeNull();
    expect(engine.lastParts).toBe(1);
    engine.setThreads(1);
  });
});

describe('adaptive: workers found slow', () => {
  it('after a split whose workers finished > 1.5× later than the caller, 64 products run on one thread, then splitting resumes', async () => {
    const engine = createGemm(DEFAULT_TUNING, { threads: 2 })!;
    expect(await engine.startThreads()).toBe(true);
    const pr = problem(160, 160, 160);
    const { a, b } = operands(pr, 5, 'float64');
    const expected = referenceGemm(a, b, pr);
    const run = () => expect(firstDifference(runEngine(engine, a, b, pr), expected)).toBeNull();
    // The split reads the clock three times: start, own share done, workers joined. First the
    // workers are late (joined at 2 ms for a 1 ms share), then on time (1.2 ms).
    let late = true;
    let reads = 0;
    const clock = vi.spyOn(engine as unknown as { clock(): number }, 'clock').mockImplementation(() => [0, 1, late ? 2 : 1.2][reads++ % 3]!);
    run();
    expect(engine.lastParts).toBe(2);
    expect(reads).toBe(3);
    late = false;
    const parts: number[] = [];
    for (let i = 0; i < 66; i++) {
      run();
      parts.push(engine.lastParts);
    }
    clock.mockRestore();
    expect(parts.slice(0, 64).every((p) => p === 1)).toBe(true);
    expect(parts.slice(64)).toEqual([2, 2]); // on time: no new back-off
    expect(reads).toBe(9);
    engine.setThreads(1);
  });
});

describe('setNumThreads / getNumThreads', () => {
  it('defaults to the cores Node reports (at most 8), and takes any positive integer', () => {
    const before = getNumThreads();
    expect(before).toBe(Math.min(8, availableParallelism()));
    try {
      setNumThreads(1);
      expect(getNumThreads()).toBe(1);
      setNumThreads(3);
      expect(getNumThreads()).toBe(3);
    } finally {
      setNumThreads(before);
    }
  });

  it('a count that is not a whole number from 1 to 64 is an ArgumentError naming it', () => {
    for (const bad of [0, -1, 1.5, Number.NaN]) {
      expect(() => setNumThreads(bad)).toThrow(ArgumentError);
      expect(() => setNumThreads(bad)).toThrow(`setNumThreads: the count must be a whole number from 1 to 64, got ${bad}`);
    }
    expect(() => setNumThreads('2' as unknown as number)).toThrow(ArgumentError);
  });

  it('TAPEGRAD_NUM_THREADS sets the default; a program that used workers exits by itself', () => {
    const script = [
      "import { matmul, rand, manualSeed, setNumThreads } from '@tapegrad/core';",
      'manualSeed(0);',
      'const a = rand([256, 256]);',
      'const b = rand([256, 256]);',
      'const threaded = matmul(a, b).data.slice();',
      'await new Promise((r) => setTimeout(r, 200));', // the workers are up by now
      'const again = matmul(a, b).data;',
      'setNumThreads(1);',
      'const one = matmul(a, b).data;',
      'console.log(threaded.length, threaded.every((v, i) => Object.is(v, one[i]) && Object.is(v, again[i])));',
    ].join('\n');
    const started = Date.now();
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--conditions=@tapegrad/source', '--input-type=module', '-e', script], {
      cwd: PACKAGE, env: { ...process.env, TAPEGRAD_NUM_THREADS: '3' }, encoding: 'utf8', timeout: 60_000,
    });
    expect(child.stderr).toBe('');
    expect(child.status).toBe(0);
    expect(child.stdout.trim()).toBe('65536 true');
    expect(Date.now() - started).toBeLessThan(30_000);
    const env = spawnSync(process.execPath, ['--import', 'tsx', '--conditions=@tapegrad/source', '--input-type=module', '-e',
      "import { getNumThreads } from '@tapegrad/core'; console.log(getNumThreads());"], {
      cwd: PACKAGE, env: { ...process.env, TAPEGRAD_NUM_THREADS: '3' }, encoding: 'utf8', timeout: 60_000,
    });
    expect(env.stdout.trim()).toBe('3');
  }, 90_000);
});
