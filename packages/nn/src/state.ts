/**
 * The state dict's on-disk form: plain JSON, one core `TensorEntry` (`{ shape, dtype, data }`, with
 * NaN, ±Infinity and −0 encoded as strings) per parameter. Core owns that format; nn uses it.
 */
import {
  decodeNumber, DTypeError, fmt, isTensor, show, tensor, tensorEntry, ValueError,
  type DType, type EncodedNumber, type NestedArray, type Tensor, type TensorEntry, type TypedArray,
} from '@tapegrad/core';

export type { EncodedNumber };

/** One parameter in a state dict: core's `TensorEntry`. */
export type TensorState = TensorEntry;

/** Parameter name (dotted, `layers.0.weight`) → its value. JSON-serialisable. */
export type StateDict = Record<string, TensorState>;

/** What `loadStateDict` accepts per parameter: a saved entry, a tensor, or nested arrays. */
export type StateValue = TensorState | Tensor | NestedArray;

function decodeEntryNumber(name: string, v: unknown, index: number): number {
  const n = decodeNumber(v);
  // NOTE: show, not JSON.stringify, which throws its own TypeError on a BigInt.
  if (n === undefined) throw new ValueError(`loadStateDict: '${name}' has a non-number ${show(v)} at position ${index}`);
  return n;
}

/**
 * A state entry's dtype must name one, and fit the tensor it loads into: float32 and float64 load
 * into each other, int32 (a counter buffer) only into int32.
 */
function checkEntryDType(name: string, dtype: unknown, target: DType): void {
  if (dtype !== 'float64' && dtype !== 'float32' && dtype !== 'int32') {
    throw new ValueError(`loadStateDict: '${name}' has dtype ${dtype === undefined ? 'missing' : show(dtype)}; a state entry's dtype is "float64", "float32" or "int32"`);
  }
  if ((dtype === 'int32') !== (target === 'int32')) {
    throw new DTypeError(`loadStateDict: '${name}' is ${dtype} in the state but ${target} in the model`);
  }
}

/** A tensor as a JSON-ready entry. @example encodeTensor(tensor([1, NaN])).data; // [1, 'NaN'] */
export function encodeTensor(t: Tensor): TensorState {
  // Parameters are float; buffers may be int32 (batch norm's numBatchesTracked) and say so.
  return tensorEntry(t);
}

function isTensorState(v: unknown): v is TensorState {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !isTensor(v) && 'shape' in v && 'data' in v;
}

function checkEntryShape(name: string, shape: unknown, length: number): readonly number[] {
  if (!Array.isArray(shape) || shape.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new ValueError(`loadStateDict: '${name}' has a bad shape ${show(shape)}`);
  }
  const size = shape.reduce((a: number, d: number) => a * d, 1);
  if (size !== length) {
    throw new ValueError(`loadStateDict: '${name}' has shape ${fmt(shape)} (${size} values) but ${length} data values`);
  }
  return shape;
}

/** The shape and values of one state-dict entry, checked. */
export function decodeValue(name: string, v: StateValue, target: DType): { shape: readonly number[]; values: TypedArray | number[] } {
  if (isTensor(v)) {
    checkEntryDType(name, v.dtype, target);
    return { shape: v.shape, values: v.data };
  }
  if (isTensorState(v)) {
    checkEntryDType(name, v.dtype, target);
    if (!Array.isArray(v.data)) throw new ValueError(`loadStateDict: '${name}'.data must be an array of numbers`);
    const shape = checkEntryShape(name, v.shape, v.data.length);
    return { shape, values: v.data.map((x, i) => decodeEntryNumber(name, x, i)) };
  }
  let t: Tensor;
  try {
    t = tensor(v);
  } catch (e) {
    throw new ValueError(`loadStateDict: '${name}' is not a tensor, a { shape, dtype, data } entry or nested arrays of numbers (${(e as Error).message})`);
  }
  return { shape: t.shape, values: t.data };
}
