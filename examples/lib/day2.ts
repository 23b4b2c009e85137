/**
 * What the Day-2 examples share: the digits (1_4's 8,000 / 2,000 split, cut to the course's
 * counts), the course's training loop (a minibatch of 100 drawn with replacement per iteration,
 * accuracies every 10 iterations, printed as the course prints them), and the accuracy plot.
 */
import { join } from 'node:path';
import { Generator, noGrad, type Tensor } from '@tapegrad/core';
import { crossEntropy, type Module } from '@tapegrad/nn';
import { accuracy, sampleBatch, trainTestSplit, type Optimizer } from '@tapegrad/optim';
import { DEFAULT_OUT_DIR, DEFAULT_SEED, type CommonOptions } from './cli.js';
import { loadPackagedDigits, type Digits } from './mnist.js';
import { accuracyChart, terminalChart, writeChart } from './plot.js';
import { Printer } from './print.js';

/** Options every Day-2 example's `main` takes. */
export interface Day2Options extends CommonOptions {
  /** Iterations of each training run (each example has its own default). */
  iterations?: number;
  /** Accuracies every this many iterations (the course's plot_interval, 10). */
  evalEvery?: number;
  /** Reproduce the slips of the course's code that DAY2 lists (see each example); default false. */
  courseSlips?: boolean;
  /** Write the SVG plots (default true). */
  plot?: boolean;
}

/** One training run's record, as the course's lists. */
export interface Run {
  key: string;
  title: string;
  /** The iteration (1-based) of each recorded accuracy. */
  counts: number[];
  trainAccuracies: number[];
  testAccuracies: number[];
  /** Training time, evaluations included. */
  seconds: number;
  plotFile: string | null;
}

export interface Day2Result {
  runs: Run[];
  trainSize: number;
  testSize: number;
  seconds: number;
}

/** What a Day-2 script returns: its runs, how many digits it trained and tested on, and the seconds since `start`. */
export function day2Result(runs: Run[], train: { images: Tensor }, test: { images: Tensor }, start: number): Day2Result {
  return { runs, trainSize: train.images.shape[0]!, testSize: test.images.shape[0]!, seconds: (performance.now() - start) / 1000 };
}

/** Parsed once per process (the package's JSON takes about a second); never written to. */
let packaged: Digits | undefined;

/**
 * The mnist package's 10,000 digits split 8,000 / 2,000 by `g` (as 1_4), then the first
 * `trainSize` and `testSize` of each part (the course's reduced counts).
 * @example
 *   const { train, test } = loadDigits(new Generator(0), { trainSize: 300 });
 */
export function loadDigits(g: Generator, { trainSize = 8000, testSize = 2000 } = {}): { train: Digits; test: Digits } {
  packaged ??= loadPackagedDigits();
  const all = packaged;
  const split = trainTestSplit(all.images, all.labels, { testSize: 2000, generator: g });
  const first = (d: Digits, n: number): Digits => ({ images: d.images.slice(0, 0, n).detach(), labels: d.labels.slice(0, 0, n).detach() });
  return {
    train: first({ images: split.xTrain, labels: split.dTrain }, trainSize),
    test: first({ images: split.xTest, labels: split.dTest }, testSize),
  };
}

/** Images as (N, 1, 28, 28), the course's `flatten=False`. */
export function asImages(d: Digits): Digits {
  return { images: d.images.reshape([d.images.shape[0]!, 1, 28, 28]), labels: d.labels };
}

/** A network and how the course trains it. */
export interface Trainer {
  network: Module<[Tensor], Tensor>;
  optimizer: Optimizer;
  /** Added to the loss (weight decay as the course writes it). */
  penalty?: () => Tensor;
  /** Runs after each update (2_8's post-update loss in training mode, which draws two dropout masks). */
  afterStep?: (xBatch: Tensor, dBatch: Tensor) => void;
}

export interface LoopSettings {
  iterations: number;
  batchSize?: number;
  evalEvery: number;
  /** 'batch': the current minibatch (2_2–2_4); 'all': the whole training set (2_5–2_8). */
  trainAccuracyOn: 'batch' | 'all';
  /** Measure before this iteration's update (2_2_1's order); default after it. */
  evaluateBeforeUpdate?: boolean;
  /** Evaluate in chunks of this many samples (the convnets' 100); default all at once. */
  chunk?: number;
}

