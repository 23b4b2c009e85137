/**
 * numpy's closeness tests: isclose elementwise, allclose for the whole tensor. No gradient.
 */
import { ArgumentError } from '../tape/errors.js';
import { expandKernel } from '../kernels/loops.js';
import { show } from '../tape/messages.js';
import { Tensor, type TensorLike } from '../tape/tensor.js';
import { eq, operands } from './elementwise.js';

export interface CloseOptions {
  /** Relative tolerance, times |b|. Default 1e-5. */
  rtol?: number;
  /** Absolute tolerance. Default 1e-8. */
  atol?: number;
  /** Whether NaN is close to NaN. Default false. */
  equalNan?: boolean;
}

function tolerances(op: string, opts: CloseOptions | undefined): Required<CloseOptions> {
  if (opts !== undefined && (opts === null || typeof opts !== 'object')) throw new ArgumentError(`${op}: options must be an object, got ${show(opts)}`);
  const { rtol = 1e-5, atol = 1e-8, equalNan = false } = opts ?? {};
  for (const [name, v] of [['rtol', rtol], ['atol', atol]] as const) {
    if (typeof v !== 'number' || Number.isNaN(v)) throw new ArgumentError(`${op}: ${name} must be a number, got ${show(v)}`);
  }
  return { rtol, atol, equalNan: Boolean(equalNan) };
}

/**
 * numpy's `isclose`: |a − b| ≤ atol + rtol·|b| elementwise (not symmetric in a and b, as
 * numpy's), broadcasting; infinities are close to themselves, NaN only with `equalNan`. The
 * result has the dtype of the comparisons (`eq`): bool, true where close.
 * @example isclose(tensor([1, 2]), tensor([1 + 1e-9, 2.1])); // [true, false]
 *   isclose(tensor([NaN]), NaN, { equalNan: true }); // [true]
 */
export function isclose(a: TensorLike, b: TensorLike, opts?: CloseOptions): Tensor {
  const { rtol, atol, equalNan } = tolerances('isclose', opts);
  const [x, y] = operands('isclose', a, b);
  // eq gives the broadcast shape and the comparisons' dtype; its storage is ours to overwrite.
  const out = eq(x.detach(), y.detach());
  const xs = expandKernel(x._data, x.shape, out.shape, 'float64');
  const ys = expandKernel(y._data, y.shape, out.shape, 'float64');
  const d = out._data;
  for (let i = 0; i < d.length; i++) {
    const u = xs[i]!, v = ys[i]!;
    const close = u === v || (Number.isFinite(u) && Number.isFinite(v) && Math.abs(u - v) <= atol + rtol * Math.abs(v)) || (equalNan && u !== u && v !== v);
    d[i] = close ? 1 : 0;
  }
  return out;
}

/**
 * numpy's `allclose`: whether every element of `isclose(a, b, opts)` holds.
 * @example allclose(tensor([1, 2]), tensor([1, 2 + 1e-9])); // true
 *   allclose(tensor([1, 2]), 1, { atol: 1 }); // true
 */
export function allclose(a: TensorLike, b: TensorLike, opts?: CloseOptions): boolean {
  const c = isclose(a, b, opts);
  for (let i = 0; i < c.size; i++) if (!c._data[i]) return false;
  return true;
}
