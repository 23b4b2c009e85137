/**
 * Losses, as functions and as modules, each with `reduction: 'mean' | 'sum' | 'none'`.
 * The class axis is the last one: logits (…, C) with class-index targets (…) or
 * one-hot / probability rows (…, C).
 */
import { fmt, ArgumentError, ShapeError, Tensor, ValueError, logSoftmax, stack, zerosLike, type TensorLike } from '@tapegrad/core';
import { classIndices, shapeOf, toTensor } from './util.js';
import { Module } from './module.js';

export type Reduction = 'mean' | 'sum' | 'none';

export interface LossOptions {
  /** `'mean'` (default) over all elements (per-sample losses for the class losses), `'sum'`, or `'none'`. */
  reduction?: Reduction;
}

type LossFn = (input: TensorLike, target: TensorLike, options?: LossOptions) => Tensor;

function checkReduction(op: string, reduction: unknown): Reduction {
  if (reduction === 'mean' || reduction === 'sum' || reduction === 'none') return reduction;
  throw new ArgumentError(`${op}: reduction must be 'mean', 'sum' or 'none', got ${JSON.stringify(reduction)}`);
}

function reduce(op: string, loss: Tensor, options: LossOptions): Tensor {
  const reduction = checkReduction(op, options.reduction ?? 'mean');
  return reduction === 'none' ? loss : reduction === 'sum' ? loss.sum() : loss.mean();
}

/** The input and target of an elementwise loss: tensors of the same shape (no silent broadcasting). */
function pairOf(op: string, inputName: string, input: TensorLike, target: TensorLike): [Tensor, Tensor] {
  const x = toTensor(input);
  const t = toTensor(target);
  if (x.ndim !== t.ndim || x.shape.some((d, i) => d !== t.shape[i])) {
    throw new ShapeError(`${op}: ${inputName} of shape ${shapeOf(x)} and target of shape ${shapeOf(t)} must have the same shape`);
  }
  return [x, t];
}

function checkUnitInterval(op: string, name: string, t: Tensor): void {
  for (let i = 0; i < t.size; i++) {
    const v = t._data[i]!;
    if (!(v >= 0 && v <= 1)) {
      throw new ValueError(`${op}: ${name} must lie in [0, 1], found ${v} at flat index ${i} (shape ${shapeOf(t)})`);
    }
  }
}

/**
 * Mean squared error: reduce((input − target)²). Shapes must match (no silent broadcasting).
 * @example
 *   mseLoss(tensor([1, 2]), tensor([1, 4])); // 2
 */
export function mseLoss(input: TensorLike, target: TensorLike, options: LossOptions = {}): Tensor {
  const [x, t] = pairOf('mseLoss', 'input', input, target);
  return reduce('mseLoss', x.sub(t).square(), options);
}

/**
 * −log p of the target class, per sample: the shared core of `nllLoss` and `crossEntropy`.
 * A target with the shape of `logp` is read as one-hot (or probability) rows: −Σ t·log p.
 */
function negativeLogLikelihood(op: string, logp: Tensor, target: TensorLike): Tensor {
  if (logp.ndim === 0) throw new ShapeError(`${op}: the input must have a class axis, got a 0-d tensor`);
  const t = toTensor(target);
  const batch = logp.shape.slice(0, -1);
  const classes = logp.shape[logp.ndim - 1]!;
  const isRows = t.ndim === logp.ndim && t.shape.every((d, i) => d === logp.shape[i]);
  if (isRows) {
    checkUnitInterval(op, 'a one-hot / probability target', t);
    return t.mul(logp).sum(-1).neg();
  }
  if (t.ndim !== batch.length || t.shape.some((d, i) => d !== batch[i])) {
    throw new ShapeError(
      `${op}: target of shape ${shapeOf(t)} fits neither class indices (shape ${fmt(batch)}) ` +
        `nor one-hot rows (shape ${shapeOf(logp)}) for an input of shape ${shapeOf(logp)}`,
    );
  }
  const indices = classIndices(op, t, classes).reshape([...batch, 1]);
  return logp.takeAlongAxis(indices, -1).reshape(batch).neg();
}

/**
 * Negative log-likelihood of log-probabilities (…, C): −logProbs[n, target_n], reduced.
 * @example
 *   nllLoss(logSoftmax(logits), [0, 2]); // the same number as crossEntropy(logits, [0, 2])
 */
