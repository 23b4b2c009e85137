/**
 * The course's back-propagation notebook (1_2_back_propagation), rebuilt on tapegrad: the
 * 2-3-2 network with fixed weights, its gradients from the tape beside the course's
 * hand-derived deltas, the proof by central differences, and one SGD update.
 *
 *   npx tsx --conditions=@tapegrad/source examples/1_2_back_propagation.ts [--quiet]
 */
import { gradcheck, tensor, type GradcheckReport, type Tensor } from '@tapegrad/core';
import { Linear, course, crossEntropy } from '@tapegrad/nn';
import { SGD } from '@tapegrad/optim';
import { runIfMain, type CliSpec, type CommonOptions } from './lib/cli.js';
import { Printer, largestDifference } from './lib/print.js';

export type BackpropOptions = Omit<CommonOptions, 'seed' | 'outDir'>;

/** A value by the tape and by the course's formulas. */
export interface Compared {
  autograd: number[];
  byHand: number[];
  largestDifference: number;
}

export interface BackpropResult {
  /** The forward values u1, z1, u2, y (each flattened). */
  forward: Record<'u1' | 'z1' | 'u2' | 'y', number[]>;
  /** E = −Σ d·log y, from the fused log-softmax (the error the tape differentiates). */
  loss: number;
  /** The course's cross_entropy_error, with its `+ 1e-7` inside the log. */
  courseLoss: number;
  /** dE/du2 (delta2), dE/du1 (delta1) and the parameters' gradients. */
  gradients: Record<'u2' | 'u1' | 'W1' | 'b1' | 'W2' | 'b2', Compared>;
  /** The largest of every `largestDifference`. */
  largestDifference: number;
  gradcheck: Pick<GradcheckReport, 'passed' | 'maxAbsError' | 'maxRelError'>;
  /** The parameters after one update with lr 0.01. */
  updated: Record<'W1' | 'b1' | 'W2' | 'b2', number[]>;
}

const LEARNING_RATE = 0.01;
const values = (t: Tensor): number[] => Array.from(t.data);

/**
 * Runs the notebook: forward, backward by the tape and by hand, gradcheck, one update.
 * @example
 *   const r = main({ quiet: true });
 *   r.gradients.W1.autograd; // [-0.0261…, …] — the course's 偏微分_重み1
 */
