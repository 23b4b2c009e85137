/**
 * Checkpoints as bytes (no Node APIs: `@tapegrad/core/node` adds the files). A checkpoint is a
 * plain object — conventionally a module's and an optimizer's state dicts, a generator's state,
 * a step count and your metadata — written as one safetensors file:
 *
 * - every array of numbers in it, typed array, Tensor, and `{ shape, dtype, data }` entry (an nn
 *   state dict's) becomes a tensor of the file, named by its path in the object
 *   (`model.layers.0.weight`, `optimizer.state.0.m`): F64, F32 or I32, exact to the bit;
 * - everything else is JSON in the file's `__metadata__`, under "tapegrad.json", with
 *   `{"$tensor": name}`-style references where the arrays were; `__metadata__` also holds
 *   "format": "tapegrad.checkpoint" and "version": "1".
 *
 * So `safetensors.numpy.load_file(path)` in Python shows the weights and buffers by name.
 */
import { isTensor } from '../tape/autograd.js';
import { ArgumentError, FormatError } from '../tape/errors.js';
import type { RandomState } from '../numpy/random.js';
import { parseJson } from './json.js';
import { decodeSafetensors, encodeSafetensors, type Safetensors } from './safetensors.js';
import { show } from '../tape/messages.js';
import { tensor, Tensor } from '../tape/tensor.js';
import { isDType, type DType } from '../tape/dtype.js';

/** A number as JSON can hold it. NOTE: JSON has no NaN, ±Infinity or −0, so those four are strings. */
export type EncodedNumber = number | 'NaN' | 'Infinity' | '-Infinity' | '-0';

/**
 * One tensor as plain JSON: its shape, dtype and row-major values — the entries of nn's state dicts
 * and of a checkpoint's `model`. Every double survives `JSON.stringify`/`JSON.parse` exactly (the
 * shortest decimal that reads back to the same bits); NaN, ±Infinity and −0 are `EncodedNumber`s.
 * @example
 *   const e: TensorEntry = tensorEntry(tensor([1, NaN])); // { shape: [2], dtype: 'float64', data: [1, 'NaN'] }
 *   model.loadStateDict({ 'layers.0.bias': e });
 */
export interface TensorEntry {
  shape: number[];
  dtype: DType;
  data: EncodedNumber[];
}

/**
 * What a checkpoint conventionally holds; any other JSON-like fields (and Tensors, typed
 * arrays) may be added.
 * @example
 *   const checkpoint: Checkpoint = { model: model.stateDict(), optimizer: opt.stateDict(), generator: g.getState(), step: 1000 };
 *   save('run.ckpt', checkpoint);
 */
export interface Checkpoint {
  /** A module's `stateDict()`. */
  model?: Record<string, TensorEntry>;
  /** An optimizer's `stateDict()`: JSON that core stores without looking inside. */
  optimizer?: unknown;
  /** A `Generator`'s `getState()`. */
  generator?: RandomState;
  /** Steps (or epochs) done. */
  step?: number;
  /** Anything of yours: strings, numbers, booleans, null, arrays and plain objects. */
  metadata?: Record<string, unknown>;
  [field: string]: unknown;
}

export const CHECKPOINT_FORMAT = 'tapegrad.checkpoint';
const VERSION = '1';
const JSON_KEY = 'tapegrad.json';
/** The reference kinds: what the tensor of that name stood for. */
const KINDS = ['$tensor', '$array', '$typed', '$state', '$number'] as const;
type Kind = (typeof KINDS)[number];
/** The numbers JSON cannot hold, by name. No prototype, and read with `Object.hasOwn`: "toString" or "__proto__" is no special number. */
const SPECIAL: Readonly<Record<string, number>> = Object.freeze(Object.assign(Object.create(null) as Record<string, number>, {
  NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity, '-0': -0,
}));

function isSpecial(name: unknown): name is string {
  return typeof name === 'string' && Object.hasOwn(SPECIAL, name);
}

/**
 * A number as JSON can hold it: itself, or for NaN, ±Infinity and −0 a string.
 * @example
 *   encodeNumber(-0); // '-0'
 *   encodeNumber(1.5); // 1.5
 */
