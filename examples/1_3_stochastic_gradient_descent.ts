/**
 * The course's stochastic-gradient-descent notebook (1_3_stochastic_gradient_descent),
 * rebuilt on tapegrad: a 2-10-1 network learns f(x) = 3·x0 + 2·x1 from 1,000 samples
 * drawn from a data set of 100,000, one update each (online learning).
 *
 *   npx tsx --conditions=@tapegrad/source examples/1_3_stochastic_gradient_descent.ts \
 *     [--activation relu|sigmoid] [--inputs 0..1] [--batch 1] [--steps 1000] [--lr 0.07] [--as-shipped] [--seed N] [--quiet]
 *
 * It draws its random numbers in the course's order (data set, weights, then the samples),
 * so with a seed it follows `np.random.seed(seed)` and the notebook.
 */
import { join } from 'node:path';
import { ArgumentError, Generator, noGrad, tensor, type Tensor } from '@tapegrad/core';
import { Linear, course } from '@tapegrad/nn';
import { SGD, sampleBatch } from '@tapegrad/optim';
import { DEFAULT_OUT_DIR, DEFAULT_SEED, choiceFlag, integerFlag, positiveFlag, runIfMain, type CliSpec, type CommonOptions } from './lib/cli.js';
import { Printer } from './lib/print.js';
import { terminalChart, writeChart } from './lib/plot.js';

export type Activation = 'relu' | 'sigmoid';

export interface SgdOptions extends CommonOptions {
  /** The hidden layer's activation; 'sigmoid' is the notebook's "try this". Default 'relu'. */
  activation?: Activation;
  /** Inputs are uniform in [low, high); the notebook's "try this" is [-5, 5). Default [0, 1). */
  inputs?: [number, number];
  /** Samples per update: 1 is online learning (the notebook), more is minibatch learning. */
  batch?: number;
  /** Updates (the notebook's `epoch`, 1,000). */
  steps?: number;
  learningRate?: number;
  /** Size of the data set the samples are drawn from (100,000). */
  dataSetSize?: number;
  /** Write the SVG plot (default true). */
  plot?: boolean;
  /**
   * Train with the notebook's hand-written backward exactly as shipped, `d_sigmoid(z1)` in delta1
   * (the course's "try this" line is active), instead of the tape's gradient. Online learning only.
   */
  asShipped?: boolean;
}

export interface SgdResult {
  /** The loss of every step, before its update (the course's `losses`). */
  losses: number[];
  /** The step whose loss or gradient was no longer finite (training stopped there), or null. */
  divergedAt: number | null;
  finalLoss: number;
  /** How many steps each of the two means below is taken over: 100, or half the steps made when fewer than 200 were. */
  window: number;
  /** The mean loss of the first `window` steps (the first 100 normally). */
  first100Mean: number;
  /** The mean loss of the last `window` steps. */
  last100Mean: number;
  /** The network's output for x = [0.3, 0.6], where f(x) = 2.1. */
  check: number;
  /** The SVG written, or null with `plot: false`. */
  plotFile: string | null;
}

const mean = (a: readonly number[]): number => a.reduce((s, v) => s + v, 0) / a.length;

/** The course's `f`: d = 3·x0 + 2·x1, for every row of x. */
function target(x: Tensor): Tensor {
  return x.slice(1, 0, 1).mul(3).add(x.slice(1, 1, 2).mul(2));
}

/** The course's `init_network`: W1 = randn(2, 10), W2 = randn(10), b1 = randn(10), b2 = randn(), in that order. */
function initNetwork(g: Generator, hidden: number): [Linear, Linear] {
  const W1 = g.randn([2, hidden]);
  const W2 = g.randn([hidden]);
  const b1 = g.randn([hidden]);
  const b2 = g.randn([1]);
  return [
    new Linear(2, hidden, { weight: W1, bias: b1 }),
    new Linear(hidden, 1, { weight: W2.reshape([hidden, 1]), bias: b2 }),
  ];
}

/** Fills the parameters' `.grad` for one batch and returns its loss (before the update). */
type Backward = (xb: Tensor, db: Tensor) => Tensor;

/** The tape's gradient of the course's squared error: what the notebook computes with its `d_relu` line. */
function tapeBackward(forward: (x: Tensor) => Tensor): Backward {
  return (xb, db) => {
    const loss = course.meanSquaredError(db, forward(xb)); // np.mean(np.square(d - y)) / 2
    loss.backward();
    return loss;
  };
}

/**
 * The notebook's `backward` as shipped, on one sample: delta2 = d_mean_squared_error(d, y) = y − d
 * (d is a number), and delta1 = np.dot(delta2, W2.T) * d_sigmoid(z1) — the derivative of sigmoid
 * taken at the ReLU's output, which is not the network's gradient.
 */
