/**
 * The course's vanishing-gradient notebooks (2_2_1 and its layer-based rewrite 2_2_2): a
 * 784-40-20-10 network trained four times — sigmoid and ReLU with the 0.01·randn init, then
 * sigmoid with Xavier (randn/√fan_in) and ReLU with He (randn·√(2/fan_in)) — SGD lr 0.1,
 * minibatches of 100, 2,000 iterations each, the four runs drawing from one seeded stream in order.
 *
 *   npx tsx --conditions=@tapegrad/source examples/2_2_vanishing_gradient.ts [--iterations 2000] [--course-slips]
 *
 * `--course-slips`: 2_2_1's hand-written backward, which takes the sigmoid's derivative at the
 * layer's output σ(u) instead of at u, and measures the accuracies before each update.
 */
import { Tensor, type Generator } from '@tapegrad/core';
import { Linear, Module, ReLU, Sequential, Sigmoid, course, type InitScheme, type Layer } from '@tapegrad/nn';
import { SGD } from '@tapegrad/optim';
import { integerFlag, runIfMain, type CliSpec } from './lib/cli.js';
import { day2Result, finishRun, heading, loadDigits, setup, trainRun, type Day2Options, type Day2Result, type Run } from './lib/day2.js';

export const SECTIONS = [
  { key: 'sigmoid_gauss', title: 'sigmoid - gauss', activation: 'sigmoid', init: 'randn' },
  { key: 'relu_gauss', title: 'ReLU - gauss', activation: 'relu', init: 'randn' },
  { key: 'sigmoid_xavier', title: 'sigmoid - Xavier', activation: 'sigmoid', init: 'xavier' },
  { key: 'relu_he', title: 'ReLU - He', activation: 'relu', init: 'he' },
] as const;

/**
 * 2_2_1's sigmoid: the forward is σ(u), but the gradient is multiplied by σ(z)(1 − σ(z)) at
 * z = σ(u) (the notebook's `d_sigmoid(z)`), a slip kept for `--course-slips`.
 */
class SlippedSigmoid extends Module<[Tensor], Tensor> {
  forward(u: Tensor): Tensor {
    const z = u.sigmoid();
    const wrong = course.dSigmoid(z.detach());
    // Value z exactly (u·s − u·s is 0), gradient s·g.
    const us = u.mul(wrong);
    return z.detach().add(us.sub(us.detach()));
  }
}

function network(g: Generator, activation: 'sigmoid' | 'relu', init: InitScheme, slips: boolean): Sequential {
  const layer = (i: number, o: number) => new Linear(i, o, { init, weightInit: 0.01, generator: g });
  const act = (): Layer => (activation === 'relu' ? new ReLU() : slips ? new SlippedSigmoid() : new Sigmoid());
  return new Sequential(layer(784, 40), act(), layer(40, 20), act(), layer(20, 10));
}

/**
 * The four runs; returns each run's accuracy trace.
 * @example
 *   const { runs } = await main({ iterations: 200, quiet: true, plot: false });
 */
export async function main(options: Day2Options = {}): Promise<Day2Result> {
  const su = setup(options);
  const { p, g } = su;
  const iterations = options.iterations ?? 2000;
  const { train, test } = loadDigits(g);
  p.line(`データ読み込み完了 (data loaded): ${train.images.shape[0]} training and ${test.images.shape[0]} test digits`);
  const start = performance.now();
  const runs: Run[] = [];
  for (const s of SECTIONS) {
    heading(p, `${s.title}${su.courseSlips && s.activation === 'sigmoid' ? " (2_2_1's derivative slip)" : ''}`);
    const net = network(g, s.activation, s.init, su.courseSlips);
    const optimizer = new SGD(net.parameters(), { lr: 0.1 });
    const run = trainRun(p, g, { network: net, optimizer }, train, test, {
      iterations, evalEvery: su.evalEvery, trainAccuracyOn: 'batch', evaluateBeforeUpdate: su.courseSlips,
    }, s.key, s.title);
    await finishRun(su, '2_2', run, `784-40-20-10 ${s.activation}, init ${s.init}, SGD lr 0.1, batch 100`);
    runs.push(run);
  }
  return day2Result(runs, train, test, start);
}

const CLI: CliSpec = {
  name: '2_2_vanishing_gradient.ts',
  summary: "The course's vanishing-gradient notebook: sigmoid vs ReLU, Gaussian vs Xavier vs He, on 784-40-20-10.",
  plots: true,
  flags: {
    iterations: { type: 'string', arg: 'N', help: 'iterations of each run (default 2000, the course\'s)' },
    'course-slips': { type: 'boolean', help: "2_2_1's backward: the sigmoid's derivative taken at its output; accuracies before the update" },
  },
};

await runIfMain(import.meta.url, CLI, ({ common, flags }) => ({
  ...common,
  ...(flags.iterations === undefined ? {} : { iterations: integerFlag(CLI.name, 'iterations', flags.iterations, 1) }),
  courseSlips: flags['course-slips'] === true,
}), main);
