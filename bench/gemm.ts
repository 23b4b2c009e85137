/**
 * Micro-benchmark of the WebAssembly SIMD matmul (packages/core/src/kernels/wasm/gemm.ts) against the plain
 * JavaScript i-k-j loop, single-threaded:
 *
 *   npx tsx --conditions=@tapegrad/source bench/gemm.ts [--rounds N] [--quick] [--tune] [--only square,mnist,small,tune,threads]
 *
 * Square n = 64…1024 in GFLOP/s, the MNIST 784-40-10 shapes (batch 100), the small sizes around the
 * point where JavaScript stops being faster, and with `--tune` the tile and block sizes tried.
 * Each dtype runs in its own child process: a JavaScript kernel that has seen both Float64Array and
 * Float32Array is polymorphic and ~35% slower, which would flatter the wasm column.
 * Times are medians over rounds (wasm and JavaScript interleaved) of `measure`'s per-round medians;
 * "best" is the fastest round, the number least disturbed by other processes on a shared machine.
 */
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createGemm, DEFAULT_TUNING, gemmModuleBytes, type GemmConfig, type WasmGemm } from '../packages/core/src/kernels/wasm/gemm.js';
import { BUDGETS, type Budget } from './src/protocol.js';
import { median } from './src/stats.js';
import { measure } from './src/timing.js';

type Precision = 'float64' | 'float32';
type FloatArray = Float64Array | Float32Array;

interface Shape {
  name: string;
  m: number;
  k: number;
  n: number;
  transA: boolean;
  transB: boolean;
}

const square = (n: number): Shape => ({ name: `${n}×${n}·${n}×${n}`, m: n, k: n, n, transA: false, transB: false });
const SQUARE = [64, 128, 256, 512, 1024].map(square);
const MNIST: Shape[] = [
  { name: 'x·W1: 100×784 · 784×40', m: 100, k: 784, n: 40, transA: false, transB: false },
  { name: 'xᵀ·δ1: (100×784)ᵀ (transA) · 100×40', m: 784, k: 100, n: 40, transA: true, transB: false },
  { name: 'z1·W2: 100×40 · 40×10', m: 100, k: 40, n: 10, transA: false, transB: false },
  { name: 'δ2·W2ᵀ: 100×10 · (40×10)ᵀ (transB)', m: 100, k: 10, n: 40, transA: false, transB: true },
];
/** Around the crossover: small cubes, and the skinny products of a batch of one. */
const SMALL: Shape[] = [
  ...[2, 3, 4, 5, 6, 7, 8, 10, 12, 16, 24, 32].map(square),
  ...[[1, 2, 10], [1, 10, 1], [1, 40, 10], [1, 784, 40], [4, 16, 4], [10, 10, 40], [16, 16, 2]].map(
    ([m, k, n]): Shape => ({ name: `${m}×${k} · ${k}×${n}`, m: m!, k: k!, n: n!, transA: false, transB: false })),
];
/** Tile and block sizes tried with --tune (each a change from DEFAULT_TUNING; mc and nc kept multiples of the tile). */
const VARIANTS: Partial<GemmConfig>[] = [
  {}, { mr: 2, nrVectors: 4 }, { mr: 3, mc: 63 }, { mr: 5, mc: 65 }, { mr: 6, mc: 66 }, { mr: 2, nrVectors: 3, nc: 516 },
  { mr: 4, nrVectors: 1 }, { mr: 4, nrVectors: 3, nc: 516 }, { mr: 8, nrVectors: 1 }, { unroll: 2 }, { unroll: 4 },
  { kc: 128 }, { kc: 512 }, { mc: 16 }, { mc: 128 }, { nc: 128 }, { nc: 1024 },
];

/** The reference: i-k-j (row i of C += A[i,p]·row p of B); with transB the i-j-p dot form, same summation order. */
function jsGemm(a: FloatArray, b: FloatArray, c: FloatArray, { m, k, n, transA, transB }: Shape): void {
  c.fill(0);
  const [aRow, aCol] = transA ? [1, m] : [k, 1];
  for (let i = 0; i < m; i++) {
    const ci = i * n;
    const ai = i * aRow;
    if (transB) {
      for (let j = 0; j < n; j++) {
        const bj = j * k;
        let s = 0;
        for (let p = 0; p < k; p++) s += a[ai + p * aCol]! * b[bj + p]!;
        c[ci + j] = s;
      }
      continue;
    }
    for (let p = 0; p < k; p++) {
      const av = a[ai + p * aCol]!;
      const bp = p * n;
      for (let j = 0; j < n; j++) c[ci + j] = c[ci + j]! + av * b[bp + j]!;
    }
  }
}

