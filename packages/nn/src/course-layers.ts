/**
 * The course's Day-2 layers where they differ from PyTorch's, and its weight penalties:
 * non-inverted `Dropout` (scaled at inference), per-element `BatchNormalization` (eps 1e-6,
 * momentum 0.9 on the old value, running statistics starting at zero), and the L1 and L2
 * terms exactly as the course adds them. nn's own layers keep PyTorch's semantics.
 */
import {
  ArgumentError, ShapeError, Tensor, getGlobalGenerator, noGrad, zeros, type TensorLike,
} from '@tapegrad/core';
import type { RandomSource } from './init.js';
import { Module } from './module.js';
import { Parameter } from './parameter.js';
import { shapeOf, toTensor } from './util.js';

function ratioOf(op: string, v: unknown): number {
  if (typeof v !== 'number' || !(v >= 0 && v < 1)) throw new ArgumentError(`${op}: the ratio must be a number in [0, 1), got ${String(v)}`);
  return v;
}

export interface CourseDropoutOptions {
  /** Where the masks come from (one `rand(x.shape)` per training forward). Default: the global generator. */
  generator?: Pick<RandomSource, 'rand'>;
}

/**
 * The course's dropout: in training `x · mask` with `mask = rand(x.shape) > dropoutRatio`
 * (no rescaling); in evaluation `x · (1 − dropoutRatio)`.
 * NOTE: not PyTorch's inverted dropout (nn's `Dropout` scales by 1/(1 − p) in training instead).
 * @example
 *   const drop = new course.Dropout(0.5, { generator: new Generator(0) });
 *   drop.eval().forward([2, 4]); // [1, 2]
 */
export class Dropout extends Module<[TensorLike], Tensor> {
  readonly dropoutRatio: number;
  /** The last training mask (1 kept, 0 dropped), as the course keeps `self.mask`. */
  mask: Tensor | null = null;
  private readonly generator: Pick<RandomSource, 'rand'>;

  constructor(dropoutRatio = 0.5, options: CourseDropoutOptions = {}) {
    super();
    this.dropoutRatio = ratioOf('course.Dropout', dropoutRatio);
    this.generator = options.generator ?? getGlobalGenerator();
  }

  forward(input: TensorLike): Tensor {
    const x = toTensor(input);
    if (!this.training) return x.mul(1 - this.dropoutRatio);
    const r = this.generator.rand(x.shape)._data;
    const keep = x.dtype === 'float32' ? new Float32Array(r.length) : new Float64Array(r.length);
    for (let i = 0; i < r.length; i++) keep[i] = r[i]! > this.dropoutRatio ? 1 : 0;
    this.mask = new Tensor(keep, x.shape);
    return x.mul(this.mask);
  }

  protected override extraRepr(): string {
    return `ratio=${this.dropoutRatio}`;
  }
}

export interface CourseBatchNormOptions {
  /** Weight of the old running value: `run = momentum·run + (1 − momentum)·batch`. Default 0.9. */
  momentum?: number;
  /** Added to the variance under the root. Default 1e-6 (the course's `10e-7`). */
  eps?: number;
}

/**
 * The course's batch normalization: each of the `numFeatures` elements of a sample (a 4-d input is
 * flattened to (N, C·H·W): per element, not per channel) is normalised over the batch with the
 * biased variance, then `gamma · xn + beta`. Training updates `runningMean`/`runningVar`
 * (zeros before the first forward) as `0.9·run + 0.1·batch`; evaluation uses them.
 * NOTE: nn's `BatchNorm1d/2d` are PyTorch's (per channel, eps 1e-5, momentum 0.1 on the new
 * value, unbiased running variance starting at one).
 * @example
 *   const bn = new course.BatchNormalization(2);
 *   bn.forward([[1, 2], [3, 6]]); // [[-0.9999995, -0.99999988], [0.9999995, 0.99999988]]
 */
export class BatchNormalization extends Module<[TensorLike], Tensor> {
  readonly numFeatures: number;
  readonly momentum: number;
  readonly eps: number;
  gamma: Parameter;
  beta: Parameter;
  /** Buffers (saved by `stateDict` once set), null until the first forward, as the course's `running_mean = None`. */
  declare runningMean: Tensor | null;
  declare runningVar: Tensor | null;

