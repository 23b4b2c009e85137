/**
 * The course's three convolutional networks (2_6 SimpleConvNet, 2_7 DoubleConvNet, 2_8 DeepConvNet)
 * built from nn's PyTorch-style layers with the course's init drawn explicitly, and the course's
 * loop around them: the first 5,000 training and 1,000 test digits of 1_4's split, Adam (lr 0.001,
 * β 0.9/0.999, the course's eps 1e-7 outside the root), minibatches of 100, accuracies on the whole
 * reduced sets every 10 iterations, evaluated in chunks of 100 as the course does.
 */
import { ArgumentError, noGrad, type FloatDType, type Generator, type Tensor } from '@tapegrad/core';
import { Conv2d, Flatten, Linear, MaxPool2d, ReLU, Sequential, course, crossEntropy, type Layer } from '@tapegrad/nn';
import { Adam } from '@tapegrad/optim';
import { integerFlag, type ParsedCli } from './cli.js';
import { asImages, day2Result, finishRun, heading, loadDigits, setup, trainRun, type Day2Options, type Day2Result } from './day2.js';

export type ConvNetName = 'simple' | 'double' | 'double_after' | 'deep';

/** The layers in the course's order; the weights drawn as the course draws them (W1, W2, … in order). */
export function convNet(name: ConvNetName, g: Generator, dtype: FloatDType = 'float64'): Sequential {
  const randn = { init: 'randn' as const, weightInit: 0.01, generator: g, dtype };
  const he = { init: 'he' as const, generator: g, dtype };
  const pool = () => new MaxPool2d(2, { stride: 2 });
  switch (name) {
    case 'simple':
      return new Sequential(new Conv2d(1, 30, 5, randn), new ReLU(), pool(), new Flatten(),
        new Linear(4320, 100, randn), new ReLU(), new Linear(100, 10, randn));
    case 'double':
      return new Sequential(new Conv2d(1, 10, 7, { ...randn, padding: 1 }), new ReLU(), pool(),
        new Conv2d(10, 20, 3, { ...randn, padding: 1 }), new ReLU(), pool(), new Flatten(),
        new Linear(720, 100, randn), new ReLU(), new Linear(100, 10, randn));
    case 'double_after':
      return new Sequential(new Conv2d(1, 10, 7, { ...randn, padding: 1 }), new ReLU(),
        new Conv2d(10, 20, 3, { ...randn, padding: 1 }), new ReLU(), pool(), new Flatten(),
        new Linear(2880, 50, randn), new ReLU(), new Linear(50, 10, randn));
    case 'deep': {
      const conv = (i: number, o: number, padding = 1) => new Conv2d(i, o, 3, { ...he, padding });
      // The course's He fan-ins are in·3·3 for the convolutions (what 'he' computes), 1,024 and 50 for the affine layers.
      const layers: Layer[] = [
        conv(1, 16), new ReLU(), conv(16, 16), new ReLU(), pool(),
        conv(16, 32), new ReLU(), conv(32, 32, 2), new ReLU(), pool(),
        conv(32, 64), new ReLU(), conv(64, 64), new ReLU(), pool(), new Flatten(),
      ];
      const w7 = new Linear(1024, 50, he);
      const w8 = new Linear(50, 10, he);
      return new Sequential(...layers, w7, new ReLU(), new course.Dropout(0.5, { generator: g }), w8, new course.Dropout(0.5, { generator: g }));
    }
  }
}

export interface ConvNetSpec {
  script: string;
  key: ConvNetName;
  title: string;
  settings: string;
  defaultIterations: number;
  /**
   * Accuracies every this many iterations unless --eval-every says otherwise. The course's 10 makes
   * evaluation (a forward pass of all 6,000 digits) cost twice the training; --eval-every 10 restores it.
   */
  defaultEvalEvery: number;
  /** Draws before the network (2_6's im2col demo); may print. */
  before?: (g: Generator, print: (line: string) => void) => void;
}

