/**
 * `Parameter`: a leaf tensor that a `Module` owns and an optimizer updates. Modules find
 * their parameters by walking their own fields, so marking a tensor as a Parameter is
 * what makes it show up in `parameters()` and `stateDict()`.
 */
import { fmt, DTypeError, Tensor, tensor, type FloatDType, type TensorLike } from '@tapegrad/core';

/**
 * A tensor that a module trains: float, a leaf, `requiresGrad` on.
 * @example
 *   this.scale = new Parameter([1, 1]); // in a Module's constructor: now in parameters() and stateDict()
 */
export class Parameter extends Tensor {
  /**
   * A float leaf that requires grad, holding a copy of `value` (nested arrays, a typed
   * array or a tensor — the course's fixed matrices).
   * @example
   *   const W = new Parameter([[0.1, 0.3, 0.5], [0.2, 0.4, 0.6]]);
   *   W.requiresGrad; // true
   */
  constructor(value: TensorLike, options: { dtype?: FloatDType } = {}) {
    const t = tensor(value, options.dtype === undefined ? {} : { dtype: options.dtype });
    if (t.dtype !== 'float64' && t.dtype !== 'float32') {
      throw new DTypeError(`Parameter: parameters must be float32 or float64, got ${t.dtype === 'int32' ? 'an' : 'a'} ${t.dtype} tensor of shape ${fmt(t.shape)}`);
    }
    super(t.data, t.shape);
    this.requiresGrad = true;
  }
}

/** Whether `v` is a `Parameter`. @example isParameter(new Linear(2, 3).weight); // true */
export function isParameter(v: unknown): v is Parameter {
  return v instanceof Parameter;
}
