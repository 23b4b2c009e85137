/**
 * Small layers with PyTorch's names: `Dropout` (switched by `train()` / `eval()`), `Flatten`
 * and `Embedding`.
 */
import {
  ArgumentError, ValueError, dropout, embedding, getGlobalGenerator,
  type FloatDType, type Generator, type Tensor, type TensorLike,
} from '@tapegrad/core';
import type { RandomSource } from './init.js';
import { Module } from './module.js';
import { Parameter } from './parameter.js';
import { toTensor } from './util.js';

/**
 * Inverted dropout, PyTorch's `nn.Dropout(p)`: in training mode each element is zeroed with
 * probability p and the rest scaled by 1/(1 − p); after `eval()` the input passes unchanged.
 * (The course's non-inverted dropout is `course.Dropout`.)
 * @example
 *   const drop = new Dropout(0.5, { generator: new Generator(0) });
 *   drop.eval().forward(x) === x; // true
 */
export class Dropout extends Module<[TensorLike], Tensor> {
  readonly p: number;
  private readonly generator: Pick<Generator, 'rand'> | undefined;

  constructor(p = 0.5, options: { generator?: Pick<Generator, 'rand'> } = {}) {
    super();
    if (typeof p !== 'number' || !(p >= 0 && p <= 1)) throw new ValueError(`Dropout: p must be a probability in [0, 1], got ${String(p)}`);
    this.p = p;
    this.generator = options.generator;
  }

  forward(x: TensorLike): Tensor {
    return dropout(toTensor(x), this.p, { training: this.training, generator: this.generator ?? getGlobalGenerator() });
  }

  protected override extraRepr(): string {
    return `p=${this.p}`;
  }
}

/**
 * Flattens axes startDim..endDim into one, PyTorch's `nn.Flatten` (default: all but the batch axis).
 * @example
 *   new Flatten().forward(zeros([100, 30, 12, 12])).shape; // [100, 4320]
 */
export class Flatten extends Module<[TensorLike], Tensor> {
  constructor(readonly startDim = 1, readonly endDim = -1) {
    super();
    if (!Number.isInteger(startDim) || !Number.isInteger(endDim)) throw new ArgumentError(`Flatten: startDim and endDim must be integers, got ${startDim} and ${endDim}`);
  }

  forward(input: TensorLike): Tensor {
    const x = toTensor(input);
    const nd = Math.max(x.ndim, 1);
    const s = this.startDim < 0 ? this.startDim + nd : this.startDim;
    const e = this.endDim < 0 ? this.endDim + nd : this.endDim;
    if (s < 0 || s >= nd || e < 0 || e >= nd || s > e) {
      throw new ArgumentError(`Flatten: startDim ${this.startDim} and endDim ${this.endDim} do not fit an input of shape [${x.shape.join(',')}]`);
    }
    if (x.ndim === 0) return x.reshape([1]);
    const merged = x.shape.slice(s, e + 1).reduce((a, b) => a * b, 1);
    return x.reshape([...x.shape.slice(0, s), merged, ...x.shape.slice(e + 1)]);
  }

  protected override extraRepr(): string {
    return `startDim=${this.startDim}, endDim=${this.endDim}`;
  }
}

export interface EmbeddingOptions {
  /** Where the initial N(0, 1) weight comes from. Default: the global generator. */
  generator?: RandomSource;
  /** The initial weight (numEmbeddings, dim) instead of a draw. */
  weight?: TensorLike;
  dtype?: FloatDType;
}

/**
 * A lookup table, PyTorch's `nn.Embedding(numEmbeddings, dim)`: integer indices of any shape
 * give rows of `weight` (initially N(0, 1), as PyTorch), shape indices.shape + [dim].
 * @example
 *   new Embedding(10, 3).forward(tensor([[1, 2], [4, 9]])).shape; // [2, 2, 3]
 */
export class Embedding extends Module<[TensorLike], Tensor> {
  readonly numEmbeddings: number;
  readonly embeddingDim: number;
  weight: Parameter;

  constructor(numEmbeddings: number, embeddingDim: number, options: EmbeddingOptions = {}) {
    super();
    for (const [name, v] of [['numEmbeddings', numEmbeddings], ['embeddingDim', embeddingDim]] as const) {
      if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) throw new ArgumentError(`Embedding: ${name} must be a positive integer, got ${String(v)}`);
    }
    this.numEmbeddings = numEmbeddings;
    this.embeddingDim = embeddingDim;
    const dtype = options.dtype ?? 'float64';
    const w = options.weight ?? (options.generator ?? getGlobalGenerator()).randn([numEmbeddings, embeddingDim]);
    this.weight = new Parameter(w, { dtype });
    if (this.weight.ndim !== 2 || this.weight.shape[0] !== numEmbeddings || this.weight.shape[1] !== embeddingDim) {
      throw new ValueError(`Embedding: the given weight has shape [${this.weight.shape.join(',')}], expected [${numEmbeddings},${embeddingDim}]`);
    }
  }

  forward(indices: TensorLike): Tensor {
    return embedding(indices, this.weight);
  }

  protected override extraRepr(): string {
    return `${this.numEmbeddings}, ${this.embeddingDim}`;
  }
}
