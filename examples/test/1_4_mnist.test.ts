import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../1_4_mnist.js';
import { capture, tempDir } from './helpers.js';
import { writeIdxSet } from './lib/idx.js';

describe('1_4 MNIST on the mnist package\'s 10,000 real digits', () => {
  const outDir = tempDir('1_4');

  // NOTE: 600 iterations instead of the notebook's 1,000 keep the test near 10 s; the threshold stays 0.90
  // (seed 0 reaches 0.9105 at 600 and 0.9170 at 1,000, which the demo checks).
  it('the course\'s network and settings reach ≥ 0.90 test accuracy (600 iterations, seed 0)', async () => {
    const out = capture();
    const r = await main({ seed: 0, quiet: true, print: out.print, outDir, iterations: 600, evalEvery: 100 });
    expect([r.trainSize, r.testSize]).toEqual([8000, 2000]);
    expect(r.testAccuracy).toBeGreaterThanOrEqual(0.9);
    expect(r.counts).toEqual([100, 200, 300, 400, 500, 600]);
    expect(r.testAccuracies[0]).toBeLessThan(r.testAccuracies.at(-1)!);
    expect(out.lines.at(-1)).toBe(`test accuracy: ${r.testAccuracy.toFixed(4)}`);
  }, 60_000);

  it('the log\'s last accuracy line is the final network\'s, the number the summary gives', async () => {
    const out = capture();
    const r = await main({ seed: 0, print: out.print, plot: false, iterations: 40, evalEvery: 20 });
    const logged = out.lines.filter((l) => l.includes('正答率(テスト)') && l.includes(' = '));
    expect(logged.at(-1)).toBe(`最終 (final, after update 40): 正答率(テスト) (test accuracy) = ${r.testAccuracy}`);
    expect(out.lines.at(-1)).toBe(`test accuracy: ${r.testAccuracy.toFixed(4)}`);
  }, 60_000);

  it('saves the accuracy plot: two lines, axes, title and legend', () => {
    const svg = readFileSync(join(outDir, '1_4_accuracy.svg'), 'utf8');
    for (const text of ['>accuracy<', '>count<', 'training set', 'test set', 'seed 0']) expect(svg).toContain(text);
    expect(svg.match(/role-axis/g)!.length).toBeGreaterThanOrEqual(2);
    expect(svg.match(/mark-line/g)!.length).toBeGreaterThanOrEqual(1);
  });
});

describe('1_4 MNIST with --data DIR', () => {
  it('trains on the IDX files of a folder', async () => {
    const dir = tempDir('idx');
    writeIdxSet(dir, { train: 60, test: 20 });
    const r = await main({ data: dir, quiet: true, print: () => {}, plot: false, iterations: 20, batchSize: 10, evalEvery: 10 });
    expect([r.trainSize, r.testSize]).toEqual([60, 20]);
    expect(r.counts).toEqual([10, 20]);
  });

  it('names the missing file', async () => {
    const dir = tempDir('idx-missing');
    await expect(main({ data: dir, quiet: true, print: () => {} })).rejects.toThrow(
      `1_4_mnist --data: missing ${join(dir, 'train-images-idx3-ubyte.gz')}`,
    );
  });
});