export function encodeNumber(v: number): EncodedNumber {
  if (Number.isFinite(v) && !Object.is(v, -0)) return v;
  return Object.is(v, -0) ? '-0' : (String(v) as EncodedNumber);
}

/**
 * The number an `EncodedNumber` stands for; undefined for anything else (so the caller can say where).
 * @example
 *   decodeNumber('-Infinity'); // -Infinity
 *   decodeNumber('x');         // undefined
 */
export function decodeNumber(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  return typeof v === 'string' && Object.hasOwn(SPECIAL, v) ? SPECIAL[v] : undefined;
}

/**
 * A tensor as a `TensorEntry` (its values copied).
 * @example
 *   tensorEntry(tensor([1, -0])); // { shape: [2], dtype: 'float64', data: [1, '-0'] }
 *   JSON.stringify(tensorEntry(tensor([Infinity]))); // '{"shape":[1],"dtype":"float64","data":["Infinity"]}'
 */
export function tensorEntry(t: Tensor): TensorEntry {
  if (!isTensor(t)) throw new ArgumentError(`tensorEntry: expected a Tensor, got ${show(t)}`);
  return { shape: t.shape.slice(), dtype: t.dtype, data: Array.from(t._data, encodeNumber) };
}

// ---------------------------------------------------------------------------
// Writing

/**
 * The safetensors bytes of a checkpoint object (see the module's description of the layout).
 * @example
 *   const bytes = encodeCheckpoint({ model: model.stateDict(), step: 10 });
 *   decodeCheckpoint(bytes).step; // 10
 */
export function encodeCheckpoint(checkpoint: Checkpoint): Uint8Array {
  const op = 'encodeCheckpoint';
  if (!isPlainObject(checkpoint)) throw new ArgumentError(`${op}: a checkpoint must be a plain object, got ${show(checkpoint)}`);
  const packer = new Packer(op);
  const json = JSON.stringify(packer.pack(checkpoint, '', new Set()));
  return encodeSafetensors(packer.tensors, { format: CHECKPOINT_FORMAT, version: VERSION, [JSON_KEY]: json });
}

class Packer {
  readonly tensors: Record<string, Tensor> = Object.create(null) as Record<string, Tensor>;

  constructor(private readonly op: string) {}

  pack(value: unknown, path: string, ancestors: Set<object>): unknown {
    if (typeof value === 'number') return Object.is(value, -0) || !Number.isFinite(value) ? { $number: String(value === 0 ? '-0' : value) } : value;
    if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
    if (isTensor(value)) return this.ref('$tensor', path, value);
    if (value instanceof Float64Array || value instanceof Float32Array || value instanceof Int32Array) return this.ref('$typed', path, new Tensor(value, [value.length]));
    if (Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'number')) return this.ref('$array', path, new Tensor(Float64Array.from(value), [value.length]));
    if (isTensorEntry(value)) return this.ref('$state', path, entryTensor(value));
    if (typeof value !== 'object' || !(Array.isArray(value) || isPlainObject(value))) {
      throw new ArgumentError(`${this.op}: ${where(path)} is ${show(value)}; a checkpoint holds plain objects, arrays, numbers, strings, booleans, null, typed arrays and Tensors`);
    }
    if (ancestors.has(value)) throw new ArgumentError(`${this.op}: ${where(path)} refers back to an object that contains it`);
    ancestors.add(value);
    try {
      return Array.isArray(value) ? value.map((v, i) => (v === undefined ? null : this.pack(v, join(path, String(i)), ancestors))) : this.packObject(value, path, ancestors);
    } finally {
      ancestors.delete(value);
    }
  }

  private packObject(value: object, path: string, ancestors: Set<object>): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (k === '__proto__' || (KINDS as readonly string[]).includes(k)) throw new ArgumentError(`${this.op}: ${where(path)} has the key ${show(k)}, which checkpoints reserve`);
      if (v !== undefined) out[k] = this.pack(v, join(path, k), ancestors);
    }
    return out;
  }

  /** Stores `t` under its path (made unique if two paths spell the same) and returns the reference. */
  private ref(kind: Kind, path: string, t: Tensor): Record<string, string> {
    let name = path;
    for (let k = 2; name === '' || name in this.tensors || name === '__metadata__'; k++) name = `${path}#${k}`;
    this.tensors[name] = t;
    return { [kind]: name };
  }
}

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

