/**
 * The course's forward-propagation notebook (1_1_forward_propagation), rebuilt on tapegrad:
 * every network of it, printed as the course's print_vec prints, then an extra section of
 * networks with random weights.
 *
 *   npx tsx --conditions=@tapegrad/source examples/1_1_forward_propagation.ts [--seed N] [--quiet]
 *
 * The fixed-weight networks print numpy's numbers. The random ones draw their weights in
 * the course's order (all W, then all b) with `np.random.rand`'s numbers for the seed.
 */
import { Generator, tensor, type Tensor } from '@tapegrad/core';
import { Linear, course } from '@tapegrad/nn';
import { DEFAULT_SEED, runIfMain, type CliSpec, type CommonOptions } from './lib/cli.js';
import { Printer } from './lib/print.js';

type Activation = (u: Tensor) => Tensor;
const identity: Activation = (u) => u;

/** One affine layer `np.dot(z, W) + b` and the activation after it. */
interface Layer {
  affine: Linear;
  activation: Activation;
}

/** A network's values, as plain numbers (what the tests compare with numpy). */
export interface NetworkResult {
  /** Total inputs u1, u2, … of each layer. */
  u: number[][];
  /** The output y of the last layer. */
  y: number[];
  /** The error against d, for the networks that have a teacher signal. */
  loss?: number;
}

export interface ForwardResult {
  singleUnit: NetworkResult;
  singleLayer: NetworkResult;
  threeLayer: NetworkResult;
  /** The notebook's three output layers, with its fixed weights: 2-3-4 softmax, 2-3-2 identity, 2-3-1 sigmoid. */
  multiClass: NetworkResult;
  regression: NetworkResult;
  binary: NetworkResult;
  /** An extra section, not the notebook's: the same kinds of network with random weights (np.random.rand). */
  deep: NetworkResult;
  randomMultiClass: NetworkResult;
  randomRegression: NetworkResult;
  randomBinary: NetworkResult;
}

export type ForwardOptions = CommonOptions;

const values = (t: Tensor): number[] => Array.from(t.data);

function heading(p: Printer, title: string): void {
  p.line(`======== ${title} ========\n`);
}

/** The course's `init_network`: prints 重み1…, バイアス1… and builds the layers. */
function initNetwork(p: Printer, weights: Tensor[], biases: Tensor[], activations: Activation[]): Layer[] {
  p.banner('ネットワークの初期化 (network initialisation)');
  weights.forEach((w, i) => p.vec(`重み${i + 1} (weight W${i + 1})`, w));
  biases.forEach((b, i) => p.vec(`バイアス${i + 1} (bias b${i + 1})`, b));
  return weights.map((weight, i) => ({
    affine: new Linear(weight.shape[0]!, weight.shape[1]!, { weight, bias: biases[i]! }),
    activation: activations[i]!,
  }));
}

/** The course's `forward`: u_k = z_{k-1}·W_k + b_k, z_k = f(u_k); prints each step and Σy. */
function forward(p: Printer, layers: Layer[], x: Tensor): NetworkResult {
  p.banner('順伝播開始 (forward propagation)');
  const u: number[][] = [];
  let z = x;
  layers.forEach(({ affine, activation }, i) => {
    const k = i + 1;
    const uk = affine.forward(z);
    z = activation(uk);
    u.push(values(uk));
    p.vec(`総入力${k} (total input u${k})`, uk);
    const last = k === layers.length;
    p.vec(last ? '出力 (output y)' : `中間層出力${k} (hidden-layer output z${k})`, z);
  });
  p.line(`出力合計 (sum of outputs): ${z.sum().toString()}\n`);
  return { u, y: values(z) };
}

/** A network with the course's random weights: `np.random.rand` for every W, then every b. */
function randomNetwork(p: Printer, g: Generator, sizes: number[], activations: Activation[]): Layer[] {
  const pairs = sizes.slice(1).map((out, i) => [sizes[i]!, out] as const);
  const weights = pairs.map(([inSize, outSize]) => g.rand([inSize, outSize]));
  const biases = pairs.map(([, outSize]) => g.rand([outSize]));
  return initNetwork(p, weights, biases, activations);
}

