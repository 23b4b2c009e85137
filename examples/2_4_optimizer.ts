/**
 * The course's optimizer notebook (its answer file, 2_4_optimizer_after): 784-40-20-10, sigmoid,
 * 0.01·randn weights, minibatches of 100, 1,000 iterations, trained five times — SGD lr 0.01,
 * Momentum lr 0.3 μ 0.9, AdaGrad lr 0.1 (the course's form: h starts at 1e-4 and takes no g² on
 * the first step, no eps), RMSProp lr 0.01 ρ 0.99, Adam lr 0.01 — one seeded stream, in order.
 *
 *   npx tsx --conditions=@tapegrad/source examples/2_4_optimizer.ts [--iterations 1000]
 */
import type { Generator, TypedArray } from '@tapegrad/core';
import { Linear, Sequential, Sigmoid } from '@tapegrad/nn';
import { Adam, Momentum, Optimizer, RMSProp, SGD, type ParamsOrGroups as Params, type ParamState } from '@tapegrad/optim';
import { integerFlag, runIfMain, type CliSpec } from './lib/cli.js';
import { day2Result, finishRun, heading, loadDigits, setup, trainRun, type Day2Options, type Day2Result, type Run } from './lib/day2.js';

/**
 * The answer file's AdaGrad: `h = 1e-4` on the first step, then `h += g²`; `p −= lr·g/√h`.
 * NOTE: optim's AdaGrad is the course's `common/optimizer.py` one (h from 0, g² every step, eps 1e-7).
 */
class CourseAdaGrad extends Optimizer<{ theta: number }> {
  constructor(params: Params, lr: number) {
    super({ name: 'CourseAdaGrad', params, options: { lr }, optionNames: [], defaultLr: 0.1, resolve: () => ({ theta: 1e-4 }), buffers: () => ['h'] });
  }

  protected update(p: TypedArray, g: TypedArray, s: ParamState, lr: number): void {
    const h = s.h!;
    const first = this.stepCount === 0;
    for (let i = 0; i < p.length; i++) {
      h[i] = first ? this.hyperparameters.theta : h[i]! + g[i]! * g[i]!;
      p[i] = p[i]! - (lr * g[i]!) / Math.sqrt(h[i]!);
    }
  }
}

export const SECTIONS = [
  { key: 'sgd', title: 'SGD', make: (ps: Params) => new SGD(ps, { lr: 0.01 }) },
  { key: 'momentum', title: 'Momentum', make: (ps: Params) => new Momentum(ps, { lr: 0.3, momentum: 0.9 }) },
  { key: 'adagrad', title: 'AdaGrad', make: (ps: Params) => new CourseAdaGrad(ps, 0.1) },
  { key: 'rmsprop', title: 'RMSprop', make: (ps: Params) => new RMSProp(ps, { lr: 0.01, decayRate: 0.99, eps: 1e-7 }) },
  { key: 'adam', title: 'Adam', make: (ps: Params) => new Adam(ps, { lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-7 }) },
] as const;

function network(g: Generator): Sequential {
  const layer = (i: number, o: number) => new Linear(i, o, { init: 'randn', weightInit: 0.01, generator: g });
  return new Sequential(layer(784, 40), new Sigmoid(), layer(40, 20), new Sigmoid(), layer(20, 10));
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
  const { train, test } = loadDigits(g);
  p.line(`データ読み込み完了 (data loaded): ${train.images.shape[0]} training and ${test.images.shape[0]} test digits`);
  const start = performance.now();
  const runs: Run[] = [];
  for (const s of SECTIONS) {
    heading(p, s.title);
    const net = network(g);
    const run = trainRun(p, g, { network: net, optimizer: s.make(net.parameters()) }, train, test,
      { iterations, evalEvery: su.evalEvery, trainAccuracyOn: 'batch' }, s.key, s.title);
    await finishRun(su, '2_4', run, `784-40-20-10 sigmoid, 0.01·randn, ${s.title}`);
    runs.push(run);
  }
  return day2Result(runs, train, test, start);
}

const CLI: CliSpec = {
  name: '2_4_optimizer.ts',
  summary: "The course's optimizer notebook: SGD, Momentum, AdaGrad, RMSprop and Adam on 784-40-20-10 sigmoid.",
  plots: true,
  flags: { iterations: { type: 'string', arg: 'N', help: "iterations of each run (default 1000, the course's)" } },
};

await runIfMain(import.meta.url, CLI, ({ common, flags }) => ({
  ...common,
  ...(flags.iterations === undefined ? {} : { iterations: integerFlag(CLI.name, 'iterations', flags.iterations, 1) }),
}), main);
