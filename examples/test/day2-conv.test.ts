/**
 * The Day-2 convnets against the course's numpy code on the same digits, split and seed
 * (examples/reference/day2_reference.py; fixtures in examples/reference/fixtures): identical
 * accuracy traces of short runs on fewer digits (the course's layers, draws and loop otherwise).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { main as simple } from '../2_6_simple_convnet.js';
import { main as double } from '../2_7_double_convnet.js';
import { main as deep } from '../2_8_deep_convnet.js';
import type { ConvNetOptions } from '../lib/convnet.js';
import type { Day2Result } from '../lib/day2.js';
import { capture } from './helpers.js';

interface Reference {
  iterations: number;
  evalEvery: number;
  trainSize: number;
  testSize: number;
  runs: { counts: number[]; train: number[]; test: number[] }[];
}

async function expectSameTrace(run: (o: ConvNetOptions) => Promise<Day2Result>, name: string): Promise<void> {
  const ref = JSON.parse(readFileSync(new URL(`../reference/fixtures/${name}.json`, import.meta.url), 'utf8')) as Reference;
  const r = await run({ iterations: ref.iterations, evalEvery: ref.evalEvery, trainSize: ref.trainSize, testSize: ref.testSize, quiet: true, plot: false, print: () => {} });
  const got = r.runs[0]!;
  expect({ counts: got.counts, train: got.trainAccuracies, test: got.testAccuracies }).toEqual({ counts: ref.runs[0]!.counts, train: ref.runs[0]!.train, test: ref.runs[0]!.test });
}

describe("Day-2 convnets reproduce the course's numpy code (same digits, split and seed)", () => {
  it('2_6 simple convnet: 20 iterations on 500 / 200 digits', () => expectSameTrace(simple, '2_6_small_20'), 120_000);
  it('2_7 double convnet: 20 iterations on 500 / 200 digits', () => expectSameTrace(double, '2_7_small_20'), 120_000);
  it('2_8 deep convnet (dropout masks drawn in the course\'s order): 2 iterations on 100 / 100 digits', () => expectSameTrace(deep, '2_8_small_2'), 120_000);
});

describe('2_6 output', () => {
  it("prints the notebook's im2col demo: the 8×9 matrix of rand(2, 1, 4, 4)·100 floored", async () => {
    const out = capture();
    await simple({ iterations: 1, evalEvery: 0, trainSize: 100, testSize: 100, plot: false, print: out.print });
    const text = out.text();
    // np.random.seed(0); np.random.permutation(10000); x = np.floor(np.random.rand(2, 1, 4, 4) * 100); im2col(x, 3, 3, 1, 0)[0]
    expect(text).toContain('============= col ==============\n[[ 3.  7. 17. 36. 91. 79. 98. 66.  1.]');
  }, 120_000);
});

describe('convnet command lines', () => {
  it('read the sizes, iterations and dtype, and refuse sizes beyond the split', async () => {
    const { convOptions } = await import('../lib/convnet.js');
    const common = { seed: 3, quiet: true, outDir: '/tmp' };
    expect(convOptions('2_6_simple_convnet.ts', common, { iterations: '1000', 'train-size': '500', 'eval-every': '0', float32: true }))
      .toEqual({ ...common, iterations: 1000, trainSize: 500, evalEvery: 0, float32: true });
    expect(() => convOptions('2_6_simple_convnet.ts', common, { 'train-size': '9000' })).toThrow('2_6_simple_convnet.ts: --train-size must be at most 8000, got 9000');
    expect(() => convOptions('2_8_deep_convnet.ts', common, { iterations: '0' })).toThrow('2_8_deep_convnet.ts: --iterations must be an integer ≥ 1, got "0"');
  });
});