  constructor(numFeatures: number, options: CourseBatchNormOptions = {}) {
    super();
    const op = 'course.BatchNormalization';
    if (!Number.isInteger(numFeatures) || numFeatures <= 0) throw new ArgumentError(`${op}: numFeatures must be a positive integer, got ${String(numFeatures)}`);
    const { momentum = 0.9, eps = 1e-6 } = options;
    if (!(momentum >= 0 && momentum <= 1)) throw new ArgumentError(`${op}: momentum must be in [0, 1], got ${String(momentum)}`);
    if (!(eps > 0)) throw new ArgumentError(`${op}: eps must be > 0, got ${String(eps)}`);
    this.numFeatures = numFeatures;
    this.momentum = momentum;
    this.eps = eps;
    this.gamma = new Parameter(zeros([numFeatures]).add(1));
    this.beta = new Parameter(zeros([numFeatures]));
    this.registerBuffer('runningMean', null);
    this.registerBuffer('runningVar', null);
  }

  forward(input: TensorLike): Tensor {
    const x = toTensor(input);
    const n = x.shape[0] ?? 0;
    if (x.ndim < 2 || x.size !== n * this.numFeatures) {
      throw new ShapeError(`course.BatchNormalization(${this.numFeatures}): input of shape ${shapeOf(x)} must be (N, …) with ${this.numFeatures} elements per sample`);
    }
    const flat = x.reshape([n, this.numFeatures]);
    if (this.runningMean === null || this.runningVar === null) {
      this.runningMean = zeros([this.numFeatures]);
      this.runningVar = zeros([this.numFeatures]);
    }
    let xn: Tensor;
    if (this.training) {
      const mu = flat.mean(0);
      const xc = flat.sub(mu);
      const variance = xc.square().mean(0);
      xn = xc.div(variance.add(this.eps).sqrt());
      const [m, a] = [this.momentum, 1 - this.momentum];
      noGrad(() => {
        this.runningMean = this.runningMean!.mul(m).add(mu.detach().mul(a));
        this.runningVar = this.runningVar!.mul(m).add(variance.detach().mul(a));
      });
    } else {
      xn = flat.sub(this.runningMean).div(this.runningVar.add(this.eps).sqrt());
    }
    return this.gamma.mul(xn).add(this.beta).reshape(x.shape);
  }

  protected override extraRepr(): string {
    return `${this.numFeatures}, momentum=${this.momentum}, eps=${this.eps}`;
  }
}

function weightList(op: string, weights: Iterable<TensorLike>, lambda: number): Tensor[] {
  if (typeof lambda !== 'number' || !Number.isFinite(lambda) || lambda < 0) {
    throw new ArgumentError(`${op}: lambda must be a finite number ≥ 0, got ${String(lambda)}`);
  }
  const list = Array.from(weights, toTensor);
  if (list.length === 0) throw new ArgumentError(`${op}: no weights given`);
  return list;
}

/**
 * MultiLayerNet's weight decay term `Σ ½·λ·Σ W²` over the given weights; its gradient adds λW
 * to each weight's, as the course's `dW + λ·W`.
 * @example
 *   course.l2Penalty([W1, W2], 0.1); // added to the loss
 *   course.l2Penalty([[1, 2]], 0.1); // 0.25
 */
export function l2Penalty(weights: Iterable<TensorLike>, lambda: number): Tensor {
  const list = weightList('course.l2Penalty', weights, lambda);
  return list.map((w) => w.square().sum().mul(0.5 * lambda)).reduce((a, b) => a.add(b));
}

/**
 * The course's L1 term `Σ λ·Σ |W|` over the given weights; its gradient adds λ·sign(W)
 * (0 at 0, as `np.sign`), the course's `dW + λ·np.sign(W)`.
 * @example
 *   course.l1Penalty([W1, W2], 0.005); // added to the loss
 *   course.l1Penalty([[1, -2]], 0.5); // 1.5
 */
export function l1Penalty(weights: Iterable<TensorLike>, lambda: number): Tensor {
  const list = weightList('course.l1Penalty', weights, lambda);
  return list.map((w) => w.abs().sum().mul(lambda)).reduce((a, b) => a.add(b));
}