/** A single layer: prints W, b, x, then u = np.dot(x, W) + b and z = f(u). */
function singleLayerNetwork(p: Printer, title: string, W: Tensor, b: Tensor, x: Tensor, activation: Activation): NetworkResult {
  heading(p, title);
  p.vec('重み (weight W)', W);
  p.vec('バイアス (bias b)', b);
  p.vec('入力 (input x)', x);
  const u = x.dot(W).add(b); // np.dot(x, W) + b
  p.vec('総入力 (total input u)', u);
  const z = activation(u);
  p.vec('中間層出力 (hidden-layer output z)', z);
  return { u: [values(u)], y: values(z) };
}

/** 順伝播(単層・単ユニット): one unit, two inputs, ReLU. */
function singleUnit(p: Printer): NetworkResult {
  const x = tensor([2, 3], { dtype: 'int32' }); // np.array([2, 3]) holds integers
  const title = '順伝播(単層・単ユニット) (forward propagation: one layer, one unit)';
  return singleLayerNetwork(p, title, tensor([[0.1], [0.2]]), tensor(0.5), x, course.relu);
}

/** 順伝播(単層・複数ユニット): section 1's numbers, sigmoid. */
function singleLayer(p: Printer): NetworkResult {
  const W = tensor([
    [0.1, 0.2, 0.3],
    [0.2, 0.3, 0.4],
    [0.3, 0.4, 0.5],
    [0.4, 0.5, 0.6],
  ]);
  const title = '順伝播(単層・複数ユニット) (forward propagation: one layer, several units)';
  return singleLayerNetwork(p, title, W, tensor([0.1, 0.2, 0.3]), tensor([1.0, 5.0, 2.0, -1.0]), course.sigmoid);
}

/** 順伝播(3層・複数ユニット): section 1's fixed weights, ReLU, ReLU, identity. */
function threeLayer(p: Printer): NetworkResult {
  heading(p, '順伝播(3層・複数ユニット) (forward propagation: three layers, fixed weights)');
  const x = tensor([1, 2]);
  p.vec('入力 (input x)', x);
  const layers = initNetwork(
    p,
    [tensor([[0.1, 0.3, 0.5], [0.2, 0.4, 0.6]]), tensor([[0.1, 0.4], [0.2, 0.5], [0.3, 0.6]]), tensor([[0.1, 0.3], [0.2, 0.4]])],
    [tensor([0.1, 0.2, 0.3]), tensor([0.1, 0.2]), tensor([1, 2])],
    [course.relu, course.relu, identity],
  );
  return forward(p, layers, x);
}

/** The same three layers as 3-10-5-4 with random weights (the extra section). */
function deep(p: Printer, g: Generator): NetworkResult {
  heading(p, '順伝播(3層・複数ユニット) 3-10-5-4 (extra: three layers, random weights, not in the notebook)');
  const x = tensor([1, 2, 3]);
  p.vec('入力 (input x)', x);
  const layers = randomNetwork(p, g, [3, 10, 5, 4], [course.relu, course.relu, identity]);
  return forward(p, layers, x);
}

/** The output layer and error function of each task: 多クラス分類, 回帰, 2値分類. */
interface Task {
  title: string;
  sizes: number[];
  x: number[];
  /** The teacher signal; integers unless `dFloat` (the course's regression writes np.array([2., 4.])). */
  d: number[];
  dFloat?: boolean;
  output: Activation;
  errorLabel: string;
  error: (d: Tensor, y: Tensor) => Tensor;
}

/** The notebook's fixed weights (x = [1., 2.] and the hidden layer are the same for all three). */
interface Fixed {
  W2: number[][];
  b2: number[];
}
const FIXED_W1 = [[0.1, 0.3, 0.5], [0.2, 0.4, 0.6]];
const FIXED_B1 = [0.1, 0.2, 0.3];

/** Runs one task: with the notebook's fixed weights, or (the extra section) with random ones drawn from `g`. */
function runTask(p: Printer, task: Task, weights: Generator | Fixed): NetworkResult {
  const random = weights instanceof Generator;
  heading(p, `${task.title} ${task.sizes.join('-')}${random ? ' (extra: random weights, not in the notebook)' : ''}`);
  const x = tensor(task.x);
  // The course's d = np.array([0, 0, 0, 1]) holds integers, its regression's np.array([2., 4.]) floats.
  const d = tensor(task.d, { dtype: task.dFloat ? 'float64' : 'int32' });
  const hidden = task.sizes.slice(2).map(() => course.relu);
  const activations = [...hidden, task.output];
  const layers = random
    ? randomNetwork(p, weights, task.sizes, activations)
    : initNetwork(p, [tensor(FIXED_W1), tensor(weights.W2)], [tensor(FIXED_B1), tensor(weights.b2)], activations);
  const result = forward(p, layers, x);
  const y = tensor(result.y);
  const loss = task.error(d, y);
  p.vec('訓練データ (training data d)', d);
  p.vec(task.errorLabel, loss);
  return { ...result, loss: loss.item() };
}

