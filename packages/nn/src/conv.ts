/**
 * Convolution layers with PyTorch's names, defaults, weight layouts and initialisation:
 * `Conv1d`, `Conv2d` (weight (out, in/groups, kh, kw)) and `ConvTranspose2d` (weight
 * (in, out/groups, kh, kw)). The course's init schemes are one option away.
 */
import {
  ArgumentError, ShapeError, ValueError, conv1d, isTensor, conv2d, convTranspose2d, getGlobalGenerator, zeros,
  type FloatDType, type Tensor, type TensorLike,
} from '@tapegrad/core';
import type { RandomSource } from './init.js';
import { Module } from './module.js';
import { Parameter } from './parameter.js';
import { toTensor } from './util.js';

/**
 * How a convolution's weight is drawn (fan-in = in/groups · kh · kw, for the transposed
 * convolution out/groups · kh · kw, as PyTorch computes it):
 * - `'pytorch'` (the default): PyTorch's `kaiming_uniform_(a=√5)`, uniform on ±1/√fanIn, and the
 *   bias uniform on ±1/√fanIn too, drawn after the weight;
 * - `'randn'`: the course's `weight_init_std * np.random.randn(*shape)` (scale `weightInit`, default 0.01);
 * - `'rand'`: `np.random.rand(*shape)`;
 * - `'xavier'`: `np.random.randn(*shape) / np.sqrt(fanIn)`; `'he'`: `np.random.randn(*shape) * np.sqrt(2 / fanIn)`
 *   (the course's DeepConvNet fan-ins: in · kh · kw);
 * - a function of the shape and the generator, returning the tensor.
 * The course's schemes and custom functions start the bias at zeros.
 */
export type ConvInitScheme = 'pytorch' | 'randn' | 'rand' | 'xavier' | 'he' | ((shape: readonly number[], generator: RandomSource) => Tensor);

export interface ConvInitOptions {
  /** Default `'pytorch'`. */
  init?: ConvInitScheme;
  /** The scale of `'randn'` (the course's `weight_init_std`). Default 0.01. */
  weightInit?: number;
  /** Where the random numbers come from. Default: the global generator (seeded by `manualSeed`). */
  generator?: RandomSource;
  /** Default float64. */
  dtype?: FloatDType;
}

/** Draws a weight of `shape` and its bias (F) in that order. */
function initConv(op: string, shape: readonly number[], fanIn: number, outChannels: number, bias: boolean, o: ConvInitOptions): [Tensor, Tensor | null] {
  const { init = 'pytorch', weightInit = 0.01, generator = getGlobalGenerator() } = o;
  if (typeof weightInit !== 'number' || !Number.isFinite(weightInit)) throw new ValueError(`${op}: weightInit must be a finite number, got ${String(weightInit)}`);
  const uniform = (s: readonly number[]) => {
    const bound = 1 / Math.sqrt(fanIn);
    // NOTE: low + (high − low)·rand, numpy's uniform(-k, k, shape) bit for bit.
    return generator.rand(s).mul(2 * bound).add(-bound);
  };
  let w: Tensor;
  if (typeof init === 'function') {
    w = init(shape, generator);
    if (!isTensor(w) || w.shape.length !== shape.length || w.shape.some((d, i) => d !== shape[i])) {
      throw new ShapeError(`${op}: a custom init must return a Tensor of shape [${shape.join(',')}], got ${isTensor(w) ? `[${w.shape.join(',')}]` : typeof w}`);
    }
  } else {
    switch (init) {
      case 'pytorch': w = uniform(shape); break;
      case 'randn': w = generator.randn(shape).mul(weightInit); break;
      case 'rand': w = generator.rand(shape); break;
      case 'xavier': w = generator.randn(shape).div(Math.sqrt(fanIn)); break;
      case 'he': w = generator.randn(shape).mul(Math.sqrt(2 / fanIn)); break;
      default: throw new ArgumentError(`${op}: unknown init ${JSON.stringify(init)}; use 'pytorch', 'randn', 'rand', 'xavier', 'he' or a function`);
    }
  }
  const b = !bias ? null : init === 'pytorch' ? uniform([outChannels]) : zeros([outChannels]);
  return [w, b];
}

function positive(op: string, name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) throw new ArgumentError(`${op}: ${name} must be a positive integer, got ${String(v)}`);
  return v;
}

