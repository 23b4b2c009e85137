import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { main } from '../1_2_back_propagation.js';
import { capture, expectAllClose } from './helpers.js';

/*
 * The analytic values: the course's own forward and hand-written backward in numpy.
 *   W1 = np.array([[0.1, 0.3, 0.5], [0.2, 0.4, 0.6]]); W2 = np.array([[0.1, 0.4], [0.2, 0.5], [0.3, 0.6]])
 *   b1 = np.array([0.1, 0.2, 0.3]); b2 = np.array([0.1, 0.2]); x = np.array([[1.0, 5.0]]); d = np.array([[0, 1]])
 *   u1 = np.dot(x, W1) + b1; z1 = relu(u1); u2 = np.dot(z1, W2) + b2; y = softmax(u2)
 *   delta2 = y - d                                         # functions.d_sigmoid_with_loss(d, y)
 *   grad_b2 = np.sum(delta2, axis=0); grad_W2 = np.dot(z1.T, delta2)
 *   delta1 = np.dot(delta2, W2.T) * d_relu(z1)
 *   grad_b1 = np.sum(delta1, axis=0); grad_W1 = np.dot(x.T, delta1)
 *   for key: network[key] -= 0.01 * grad[key]
 *   print(v.ravel().tolist())
 */
const NUMPY = {
  y: [0.08706577244027125, 0.9129342275597286],
  u2: [0.08706577244027125, -0.08706577244027136],
  u1: [-0.026119731732081423, -0.02611973173208143, -0.026119731732081437],
  W1: [
    -0.026119731732081423, -0.02611973173208143, -0.026119731732081437,
    -0.13059865866040712, -0.13059865866040715, -0.13059865866040718,
  ],
  b1: [-0.026119731732081423, -0.02611973173208143, -0.026119731732081437],
  W2: [
    0.10447892692832551, -0.10447892692832565, 0.21766443110067812,
    -0.2176644311006784, 0.33084993527303075, -0.33084993527303114,
  ],
  b2: [0.08706577244027125, -0.08706577244027136],
};
const NUMPY_UPDATED = {
  W1: [0.10026119731732082, 0.3002611973173208, 0.5002611973173208, 0.2013059865866041, 0.4013059865866041, 0.6013059865866041],
  b1: [0.10026119731732082, 0.20026119731732084, 0.3002611973173208],
  W2: [0.09895521073071675, 0.4010447892692833, 0.19782335568899323, 0.5021766443110068, 0.2966915006472697, 0.6033084993527303],
  b2: [0.09912934227559729, 0.2008706577244027],
};

describe('1_2 back propagation', () => {
  const r = main({ quiet: true, print: () => {} });
  const keys = ['u2', 'u1', 'W1', 'b1', 'W2', 'b2'] as const;

  it('forward: u1 = [1.2, 2.5, 3.8], softmax output y as numpy', () => {
    expectAllClose(r.forward.u1, [1.2, 2.5, 3.8], 4e-16);
    expectAllClose(r.forward.y, NUMPY.y, 1e-15);
    expect(r.loss).toBeCloseTo(-Math.log(NUMPY.y[1]!), 15);
    expect(r.courseLoss).toBeCloseTo(-Math.log(NUMPY.y[1]! + 1e-7), 15);
  });

  it.each(keys)('autograd\'s dE/d%s equals the analytic value within 1e-12', (key) => {
    expectAllClose(r.gradients[key].autograd, NUMPY[key], 1e-12);
  });

  it.each(keys)('the course\'s hand-derived dE/d%s, computed here, agrees with autograd within 1e-12', (key) => {
    expectAllClose(r.gradients[key].byHand, NUMPY[key], 1e-12);
    expect(r.gradients[key].largestDifference).toBeLessThanOrEqual(1e-12);
  });

  it('gradcheck passes for W1, b1, W2, b2', () => {
    expect(r.gradcheck.passed).toBe(true);
    expect(r.gradcheck.maxAbsError).toBeLessThan(1e-8);
  });

  it('one SGD update with lr 0.01 gives numpy\'s parameters', () => {
    for (const key of ['W1', 'b1', 'W2', 'b2'] as const) expectAllClose(r.updated[key], NUMPY_UPDATED[key], 1e-15);
  });

  it('--quiet prints the largest difference and the gradcheck report', () => {
    const out = capture();
    main({ quiet: true, print: out.print });
    expect(out.lines).toHaveLength(2);
    expect(out.lines[0]).toMatch(/^largest difference between autograd and the course's deltas: /);
    expect(out.lines[1]).toMatch(/^gradcheck passed: max abs error /);
  });
});

/** The ```text block after `<!-- 1_2 output -->`, split into the runs between `…` lines. */
function readmeExcerpt(markdown: string): string[][] {
  const lines = markdown.split('\n');
  const start = lines.indexOf('<!-- 1_2 output -->');
  expect(start, 'the README marks the 1_2 output with <!-- 1_2 output -->').toBeGreaterThanOrEqual(0);
  expect(lines[start + 1]).toBe('```text');
  const end = lines.indexOf('```', start + 2);
  const runs: string[][] = [[]];
  for (const line of lines.slice(start + 2, end)) {
    if (line === '…') runs.push([]);
    else runs.at(-1)!.push(line);
  }
  return runs;
}

describe('1_2 back propagation: the README', () => {
  it('shows the first lines of the real output, then excerpts of it in order', () => {
    const out = capture();
    main({ print: out.print });
    const printed = out.text().split('\n');
    const runs = readmeExcerpt(readFileSync(new URL('../README.md', import.meta.url), 'utf8'));
    expect(printed.slice(0, runs[0]!.length)).toEqual(runs[0]);
    let from = runs[0]!.length;
    for (const run of runs.slice(1)) {
      const at = printed.findIndex((_, i) => i >= from && run.every((l, j) => printed[i + j] === l));
      expect(at, `README excerpt not found in order:\n${run.join('\n')}`).toBeGreaterThanOrEqual(from);
      from = at + run.length;
    }
  });
});
