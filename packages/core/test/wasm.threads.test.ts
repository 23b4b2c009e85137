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
import { Team, threadsSupported } from '../src/kernels/wasm/threads.js';
import { firstDifference, float32Violation, operands, problem, referenceGemm, runEngine, type Precision, type Problem } from './wasm.gemm.support.js';

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
    const narrow = problem(200, 784, 20); // 3,136,000 multiply-adds, C only 20 wide
    const w = operands(narrow, 4, 'float64');
    expect(firstDifference(runEngine(engine, w.a, w.b, narrow), referenceGemm(w.a, w.b, narrow))).toBeNull();
    expect(engine.lastParts).toBe(1);
    // The MNIST step's x·W1 (C 40 wide) is split in float64 and not in float32 (bench/results/split-2026-12-05.md).
    const mnist = problem(100, 784, 40);
    const m64 = operands(mnist, 5, 'float64');
    expect(firstDifference(runEngine(engine, m64.a, m64.b, mnist), referenceGemm(m64.a, m64.b, mnist))).toBeNull();
    expect(engine.lastParts).toBe(2);
    const m32 = operands(mnist, 6, 'float32');
    expect(float32Violation(runEngine(engine, m32.a, m32.b, mnist), m32.a, m32.b, mnist)).toBeNull();
    expect(engine.lastParts).toBe(1);
    const thin = problem(4, 200_000, 4); // 3,200,000 multiply-adds, but one 4×4 tile of C
    const t = operands(thin, 3, 'float64');
    expect(firstDifference(runEngine(engine, t.a, t.b, thin), referenceGemm(t.a, t.b, thin))).toBeNull();
    expect(engine.lastParts).toBe(1);
    engine.setThreads(1);
  });
});

describe('adaptive: workers found slow', () => {
  /**
   * An adaptive engine whose clock is scripted: the split reads it three times (start, own share
   * done, workers joined); a late split's workers join at 2 ms for a 1 ms share, an on-time one at
   * 1.2 ms. `woken` says whether posting the call had to wake a sleeping worker.
   */
  async function scripted() {
    const engine = createGemm(DEFAULT_TUNING, { threads: 2 })!;
    expect(await engine.startThreads()).toBe(true);
    const pr = problem(160, 160, 160);
    const { a, b } = operands(pr, 5, 'float64');
    const expected = referenceGemm(a, b, pr);
    const state = { late: true, woken: false, reads: 0 };
    const clock = vi.spyOn(engine as unknown as { clock(): number }, 'clock').mockImplementation(() => [0, 1, state.late ? 2 : 1.2][state.reads++ % 3]!);
    const post = Team.prototype.post;
    const woken = vi.spyOn(Team.prototype, 'post').mockImplementation(function (this: Team, ...args) {
      post.apply(this, args);
      return state.woken;
    });
    /** Runs `count` products, checking each one's bits; the threads each ran on. */
    const run = (count: number): number[] =>
      Array.from({ length: count }, () => {
        expect(firstDifference(runEngine(engine, a, b, pr), expected)).toBeNull();
        return engine.lastParts;
      });
    const done = () => {
      clock.mockRestore();
      woken.mockRestore();
      engine.setThreads(1);
    };
    return { state, run, done };
  }

  it('after 7 late splits in a row, 64 products run on one thread, then splitting resumes; one late split is not enough', async () => {
    const { state, run, done } = await scripted();
    try {
      // The running share of late splits passes one half at the 7th (1 − 0.9⁷ ≈ 0.52).
      expect(run(7)).toEqual([2, 2, 2, 2, 2, 2, 2]);
      expect(state.reads).toBe(21);
      state.late = false;
      const parts = run(66);
      expect(parts.slice(0, 64).every((p) => p === 1)).toBe(true);
      expect(parts.slice(64)).toEqual([2, 2]); // on time: the share falls below one half, no new back-off
      // A single late split among on-time ones does not back off.
      expect(run(1)).toEqual([2]);
      state.late = true;
      expect(run(1)).toEqual([2]);
      state.late = false;
      expect(run(3)).toEqual([2, 2, 2]);
    } finally {
      done();
    }
  });

  it('a split that had to wake a sleeping worker is not judged late', async () => {
    const { state, run, done } = await scripted();
    try {
      state.woken = true;
      expect(run(20).every((p) => p === 2)).toBe(true); // all late by the clock, none judged
      state.woken = false;
      expect(run(7)).toEqual([2, 2, 2, 2, 2, 2, 2]);
      expect(run(1)).toEqual([1]); // the 7 judged late splits back off
    } finally {
      done();
    }
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