function sizes(op: string, name: string, v: unknown, n: number): number[] {
  const arr = typeof v === 'number' ? new Array<number>(n).fill(v) : v;
  if (!Array.isArray(arr) || arr.length !== n || arr.some((d) => typeof d !== 'number' || !Number.isInteger(d) || d <= 0)) {
    throw new ArgumentError(`${op}: ${name} must be a positive integer or ${n} of them, got ${JSON.stringify(v)}`);
  }
  return arr as number[];
}

function checkGroups(op: string, inC: number, outC: number, groups: number): void {
  positive(op, 'groups', groups);
  if (inC % groups !== 0 || outC % groups !== 0) {
    throw new ValueError(`${op}: inChannels (${inC}) and outChannels (${outC}) must both divide by groups (${groups})`);
  }
}

function showSize(v: unknown): string {
  return Array.isArray(v) ? `[${v.join(', ')}]` : String(v);
}

export interface Conv2dOptions extends ConvInitOptions {
  stride?: number | [number, number];
  padding?: number | [number, number] | 'valid' | 'same';
  dilation?: number | [number, number];
  groups?: number;
  /** Default true. */
  bias?: boolean;
}

/**
 * 2-d convolution, PyTorch's `nn.Conv2d`: weight (out, in/groups, kh, kw), bias (out);
 * input (N, in, H, W) or (in, H, W).
 * @example
 *   const conv = new Conv2d(1, 30, 5); // the course's SimpleConvNet filter bank
 *   conv.forward(zeros([100, 1, 28, 28])).shape; // [100, 30, 24, 24]
 */
export class Conv2d extends Module<[TensorLike], Tensor> {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernelSize: [number, number];
  readonly stride: number | [number, number];
  readonly padding: number | [number, number] | 'valid' | 'same';
  readonly dilation: number | [number, number];
  readonly groups: number;
  weight: Parameter;
  bias: Parameter | null;

  constructor(inChannels: number, outChannels: number, kernelSize: number | [number, number], options: Conv2dOptions = {}) {
    super();
    const op = 'Conv2d';
    this.inChannels = positive(op, 'inChannels', inChannels);
    this.outChannels = positive(op, 'outChannels', outChannels);
    this.kernelSize = sizes(op, 'kernelSize', kernelSize, 2) as [number, number];
    this.stride = options.stride ?? 1;
    this.padding = options.padding ?? 0;
    this.dilation = options.dilation ?? 1;
    this.groups = options.groups ?? 1;
    checkGroups(op, inChannels, outChannels, this.groups);
    const shape = [outChannels, inChannels / this.groups, ...this.kernelSize];
    const [w, b] = initConv(op, shape, (inChannels / this.groups) * this.kernelSize[0] * this.kernelSize[1], outChannels, options.bias ?? true, options);
    const dtype = options.dtype ?? 'float64';
    this.weight = new Parameter(w, { dtype });
    this.bias = b === null ? null : new Parameter(b, { dtype });
  }

  forward(input: TensorLike): Tensor {
    return conv2d(toTensor(input), this.weight, this.bias, { stride: this.stride, padding: this.padding, dilation: this.dilation, groups: this.groups });
  }

  protected override extraRepr(): string {
    return `${this.inChannels}, ${this.outChannels}, kernelSize=${showSize(this.kernelSize)}, stride=${showSize(this.stride)}` +
      (this.padding !== 0 ? `, padding=${typeof this.padding === 'string' ? `'${this.padding}'` : showSize(this.padding)}` : '') +
      (this.dilation !== 1 ? `, dilation=${showSize(this.dilation)}` : '') +
      (this.groups !== 1 ? `, groups=${this.groups}` : '') + (this.bias === null ? ', bias=false' : '');
  }
}

export interface Conv1dOptions extends ConvInitOptions {
  stride?: number;
  padding?: number | 'valid' | 'same';
  dilation?: number;
  groups?: number;
  bias?: boolean;
}

/**
 * 1-d convolution, PyTorch's `nn.Conv1d`: weight (out, in/groups, k), input (N, in, L) or (in, L).
 * @example
 *   new Conv1d(2, 4, 3, { padding: 1 }).forward(zeros([8, 2, 10])).shape; // [8, 4, 10]
 */
export class Conv1d extends Module<[TensorLike], Tensor> {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernelSize: number;
  readonly stride: number;
  readonly padding: number | 'valid' | 'same';
  readonly dilation: number;
  readonly groups: number;
  weight: Parameter;
  bias: Parameter | null;

