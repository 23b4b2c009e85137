/** Tensors from sizes and ranges. Every function takes `{ dtype, requiresGrad }`. */
import { allocate, isDType, type DType } from './dtype.js';
import { DTypeError, ValueError } from './errors.js';
import { checkShape, sizeOf } from './shape.js';
import { Tensor, type TensorOptions } from './tensor.js';

function make(op: string, shape: number | readonly number[], value: number, options: TensorOptions = {}): Tensor {
  const dims = checkShape(op, shape);
  const dtype = options.dtype ?? 'float64';
  if (!isDType(dtype)) throw new DTypeError(`${op}: unknown dtype ${JSON.stringify(dtype)}`);
  const data = allocate(dtype, sizeOf(dims));
  if (value !== 0) data.fill(value);
  return finish(new Tensor(data, dims), options);
}

function finish(t: Tensor, options: TensorOptions): Tensor {
  if (options.requiresGrad) t.requiresGrad = true;
  return t;
}

/** All zeros. @example zeros([2, 3]); zeros(4, { dtype: 'float32' }); */
export function zeros(shape: number | readonly number[], options?: TensorOptions): Tensor {
  return make('zeros', shape, 0, options);
}
/** All ones. @example ones([2, 3]); ones(4, { requiresGrad: true }); */
export function ones(shape: number | readonly number[], options?: TensorOptions): Tensor {
  return make('ones', shape, 1, options);
}
/** Every element `value`. @example full([2, 2], 7); // [[7, 7], [7, 7]] */
export function full(shape: number | readonly number[], value: number, options?: TensorOptions): Tensor {
  if (typeof value !== 'number') throw new ValueError(`full: value must be a number, got ${typeof value}`);
  return make('full', shape, value, options);
}
/** Zeros with the shape (and, by default, the dtype) of `t`. @example zerosLike(W); */
export function zerosLike(t: Tensor, options: TensorOptions = {}): Tensor {
  return make('zerosLike', t.shape, 0, { dtype: t.dtype, ...options });
}
/** Ones with the shape (and, by default, the dtype) of `t`. @example onesLike(W); */
export function onesLike(t: Tensor, options: TensorOptions = {}): Tensor {
  return make('onesLike', t.shape, 1, { dtype: t.dtype, ...options });
}

/**
 * numpy's `arange`: `arange(stop)`, `arange(start, stop, step = 1)`; values start + i·step below stop.
 * @example arange(5); // [0, 1, 2, 3, 4]
 *   arange(0, 1, 0.25); // [0, 0.25, 0.5, 0.75]
 */
export function arange(start: number, stop?: number | TensorOptions, step: number | TensorOptions = 1, options: TensorOptions = {}): Tensor {
  if (typeof stop === 'object') [options, stop] = [stop, undefined];
  if (typeof step === 'object') [options, step] = [step, 1];
  let lo = start;
  let hi = stop;
  if (hi === undefined) [lo, hi] = [0, start];
  for (const v of [lo, hi, step]) {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new ValueError(`arange: start, stop and step must be finite numbers, got ${String(v)}`);
  }
  if (step === 0) throw new ValueError('arange: step must not be 0');
  const n = Math.max(0, Math.ceil((hi - lo) / step));
  const dtype: DType = options.dtype ?? 'float64';
  if (!isDType(dtype)) throw new DTypeError(`arange: unknown dtype ${JSON.stringify(dtype)}`);
  const data = allocate(dtype, n);
  for (let i = 0; i < n; i++) data[i] = lo + i * step;
  return finish(new Tensor(data, [n]), options);
}

/**
 * numpy's `linspace`: `num` evenly spaced values from start to stop, both included.
 * @example linspace(0, 1, 5); // [0, 0.25, 0.5, 0.75, 1]
 */
export function linspace(start: number, stop: number, num = 50, options: TensorOptions = {}): Tensor {
  if (!Number.isInteger(num) || num < 0) throw new ValueError(`linspace: num must be a whole number ≥ 0, got ${num}`);
  if (!Number.isFinite(start) || !Number.isFinite(stop)) throw new ValueError(`linspace: start and stop must be finite, got ${start} and ${stop}`);
  const dtype: DType = options.dtype ?? 'float64';
  const data = allocate(dtype, num);
  const step = num > 1 ? (stop - start) / (num - 1) : 0;
  for (let i = 0; i < num; i++) data[i] = start + i * step;
  if (num > 1) data[num - 1] = stop;
  return finish(new Tensor(data, [num]), options);
}

/**
 * The identity matrix (n × m, m = n by default).
 * @example eye(2); // [[1, 0], [0, 1]]
 */
export function eye(n: number, m: number | TensorOptions = n, options: TensorOptions = {}): Tensor {
  if (typeof m === 'object') [options, m] = [m, n];
  const t = make('eye', [n, m], 0, { ...options, requiresGrad: false });
  for (let i = 0; i < Math.min(n, m); i++) t.data[i * m + i] = 1;
  return finish(t, options);
}
