/**
 * The course's overfitting notebook: a 784-100×6-10 ReLU network (He init) trained on the first
 * 300 training digits only, minibatches of 100, 1,000 iterations, five times in one seeded stream:
 * plain SGD lr 0.01; L2 weight decay λ 0.1 (lr 0.01); L1 λ 0.005 (lr 0.1); the course's dropout
 * ratio 0.15 after every hidden ReLU (SGD lr 0.01); dropout 0.08 with L1 λ 0.004 (lr 0.01).
 * Training accuracy is measured on all 300, test accuracy on the 2,000 test digits.
 *
 *   npx tsx --conditions=@tapegrad/source examples/2_5_overfitting.ts [--iterations 1000] [--course-slips]
 *
 * `--course-slips`: as the course's cells — the L2, L1 and dropout+L1 loops leave the output layer
 * as drawn (they update hidden layers 1–6 only), and the dropout run also carries λ 0.005 of L2
 * decay on all seven layers (left over from the L1 cell).
 */
import type { Generator, Tensor } from '@tapegrad/core';
import { Linear, ReLU, Sequential, course, type Layer } from '@tapegrad/nn';
import { SGD } from '@tapegrad/optim';
import { integerFlag, runIfMain, type CliSpec } from './lib/cli.js';
import { day2Result, finishRun, heading, loadDigits, setup, trainRun, type Day2Options, type Day2Result, type Run } from './lib/day2.js';

interface Section {
  key: string;
  title: string;
  lr: number;
  penalty?: 'l1' | 'l2';
  lambda?: number;
  dropout?: number;
}

export const SECTIONS: readonly Section[] = [
  { key: 'overfitting', title: 'overfitting', lr: 0.01 },
  { key: 'l2', title: 'L2 weight decay λ 0.1', lr: 0.01, penalty: 'l2', lambda: 0.1 },
  { key: 'l1', title: 'L1 weight decay λ 0.005', lr: 0.1, penalty: 'l1', lambda: 0.005 },
  { key: 'dropout', title: 'dropout 0.15', lr: 0.01, dropout: 0.15 },
  { key: 'dropout_l1', title: 'dropout 0.08 + L1 λ 0.004', lr: 0.01, penalty: 'l1', lambda: 0.004, dropout: 0.08 },
];

/** MultiLayerNet(784, [100]*6, 10): ReLU, He init, the course's dropout after each hidden ReLU. */
function network(g: Generator, dropout: number | undefined): { net: Sequential; affines: Linear[] } {
  const sizes = [784, 100, 100, 100, 100, 100, 100, 10];
  const affines = sizes.slice(1).map((o, i) => new Linear(sizes[i]!, o, { init: 'he', generator: g }));
  const layers: Layer[] = [];
  affines.forEach((a, i) => {
    layers.push(a);
    if (i === affines.length - 1) return;
    layers.push(new ReLU());
    if (dropout !== undefined) layers.push(new course.Dropout(dropout, { generator: g }));
  });
  return { net: new Sequential(...layers), affines };
}

/**
 * The five runs; returns each run's accuracy trace.
 * @example
 *   const { runs } = await main({ iterations: 100, quiet: true, plot: false });
 */
export async function main(options: Day2Options = {}): Promise<Day2Result> {
  const su = setup(options);
  const { p, g } = su;
  const iterations = options.iterations ?? 1000;
  const { train, test } = loadDigits(g, { trainSize: 300 });
  p.line(`データ読み込み完了 (data loaded): the first ${train.images.shape[0]} training digits, ${test.images.shape[0]} test digits`);
  const start = performance.now();
  const runs: Run[] = [];
  for (const s of SECTIONS) {
    const { net, affines } = network(g, s.dropout);
    // The course's cells with a penalty update hidden layers 1-6 only; correct: all seven.
    const frozenOutput = su.courseSlips && s.penalty !== undefined;
    const updated = frozenOutput ? affines.slice(0, -1) : affines;
    const weights = updated.map((a) => a.weight as Tensor);
    const leftover = su.courseSlips && s.key === 'dropout' ? 0.005 : 0;
    const penalty = s.penalty === 'l2' ? () => course.l2Penalty(weights, s.lambda!)
      : s.penalty === 'l1' ? () => course.l1Penalty(weights, s.lambda!)
      : leftover > 0 ? () => course.l2Penalty(affines.map((a) => a.weight), leftover) : undefined;
    const optimizer = new SGD(updated.flatMap((a) => [a.weight, a.bias!]), { lr: s.lr });
    const note = frozenOutput ? ' (output layer not updated, as the course)' : leftover > 0 ? ' (with λ 0.005 of L2 left over, as the course)' : '';
    heading(p, `${s.title}${note}`);
    const run = trainRun(p, g, { network: net, optimizer, ...(penalty === undefined ? {} : { penalty }) }, train, test,
      { iterations, evalEvery: su.evalEvery, trainAccuracyOn: 'all' }, s.key, s.title);
    await finishRun(su, '2_5', run, `300 digits, 784-100×6-10 ReLU, He, ${s.title}, SGD lr ${s.lr}`);
    runs.push(run);
  }
  return day2Result(runs, train, test, start);
}

const CLI: CliSpec = {
  name: '2_5_overfitting.ts',
  summary: "The course's overfitting notebook: 300 training digits, 784-100×6-10; L2, L1, dropout, dropout + L1.",
  plots: true,
  flags: {
    iterations: { type: 'string', arg: 'N', help: "iterations of each run (default 1000, the course's)" },
    'course-slips': { type: 'boolean', help: "the course's cells: output layer not updated with L1/L2; leftover L2 λ 0.005 in the dropout run" },
  },
};

await runIfMain(import.meta.url, CLI, ({ common, flags }) => ({
  ...common,
  ...(flags.iterations === undefined ? {} : { iterations: integerFlag(CLI.name, 'iterations', flags.iterations, 1) }),
  courseSlips: flags['course-slips'] === true,
}), main);
