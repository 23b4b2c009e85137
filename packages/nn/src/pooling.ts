/**
 * Pooling layers with PyTorch's names and defaults (the stride defaults to the kernel size).
 */
import {
  adaptiveAvgPool2d, avgPool1d, avgPool2d, maxPool1d, maxPool2d,
  type AvgPool1dOptions, type AvgPool2dOptions, type MaxPool1dOptions, type MaxPool2dOptions, type Tensor, type TensorLike,
} from '@tapegrad/core';
import { Module } from './module.js';
import { toTensor } from './util.js';

function showSize(v: unknown): string {
  return Array.isArray(v) ? `[${v.join(', ')}]` : String(v);
}

/**
 * 2-d max pooling, PyTorch's `nn.MaxPool2d`; the gradient goes to the first maximum of each window.
 * @example
 *   new MaxPool2d(2).forward(zeros([100, 30, 24, 24])).shape; // [100, 30, 12, 12]
 */
export class MaxPool2d extends Module<[TensorLike], Tensor> {
  constructor(readonly kernelSize: number | [number, number], readonly options: MaxPool2dOptions = {}) {
    super();
  }
  forward(x: TensorLike): Tensor {
    return maxPool2d(toTensor(x), this.kernelSize, this.options);
  }
  protected override extraRepr(): string {
    return `kernelSize=${showSize(this.kernelSize)}, stride=${showSize(this.options.stride ?? this.kernelSize)}` +
      (this.options.padding ? `, padding=${showSize(this.options.padding)}` : '') + (this.options.ceilMode ? ', ceilMode=true' : '');
  }
}

/**
 * 1-d max pooling, PyTorch's `nn.MaxPool1d`.
 * @example
 *   new MaxPool1d(2).forward(zeros([4, 3, 10])).shape; // [4, 3, 5]
 */
export class MaxPool1d extends Module<[TensorLike], Tensor> {
  constructor(readonly kernelSize: number, readonly options: MaxPool1dOptions = {}) {
    super();
  }
  forward(x: TensorLike): Tensor {
    return maxPool1d(toTensor(x), this.kernelSize, this.options);
  }
  protected override extraRepr(): string {
    return `kernelSize=${this.kernelSize}, stride=${showSize(this.options.stride ?? this.kernelSize)}`;
  }
}

/**
 * 2-d average pooling, PyTorch's `nn.AvgPool2d` (padding counts in the divisor unless `countIncludePad: false`).
 * @example
 *   new AvgPool2d(2).forward(zeros([1, 3, 8, 8])).shape; // [1, 3, 4, 4]
 */
export class AvgPool2d extends Module<[TensorLike], Tensor> {
  constructor(readonly kernelSize: number | [number, number], readonly options: AvgPool2dOptions = {}) {
    super();
  }
  forward(x: TensorLike): Tensor {
    return avgPool2d(toTensor(x), this.kernelSize, this.options);
  }
  protected override extraRepr(): string {
    return `kernelSize=${showSize(this.kernelSize)}, stride=${showSize(this.options.stride ?? this.kernelSize)}` +
      (this.options.padding ? `, padding=${showSize(this.options.padding)}` : '');
  }
}

/**
 * 1-d average pooling, PyTorch's `nn.AvgPool1d`.
 * @example
 *   new AvgPool1d(2).forward(zeros([4, 3, 10])).shape; // [4, 3, 5]
 */
export class AvgPool1d extends Module<[TensorLike], Tensor> {
  constructor(readonly kernelSize: number, readonly options: AvgPool1dOptions = {}) {
    super();
  }
  forward(x: TensorLike): Tensor {
    return avgPool1d(toTensor(x), this.kernelSize, this.options);
  }
  protected override extraRepr(): string {
    return `kernelSize=${this.kernelSize}, stride=${showSize(this.options.stride ?? this.kernelSize)}`;
  }
}

/**
 * Average pooling to a fixed output size, PyTorch's `nn.AdaptiveAvgPool2d` (null keeps that axis).
 * @example
 *   new AdaptiveAvgPool2d(1).forward(zeros([2, 64, 7, 7])).shape; // [2, 64, 1, 1]
 */
export class AdaptiveAvgPool2d extends Module<[TensorLike], Tensor> {
  constructor(readonly outputSize: number | [number | null, number | null]) {
    super();
  }
  forward(x: TensorLike): Tensor {
    return adaptiveAvgPool2d(toTensor(x), this.outputSize);
  }
  protected override extraRepr(): string {
    return `outputSize=${showSize(this.outputSize)}`;
  }
}