/** Accuracy of the network in evaluation mode, off the tape. */
export function evaluate(network: Trainer['network'], d: Digits, chunk?: number): number {
  const wasTraining = network.training;
  network.eval();
  try {
    return noGrad(() => {
      const n = d.images.shape[0]!;
      const size = chunk ?? n;
      let correct = 0;
      for (let s = 0; s < n; s += size) {
        const e = Math.min(n, s + size);
        correct += accuracy(network.forward(d.images.slice(0, s, e)), d.labels.slice(0, s, e)) * (e - s);
      }
      return Math.round(correct) / n;
    });
  } finally {
    network.train(wasTraining);
  }
}

/**
 * The course's loop: draw a minibatch (`np.random.choice(train_size, 100)`), forward in training
 * mode, backward, update; every `evalEvery` iterations the training and test accuracy, printed as
 * `Generation: N. 正答率(トレーニング) = a` / `: N. 正答率(テスト) = b`.
 */
export function trainRun(
  p: Printer, g: Generator, t: Trainer, train: Digits, test: Digits, s: LoopSettings, key: string, title: string,
): Run {
  const run: Run = { key, title, counts: [], trainAccuracies: [], testAccuracies: [], seconds: 0, plotFile: null };
  const { network, optimizer } = t;
  const batchSize = s.batchSize ?? 100;
  const start = performance.now();
  const record = (i: number, xBatch: Tensor, dBatch: Tensor): void => {
    const trainAccuracy = s.trainAccuracyOn === 'batch' ? evaluate(network, { images: xBatch, labels: dBatch }) : evaluate(network, train, s.chunk);
    const testAccuracy = evaluate(network, test, s.chunk);
    run.counts.push(i);
    run.trainAccuracies.push(trainAccuracy);
    run.testAccuracies.push(testAccuracy);
    p.line(`Generation: ${i}. 正答率(トレーニング) (training accuracy) = ${trainAccuracy}`);
    p.line(`${' '.repeat(16)}: ${i}. 正答率(テスト) (test accuracy) = ${testAccuracy}`);
  };
  network.train();
  for (let i = 1; i <= s.iterations; i++) {
    const [xBatch, dBatch] = sampleBatch(train.images, train.labels, batchSize, g);
    optimizer.zeroGrad();
    let loss = crossEntropy(network.forward(xBatch), dBatch);
    if (t.penalty !== undefined) loss = loss.add(t.penalty());
    loss.backward();
    const due = s.evalEvery > 0 && i % s.evalEvery === 0;
    if (due && s.evaluateBeforeUpdate === true) record(i, xBatch, dBatch);
    optimizer.step();
    t.afterStep?.(xBatch, dBatch);
    if (due && s.evaluateBeforeUpdate !== true) record(i, xBatch, dBatch);
  }
  run.seconds = (performance.now() - start) / 1000;
  return run;
}

/** Resolved common settings of a Day-2 example. */
export interface Setup {
  p: Printer;
  g: Generator;
  seed: number;
  outDir: string;
  plot: boolean;
  evalEvery: number;
  courseSlips: boolean;
}

export function setup(options: Day2Options): Setup {
  const seed = options.seed ?? DEFAULT_SEED;
  return {
    p: new Printer(options.quiet, options.print),
    g: new Generator(seed),
    seed,
    outDir: options.outDir ?? DEFAULT_OUT_DIR,
    plot: options.plot ?? true,
    evalEvery: options.evalEvery ?? 10,
    courseSlips: options.courseSlips ?? false,
  };
}

/** The run's terminal chart, SVG plot and summary lines. */
export async function finishRun(su: Setup, script: string, run: Run, settings: string): Promise<void> {
  const { p } = su;
  if (run.counts.length > 0) {
    p.line(`\n正答率(テスト) (test accuracy) every ${su.evalEvery} iterations:\n${terminalChart(run.testAccuracies, { height: 5 })}\n`);
    if (su.plot) run.plotFile = await writeChart(join(su.outDir, `${script}_${run.key}.svg`), accuracyChart(`${settings}, seed ${su.seed}`, run.counts, run.trainAccuracies, run.testAccuracies));
  }
  const last = run.counts.length - 1;
  const accs = last >= 0 ? `training ${run.trainAccuracies[last]}, test ${run.testAccuracies[last]}` : 'no evaluation';
  p.result(`${run.title}: ${accs} after ${run.counts[last] ?? 0} iterations (${run.seconds.toFixed(1)} s)${run.plotFile === null ? '' : `; plot: ${run.plotFile}`}`);
}

/** A section banner, as the notebooks' headings. */
export function heading(p: Printer, text: string): void {
  p.line(`\n##### ${text} #####`);
}
