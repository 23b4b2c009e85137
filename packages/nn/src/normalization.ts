/**
 * Normalisation layers with PyTorch's semantics: `BatchNorm1d`, `BatchNorm2d` (running statistics
 * as buffers, switched by `train()` / `eval()`) and `LayerNorm`.
 */
import {
  ArgumentError, ShapeError, ValueError, batchNorm, bumpVersion, layerNorm, ones, tensor, zeros,
  type FloatDType, type Tensor, type TensorLike,
} from '@tapegrad/core';
import { Module } from './module.js';
import { Parameter } from './parameter.js';
import { toTensor } from './util.js';

export interface BatchNormOptions {
  /** Weight of the new batch statistic in the running average; null: a cumulative average over the batches so far. Default 0.1. */
  momentum?: number | null;
  /** Default 1e-5. */
  eps?: number;
  /** Learnable weight (ones) and bias (zeros). Default true. */
  affine?: boolean;
  /** Keep running statistics (used in eval mode); without them eval mode uses the batch's. Default true. */
  trackRunningStats?: boolean;
  /** Default float64. */
  dtype?: FloatDType;
}

abstract class BatchNormBase extends Module<[TensorLike], Tensor> {
  readonly numFeatures: number;
  readonly momentum: number | null;
  readonly eps: number;
  readonly affine: boolean;
  readonly trackRunningStats: boolean;
  weight: Parameter | null;
  bias: Parameter | null;
  declare runningMean: Tensor | null;
  declare runningVar: Tensor | null;
  declare numBatchesTracked: Tensor | null;

  constructor(numFeatures: number, options: BatchNormOptions = {}) {
    super();
    const op = this.constructor.name;
    if (typeof numFeatures !== 'number' || !Number.isInteger(numFeatures) || numFeatures <= 0) {
      throw new ArgumentError(`${op}: numFeatures must be a positive integer, got ${String(numFeatures)}`);
    }
    this.numFeatures = numFeatures;
    const { momentum = 0.1, eps = 1e-5, affine = true, trackRunningStats = true, dtype = 'float64' } = options;
    if (momentum !== null && (typeof momentum !== 'number' || !Number.isFinite(momentum))) throw new ValueError(`${op}: momentum must be a number or null, got ${String(momentum)}`);
    if (typeof eps !== 'number' || !(eps >= 0)) throw new ValueError(`${op}: eps must be a number ≥ 0, got ${String(eps)}`);
    this.momentum = momentum;
    this.eps = eps;
    this.affine = affine;
    this.trackRunningStats = trackRunningStats;
    this.weight = affine ? new Parameter(ones([numFeatures]), { dtype }) : null;
    this.bias = affine ? new Parameter(zeros([numFeatures]), { dtype }) : null;
    this.registerBuffer('runningMean', trackRunningStats ? zeros([numFeatures], { dtype }) : null);
    this.registerBuffer('runningVar', trackRunningStats ? ones([numFeatures], { dtype }) : null);
    this.registerBuffer('numBatchesTracked', trackRunningStats ? tensor(0, { dtype: 'int32' }) : null);
  }

  /** Throws unless x has the ranks this layer takes. */
  protected abstract checkInput(x: Tensor): void;

  forward(input: TensorLike): Tensor {
    const x = toTensor(input);
    this.checkInput(x);
    if (x.shape[1] !== this.numFeatures) {
      throw new ShapeError(`${this.constructor.name}(${this.numFeatures}): input of shape [${x.shape.join(',')}] must have ${this.numFeatures} channels on axis 1`);
    }
    let factor = this.momentum ?? 0;
    if (this.training && this.trackRunningStats && this.numBatchesTracked !== null) {
      this.numBatchesTracked.data[0] = this.numBatchesTracked.data[0]! + 1;
      bumpVersion(this.numBatchesTracked);
      factor = this.momentum ?? 1 / this.numBatchesTracked.data[0]!;
    }
    const useBatch = this.training || (this.runningMean === null && this.runningVar === null);
    const keep = !this.training || this.trackRunningStats;
    return batchNorm(x, keep ? this.runningMean : null, keep ? this.runningVar : null, this.weight, this.bias, {
      training: useBatch, momentum: factor, eps: this.eps,
    });
  }

  protected override extraRepr(): string {
    return `${this.numFeatures}, eps=${this.eps}, momentum=${this.momentum}, affine=${this.affine}, trackRunningStats=${this.trackRunningStats}`;
  }
}

/**
 * Batch normalisation over (N, C) or (N, C, L), PyTorch's `nn.BatchNorm1d`. In training mode it
 * normalises with the batch's statistics and updates the running ones (buffers, saved by
 * `stateDict()`); after `eval()` it uses the running ones.
 * @example
 *   const bn = new BatchNorm1d(40);
 *   bn.forward(randn([100, 40])); bn.eval(); // now normalises with bn.runningMean, bn.runningVar
 */
export class BatchNorm1d extends BatchNormBase {
  protected checkInput(x: Tensor): void {
    if (x.ndim !== 2 && x.ndim !== 3) throw new ShapeError(`BatchNorm1d: expected a 2-d (N, C) or 3-d (N, C, L) input, got shape [${x.shape.join(',')}]`);
  }
}

/**
 * Batch normalisation per channel of (N, C, H, W), PyTorch's `nn.BatchNorm2d`.
 * @example
 *   new BatchNorm2d(16).forward(randn([8, 16, 28, 28])).shape; // [8, 16, 28, 28]
 */
export class BatchNorm2d extends BatchNormBase {
  protected checkInput(x: Tensor): void {
    if (x.ndim !== 4) throw new ShapeError(`BatchNorm2d: expected a 4-d (N, C, H, W) input, got shape [${x.shape.join(',')}]`);
  }
}

export interface LayerNormOptions {
  /** Default 1e-5. */
  eps?: number;
  /** Learnable weight (ones) and bias (zeros) of the normalized shape. Default true. */
  elementwiseAffine?: boolean;
  dtype?: FloatDType;
}

/**
 * Layer normalisation over the last axes, PyTorch's `nn.LayerNorm(normalizedShape)`.
 * @example
 *   new LayerNorm(3).forward([[1, 2, 3]]); // [[-1.2247, 0, 1.2247]]
 */
export class LayerNorm extends Module<[TensorLike], Tensor> {
  readonly normalizedShape: number[];
  readonly eps: number;
  weight: Parameter | null;
  bias: Parameter | null;

  constructor(normalizedShape: number | readonly number[], options: LayerNormOptions = {}) {
    super();
    const ns = typeof normalizedShape === 'number' ? [normalizedShape] : Array.isArray(normalizedShape) ? normalizedShape.slice() : null;
    if (ns === null || ns.length === 0 || ns.some((d) => typeof d !== 'number' || !Number.isInteger(d) || d <= 0)) {
      throw new ArgumentError(`LayerNorm: normalizedShape must be a positive integer or a non-empty array of them, got ${JSON.stringify(normalizedShape)}`);
    }
    this.normalizedShape = ns;
    this.eps = options.eps ?? 1e-5;
    const affine = options.elementwiseAffine ?? true;
    const dtype = options.dtype ?? 'float64';
    this.weight = affine ? new Parameter(ones(ns), { dtype }) : null;
    this.bias = affine ? new Parameter(zeros(ns), { dtype }) : null;
  }

  forward(input: TensorLike): Tensor {
    return layerNorm(toTensor(input), this.normalizedShape, this.weight, this.bias, this.eps);
  }

  protected override extraRepr(): string {
    return `[${this.normalizedShape.join(', ')}], eps=${this.eps}`;
  }
}
