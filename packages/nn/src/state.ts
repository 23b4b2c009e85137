/**
 * The state dict's on-disk form: plain JSON. A tensor becomes `{ shape, dtype, data }`
 * with `data` the row-major values. NOTE: JSON has no NaN, ±Infinity or −0, so those
 * four are written as strings; every other double survives `JSON.stringify` /
 * `JSON.parse` exactly (it prints the shortest decimal that reads back to the same bits).
 */
import { DTypeError, Tensor, ValueError, tensor, type FloatDType, type NestedArray, type TypedArray } from '@tapegrad/core';

/** A number as JSON can hold it. */
export type EncodedNumber = number | 'NaN' | 'Infinity' | '-Infinity' | '-0';

/** One parameter in a state dict. */
export interface TensorState {
  shape: number[];
  dtype: FloatDType;
  data: EncodedNumber[];
}

/** Parameter name (dotted, `layers.0.weight`) → its value. JSON-serialisable. */
export type StateDict = Record<string, TensorState>;

/** What `loadStateDict` accepts per parameter: a saved entry, a tensor, or nested arrays. */
export type StateValue = TensorState | Tensor | NestedArray;

function encodeNumber(v: number): EncodedNumber {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return 'Infinity';
  if (v === -Infinity) return '-Infinity';
  if (v === 0 && 1 / v < 0) return '-0';
  return v;
}

/** The four strings that stand for numbers. No prototype, read with `Object.hasOwn`: "toString" is no number. */
const SPECIAL: Readonly<Record<string, number>> = Object.freeze(Object.assign(Object.create(null) as Record<string, number>, {
  NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity, '-0': -0,
}));

function decodeNumber(name: string, v: unknown, index: number): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && Object.hasOwn(SPECIAL, v)) return SPECIAL[v]!;
  throw new ValueError(`loadStateDict: '${name}' has a non-number ${describe(v)} at position ${index}`);
}

/** A value as a message shows it, for anything a caller can pass (BigInt and symbols make JSON.stringify throw). */
function describe(v: unknown): string {
  if (typeof v === 'bigint') return `${v}n (a BigInt)`;
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'symbol' || typeof v === 'function') return typeof v;
  if (typeof v === 'object' && v !== null) return Array.isArray(v) ? 'an array' : 'an object';
  return String(v);
}

/** A state entry's dtype: a parameter is float32 or float64, and the entry must say which. */
function checkEntryDType(name: string, dtype: unknown): void {
  if (dtype === 'float64' || dtype === 'float32') return;
  if (dtype === 'int32') throw new DTypeError(`loadStateDict: '${name}' has dtype "int32"; parameters are float32 or float64`);
  throw new ValueError(`loadStateDict: '${name}' has dtype ${dtype === undefined ? 'missing' : describe(dtype)}; a state entry's dtype is "float64" or "float32"`);
}

/** A tensor as a JSON-ready entry. @example encodeTensor(tensor([1, NaN])).data; // [1, 'NaN'] */
export function encodeTensor(t: Tensor): TensorState {
  const data = new Array<EncodedNumber>(t.size);
  for (let i = 0; i < t.size; i++) data[i] = encodeNumber(t.data[i]!);
  return { shape: t.shape.slice(), dtype: t.dtype === 'float32' ? 'float32' : 'float64', data };
}

function isTensorState(v: unknown): v is TensorState {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Tensor) && 'shape' in v && 'data' in v;
}

function checkEntryShape(name: string, shape: unknown, length: number): readonly number[] {
  if (!Array.isArray(shape) || shape.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new ValueError(`loadStateDict: '${name}' has a bad shape ${Array.isArray(shape) ? `[${shape.map(describe).join(',')}]` : describe(shape)}`);
  }
  const size = shape.reduce((a: number, d: number) => a * d, 1);
  if (size !== length) {
    throw new ValueError(`loadStateDict: '${name}' has shape [${shape.join(',')}] (${size} values) but ${length} data values`);
  }
  return shape;
}

/** The shape and values of one state-dict entry, checked. */
export function decodeValue(name: string, v: StateValue): { shape: readonly number[]; values: TypedArray | number[] } {
  if (v instanceof Tensor) {
    if (v.dtype === 'int32') throw new DTypeError(`loadStateDict: '${name}' is an int32 tensor; parameters are float32 or float64`);
    return { shape: v.shape, values: v.data };
  }
  if (isTensorState(v)) {
    checkEntryDType(name, v.dtype);
    if (!Array.isArray(v.data)) throw new ValueError(`loadStateDict: '${name}'.data must be an array of numbers`);
    const shape = checkEntryShape(name, v.shape, v.data.length);
    return { shape, values: v.data.map((x, i) => decodeNumber(name, x, i)) };
  }
  let t: Tensor;
  try {
    t = tensor(v);
  } catch (e) {
    throw new ValueError(`loadStateDict: '${name}' is not a tensor, a { shape, dtype, data } entry or nested arrays of numbers (${(e as Error).message})`);
  }
  return { shape: t.shape, values: t.data };
}