export function main(options: BackpropOptions = {}): BackpropResult {
  const p = new Printer(options.quiet, options.print);
  const x = tensor([[1.0, 5.0]]);
  const d = tensor([[0, 1]], { dtype: 'int32' });
  p.vec('入力 (input x)', x);
  p.vec('訓練データ (training data d)', d);

  p.banner('ネットワークの初期化 (network initialisation)');
  const layer1 = new Linear(2, 3, { weight: [[0.1, 0.3, 0.5], [0.2, 0.4, 0.6]], bias: [0.1, 0.2, 0.3] });
  const layer2 = new Linear(3, 2, { weight: [[0.1, 0.4], [0.2, 0.5], [0.3, 0.6]], bias: [0.1, 0.2] });
  const params = { W1: layer1.weight, b1: layer1.bias!, W2: layer2.weight, b2: layer2.bias! };
  printParameters(p, params);

  p.banner('順伝播開始 (forward propagation)');
  const u1 = layer1.forward(x).retainGrad();
  const z1 = course.relu(u1);
  const u2 = layer2.forward(z1).retainGrad();
  const y = course.softmax(u2);
  p.vec('総入力1 (total input u1)', u1);
  p.vec('中間層出力1 (hidden-layer output z1)', z1);
  p.vec('総入力2 (total input u2)', u2);
  p.vec('出力1 (output y)', y);
  p.line(`出力合計 (sum of outputs): ${y.sum().toString()}\n`);

  // The tape differentiates the fused log-softmax cross entropy, whose gradient is exactly y − d;
  // the course's cross_entropy_error adds 1e-7 inside the log, which moves it in the 7th digit.
  const loss = crossEntropy(u2, d);
  const courseLoss = course.crossEntropyError(d, y);
  p.vec('交差エントロピー誤差 (cross-entropy error E)', loss);
  p.line(`(the course's cross_entropy_error, with + 1e-7 inside the log: ${courseLoss.toString()})\n`);

  p.banner('誤差逆伝播開始 (back propagation)');
  loss.backward();
  // The course's backward: delta2 = d_sigmoid_with_loss(d, y) = y − d (softmax + cross entropy, one sample);
  // delta1 = np.dot(delta2, W2.T) * d_relu(z1) — d_relu(z1) is relu′(u1), since z1 > 0 exactly where u1 > 0.
  const delta2 = course.dSigmoidWithLoss(d, y);
  const delta1 = delta2.matmul(params.W2.T).mul(course.dRelu(u1));
  const byHand = {
    u2: delta2,
    u1: delta1,
    W1: x.T.matmul(delta1), // np.dot(x.T, delta1)
    b1: delta1.sum(0), // np.sum(delta1, axis=0)
    W2: z1.T.matmul(delta2), // np.dot(z1.T, delta2)
    b2: delta2.sum(0), // np.sum(delta2, axis=0)
  };
  const autograd = { u2: u2.grad!, u1: u1.grad!, W1: params.W1.grad!, b1: params.b1.grad!, W2: params.W2.grad!, b2: params.b2.grad! };
  const compared = {} as BackpropResult['gradients'];
  for (const [key, label, formula] of GRADIENT_LABELS) {
    p.pair(label, ['autograd (the tape)', autograd[key]], [`by hand: ${formula}`, byHand[key]]);
    compared[key] = { autograd: values(autograd[key]), byHand: values(byHand[key]), largestDifference: largestDifference(autograd[key], byHand[key]) };
  }
  const largest = Math.max(...Object.values(compared).map((c) => c.largestDifference));
  p.result(`largest difference between autograd and the course's deltas: ${largest}`);

  // Every parameter's gradient against the central difference (core's gradcheck: eps 1e-6).
  const report = gradcheck(
    (W1, b1, W2, b2) => crossEntropy(course.relu(x.matmul(W1!).add(b1!)).matmul(W2!).add(b2!), d),
    [params.W1, params.b1, params.W2, params.b2],
  );
  p.result(report.toString());

  new SGD(Object.values(params), { lr: LEARNING_RATE }).step(); // network[key] -= learning_rate * grad[key]
  p.line();
  p.banner('結果表示 (results)');
  p.banner(`更新後パラメータ (parameters after one update, lr ${LEARNING_RATE})`);
  printParameters(p, params);

  return {
    forward: { u1: values(u1), z1: values(z1), u2: values(u2), y: values(y) },
    loss: loss.item(),
    courseLoss: courseLoss.item(),
    gradients: compared,
    largestDifference: largest,
    gradcheck: { passed: report.passed, maxAbsError: report.maxAbsError, maxRelError: report.maxRelError },
    updated: { W1: values(params.W1), b1: values(params.b1), W2: values(params.W2), b2: values(params.b2) },
  };
}

/** Each gradient: its key, the course's print_vec label, and the course's formula for it. */
const GRADIENT_LABELS = [
  ['u2', '偏微分_dE/du2 (delta2: ∂E/∂u2)', 'y − d'],
  ['u1', '偏微分_dE/du1 (delta1: ∂E/∂u1)', 'delta2·W2ᵀ ∘ relu′(u1)'],
  ['W1', '偏微分_重み1 (∂E/∂W1)', 'np.dot(x.T, delta1)'],
  ['W2', '偏微分_重み2 (∂E/∂W2)', 'np.dot(z1.T, delta2)'],
  ['b1', '偏微分_バイアス1 (∂E/∂b1)', 'np.sum(delta1, axis=0)'],
  ['b2', '偏微分_バイアス2 (∂E/∂b2)', 'np.sum(delta2, axis=0)'],
] as const;

function printParameters(p: Printer, params: Record<'W1' | 'b1' | 'W2' | 'b2', Tensor>): void {
  p.vec('重み1 (weight W1)', params.W1);
  p.vec('重み2 (weight W2)', params.W2);
  p.vec('バイアス1 (bias b1)', params.b1);
  p.vec('バイアス2 (bias b2)', params.b2);
}

const CLI: CliSpec = {
  name: '1_2_back_propagation.ts',
  summary: "The course's 2-3-2 network: autograd's gradients beside the hand-derived deltas, gradcheck, one SGD update.",
  flags: {},
};

await runIfMain(import.meta.url, CLI, (cli) => ({ quiet: cli.common.quiet }), main);
