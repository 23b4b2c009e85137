/**
 * Activations as modules (for `Sequential`) and as functions. The functions are core's
 * ops, re-exported so that `@tapegrad/nn` alone is enough to build the course's networks.
 */
import { Tensor, logSoftmax, relu, sigmoid, softmax, step, tanh, type TensorLike } from '@tapegrad/core';
import { toTensor } from './util.js';
import { Module } from './module.js';

export { relu, sigmoid, tanh, step, softmax, logSoftmax };

/** The output layer of regression, `f(u) = u`: returns its input (on the tape). @example identity(x) === x; // true */
export function identity(x: TensorLike): Tensor {
  return toTensor(x);
}

/** max(0, x). @example new ReLU().forward([-1, 2]); // [0, 2] */
export class ReLU extends Module<[TensorLike], Tensor> {
  forward(x: TensorLike): Tensor { return relu(x); }
}

/** 1 / (1 + e⁻ˣ). @example new Sigmoid().forward([0]); // [0.5] */
export class Sigmoid extends Module<[TensorLike], Tensor> {
  forward(x: TensorLike): Tensor { return sigmoid(x); }
}

/** tanh(x). @example new Tanh().forward([0]); // [0] */
export class Tanh extends Module<[TensorLike], Tensor> {
  forward(x: TensorLike): Tensor { return tanh(x); }
}

/** The course's step function: 1 where x > 0, else 0 (zero gradient). @example new Step().forward([-1, 2]); // [0, 1] */
export class Step extends Module<[TensorLike], Tensor> {
  forward(x: TensorLike): Tensor { return step(x); }
}

/** f(u) = u, the regression output layer. @example new Identity().forward(x) === x; // true */
export class Identity extends Module<[TensorLike], Tensor> {
  forward(x: TensorLike): Tensor { return identity(x); }
}

/** Base of the activations that work along one axis. */
abstract class AxisActivation extends Module<[TensorLike], Tensor> {
  constructor(readonly axis = -1) {
    super();
  }
  protected override extraRepr(): string {
    return `axis=${this.axis}`;
  }
}

/** exp(x) / Σ exp(x) along `axis` (default the last: row-wise for a batch). @example new Softmax().forward([[1, 2, 3]]); */
export class Softmax extends AxisActivation {
  forward(x: TensorLike): Tensor { return softmax(x, this.axis); }
}

/** log softmax along `axis`, finite for logits of ±1000. @example new LogSoftmax(1).forward([[0, 0]]); // [[-0.693, -0.693]] */
export class LogSoftmax extends AxisActivation {
  forward(x: TensorLike): Tensor { return logSoftmax(x, this.axis); }
}