interface Timing {
  medianMs: number;
  bestMs: number;
}

interface Operands {
  a: FloatArray;
  b: FloatArray;
  c: FloatArray;
}

function operands(dtype: Precision, shape: Shape): Operands {
  const make = (length: number) => (dtype === 'float64' ? new Float64Array(length) : new Float32Array(length));
  const random = (length: number) => make(length).map(() => Math.random() - 0.5);
  return { a: random(shape.m * shape.k), b: random(shape.k * shape.n), c: make(shape.m * shape.n) };
}

function wasmCall(engine: WasmGemm, { a, b, c }: Operands, shape: Shape): () => void {
  const { m, k, n, transA, transB } = shape;
  return () => {
    if (!engine.gemm(a, 0, b, 0, c, 0, m, k, n, transA, transB)) throw new Error(`bench/gemm: wasm declined ${shape.name}`);
  };
}

/** Times the `calls` on `shape`, interleaved over rounds; one Timing per call. */
function timeRounds(calls: (() => void)[], rounds: number, budget: Budget): Timing[] {
  const ms = calls.map((): number[] => []);
  for (let r = 0; r < rounds; r++) calls.forEach((call, i) => ms[i]!.push(measure(call, budget)));
  return ms.map(summarize);
}

const summarize = (ms: number[]): Timing => ({ medianMs: median(ms), bestMs: Math.min(...ms) });
const gflops = (shape: Shape, ms: number) => (2 * shape.m * shape.k * shape.n) / ms / 1e6;
const fixed = (x: number, digits = 1) => x.toFixed(digits);

function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map((_, i) => (i === 0 ? '---' : '---:'))), ...rows.map(line)].join('\n');
}

/** Engine that never declines a size (the crossover is what we measure), on `threads` threads for every size. */
function engineFor(dtype: Precision, change: Partial<GemmConfig> = {}, threads = 1): WasmGemm {
  const config = { ...DEFAULT_TUNING[dtype], ...change, minMacs: 0, minMacsThreads: 0 };
  const engine = createGemm({ ...DEFAULT_TUNING, [dtype]: config }, { threads });
  if (engine === null) throw new Error('bench: WebAssembly SIMD is unavailable here');
  return engine;
}

function throughputSection(dtype: Precision, title: string, shapes: Shape[], rounds: number, budget: Budget): string {
  const engine = engineFor(dtype);
  const rows = shapes.map((s) => {
    const data = operands(dtype, s);
    const [wasm, js] = timeRounds([wasmCall(engine, data, s), () => jsGemm(data.a, data.b, data.c, s)], rounds, budget) as [Timing, Timing];
    return [
      s.name, fixed(gflops(s, wasm.medianMs)), fixed(gflops(s, wasm.bestMs)), fixed(gflops(s, js.medianMs), 2),
      fixed(wasm.medianMs * 1000), fixed(js.medianMs * 1000), `${fixed(js.medianMs / wasm.medianMs, 2)}×`,
    ];
  });
  return `### ${title}, ${dtype}\n\n${table(
    ['shape', 'wasm GFLOP/s', 'wasm best', 'JS GFLOP/s', 'wasm µs', 'JS µs', 'wasm speed-up'], rows)}`;
}

