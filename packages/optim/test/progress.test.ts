import { describe, expect, it, vi } from 'vitest';
import { tensor, type Tensor } from '@tapegrad/core';
import { SGD, fit, type FitOptions } from '../src/index.js';
import { defaultOutput, Progress } from '../src/progress.js';

/** A stream that records what is written. */
function sink(isTTY: boolean) {
  const chunks: string[] = [];
  return { out: { isTTY, write: (s: string) => chunks.push(s) }, text: () => chunks.join(''), chunks };
}

function run(extra: Partial<FitOptions>): void {
  const w = tensor([[0]], { requiresGrad: true });
  fit({
    model: (x: Tensor) => x.matmul(w), loss: (y, d) => d.sub(y).square().mean(), optimizer: new SGD([w], { lr: 0.01 }),
    x: tensor([[1], [2], [3], [4]]), d: tensor([[2], [4], [6], [8]]), batchSize: 1, epochs: 5, sampling: 'sequential', ...extra,
  });
}

describe('fit progress display', () => {
  it('off a terminal: a plain line every logEvery steps and one per evaluation', () => {
    const s = sink(false);
    run({ output: s.out, logEvery: 10, evalEvery: 20 });
    const lines = s.text().trimEnd().split('\n');
    // losses x²(2 − w)² of the online run; python:
    //   w = 0; L = []
    //   for e in range(5):
    //       for x in [1, 2, 3, 4]: L.append(x*x*(2-w)**2); w += 0.01*2*x*x*(2-w)
    //   np.mean(L) -> 5.588762…; step 10 is the 2nd of epoch 3, step 20 the last of epoch 5:
    //   L[9], np.mean(L[8:10]), L[19], np.mean(L[16:20]) -> 0.981564…, 0.618536…, 0.142734…, 0.085290…
    expect(lines.map((l) => l.replace(/\d+ it\/s/, 'N it/s'))).toEqual([
      'step 10/20  loss 0.98156 (epoch 3 mean 0.61854)  N it/s',
      'step 20/20  loss 0.14273 (epoch 5 mean 0.08529)  N it/s',
      'epoch 5 step 20/20  train loss 5.5888',
    ]);
    expect(s.text()).not.toContain('\r');
  });

  it('on a terminal: a bar redrawn in place with loss, speed and time left, ended by a newline', () => {
    const s = sink(true);
    run({ output: s.out, epochs: 1 });
    const text = s.text();
    expect(text.startsWith('\r')).toBe(true);
    expect(text).toMatch(/\r100% █{24} 4\/4 {2}loss [\d.]+ \(epoch 1 mean [\d.]+\) {2}\d+ it\/s {2}eta 0\.0s\x1b\[K/);
    expect(text).toContain('\r\x1b[Kepoch 1 step 4/4  train loss');
    expect(text.endsWith('\n')).toBe(true);
  });

  it('the bar shows the latest loss and the epoch mean, never a stale average from its last redraw', () => {
    // A fast run draws the bar once at step 1, then only under each epoch's evaluation line: what it shows
    // there must be the latest step's loss and that epoch's mean (the numbers of the test above).
    const s = sink(true);
    run({ output: s.out });
    const bars = s.text().split('\n').filter((l) => l.includes('█') || l.includes('░'));
    expect(bars.at(-1)).toContain('20/20  loss 0.14273 (epoch 5 mean 0.08529)');
  });

  it("'auto' chooses by isTTY; 'none' writes nothing", () => {
    expect(Progress.mode('auto', { write: () => 0, isTTY: true })).toBe('bar');
    expect(Progress.mode('auto', { write: () => 0 })).toBe('lines');
    const s = sink(true);
    run({ output: s.out, progress: 'none' });
    expect(s.chunks).toEqual([]);
  });

  it('Progress redraws the bar at most every 100 ms, and shows small losses in exponent form', () => {
    const s = sink(true);
    const p = new Progress('bar', s.out, 10, 1);
    for (let step = 1; step <= 5; step++) p.update(step, 1e-6, 1, 2e-6);
    expect(s.chunks.length).toBe(1);
    expect(s.chunks[0]).toMatch(/^\r 10% ██░{22} 1\/10 {2}loss 1\.000e-6 \(epoch 1 mean 2\.000e-6\) {2}\d+ it\/s {2}eta /);
  });

  it('without process (a browser) writes lines through console.log', () => {
    const logs: unknown[] = [];
    const spy = vi.spyOn(console, 'log').mockImplementation((line) => void logs.push(line));
    vi.stubGlobal('process', undefined);
    let out;
    try {
      out = defaultOutput();
    } finally {
      vi.unstubAllGlobals();
    }
    out.write('step 1/2  loss 0.5\n');
    spy.mockRestore();
    expect([out.isTTY, logs]).toEqual([false, ['step 1/2  loss 0.5']]);
  });
});
