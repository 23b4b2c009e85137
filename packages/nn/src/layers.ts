/**
 * Layers: the course's affine layer `np.dot(x, W) + b` as `Linear`, and `Sequential`
 * to chain layers into a network.
 */
import { fmt, ArgumentError, ShapeError, zeros, type FloatDType, type Tensor, type TensorLike } from '@tapegrad/core';
import { initBias, initWeight, type InitOptions } from './init.js';
import { Module } from './module.js';
import { Parameter } from './parameter.js';
import { toTensor } from './util.js';

export interface LinearOptions extends InitOptions {
  /** The initial weight, shape (in, out) — the course's fixed `W`. Default: drawn by `init`. */
  weight?: TensorLike;
  /** `false`: no bias. A value: the initial bias, shape (out). Default: drawn after the weight by `init` (zeros for the course's schemes, and beside a given weight). */
  bias?: boolean | TensorLike;
  /** Default float64. */
  dtype?: FloatDType;
}

function checkFeatures(name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) {
    throw new ArgumentError(`Linear: ${name} must be a positive integer, got ${String(v)}`);
  }
  return v;
}

function fixedParameter(name: string, value: TensorLike, shape: readonly number[], dtype: FloatDType): Parameter {
  const p = new Parameter(value, { dtype });
  if (p.shape.length !== shape.length || p.shape.some((d, i) => d !== shape[i])) {
    throw new ShapeError(`Linear: the given ${name} has shape ${fmt(p.shape)}, expected ${fmt(shape)}`);
  }
  return p;
}

/**
 * The affine layer: `forward(x) = x·W + b` with W stored as (in, out), exactly the
 * course's `np.dot(x, W) + b`. x may be 1-d (in) or batched (…, in). Weight and bias are
 * drawn as PyTorch's `nn.Linear` draws them (uniform on ±1/√in) unless `init` says otherwise:
 * `init: 'randn'` is the course's `0.01 * np.random.randn` with zero biases.
 * @example
 *   const layer = new Linear(2, 3, { weight: [[0.1, 0.3, 0.5], [0.2, 0.4, 0.6]], bias: [0.1, 0.2, 0.3] });
 *   layer.forward([[1, 5]]); // [[1.2, 2.5, 3.8]]
 */
export class Linear extends Module<[TensorLike], Tensor> {
  readonly inFeatures: number;
  readonly outFeatures: number;
  weight: Parameter;
  bias: Parameter | null;

  constructor(inFeatures: number, outFeatures: number, options: LinearOptions = {}) {
    super();
    this.inFeatures = checkFeatures('inFeatures', inFeatures);
    this.outFeatures = checkFeatures('outFeatures', outFeatures);
    const dtype = options.dtype ?? 'float64';
    this.weight = options.weight === undefined
      ? new Parameter(initWeight(inFeatures, outFeatures, options), { dtype })
      : fixedParameter('weight', options.weight, [inFeatures, outFeatures], dtype);
    const bias = options.bias ?? true;
    if (bias === false) this.bias = null;
    // NOTE: beside a given weight the bias starts at zeros (the course's fixed networks), drawing nothing.
    else if (bias === true) {
      const drawn = options.weight === undefined ? initBias(inFeatures, outFeatures, options) : zeros([outFeatures]);
      this.bias = new Parameter(drawn, { dtype });
    }
    else this.bias = fixedParameter('bias', bias, [outFeatures], dtype);
  }

  forward(input: TensorLike): Tensor {
    const x = toTensor(input);
    if (x.ndim === 0 || x.shape[x.ndim - 1] !== this.inFeatures) {
      throw new ShapeError(
        `Linear(${this.inFeatures} → ${this.outFeatures}): input of shape ${fmt(x.shape)} must end in ${this.inFeatures} features`,
      );
    }
    const u = x.matmul(this.weight);
    return this.bias === null ? u : u.add(this.bias);
  }

  protected override extraRepr(): string {
    return `in=${this.inFeatures}, out=${this.outFeatures}${this.bias === null ? ', bias=false' : ''}`;
  }
}

/** A layer that maps one tensor to one tensor (what `Sequential` chains). */
export type Layer = Module<[Tensor], Tensor>;

/**
 * Layers applied in order; parameters are named `layers.<i>.<name>`.
 * @example
 *   const net = new Sequential(new Linear(2, 3), new ReLU(), new Linear(3, 2), new Softmax());
 *   net.forward([[1, 5]]).shape; // [1, 2]
 */
export class Sequential extends Module<[TensorLike], Tensor> {
  readonly layers: Layer[];

  constructor(...layers: Layer[]) {
    super();
    layers.forEach((m: unknown, i) => {
      if (!(m instanceof Module)) throw new ArgumentError(`Sequential: argument ${i} is not a Module (got ${m === null ? 'null' : typeof m})`);
    });
    this.layers = layers;
  }

  /** The number of layers. */
  get length(): number {
    return this.layers.length;
  }

  /** Adds a layer at the end and returns this. @example net.append(new Linear(2, 1)); */
  append(layer: Layer): this {
    if (!((layer as unknown) instanceof Module)) throw new ArgumentError('Sequential.append: the argument is not a Module');
    this.layers.push(layer);
    return this;
  }

  forward(input: TensorLike): Tensor {
    return this.layers.reduce((x, layer) => layer.forward(x), toTensor(input));
  }
}