/** GFLOP/s (median, best) of each tile/block variant, all variants interleaved per shape. */
function tuneSection(dtype: Precision, rounds: number, budget: Budget): string {
  const shapes = [square(64), square(128), square(512)];
  const engines = VARIANTS.map((change) => engineFor(dtype, change));
  const perShape = shapes.map((s) => {
    const data = operands(dtype, s);
    return timeRounds(engines.map((e) => wasmCall(e, data, s)), rounds, budget);
  });
  const rows = VARIANTS.map((change, v) => [
    JSON.stringify(change).replace(/"/g, '').replace(/^\{\}$/, 'default'),
    ...perShape.map((timings, i) => {
      const { medianMs, bestMs } = timings[v]!;
      return `${fixed(gflops(shapes[i]!, medianMs))} (${fixed(gflops(shapes[i]!, bestMs))})`;
    }),
  ]);
  const d = DEFAULT_TUNING[dtype];
  return `### Tile and block sizes tried, ${dtype} (GFLOP/s median (best); default mr ${d.mr}, nrVectors ${d.nrVectors}, unroll ${d.unroll}, kc ${d.kc}, mc ${d.mc}, nc ${d.nc})\n\n${table(
    ['change from default', ...shapes.map((s) => s.name)], rows)}`;
}

/** Sizes around where two threads start to pay: square, and the MNIST shapes. */
const THREADED: Shape[] = [...[32, 48, 64, 80, 96, 112, 128, 192, 256, 512, 1024].map(square), ...MNIST.slice(0, 2)];

/** One thread against two (both splitting every size), interleaved: the threshold minMacsThreads comes from here. */
async function threadsSection(dtype: Precision, rounds: number, budget: Budget): Promise<string> {
  const one = engineFor(dtype);
  const two = engineFor(dtype, {}, 2);
  if (!(await two.startThreads())) throw new Error('bench/gemm: worker threads did not start');
  const rows = THREADED.map((s) => {
    const data = operands(dtype, s);
    const [t1, t2] = timeRounds([wasmCall(one, data, s), wasmCall(two, data, s)], rounds, budget) as [Timing, Timing];
    return [
      s.name, String(s.m * s.k * s.n), fixed(gflops(s, t1.medianMs)), fixed(gflops(s, t2.medianMs)),
      fixed(gflops(s, t1.bestMs)), fixed(gflops(s, t2.bestMs)), `${fixed(t1.medianMs / t2.medianMs, 2)}×`,
    ];
  });
  two.setThreads(1);
  return `### One thread vs two, ${dtype} (GFLOP/s; current threshold ${DEFAULT_TUNING[dtype].minMacsThreads} multiply-adds)\n\n${table(
    ['shape', 'multiply-adds', '1 thread', '2 threads', '1 best', '2 best', 'speed-up (median)'], rows)}`;
}

const SECTIONS = {
  square: (d: Precision, r: number, b: Budget) => throughputSection(d, 'Square matmul', SQUARE, r, b),
  mnist: (d: Precision, r: number, b: Budget) => throughputSection(d, 'MNIST 784-40-10 shapes (batch 100)', MNIST, r, b),
  small: (d: Precision, r: number, b: Budget) => throughputSection(d, 'Small sizes (where JavaScript stops being faster)', SMALL, r, b),
  tune: tuneSection,
  threads: threadsSection,
};
type Section = keyof typeof SECTIONS;

/** The 1-minute load average: other processes on a 2-core machine halve what one thread gets. */
const load = () => loadavg()[0]!.toFixed(1);

async function child(dtype: Precision, rounds: number, budget: Budget, sections: Section[]): Promise<void> {
  for (const name of sections) {
    const before = load();
    const text = await SECTIONS[name](dtype, rounds, budget);
    console.log(`${text}\n\nLoad average ${before} before, ${load()} after.\n`);
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      rounds: { type: 'string', default: '5' },
      quick: { type: 'boolean', default: false },
      tune: { type: 'boolean', default: false },
      only: { type: 'string' },
      dtype: { type: 'string' },
    },
  });
  const rounds = Number(values.rounds);
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`bench/gemm: --rounds must be a positive integer, got ${values.rounds}`);
  const budget = values.quick ? BUDGETS.quick : BUDGETS.full;
  const sections = (values.only?.split(',') ?? ['square', 'mnist', 'small', 'threads', ...(values.tune ? ['tune'] : [])]) as Section[];
  const unknown = sections.filter((name) => !(name in SECTIONS));
  if (unknown.length > 0) throw new Error(`bench/gemm: unknown section ${unknown.join(', ')} (sections: ${Object.keys(SECTIONS).join(', ')})`);
  if (values.dtype === 'float64' || values.dtype === 'float32') {
    await child(values.dtype, rounds, budget, sections);
    return;
  }
  console.log(`## WebAssembly SIMD gemm vs JavaScript, ${new Date().toISOString().slice(0, 10)}\n`);
  console.log(`Module: ${gemmModuleBytes().length} bytes (float64 and float32 kernels). Node ${process.version}.\n`);
  const script = fileURLToPath(import.meta.url);
  for (const dtype of ['float64', 'float32'] as const) {
    const args = [...process.execArgv, script, '--dtype', dtype, '--rounds', String(rounds), '--only', sections.join(',')];
    if (values.quick) args.push('--quick');
    const run = spawnSync(process.execPath, args, { stdio: 'inherit' });
    if (run.status !== 0) process.exit(run.status ?? 1);
  }
}

await main();
