/**
 * The course's batch-normalization notebook: 784-40-20-10, sigmoid, Xavier init, with the course's
 * batch normalization after each hidden affine layer (`course.BatchNormalization`: per element,
 * eps 1e-6, running statistics 0.9·old + 0.1·batch from zero), SGD lr 0.01, minibatches of 100,
 * 1,000 iterations; then the same network without it (the notebook's `use_batchnorm = False`),
 * continuing the same random stream.
 *
 *   npx tsx --conditions=@tapegrad/source examples/2_3_batch_normalization.ts [--iterations 1000] [--course-slips]
 *
 * `--course-slips`: γ and β stay at 1 and 0, as the course's loop updates only the weights and biases.
 */
import type { Generator } from '@tapegrad/core';
import { Linear, Sequential, Sigmoid, course, type Layer } from '@tapegrad/nn';
import { SGD } from '@tapegrad/optim';
import { integerFlag, runIfMain, type CliSpec } from './lib/cli.js';
import { day2Result, finishRun, heading, loadDigits, setup, trainRun, type Day2Options, type Day2Result, type Run } from './lib/day2.js';

/** MultiLayerNet(784, [40, 20], 10, 'sigmoid', 'Xavier', use_batchnorm): its layers and the tensors the course's loop updates. */
function network(g: Generator, batchNorm: boolean, slips: boolean): { net: Sequential; trained: ReturnType<Sequential['parameters']> } {
  const sizes = [784, 40, 20, 10];
  const layers: Layer[] = [];
  const trained = [];
  for (let i = 0; i < 3; i++) {
    const affine = new Linear(sizes[i]!, sizes[i + 1]!, { init: 'xavier', generator: g });
    layers.push(affine);
    trained.push(affine.weight, affine.bias!);
    if (i === 2) break;
    if (batchNorm) {
      const bn = new course.BatchNormalization(sizes[i + 1]!);
      layers.push(bn);
      if (!slips) trained.push(bn.gamma, bn.beta);
    }
    layers.push(new Sigmoid());
  }
  return { net: new Sequential(...layers), trained };
}

/**
 * Trains with and without batch normalization; returns both accuracy traces.
 * @example
 *   const { runs } = await main({ iterations: 100, quiet: true, plot: false });
 */
export async function main(options: Day2Options = {}): Promise<Day2Result> {
  const su = setup(options);
  const { p, g } = su;
  const iterations = options.iterations ?? 1000;
  const { train, test } = loadDigits(g);
  p.line(`データ読み込み完了 (data loaded): ${train.images.shape[0]} training and ${test.images.shape[0]} test digits`);
  const start = performance.now();
  const runs: Run[] = [];
  for (const [key, batchNorm] of [['batchnorm', true], ['no_batchnorm', false]] as const) {
    const title = batchNorm ? 'batch normalization' : 'without batch normalization';
    heading(p, `${title}${batchNorm && su.courseSlips ? ' (γ, β not updated, as the course)' : ''}`);
    const { net, trained } = network(g, batchNorm, su.courseSlips);
    const run = trainRun(p, g, { network: net, optimizer: new SGD(trained, { lr: 0.01 }) }, train, test,
      { iterations, evalEvery: su.evalEvery, trainAccuracyOn: 'batch' }, key, title);
    await finishRun(su, '2_3', run, `784-40-20-10 sigmoid, Xavier, ${batchNorm ? "the course's batch norm" : 'no batch norm'}, SGD lr 0.01`);
    runs.push(run);
  }
  return day2Result(runs, train, test, start);
}

const CLI: CliSpec = {
  name: '2_3_batch_normalization.ts',
  summary: "The course's batch-normalization notebook: 784-40-20-10 sigmoid with and without the course's batch norm.",
  plots: true,
  flags: {
    iterations: { type: 'string', arg: 'N', help: "iterations of each run (default 1000, the course's)" },
    'course-slips': { type: 'boolean', help: "γ and β are not updated (the course's loop updates W and b only)" },
  },
};

await runIfMain(import.meta.url, CLI, ({ common, flags }) => ({
  ...common,
  ...(flags.iterations === undefined ? {} : { iterations: integerFlag(CLI.name, 'iterations', flags.iterations, 1) }),
  courseSlips: flags['course-slips'] === true,
}), main);