function asShippedBackward(layer1: Linear, layer2: Linear, activation: (u: Tensor) => Tensor): Backward {
  return (xb, db) => noGrad(() => {
    const hidden = layer1.outFeatures;
    const z1 = activation(layer1.forward(xb)).reshape([hidden]);
    const y = layer2.forward(z1).reshape([]);
    const loss = course.meanSquaredError(db.reshape([]), y);
    const delta2 = course.dMeanSquaredError(db.reshape([]), y); // y − d
    layer2.bias!.grad = delta2.reshape([1]); // np.sum(delta2, axis=0)
    layer2.weight.grad = z1.mul(delta2).reshape([hidden, 1]); // np.dot(z1.T, delta2)
    const delta1 = layer2.weight.reshape([hidden]).mul(delta2).mul(course.dSigmoid(z1)); // np.dot(delta2, W2.T) * d_sigmoid(z1)
    layer1.bias!.grad = delta1; // np.sum(delta1[np.newaxis, :], axis=0)
    layer1.weight.grad = xb.reshape([2, 1]).mul(delta1.reshape([1, hidden])); // np.dot(x.T, delta1)
    return loss;
  });
}

/**
 * The notebook's loop: draw a sample (or a minibatch), forward, backward, update; the loss of
 * each step is kept. Stops at the first step whose loss or gradient is no longer finite.
 */
function train(
  g: Generator, x: Tensor, d: Tensor, backward: Backward, params: Tensor[],
  { steps, batch, learningRate }: { steps: number; batch: number; learningRate: number },
): { losses: number[]; divergedAt: number | null } {
  const optimizer = new SGD(params, { lr: learningRate });
  const losses: number[] = [];
  for (let step = 1; step <= steps; step++) {
    const [xb, db] = sampleBatch(x, d, batch, g); // np.random.choice(data_sets, …)
    optimizer.zeroGrad();
    const loss = backward(xb, db);
    // Too large a step for the inputs' scale blows the weights up (numpy's run of the notebook turns to nan too).
    if (!Number.isFinite(loss.item()) || !params.every((w) => Number.isFinite(w.grad!.abs().sum().item()))) {
      return { losses, divergedAt: step };
    }
    optimizer.step(); // network[key] -= learning_rate * grad[key]
    losses.push(loss.item());
  }
  return { losses, divergedAt: null };
}

/**
 * Trains the network and plots the loss of every step.
 * @example
 *   const { last100Mean } = await main({ quiet: true, plot: false });
 */
export async function main(options: SgdOptions = {}): Promise<SgdResult> {
  const {
    activation = 'relu', inputs = [0, 1], batch = 1, steps = 1000, learningRate = 0.07, dataSetSize = 100_000,
    seed = DEFAULT_SEED, outDir = DEFAULT_OUT_DIR, plot = true, asShipped = false,
  } = options;
  if (asShipped && batch !== 1) {
    throw new ArgumentError(`1_3_stochastic_gradient_descent: --as-shipped is the notebook's online learning (one sample per update); got --batch ${batch}`);
  }
  const p = new Printer(options.quiet, options.print);
  const g = new Generator(seed);
  const [low, high] = inputs;

  // data_sets[i]['x'] = np.random.rand(2) (× 10 − 5 in the "try this"); data_sets[i]['d'] = f(x)
  const x = g.rand([dataSetSize, 2]).mul(high - low).add(low);
  const d = target(x);
  p.line(`データセット (data set): ${dataSetSize} points x in [${low}, ${high})², d = 3·x0 + 2·x1\n`);

  p.banner('ネットワークの初期化 (network initialisation)');
  const [layer1, layer2] = initNetwork(g, 10);
  p.vec('重み1 (weight W1)', layer1.weight);
  p.vec('重み2 (weight W2)', layer2.weight);
  p.vec('バイアス1 (bias b1)', layer1.bias!);
  p.vec('バイアス2 (bias b2)', layer2.bias!);
  const hiddenActivation = activation === 'relu' ? course.relu : course.sigmoid;
  const forward = (xb: Tensor): Tensor => layer2.forward(hiddenActivation(layer1.forward(xb)));

  const backward = asShipped ? asShippedBackward(layer1, layer2, hiddenActivation) : tapeBackward(forward);
  if (asShipped) p.line('逆伝播 (backward): the notebook\'s hand-written code as shipped, delta1 = np.dot(delta2, W2.T) * d_sigmoid(z1)\n');
  const { losses, divergedAt } = train(g, x, d, backward, [...layer1.parameters(), ...layer2.parameters()], { steps, batch, learningRate });
  const result = summarise(losses, forward(tensor([[0.3, 0.6]])).item(), divergedAt);
  p.banner('結果表示 (results)');
  if (divergedAt !== null) {
    p.result(`発散 (diverged) at step ${divergedAt}: the loss or a gradient is no longer finite; try a smaller --lr (e.g. 0.005)`);
  }
  if (losses.length > 0) {
    const per = Math.ceil(losses.length / 60);
    p.line(`誤差 (loss, the course's squared error), mean over every ${per} steps:\n${terminalChart(losses)}\n`);
  }
  p.vec('重み1 (weight W1, learned)', layer1.weight);
  p.vec('重み2 (weight W2, learned)', layer2.weight);
  p.line(`検証 (check): x = [0.3, 0.6] → y = ${result.check.toFixed(4)} (f(x) = 2.1)\n`);

  const plotFile = plot
    ? await writeChart(join(outDir, '1_3_loss.svg'), {
      title: 'loss per step',
      subtitle: `f(x) = 3·x0 + 2·x1, 2-10-1 ${activation}, inputs in [${low}, ${high}), lr ${learningRate}, batch ${batch}, seed ${seed}`,
      xTitle: 'step (count)',
      yTitle: 'loss (squared error)',
      mark: 'point',
      series: [{ name: 'loss', x: losses.map((_, i) => i), y: losses }],
    })
    : null;
  const made = divergedAt === null ? '' : ` (${losses.length} steps made before it diverged)`;
  p.result(
    `mean loss of the first ${result.window} steps: ${result.first100Mean.toExponential(3)}, of the last ${result.window}: ` +
      `${result.last100Mean.toExponential(3)}; final step: ${result.finalLoss.toExponential(3)}${made}`,
  );
  if (plotFile !== null) p.result(`plot: ${plotFile}`);
  return { ...result, plotFile };
}