export interface ConvNetOptions extends Day2Options {
  /** Training digits taken from the 8,000 (default 5,000, the course's). */
  trainSize?: number;
  /** Test digits taken from the 2,000 (default 1,000, the course's). */
  testSize?: number;
  /** Store and compute in float32 (default float64, as the course). */
  float32?: boolean;
}

/** Trains one of the course's convnets and plots its accuracies. */
export async function runConvNet(spec: ConvNetSpec, options: ConvNetOptions): Promise<Day2Result> {
  const su = setup({ ...options, evalEvery: options.evalEvery ?? spec.defaultEvalEvery });
  const { p, g } = su;
  const iterations = options.iterations ?? spec.defaultIterations;
  const digits = loadDigits(g, { trainSize: options.trainSize ?? 5000, testSize: options.testSize ?? 1000 });
  let [train, test] = [asImages(digits.train), asImages(digits.test)];
  if (options.float32 === true) {
    train = { images: train.images.astype('float32'), labels: train.labels };
    test = { images: test.images.astype('float32'), labels: test.labels };
  }
  p.line(`データ読み込み完了 (data loaded): the first ${train.images.shape[0]} training and ${test.images.shape[0]} test digits`);
  spec.before?.(g, (line) => p.line(line));
  const start = performance.now();
  const net = convNet(spec.key, g, options.float32 === true ? 'float32' : 'float64');
  const optimizer = new Adam(net.parameters(), { lr: 0.001, beta1: 0.9, beta2: 0.999, eps: 1e-7 });
  const hasDropout = net.layers.some((l) => l instanceof course.Dropout);
  // DeepConvNet's loss() runs in training mode, so the course's post-update loss draws two more dropout masks.
  const afterStep = hasDropout ? (x: Tensor, d: Tensor) => {
    noGrad(() => crossEntropy(net.forward(x), d));
  } : undefined;
  heading(p, spec.title);
  const run = trainRun(p, g, { network: net, optimizer, ...(afterStep === undefined ? {} : { afterStep }) }, train, test,
    { iterations, evalEvery: su.evalEvery, trainAccuracyOn: 'all', chunk: 100 }, spec.key, spec.title);
  await finishRun(su, spec.script, run, `${spec.settings}, Adam lr 0.001, ${train.images.shape[0]}/${test.images.shape[0]} digits${options.float32 === true ? ', float32' : ''}`);
  return day2Result([run], train, test, start);
}

/** The flags the three convnet scripts share. */
export const CONV_FLAGS = {
  'train-size': { type: 'string' as const, arg: 'N', help: 'training digits (default 5000, the course\'s; at most 8000)' },
  'test-size': { type: 'string' as const, arg: 'N', help: 'test digits (default 1000, the course\'s; at most 2000)' },
  'eval-every': { type: 'string' as const, arg: 'N', help: 'accuracies every N iterations (default 50, 2_8 25; the course\'s 10; 0: none)' },
  float32: { type: 'boolean' as const, help: 'float32 instead of float64' },
};

/** The options of a convnet script from its command line. */
export function convOptions(script: string, common: ParsedCli['common'], flags: ParsedCli['flags']): ConvNetOptions {
  const int = (name: string, min: number, max = Infinity): number | undefined => {
    if (flags[name] === undefined) return undefined;
    const n = integerFlag(script, name, flags[name], min);
    if (n > max) throw new ArgumentError(`${script}: --${name} must be at most ${max}, got ${n}`);
    return n;
  };
  const o: ConvNetOptions = { ...common, float32: flags.float32 === true };
  const [iterations, trainSize, testSize, evalEvery] = [int('iterations', 1), int('train-size', 100, 8000), int('test-size', 100, 2000), int('eval-every', 0)];
  if (iterations !== undefined) o.iterations = iterations;
  if (trainSize !== undefined) o.trainSize = trainSize;
  if (testSize !== undefined) o.testSize = testSize;
  if (evalEvery !== undefined) o.evalEvery = evalEvery;
  return o;
}