/** The notebook's three networks: its fixed weights for the output layer. */
const FIXED = {
  multiClass: { W2: [[0.1, 0.4, 0.7, 1.0], [0.2, 0.5, 0.8, 1.1], [0.3, 0.6, 0.9, 1.2]], b2: [0.1, 0.2, 0.3, 0.4] },
  regression: { W2: [[0.1, 0.4], [0.2, 0.5], [0.3, 0.6]], b2: [0.1, 0.2] },
  binary: { W2: [[0.2], [0.4], [0.6]], b2: [0.1] },
} satisfies Record<string, Fixed>;

const multiClass = {
  title: '多クラス分類 (multi-class classification: softmax, cross entropy)',
  output: course.softmax,
  errorLabel: '交差エントロピー誤差 (cross-entropy error)',
  error: course.crossEntropyError,
};
const regression = {
  title: '回帰 (regression: identity, squared error)',
  dFloat: true,
  output: identity,
  errorLabel: '二乗誤差 (squared error)',
  error: course.meanSquaredError,
};
const binary = {
  title: '2値分類 (binary classification: sigmoid, cross entropy)',
  output: course.sigmoid,
  errorLabel: '交差エントロピー誤差 (cross-entropy error)',
  error: course.crossEntropyError,
};

/** The notebook's networks: x = [1., 2.], 2-3 ReLU hidden layer with the weights of the three-layer section. */
const NOTEBOOK_TASKS = {
  multiClass: { ...multiClass, sizes: [2, 3, 4], x: [1, 2], d: [0, 0, 0, 1] },
  regression: { ...regression, sizes: [2, 3, 2], x: [1, 2], d: [2, 4] },
  binary: { ...binary, sizes: [2, 3, 1], x: [1, 2], d: [1] },
} satisfies Record<string, Task>;

/** The extra section: larger networks of the same kinds with random weights. */
const TASKS = {
  multiClass: { ...multiClass, sizes: [3, 50, 6], x: [1, 2, 3], d: [0, 0, 0, 1, 0, 0] },
  regression: { ...regression, sizes: [3, 50, 2], x: [1, 2, 3], d: [2, 4] },
  // NOTE: the course's cross_entropy_error adds 1e-7 inside the log: with y = 1 exactly it prints −1e-7.
  binary: { ...binary, sizes: [5, 10, 20, 1], x: [1, 2, 3, 4, 5], d: [1] },
} satisfies Record<string, Task>;

/**
 * Runs every network of the notebook, then the extra random-weight ones; returns their total inputs, outputs and errors.
 * @example
 *   const { threeLayer } = main({ quiet: true });
 *   threeLayer.y; // [1.56, 3.222] (numpy's numbers)
 */
export function main(options: ForwardOptions = {}): ForwardResult {
  const p = new Printer(options.quiet, options.print);
  const g = new Generator(options.seed ?? DEFAULT_SEED);
  const result: ForwardResult = {
    singleUnit: singleUnit(p),
    singleLayer: singleLayer(p),
    threeLayer: threeLayer(p),
    multiClass: runTask(p, NOTEBOOK_TASKS.multiClass, FIXED.multiClass),
    regression: runTask(p, NOTEBOOK_TASKS.regression, FIXED.regression),
    binary: runTask(p, NOTEBOOK_TASKS.binary, FIXED.binary),
    // The extra section draws from g in this order: a seed's numbers depend on it.
    deep: deep(p, g),
    randomMultiClass: runTask(p, TASKS.multiClass, g),
    randomRegression: runTask(p, TASKS.regression, g),
    randomBinary: runTask(p, TASKS.binary, g),
  };
  for (const [name, r] of Object.entries(result)) {
    const error = r.loss === undefined ? '' : `, E = ${tensor(r.loss).toString()}`;
    p.result(`${name}: y = ${tensor(r.y).toString()}${error}`);
  }
  return result;
}

const CLI: CliSpec = {
  name: '1_1_forward_propagation.ts',
  summary: 'The course\'s forward-propagation networks: one unit, one layer, three layers, multi-class, regression, binary; then random-weight ones.',
  flags: {},
};

await runIfMain(import.meta.url, CLI, (cli) => ({ ...cli.common }), main);