function summarise(losses: number[], check: number, divergedAt: number | null): Omit<SgdResult, 'plotFile'> {
  // NOTE: fewer than 200 steps (a divergence) take half each, so the two means never overlap.
  const window = Math.min(100, Math.floor(losses.length / 2));
  return {
    losses,
    divergedAt,
    finalLoss: losses.at(-1) ?? NaN,
    window,
    first100Mean: mean(losses.slice(0, window)),
    last100Mean: mean(losses.slice(losses.length - window)),
    check,
  };
}

/** `--inputs -5..5`: the range the inputs are drawn from. */
export function parseRange(raw: string): [number, number] {
  const m = /^\s*(-?[\d.]+(?:e-?\d+)?)\s*\.\.\s*(-?[\d.]+(?:e-?\d+)?)\s*$/.exec(raw);
  const [low, high] = m ? [Number(m[1]), Number(m[2])] : [NaN, NaN];
  if (!(Number.isFinite(low) && Number.isFinite(high) && low < high)) {
    throw new ArgumentError(`1_3_stochastic_gradient_descent.ts: --inputs must be LOW..HIGH with LOW < HIGH (e.g. -5..5), got ${JSON.stringify(raw)}`);
  }
  return [low, high];
}

const CLI: CliSpec = {
  name: '1_3_stochastic_gradient_descent.ts',
  summary: 'The course\'s SGD notebook: a 2-10-1 network learns f(x) = 3·x0 + 2·x1 online, one random sample per update.',
  plots: true,
  flags: {
    activation: { type: 'string', arg: 'relu|sigmoid', help: 'hidden activation (default relu)' },
    inputs: { type: 'string', arg: 'LOW..HIGH', help: 'range of the inputs (default 0..1; the notebook\'s "try this": -5..5)' },
    batch: { type: 'string', arg: 'N', help: 'samples per update (default 1: online learning)' },
    steps: { type: 'string', arg: 'N', help: 'updates (default 1000)' },
    lr: { type: 'string', arg: 'RATE', help: 'learning rate (default 0.07)' },
    'as-shipped': { type: 'boolean', help: 'train with the notebook\'s hand-written backward as shipped (d_sigmoid(z1)), not the tape' },
  },
};

await runIfMain(import.meta.url, CLI, ({ common, flags }) => {
  const name = CLI.name;
  return {
    ...common,
    ...(flags.activation === undefined ? {} : { activation: choiceFlag(name, 'activation', flags.activation, ['relu', 'sigmoid'] as const) }),
    ...(flags.inputs === undefined ? {} : { inputs: parseRange(String(flags.inputs)) }),
    ...(flags.batch === undefined ? {} : { batch: integerFlag(name, 'batch', flags.batch, 1) }),
    ...(flags.steps === undefined ? {} : { steps: integerFlag(name, 'steps', flags.steps, 1) }),
    ...(flags.lr === undefined ? {} : { learningRate: positiveFlag(name, 'lr', flags.lr) }),
    ...(flags['as-shipped'] === true ? { asShipped: true } : {}),
  };
}, main);