  constructor(inChannels: number, outChannels: number, kernelSize: number, options: Conv1dOptions = {}) {
    super();
    const op = 'Conv1d';
    this.inChannels = positive(op, 'inChannels', inChannels);
    this.outChannels = positive(op, 'outChannels', outChannels);
    this.kernelSize = positive(op, 'kernelSize', kernelSize);
    this.stride = options.stride ?? 1;
    this.padding = options.padding ?? 0;
    this.dilation = options.dilation ?? 1;
    this.groups = options.groups ?? 1;
    checkGroups(op, inChannels, outChannels, this.groups);
    const [w, b] = initConv(op, [outChannels, inChannels / this.groups, kernelSize], (inChannels / this.groups) * kernelSize, outChannels, options.bias ?? true, options);
    const dtype = options.dtype ?? 'float64';
    this.weight = new Parameter(w, { dtype });
    this.bias = b === null ? null : new Parameter(b, { dtype });
  }

  forward(input: TensorLike): Tensor {
    return conv1d(toTensor(input), this.weight, this.bias, { stride: this.stride, padding: this.padding, dilation: this.dilation, groups: this.groups });
  }

  protected override extraRepr(): string {
    return `${this.inChannels}, ${this.outChannels}, kernelSize=${this.kernelSize}, stride=${this.stride}` +
      (this.padding !== 0 ? `, padding=${typeof this.padding === 'string' ? `'${this.padding}'` : this.padding}` : '') +
      (this.dilation !== 1 ? `, dilation=${this.dilation}` : '') + (this.groups !== 1 ? `, groups=${this.groups}` : '') +
      (this.bias === null ? ', bias=false' : '');
  }
}

export interface ConvTranspose2dOptions extends ConvInitOptions {
  stride?: number | [number, number];
  padding?: number | [number, number];
  outputPadding?: number | [number, number];
  dilation?: number | [number, number];
  groups?: number;
  bias?: boolean;
}

/**
 * 2-d transposed convolution, PyTorch's `nn.ConvTranspose2d`: weight (in, out/groups, kh, kw), bias (out).
 * @example
 *   new ConvTranspose2d(16, 8, 2, { stride: 2 }).forward(zeros([1, 16, 7, 7])).shape; // [1, 8, 14, 14]
 */
export class ConvTranspose2d extends Module<[TensorLike], Tensor> {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernelSize: [number, number];
  readonly stride: number | [number, number];
  readonly padding: number | [number, number];
  readonly outputPadding: number | [number, number];
  readonly dilation: number | [number, number];
  readonly groups: number;
  weight: Parameter;
  bias: Parameter | null;

  constructor(inChannels: number, outChannels: number, kernelSize: number | [number, number], options: ConvTranspose2dOptions = {}) {
    super();
    const op = 'ConvTranspose2d';
    this.inChannels = positive(op, 'inChannels', inChannels);
    this.outChannels = positive(op, 'outChannels', outChannels);
    this.kernelSize = sizes(op, 'kernelSize', kernelSize, 2) as [number, number];
    this.stride = options.stride ?? 1;
    this.padding = options.padding ?? 0;
    this.outputPadding = options.outputPadding ?? 0;
    this.dilation = options.dilation ?? 1;
    this.groups = options.groups ?? 1;
    checkGroups(op, inChannels, outChannels, this.groups);
    const shape = [inChannels, outChannels / this.groups, ...this.kernelSize];
    // NOTE: PyTorch's fan-in of this weight is its axis 1 times the kernel: out/groups · kh · kw.
    const [w, b] = initConv(op, shape, (outChannels / this.groups) * this.kernelSize[0] * this.kernelSize[1], outChannels, options.bias ?? true, options);
    const dtype = options.dtype ?? 'float64';
    this.weight = new Parameter(w, { dtype });
    this.bias = b === null ? null : new Parameter(b, { dtype });
  }

  forward(input: TensorLike): Tensor {
    return convTranspose2d(toTensor(input), this.weight, this.bias, {
      stride: this.stride, padding: this.padding, outputPadding: this.outputPadding, dilation: this.dilation, groups: this.groups,
    });
  }

  protected override extraRepr(): string {
    return `${this.inChannels}, ${this.outChannels}, kernelSize=${showSize(this.kernelSize)}, stride=${showSize(this.stride)}` +
      (this.padding !== 0 ? `, padding=${showSize(this.padding)}` : '') + (this.outputPadding !== 0 ? `, outputPadding=${showSize(this.outputPadding)}` : '') +
      (this.groups !== 1 ? `, groups=${this.groups}` : '') + (this.bias === null ? ', bias=false' : '');
  }
}
