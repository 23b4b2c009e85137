/**
 * The course's `common/functions.py`: the same helpers under the same names in
 * camelCase, with the same argument order (the teacher signal `d` first) and the same
 * formulas — but on tensors and on the tape, so a learner can print a hand-written
 * derivative (`dSigmoid`, `dSoftmaxWithLoss`, …) beside the autograd gradient.
 *
 * `import { course } from '@tapegrad/nn'` or `import * as course from '@tapegrad/nn/course'`.
 */
import {
  fmt,
  ShapeError, Tensor, numericalGradient, oneHot, zeros,
  relu as coreRelu, sigmoid as coreSigmoid, softmax as coreSoftmax, step as coreStep,
  type TensorLike,
} from '@tapegrad/core';
import { classIndices, toTensor } from './util.js';

export { numericalGradient };
export { im2col, col2im } from './course-conv.js';

/** `1 / (1 + np.exp(-x))`, computed without overflow. @example course.sigmoid([0]); // [0.5] */
export function sigmoid(x: TensorLike): Tensor {
  return coreSigmoid(x);
}

/** `np.maximum(0, x)`. @example course.relu([-1, 2]); // [0, 2] */
export function relu(x: TensorLike): Tensor {
  return coreRelu(x);
}

/** `np.where(x > 0, 1, 0)`. NOTE: float 0/1 rather than numpy's int, to stay on the tape. @example course.stepFunction([-1, 2]); // [0, 1] */
export function stepFunction(x: TensorLike): Tensor {
  return coreStep(x);
}

/**
 * Softmax of a vector, or of each row of a batch (the course's two branches), shifted by the maximum.
 * @example
 *   course.softmax([1, 2, 3]); // [0.09003057, 0.24472847, 0.66524096]
 */
export function softmax(x: TensorLike): Tensor {
  const t = toTensor(x);
  if (t.ndim !== 1 && t.ndim !== 2) {
    throw new ShapeError(`course.softmax: takes a vector or a batch of rows (1-d or 2-d), got shape ${fmt(t.shape)}`);
  }
  return coreSoftmax(t, -1);
}

/**
 * `cross_entropy_error(d, softmax(x))`.
 * @example
 *   course.softmaxWithLoss([[0, 1]], [[1, 2]]); // 0.31326155
 */
export function softmaxWithLoss(d: TensorLike, x: TensorLike): Tensor {
  return crossEntropyError(d, softmax(x));
}

/**
 * `np.mean(np.square(d - y)) / 2`.
 * @example
 *   course.meanSquaredError([1, 0], [0.5, 0.5]); // 0.125
 */
export function meanSquaredError(d: TensorLike, y: TensorLike): Tensor {
  return toTensor(d).sub(y).square().mean().div(2);
}

/**
 * `-np.sum(np.log(y[np.arange(batch_size), d] + 1e-7)) / batch_size`: 1-d inputs are a
 * batch of one, and a one-hot `d` (as many elements as `y`) becomes indices by argmax.
 * @example
 *   course.crossEntropyError([[0, 1]], [[0.2, 0.8]]); // 0.22314343
 */
export function crossEntropyError(d: TensorLike, y: TensorLike): Tensor {
  const op = 'course.crossEntropyError';
  let labels = toTensor(d);
  let probs = toTensor(y);
  if (probs.ndim === 1) {
    labels = labels.reshape([1, labels.size]);
    probs = probs.reshape([1, probs.size]);
  }
  if (probs.ndim !== 2) throw new ShapeError(`${op}: y must be 1-d or 2-d, got shape ${fmt(probs.shape)}`);
  const [batchSize, classes] = probs.shape as [number, number];
  if (labels.size === probs.size) labels = labels.reshape(probs.shape).argmax(1);
  if (labels.size !== batchSize) {
    throw new ShapeError(
      `${op}: d of shape ${fmt(toTensor(d).shape)} is neither one label per row nor one-hot rows for y of shape ${fmt(probs.shape)}`,
    );
  }
  const picked = probs.takeAlongAxis(classIndices(op, labels, classes).reshape([batchSize, 1]), 1);
  return picked.add(1e-7).log().sum().neg().div(batchSize);
}

/** `(1.0 - sigmoid(x)) * sigmoid(x)`: the derivative of sigmoid at the total input x. @example course.dSigmoid([0]); // [0.25] */
export function dSigmoid(x: TensorLike): Tensor {
  const s = coreSigmoid(x);
  return s.neg().add(1).mul(s);
}

/**
 * `np.where(x > 0, 1, 0)`: the derivative of ReLU (0 at x = 0). NOTE: 0/1 in x's float dtype (numpy: int), not bool,
 * as the course multiplies it into gradients. @example course.dRelu([-1, 0, 2]); // [0, 0, 1]
 */
export function dRelu(x: TensorLike): Tensor {
  const t = toTensor(x);
  return t.gt(0).astype(t.dtype === 'float32' ? 'float32' : 'float64');
}

/** The course returns the number 0. NOTE: here zeros of x's shape, which print beside a gradient. @example course.dStepFunction([1, 2]); // [0, 0] */
export function dStepFunction(x: TensorLike): Tensor {
  const t = toTensor(x);
  return zeros(t.shape, { dtype: t.dtype === 'float32' ? 'float32' : 'float64' });
}

/**
 * The course's `d_mean_squared_error`: `(y - d) / d.shape[0]` when d is an array (a tensor
 * or nested arrays with at least one axis), `y - d` when it is a number.
 * @example
 *   course.dMeanSquaredError(3, 5); // 2
 */
export function dMeanSquaredError(d: TensorLike, y: TensorLike): Tensor {
  const target = toTensor(d);
  const diff = toTensor(y).sub(target);
  return target.ndim === 0 ? diff : diff.div(target.shape[0]!);
}

/**
 * The course's `d_softmax_with_loss(d, y)`, y the softmax output: `(y - d) / batch_size` for a
 * one-hot d, else y with 1 taken off at each row's label, divided by batch_size = d.shape[0].
 * @example
 *   course.dSoftmaxWithLoss([1], [[0.2, 0.8]]); // [[0.2, -0.2]]
 */
export function dSoftmaxWithLoss(d: TensorLike, y: TensorLike): Tensor {
  const op = 'course.dSoftmaxWithLoss';
  const labels = toTensor(d);
  const probs = toTensor(y);
  if (labels.ndim === 0) throw new ShapeError(`${op}: d needs a batch axis (the course reads d.shape[0]), got a scalar`);
  const batchSize = labels.shape[0]!;
  if (labels.size === probs.size) return probs.sub(labels).div(batchSize);
  if (probs.ndim !== 2 || labels.ndim !== 1 || labels.size !== probs.shape[0]) {
    throw new ShapeError(`${op}: d of shape ${fmt(labels.shape)} is neither one-hot rows nor one label per row of y of shape ${fmt(probs.shape)}`);
  }
  const classes = probs.shape[1]!;
  return probs.sub(oneHot(classIndices(op, labels, classes), classes)).div(batchSize);
}

/** `y - d`: the derivative of the summed binary cross entropy with respect to the logit, y = sigmoid(logit). @example course.dSigmoidWithLoss([1], [0.7]); // [-0.3] */
export function dSigmoidWithLoss(d: TensorLike, y: TensorLike): Tensor {
  return toTensor(y).sub(d);
}

export {
  Dropout, BatchNormalization, l1Penalty, l2Penalty, type CourseDropoutOptions, type CourseBatchNormOptions,
} from './course-layers.js';
