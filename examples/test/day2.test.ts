/**
 * The Day-2 dense examples against the course's numpy code run on the same digits, split and seed
 * (examples/reference/day2_reference.py; fixtures in examples/reference/fixtures): the accuracy
 * traces of a shortened run must be identical, number for number.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { main as vanishing } from '../2_2_vanishing_gradient.js';
import { main as batchNorm } from '../2_3_batch_normalization.js';
import { main as optimizers } from '../2_4_optimizer.js';
import { main as overfitting } from '../2_5_overfitting.js';
import type { Day2Options, Day2Result } from '../lib/day2.js';
import { capture, tempDir } from './helpers.js';

interface Reference {
  iterations: number;
  trainSize: number;
  testSize: number;
  runs: { key: string; counts: number[]; train: number[]; test: number[] }[];
}

function fixture(name: string): Reference {
  return JSON.parse(readFileSync(new URL(`../reference/fixtures/${name}.json`, import.meta.url), 'utf8')) as Reference;
}

async function expectSameTraces(run: (o: Day2Options) => Promise<Day2Result>, name: string, courseSlips = false): Promise<Day2Result> {
  const ref = fixture(name);
  const r = await run({ iterations: ref.iterations, courseSlips, quiet: true, plot: false, print: () => {} });
  expect([r.trainSize, r.testSize]).toEqual([ref.trainSize, ref.testSize]);
  expect(r.runs.map((x) => ({ key: x.key, counts: x.counts, train: x.trainAccuracies, test: x.testAccuracies })))
    .toEqual(ref.runs.map((x) => ({ key: x.key, counts: x.counts, train: x.train, test: x.test })));
  return r;
}

describe("Day-2 examples reproduce the course's numpy code (same digits, split and seed)", () => {
  it('2_2 vanishing gradient: four runs of 30 iterations', () => expectSameTraces(vanishing, '2_2_30'), 30_000);
  it("2_2 with --course-slips: 2_2_1's derivative at the output, accuracies before the update", () =>
    expectSameTraces(vanishing, '2_2_slips_30', true), 30_000);
  it('2_3 batch normalization on and off (γ, β trained)', () => expectSameTraces(batchNorm, '2_3_30'), 30_000);
  it('2_3 with --course-slips (γ, β frozen)', () => expectSameTraces(batchNorm, '2_3_slips_30', true), 30_000);
  it('2_4 optimizers: SGD, Momentum, AdaGrad, RMSprop, Adam', () => expectSameTraces(optimizers, '2_4_30'), 30_000);
  it('2_5 overfitting: 300 digits, L2, L1, dropout, dropout + L1', () => expectSameTraces(overfitting, '2_5_20'), 60_000);
  it('2_5 with --course-slips (output layer frozen; leftover L2 in the dropout run)', () =>
    expectSameTraces(overfitting, '2_5_slips_20', true), 60_000);
});

describe('Day-2 example output', () => {
  it("prints the course's progress lines with the English gloss, and one plot per run", async () => {
    const out = capture();
    const outDir = tempDir('2_3');
    const r = await batchNorm({ iterations: 10, outDir, print: out.print });
    expect(out.lines).toContain('Generation: 10. 正答率(トレーニング) (training accuracy) = 0.11');
    expect(out.lines).toContain('                : 10. 正答率(テスト) (test accuracy) = 0.105');
    const svg = readFileSync(r.runs[0]!.plotFile!, 'utf8');
    for (const text of ['>accuracy<', '>count<', 'training set', 'test set', 'seed 0']) expect(svg).toContain(text);
    expect(out.lines.at(-1)).toMatch(/^without batch normalization: training [\d.]+, test [\d.]+ after 10 iterations/);
  }, 30_000);

  it('--quiet prints only the summary line of each run', async () => {
    const out = capture();
    await batchNorm({ iterations: 10, quiet: true, plot: false, print: out.print });
    expect(out.lines).toHaveLength(2);
  }, 30_000);
});
