/**
 * Experiment (not part of any package): the native AVX-512 product (gemm.c, built by build.sh) against
 * tapegrad's wasm kernel — the same bits on random shapes and transposes, then the time of each of the
 * MNIST step's two large products, interleaved in one process.
 *
 *   bash bench/experiments/native-gemm/build.sh && npx tsx bench/experiments/native-gemm/check.ts
 */
import { createRequire } from 'node:module';
import { createGemm, DEFAULT_TUNING } from '../../../packages/core/src/kernels/wasm/gemm.js';

type FloatArray = Float64Array | Float32Array;
type Gemm = (a: FloatArray, ao: number, b: FloatArray, bo: number, c: FloatArray, co: number, m: number, k: number, n: number, ta: boolean, tb: boolean) => boolean;

const native = createRequire(import.meta.url)('./gemm.node') as { gemm: Gemm };
// minMacs 0: the wasm kernel takes every size (it declines the smallest in the library).
const wasm = createGemm({ float64: { ...DEFAULT_TUNING.float64, minMacs: 0 }, float32: { ...DEFAULT_TUNING.float32, minMacs: 0 } })!;

let seed = 1;
const draw = (): number => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648) * 2 - 1;
const size = (max: number): number => 1 + Math.floor(Math.abs(draw()) * max);

function p10AndMedian(f: () => void): { p10: number; median: number } {
  for (let i = 0; i < 300; i++) f();
  const times: number[] = [];
  for (let i = 0; i < 3000; i++) {
    const t0 = performance.now();
    f();
    times.push(performance.now() - t0);
  }
  times.sort((x, y) => x - y);
  return { p10: times[300]! * 1000, median: times[1500]! * 1000 };
}

for (const make of [(n: number): FloatArray => new Float64Array(n), (n: number): FloatArray => new Float32Array(n)]) {
  const filled = (n: number): FloatArray => make(n).map(draw);
  const name = make(0).constructor.name;
  let same = 0;
  const cases = 300;
  for (let t = 0; t < cases; t++) {
    const m = size(70), k = size(300), n = size(90);
    const ta = draw() > 0, tb = draw() > 0;
    const a = filled(m * k), b = filled(k * n), c1 = make(m * n), c2 = make(m * n);
    native.gemm(a, 0, b, 0, c1, 0, m, k, n, ta, tb);
    wasm.gemm(a, 0, b, 0, c2, 0, m, k, n, ta, tb);
    if (c1.every((v, i) => Object.is(v, c2[i]))) same++;
  }
  console.log(`${name}: ${same} of ${cases} random products bit-identical to the wasm kernel`);
  const shapes = [
    { label: 'x·W1 100×784·784×40', m: 100, k: 784, n: 40, ta: false },
    { label: 'xᵀ·δ1 (100×784)ᵀ·100×40', m: 784, k: 100, n: 40, ta: true },
  ];
  for (const { label, m, k, n, ta } of shapes) {
    const a = filled(m * k), b = filled(k * n), c = make(m * n);
    const w = p10AndMedian(() => wasm.gemm(a, 0, b, 0, c, 0, m, k, n, ta, false));
    const x = p10AndMedian(() => native.gemm(a, 0, b, 0, c, 0, m, k, n, ta, false));
    const gflops = (us: number): string => ((2 * m * k * n) / us / 1e3).toFixed(1);
    console.log(`${name} ${label}: wasm p10 ${w.p10.toFixed(1)} µs (${gflops(w.p10)} GFLOP/s), native p10 ${x.p10.toFixed(1)} µs (${gflops(x.p10)} GFLOP/s); medians ${w.median.toFixed(1)} / ${x.median.toFixed(1)} µs`);
  }
}
