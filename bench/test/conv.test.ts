import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { tapegradContender } from '../src/contenders/tapegrad.js';
import { selectBackend, tfjsContender } from '../src/contenders/tfjs.js';
import type { ConvProblem } from '../src/protocol.js';

// The simple convnet's step on a problem small enough to memorise: 10 images of 12×12, 3 filters.
const TINY: ConvProblem = { batch: 10, trainSize: 10, side: 12, filters: 3, kernel: 5, hidden: 8, outputs: 3, learningRate: 0.5, initStd: 0.5, seed: 4 };
const STEPS = 30;
const mean = (xs: readonly number[]): number => xs.reduce((s, x) => s + x, 0) / xs.length;
const train = (step: () => number): number[] => Array.from({ length: STEPS }, step);
function expectLearns(losses: readonly number[]): void {
  expect(losses.every(Number.isFinite)).toBe(true);
  expect(mean(losses.slice(-5))).toBeLessThan(0.75 * mean(losses.slice(0, 5)));
}

describe('(f) the simple convnet step lowers the loss on a tiny problem, the same in each contender', () => {
  const reference = train(tapegradContender('float64').convStep!(TINY));

  it('tapegrad float64 and float32', () => {
    expectLearns(reference);
    train(tapegradContender('float32').convStep!(TINY)).forEach((l, i) => expect(l).toBeCloseTo(reference[i]!, 4));
  });

  it('tfjs cpu: the same losses (same data, NHWC inside); wasm has no convnet step', async () => {
    await selectBackend('cpu');
    train(tfjsContender('cpu').convStep!(TINY)).forEach((l, i) => expect(l).toBeCloseTo(reference[i]!, 4));
    await selectBackend('wasm');
    expect(tfjsContender('wasm').convStep).toBeUndefined();
  });

  it('numpy (the course\'s im2col layout) learns too', () => {
    const script = fileURLToPath(new URL('../src/contenders/numpy_bench.py', import.meta.url));
    const code = `import json, sys; sys.path.insert(0, ${JSON.stringify(script.replace(/\/[^/]*$/, ''))}); import numpy_bench as nb; s = nb.conv_step(json.loads(sys.argv[1]), 'float64'); print(json.dumps([float(s()) for _ in range(${STEPS})]))`;
    let out: string;
    try {
      out = execFileSync(process.env.PYTHON ?? 'python3', ['-c', code, JSON.stringify(TINY)], { encoding: 'utf8' });
    } catch (e) {
      expect(String(e)).toMatch(/numpy|python3|ENOENT/); // no numpy here: the bench skips its rows too
      return;
    }
    expectLearns(JSON.parse(out) as number[]);
  });
});
