import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ArgumentError } from '@tapegrad/core';
import { main, parseRange } from '../1_3_stochastic_gradient_descent.js';
import { capture, expectAllClose, tempDir } from './helpers.js';

/*
 * The notebook's numpy code (functions.py's relu, d_relu, mean_squared_error; d_mean_squared_error of a
 * scalar d is y − d), run after np.random.seed(0):
 *   data_sets[i]['x'] = np.random.rand(2) for 100,000 i; d = 3 * x[0] + 2 * x[1]
 *   W1 = randn(2, 10); W2 = randn(10); b1 = randn(10); b2 = randn()
 *   for dataset in np.random.choice(data_sets, 1000): forward, backward, network[key] -= 0.07 * grad[key]
 *   print(np.mean(losses[:100]), np.mean(losses[-100:]), losses[-1])
 *   → 0.4185540017764027 0.0006771093588630217 6.742424115798606e-06
 * The same script with x = np.random.rand(2) * 10 - 5 gives nan from losses[18] on (step 19).
 */
/** numpy's run of the notebook exactly as shipped (d_sigmoid(z1) in backward): fixtures/make_1_3_as_shipped.py. */
const asShipped = JSON.parse(readFileSync(new URL('./fixtures/1_3_as_shipped.json', import.meta.url), 'utf8')) as {
  losses: number[]; first100Mean: number; last100Mean: number; check: number; W1: number[][]; W2: number[]; b1: number[]; b2: number;
};

describe('1_3 stochastic gradient descent', () => {
  const outDir = tempDir('1_3');

  it('online SGD with the notebook\'s settings learns f: the last 100 steps\' mean loss is below 2e-3', async () => {
    const r = await main({ seed: 0, quiet: true, print: () => {}, outDir });
    expect(r.losses).toHaveLength(1000);
    expect(r.divergedAt).toBeNull();
    // The threshold: the first 100 steps average 0.42; learnt means two orders of magnitude lower.
    expect(r.last100Mean).toBeLessThan(2e-3);
    expect(Math.abs(r.check - 2.1)).toBeLessThan(0.05);
    // …and it is numpy's run of the notebook, step for step.
    expectAllClose([r.first100Mean, r.last100Mean, r.finalLoss], [0.4185540017764027, 0.0006771093588630217, 6.742424115798606e-6], 1e-12);
  }, 30_000); // about 4 s, most of it the plot; more on a loaded machine

  it('writes the loss-per-step scatter plot as SVG with axes, title and legend', () => {
    const svg = readFileSync(join(outDir, '1_3_loss.svg'), 'utf8');
    expect(svg.startsWith('<svg')).toBe(true);
    for (const text of ['loss per step', 'step (count)', 'loss (squared error)', '>loss<']) expect(svg).toContain(text);
    expect(svg.match(/role-axis/g)!.length).toBeGreaterThanOrEqual(2);
  });

  it('--quiet prints the losses and the plot\'s path', async () => {
    const out = capture();
    await main({ seed: 0, quiet: true, print: out.print, outDir });
    expect(out.lines).toEqual([
      'mean loss of the first 100 steps: 4.186e-1, of the last 100: 6.771e-4; final step: 6.742e-6',
      `plot: ${join(outDir, '1_3_loss.svg')}`,
    ]);
  });

  it('"try this": sigmoid hidden units and minibatches also learn', async () => {
    const sigmoid = await main({ seed: 0, quiet: true, print: () => {}, plot: false, activation: 'sigmoid' });
    const minibatch = await main({ seed: 0, quiet: true, print: () => {}, plot: false, batch: 10 });
    expect(sigmoid.last100Mean).toBeLessThan(sigmoid.first100Mean / 50);
    expect(minibatch.last100Mean).toBeLessThan(1e-3);
  });

  it('"try this": inputs in [-5, 5) diverge at step 19 with lr 0.07 (as numpy), and learn with lr 0.005', async () => {
    const out = capture();
    const diverged = await main({ seed: 0, quiet: true, print: out.print, plot: false, inputs: [-5, 5] });
    expect(diverged.divergedAt).toBe(19);
    expect(diverged.losses).toHaveLength(18);
    expect(out.lines[0]).toMatch(/^発散 \(diverged\) at step 19/);
    // The summary speaks of the 18 steps made, not of "the first 100 and the last 100".
    expect(diverged.window).toBe(9);
    expect(out.lines[1]).toMatch(/^mean loss of the first 9 steps: [-+.e\d]+, of the last 9: [-+.e\d]+; final step: [-+.e\d]+ \(18 steps made before it diverged\)$/);
    const slower = await main({ seed: 0, quiet: true, print: () => {}, plot: false, inputs: [-5, 5], learningRate: 0.005 });
    expect(slower.divergedAt).toBeNull();
    expect(slower.last100Mean).toBeLessThan(slower.first100Mean / 20);
  });

  it('--as-shipped trains with the notebook\'s backward as shipped (d_sigmoid(z1)): numpy\'s run, every step, to 12 digits', async () => {
    const r = await main({ seed: 0, quiet: true, print: () => {}, plot: false, asShipped: true });
    expect(r.divergedAt).toBeNull();
    expectAllClose(r.losses, asShipped.losses, 1e-12);
    expectAllClose([r.first100Mean, r.last100Mean, r.check], [asShipped.first100Mean, asShipped.last100Mean, asShipped.check], 1e-12);
    // …which is not the tape's gradient: it learns f far worse than the default (0.024 against 6.8e-4 over the last 100 steps).
    expect(r.last100Mean).toBeGreaterThan(20 * 6.771093588630217e-4);
    await expect(main({ quiet: true, print: () => {}, plot: false, asShipped: true, batch: 10 })).rejects.toThrow(ArgumentError);
  });

  it('parses --inputs LOW..HIGH and rejects anything else', () => {
    expect(parseRange('-5..5')).toEqual([-5, 5]);
    expect(parseRange('0..1')).toEqual([0, 1]);
    expect(() => parseRange('5..-5')).toThrow(ArgumentError);
    expect(() => parseRange('-5:5')).toThrow(/--inputs must be LOW\.\.HIGH/);
  });
});