function where(path: string): string {
  return path === '' ? 'the checkpoint' : `'${path}'`;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object') return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function isTensorEntry(v: unknown): v is TensorEntry {
  if (!isPlainObject(v)) return false;
  const keys = Object.keys(v).sort().join();
  const { shape, dtype, data } = v as unknown as TensorEntry;
  return keys === 'data,dtype,shape' && isDType(dtype) && Array.isArray(shape) && Array.isArray(data) &&
    shape.every((d) => Number.isSafeInteger(d) && d >= 0) && shape.reduce((a, b) => a * b, 1) === data.length &&
    data.every((x) => typeof x === 'number' || isSpecial(x));
}

function entryTensor(e: TensorEntry): Tensor {
  return tensor(e.data.map((x) => decodeNumber(x)!), { dtype: e.dtype, shape: e.shape });
}

// ---------------------------------------------------------------------------
// Reading

/**
 * The checkpoint object of `encodeCheckpoint`'s bytes: arrays of numbers, typed arrays, Tensors
 * and `{ shape, dtype, data }` entries come back as they were saved. Malformed bytes are a
 * `FormatError`, thrown before anything large is allocated.
 * @example
 *   const checkpoint = decodeCheckpoint(bytes);
 *   model.loadStateDict(checkpoint.model!);
 */
export function decodeCheckpoint(bytes: Uint8Array | ArrayBuffer): Checkpoint {
  return checkpointOf('decodeCheckpoint', decodeSafetensors(bytes));
}

/** @internal The checkpoint object of a decoded safetensors file (also what the Node `load` uses). */
export function checkpointOf(op: string, { tensors, metadata }: Safetensors): Checkpoint {
  if (metadata.format !== CHECKPOINT_FORMAT || typeof metadata[JSON_KEY] !== 'string') {
    throw new FormatError(`${op}: these safetensors bytes are not a tapegrad checkpoint (no "format": "${CHECKPOINT_FORMAT}" metadata); read plain safetensors with decodeSafetensors`);
  }
  if (metadata.version !== VERSION) throw new FormatError(`${op}: checkpoint version ${show(metadata.version)}; this tapegrad reads version ${VERSION}`);
  // Every object is built without a prototype, and a "__proto__" key is refused (the writer never makes one).
  const out = parseJson(metadata[JSON_KEY], `${op}: the checkpoint's JSON is malformed`, (obj) => {
    if (Object.hasOwn(obj, '__proto__')) throw new FormatError(`${op}: the checkpoint's JSON has the key "__proto__", which checkpoints never hold`);
    return isReference(obj) ? unpack(op, obj, tensors) : obj;
  });
  if (!isPlainObject(out)) throw new FormatError(`${op}: the checkpoint's JSON must be an object`);
  return out as Checkpoint;
}

function isReference(v: unknown): v is Record<Kind, string> {
  if (!isPlainObject(v)) return false;
  const keys = Object.keys(v);
  return keys.length === 1 && (KINDS as readonly string[]).includes(keys[0]!);
}

function unpack(op: string, ref: Record<string, string>, tensors: Record<string, Tensor>): unknown {
  const [kind, name] = Object.entries(ref)[0]! as [Kind, unknown];
  if (typeof name !== 'string') throw new FormatError(`${op}: a ${kind} reference must be a string, got ${show(name)}`);
  if (kind === '$number') {
    if (!isSpecial(name)) throw new FormatError(`${op}: ${show(name)} is not a special number (NaN, Infinity, -Infinity, -0)`);
    return SPECIAL[name];
  }
  const t = tensors[name];
  if (t === undefined) throw new FormatError(`${op}: the JSON refers to a tensor ${show(name)} that the file does not hold`);
  if (kind === '$tensor') return t;
  if (kind === '$state') return nullProto(tensorEntry(t));
  if (t.ndim !== 1 || (kind === '$array' && t.dtype !== 'float64')) {
    throw new FormatError(`${op}: tensor ${show(name)} stands for an array but has shape [${t.shape.join(',')}] and dtype ${t.dtype}`);
  }
  return kind === '$typed' ? t.data : Array.from(t._data);
}

function nullProto<T extends object>(o: T): T {
  return Object.assign(Object.create(null) as T, o);
}