export function nllLoss(logProbs: TensorLike, target: TensorLike, options: LossOptions = {}): Tensor {
  return reduce('nllLoss', negativeLogLikelihood('nllLoss', toTensor(logProbs), target), options);
}

/**
 * Softmax + cross entropy in one stable step (log-softmax inside): finite for logits of ±1000.
 * `target`: class indices (int32 or whole-number floats, or a plain array) or one-hot rows.
 * @example
 *   crossEntropy(tensor([[2, 1, 0.1]]), [0]); // 0.41703002
 */
export function crossEntropy(logits: TensorLike, target: TensorLike, options: LossOptions = {}): Tensor {
  const x = toTensor(logits);
  if (x.ndim === 0) throw new ShapeError('crossEntropy: logits must have a class axis, got a 0-d tensor');
  return reduce('crossEntropy', negativeLogLikelihood('crossEntropy', logSoftmax(x, -1), target), options);
}

/** log(max(p, e⁻¹⁰⁰)): NOTE: as PyTorch, log p is floored at −100 so p = 0 gives a finite loss and gradient. */
function flooredLog(p: Tensor): Tensor {
  return p.clamp(Math.exp(-100)).log();
}

/**
 * Binary cross entropy of probabilities: −[t·log p + (1 − t)·log(1 − p)], reduced.
 * Probabilities and targets must lie in [0, 1].
 * @example
 *   binaryCrossEntropy(tensor([0.9, 0.2]), tensor([1, 0])); // 0.16425203
 */
export function binaryCrossEntropy(probs: TensorLike, target: TensorLike, options: LossOptions = {}): Tensor {
  const op = 'binaryCrossEntropy';
  const [p, t] = pairOf(op, 'probabilities', probs, target);
  checkUnitInterval(op, 'probabilities', p);
  checkUnitInterval(op, 'the target', t);
  const loss = t.mul(flooredLog(p)).add(t.neg().add(1).mul(flooredLog(p.neg().add(1)))).neg();
  return reduce(op, loss, options);
}

/**
 * Binary cross entropy on logits, σ inside: softplus(x) − t·x with softplus(x) = log(1 + eˣ)
 * computed as logsumexp(0, x). NOTE: logsumexp rather than max(x, 0) + log(1 + e^−|x|): the
 * same value, but no kink at x = 0, where relu's and abs's subgradients would give −t, not ½ − t.
 * @example
 *   binaryCrossEntropyWithLogits(tensor([0]), tensor([1])); // 0.69314718
 */
export function binaryCrossEntropyWithLogits(logits: TensorLike, target: TensorLike, options: LossOptions = {}): Tensor {
  const op = 'binaryCrossEntropyWithLogits';
  const [x, t] = pairOf(op, 'logits', logits, target);
  checkUnitInterval(op, 'the target', t);
  const softplus = stack([zerosLike(x), x], -1).logsumexp(-1);
  return reduce(op, softplus.sub(t.mul(x)), options);
}

/** The loss modules: a loss function with its reduction fixed at construction. */
abstract class Loss extends Module<[TensorLike, TensorLike], Tensor> {
  readonly reduction: Reduction;
  protected abstract readonly loss: LossFn;

  constructor(options: LossOptions = {}) {
    super();
    this.reduction = checkReduction(new.target.name, options.reduction ?? 'mean');
  }

  forward(input: TensorLike, target: TensorLike): Tensor {
    return this.loss(input, target, { reduction: this.reduction });
  }

  protected override extraRepr(): string {
    return `reduction='${this.reduction}'`;
  }
}

/** `mseLoss` as a module. @example new MSELoss().forward(y, t); */
export class MSELoss extends Loss {
  protected readonly loss = mseLoss;
}
/** `crossEntropy` as a module. @example new CrossEntropyLoss({ reduction: 'sum' }).forward(logits, labels); */
export class CrossEntropyLoss extends Loss {
  protected readonly loss = crossEntropy;
}
/** `nllLoss` as a module. @example new NLLLoss().forward(logProbs, labels); */
export class NLLLoss extends Loss {
  protected readonly loss = nllLoss;
}
/** `binaryCrossEntropy` as a module. @example new BCELoss().forward(probs, targets); */
export class BCELoss extends Loss {
  protected readonly loss = binaryCrossEntropy;
}
/** `binaryCrossEntropyWithLogits` as a module. @example new BCEWithLogitsLoss().forward(logits, targets); */
export class BCEWithLogitsLoss extends Loss {
  protected readonly loss = binaryCrossEntropyWithLogits;
}
