/** Tensors from sizes and ranges. Every function takes `{ dtype, requiresGrad }`. */
import { isTensor } from './autograd.js';
import { allocate, type TypedArray } from './dtype.js';
import { ArgumentError, TapegradError, ValueError } from './errors.js';
import { checkShape, checkSize, sizeOf } from './shapes.js';
import { show } from './messages.js';
import { Tensor, checkOptions, tensor, type TensorLike, type TensorOptions } from './tensor.js';

function make(op: string, shape: unknown, value: number, options?: TensorOptions): Tensor {
  return build(op, checkShape(op, shape), options, (data) => {
    if (value !== 0) data.fill(data instanceof Uint8Array ? 1 : value); // bool: any nonzero value (NaN too) is true
  });
}

/** Allocates `shape` in the options' dtype, lets `fill` write the elements, then applies `requiresGrad`. */
function build(op: string, shape: readonly number[], options: TensorOptions | undefined, fill: (data: TypedArray) => void): Tensor {
  const { dtype = 'float64', requiresGrad } = checkOptions(op, options);
  checkSize(op, shape);
  const data = allocate(dtype, sizeOf(shape));
  fill(data);
  if (data instanceof Uint8Array) for (let i = 0; i < data.length; i++) if (data[i]! > 1) data[i] = 1; // bool holds 0 or 1
  const t = new Tensor(data, shape);
  if (requiresGrad) t.requiresGrad = true;
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
/** Every element `value`; a boolean value gives a bool tensor. @example full([2, 2], 7); // [[7, 7], [7, 7]] */
export function full(shape: number | readonly number[], value: number | boolean, options?: TensorOptions): Tensor {
  if (typeof value === 'boolean') return make('full', shape, Number(value), { dtype: 'bool', ...options });
  if (typeof value !== 'number') throw new ValueError(`full: value must be a number, got ${typeof value}`);
  return make('full', shape, value, options);
}
/** Zeros with the shape (and, by default, the dtype) of `t`, a tensor or nested arrays. @example zerosLike(W); zerosLike([[1, 2]]); */
export function zerosLike(t: TensorLike, options?: TensorOptions): Tensor {
  return like('zerosLike', t, 0, options);
}
/** Ones with the shape (and, by default, the dtype) of `t`, a tensor or nested arrays. @example onesLike(W); onesLike([[1, 2]]); */
export function onesLike(t: TensorLike, options?: TensorOptions): Tensor {
  return like('onesLike', t, 1, options);
}

/** A tensor as is; nested arrays, numbers and typed arrays read as `tensor()` reads them. */
function likeOf(op: string, t: unknown): Tensor {
  if (isTensor(t)) return t;
  const data = typeof t === 'number' || typeof t === 'boolean' || Array.isArray(t) || ArrayBuffer.isView(t);
  if (!data) throw new ArgumentError(`${op}: expected a Tensor, nested arrays, a number or a typed array, got ${show(t)}`);
  try {
    return tensor(t as TensorLike);
  } catch (e) {
    if (e instanceof TapegradError) throw new (e.constructor as typeof TapegradError)(`${op}: ${e.message.replace(/^tensor: /, '')}`);
    throw e;
  }
}

function like(op: string, t: unknown, value: number, options: TensorOptions | undefined): Tensor {
  const x = likeOf(op, t);
  const { dtype = x.dtype, requiresGrad } = checkOptions(op, options);
  return make(op, x.shape, value, { dtype, requiresGrad });
}

/**
 * numpy's `arange`: `arange(stop)`, `arange(start, stop, step = 1)`; values start + i·step below stop.
 * @example arange(5); // [0, 1, 2, 3, 4]
 *   arange(0, 1, 0.25); // [0, 0.25, 0.5, 0.75]
 */
export function arange(start: number, stop?: number | TensorOptions | null, step: number | TensorOptions = 1, options?: TensorOptions): Tensor {
  if (typeof stop === 'object' && stop !== null) [options, stop] = [stop, undefined];
  if (typeof step === 'object' && step !== null) [options, step] = [step, 1];
  const [lo, hi] = stop === undefined || stop === null ? [0, start] : [start, stop];
  for (const v of [lo, hi, step]) {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new ValueError(`arange: start, stop and step must be finite numbers, got ${show(v)}`);
  }
  if (step === 0) throw new ValueError('arange: step must not be 0');
  const n = Math.max(0, Math.ceil((hi - lo) / step));
  return build('arange', [n], options, (data) => fillRange(data, lo, step));
}

/**
 * NOTE: numpy's fill, so that values match numpy's bit for bit (`arange(1, 2, 0.1)` included):
 * store start and start + step, then continue with the difference of the two stored values,
 * in the arithmetic of the storage type (float32 rounds every step).
 */
function fillRange(data: TypedArray, start: number, step: number): void {
  const n = data.length;
  if (n === 0) return;
  data[0] = start;
  if (n === 1) return;
  data[1] = start + step;
  const round = data instanceof Float32Array ? Math.fround : (v: number) => v;
  const first = data[0]!;
  const delta = round(data[1]! - first);
  for (let i = 2; i < n; i++) data[i] = first + round(i * delta);
}

/**
 * numpy's `linspace`: `num` evenly spaced values from start to stop, both included.
 * @example linspace(0, 1, 5); // [0, 0.25, 0.5, 0.75, 1]
 */
export function linspace(start: number, stop: number, num = 50, options?: TensorOptions): Tensor {
  if (!Number.isInteger(num) || num < 0) throw new ValueError(`linspace: num must be a whole number ≥ 0, got ${show(num)}`);
  if (!Number.isFinite(start) || !Number.isFinite(stop)) {
    throw new ValueError(`linspace: start and stop must be finite numbers, got ${show(start)} and ${show(stop)}`);
  }
  const step = num > 1 ? (stop - start) / (num - 1) : 0;
  return build('linspace', [num], options, (data) => {
    for (let i = 0; i < num; i++) data[i] = start + i * step;
    if (num > 1) data[num - 1] = stop;
  });
}

/**
 * The identity matrix (n × m, m = n by default).
 * @example eye(2); // [[1, 0], [0, 1]]
 */
export function eye(n: number, m?: number | TensorOptions | null, options?: TensorOptions): Tensor {
  if (typeof m === 'object' && m !== null) [options, m] = [m, undefined];
  const cols = m ?? n;
  return build('eye', checkShape('eye', [n, cols]), options, (data) => {
    for (let i = 0; i < Math.min(n, cols); i++) data[i * cols + i] = 1;
  });
}
