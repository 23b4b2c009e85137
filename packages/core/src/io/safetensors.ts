/**
 * Tensors to bytes and back in the safetensors format (Hugging Face's; PyTorch, JAX and
 * numpy users open it with `safetensors.numpy.load_file`), with no Node APIs so that it
 * works in browsers too. The layout:
 *
 *   8 bytes   N, the header's length, an unsigned 64-bit little-endian integer
 *   N bytes   a UTF-8 JSON object, padded with spaces to a multiple of 8:
 *             { "__metadata__": { "key": "value", … },            (optional, strings only)
 *               "name": { "dtype": "F64" | "F32" | "I32" | "BOOL", "shape": [2, 3],
 *                         "data_offsets": [begin, end] }, … }      (bytes after the header)
 *   the rest  every tensor's elements, row-major, little-endian, back to back with no gaps
 *
 * Files are read as untrusted: every length, shape and offset is checked against the bytes
 * actually there before anything is allocated, and the first problem is a `FormatError`.
 */
import { isTensor } from '../tape/autograd.js';
import { ArgumentError, FormatError } from '../tape/errors.js';
import { fmt, show } from '../tape/messages.js';
import { MAX_ELEMENTS } from '../tape/shapes.js';
import { Tensor } from '../tape/tensor.js';
import type { DType, TypedArray } from '../tape/dtype.js';
import { parseJson, type JsonObject } from './json.js';

/** What `decodeSafetensors` returns. Both records have no prototype, so any name is a plain key. */
export interface Safetensors {
  tensors: Record<string, Tensor>;
  metadata: Record<string, string>;
}

interface Code {
  dtype: DType;
  bytes: number;
  /** Where the reference writer puts this dtype's tensors: its dtype enum (BOOL < … I32 < U32 < F32 < F64), largest first. */
  rank: number;
}

const CODES: Readonly<Record<string, Code>> = Object.freeze(Object.assign(Object.create(null) as Record<string, Code>, {
  F64: { dtype: 'float64', bytes: 8, rank: 0 },
  F32: { dtype: 'float32', bytes: 4, rank: 1 },
  I32: { dtype: 'int32', bytes: 4, rank: 2 },
  BOOL: { dtype: 'bool', bytes: 1, rank: 3 },
}));
const CODE_OF: Record<DType, string> = { float64: 'F64', float32: 'F32', int32: 'I32', bool: 'BOOL' };
/** The reference implementation's limit: a longer header is refused before it is read. */
const MAX_HEADER_BYTES = 100_000_000;
/** numpy's limit on the number of axes. */
const MAX_DIMS = 64;
const METADATA = '__metadata__';
/** A key that would set an object's prototype if it were ever assigned with `obj[key] = …`. */
const FORBIDDEN = '__proto__';
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

// ---------------------------------------------------------------------------
// Writing

/**
 * The safetensors bytes of `tensors` (name → tensor) with optional string `metadata`.
 * Laid out as the reference writer does (F64, then F32, then I32, then BOOL tensors, each by name), so the same
 * tensors give the same bytes as `safetensors.numpy.save`.
 * @example
 *   const bytes = encodeSafetensors({ 'fc.weight': w, 'fc.bias': b }, { epoch: '3' });
 *   decodeSafetensors(bytes).tensors['fc.weight']; // equal to w
 */
export function encodeSafetensors(tensors: Record<string, Tensor>, metadata?: Record<string, string>): Uint8Array {
  const op = 'encodeSafetensors';
  const entries = checkTensors(op, tensors);
  const meta = metadata === undefined ? undefined : checkStrings(op, 'metadata', metadata);
  entries.sort(([a, x], [b, y]) => rankOf(x) - rankOf(y) || compareUtf8(a, b));
  const parts: string[] = meta === undefined ? [] : [`${JSON.stringify(METADATA)}:${stringifyFlat(meta)}`];
  let offset = 0;
  for (const [name, t] of entries) {
    const end = offset + t._data.byteLength;
    parts.push(`${JSON.stringify(name)}:{"dtype":"${CODE_OF[t.dtype]}","shape":${JSON.stringify(t.shape)},"data_offsets":[${offset},${end}]}`);
    offset = end;
  }
  const json = new TextEncoder().encode(`{${parts.join(',')}}`);
  const headerBytes = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(8 + headerBytes + offset);
  const view = new DataView(out.buffer);
  view.setUint32(0, headerBytes % 2 ** 32, true);
  view.setUint32(4, Math.floor(headerBytes / 2 ** 32), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + headerBytes); // spaces, so the data starts 8-aligned
  let at = 8 + headerBytes;
  for (const [, t] of entries) {
    writeElements(t._data, out, at);
    at += t._data.byteLength;
  }
  return out;
}

function rankOf(t: Tensor): number {
  return CODES[CODE_OF[t.dtype]]!.rank;
}

function checkTensors(op: string, tensors: unknown): [string, Tensor][] {
  if (tensors === null || typeof tensors !== 'object' || Array.isArray(tensors)) {
    throw new ArgumentError(`${op}: tensors must be an object mapping names to tensors, got ${show(tensors)}`);
  }
  const entries = Object.entries(tensors as Record<string, unknown>);
  for (const [name, t] of entries) {
    if (!isTensor(t)) throw new ArgumentError(`${op}: '${name}' must be a Tensor, got ${show(t)}`);
    if (name === '' || name === METADATA || name === FORBIDDEN) throw new ArgumentError(`${op}: ${show(name)} cannot name a tensor`);
  }
  return entries as [string, Tensor][];
}

function checkStrings(op: string, what: string, record: unknown): Record<string, string> {
  if (record === null || typeof record !== 'object' || Array.isArray(record)) {
    throw new ArgumentError(`${op}: ${what} must be an object of strings, got ${show(record)}`);
  }
  for (const [k, v] of Object.entries(record)) {
    if (typeof v !== 'string') throw new ArgumentError(`${op}: ${what} values must be strings, '${k}' is ${show(v)}`);
    if (k === FORBIDDEN) throw new ArgumentError(`${op}: ${show(k)} cannot be a ${what} key`);
  }
  return record as Record<string, string>;
}

/** JSON of a string record in its own key order (JSON.stringify would put keys like "0" first). */
function stringifyFlat(record: Record<string, string>): string {
  return `{${Object.entries(record).map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(',')}}`;
}

/** Names compared as the reference writer compares them: by their UTF-8 bytes. */
function compareUtf8(a: string, b: string): number {
  const enc = new TextEncoder();
  const x = enc.encode(a);
  const y = enc.encode(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return x.length - y.length;
}

function writeElements(data: TypedArray, out: Uint8Array, at: number): void {
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  out.set(bytes, at);
  if (!LITTLE_ENDIAN) reverseEach(out.subarray(at, at + data.byteLength), data.BYTES_PER_ELEMENT);
}

/** Swaps the byte order of every element in place (only on big-endian hosts). */
function reverseEach(bytes: Uint8Array, width: number): void {
  for (let i = 0; i < bytes.length; i += width) bytes.subarray(i, i + width).reverse();
}

// ---------------------------------------------------------------------------
// Reading

interface Entry {
  name: string;
  code: Code;
  shape: number[];
  begin: number;
  end: number;
}

/**
 * The tensors and metadata of safetensors bytes (F64, F32 and I32 tensors). Each tensor owns
 * a copy of its elements. Anything malformed is a `FormatError` naming the problem, thrown
 * before any tensor is allocated.
 * @example
 *   const { tensors, metadata } = decodeSafetensors(new Uint8Array(await (await fetch(url)).arrayBuffer()));
 *   model.loadStateDict(tensors);
 */
export function decodeSafetensors(bytes: Uint8Array | ArrayBuffer): Safetensors {
  const op = 'decodeSafetensors';
  const buf = toBytes(op, bytes);
  return readSafetensors(op, buf.length, (into, position) => into.set(buf.subarray(position, position + into.length)));
}

/**
 * @internal Reads safetensors from a source of `total` bytes that `read` copies from (`into.length`
 * bytes at `position`): the 8-byte length first, then the header, all checked against `total`
 * before any tensor is allocated; then each tensor's bytes straight into its own array. So a file
 * never has to be in memory whole (the Node loader reads it in pieces).
 */
export function readSafetensors(op: string, total: number, read: (into: Uint8Array, position: number) => void): Safetensors {
  if (total < 8) {
    throw new FormatError(`${op}: truncated: ${total} bytes, but a safetensors file starts with an 8-byte header length`);
  }
  const first = new Uint8Array(8);
  read(first, 0);
  const view = new DataView(first.buffer);
  const n = view.getUint32(4, true) * 2 ** 32 + view.getUint32(0, true);
  if (n > MAX_HEADER_BYTES) throw new FormatError(`${op}: the header length ${n} is implausible (at most ${MAX_HEADER_BYTES} bytes); not a safetensors file?`);
  if (n < 2) throw new FormatError(`${op}: the header length ${n} is too short for a JSON object`);
  if (8 + n > total) throw new FormatError(`${op}: truncated: the header claims ${n} bytes but only ${total - 8} follow its length`);
  const headerBytes = new Uint8Array(n);
  read(headerBytes, 8);
  const header = readHeader(op, headerBytes);
  const dataStart = 8 + n;
  const dataLength = total - dataStart;
  const metadata = Object.create(null) as Record<string, string>;
  const entries: Entry[] = [];
  for (const [name, info] of Object.entries(header)) {
    if (name === FORBIDDEN) throw new FormatError(`${op}: the header has the key "__proto__", which tapegrad does not accept`);
    if (name === METADATA) Object.assign(metadata, readMetadata(op, info));
    else entries.push(readEntry(op, name, info, dataLength));
  }
  checkCoverage(op, entries, dataLength);
  // Everything is checked: only now are the tensors allocated.
  const tensors = Object.create(null) as Record<string, Tensor>;
  for (const e of entries) tensors[e.name] = new Tensor(readElements(e, (into) => read(into, dataStart + e.begin)), e.shape);
  return { tensors, metadata };
}

function toBytes(op: string, bytes: unknown): Uint8Array {
  if (bytes instanceof Uint8Array) return bytes;
  if (bytes instanceof ArrayBuffer) return new Uint8Array(bytes);
  throw new ArgumentError(`${op}: expected a Uint8Array or an ArrayBuffer, got ${show(bytes)}`);
}

function readHeader(op: string, bytes: Uint8Array): JsonObject {
  let text: string;
  try {
    // NOTE: ignoreBOM keeps a byte-order mark in the text, so that it is refused below as the reference implementation refuses it.
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw new FormatError(`${op}: the header is not valid UTF-8`);
  }
  if (text[0] !== '{') throw new FormatError(`${op}: the header does not start with '{' (starts with ${show(text.slice(0, 8))}); not a safetensors file?`);
  const header = parseJson(text, `${op}: the header is not valid JSON`);
  if (header === null || typeof header !== 'object' || Array.isArray(header)) throw new FormatError(`${op}: the header must be a JSON object`);
  return header as JsonObject;
}

function readMetadata(op: string, info: unknown): Record<string, string> {
  if (info === null || typeof info !== 'object' || Array.isArray(info)) throw new FormatError(`${op}: __metadata__ must be an object of strings`);
  for (const [k, v] of Object.entries(info)) {
    if (typeof v !== 'string') throw new FormatError(`${op}: __metadata__ values must be strings, '${k}' is ${show(v)}`);
    if (k === FORBIDDEN) throw new FormatError(`${op}: __metadata__ has the key "__proto__", which tapegrad does not accept`);
  }
  return info as Record<string, string>;
}

function readEntry(op: string, name: string, info: unknown, dataLength: number): Entry {
  const where = `${op}: tensor ${JSON.stringify(name)}`;
  if (info === null || typeof info !== 'object' || Array.isArray(info)) throw new FormatError(`${where} must be an object { dtype, shape, data_offsets }`);
  const { dtype, shape, data_offsets: offsets } = info as Record<string, unknown>;
  const code = typeof dtype === 'string' ? CODES[dtype] : undefined;
  if (code === undefined) throw new FormatError(`${where} has dtype ${show(dtype)}; tapegrad reads F64, F32, I32 and BOOL`);
  // NOTE: an axis past 2**31 - 1 is refused even in an empty tensor, as every shape in tapegrad (see checkSize).
  if (!Array.isArray(shape) || shape.length > MAX_DIMS || !shape.every((d) => Number.isSafeInteger(d) && d >= 0 && d <= MAX_ELEMENTS)) {
    throw new FormatError(`${where} has shape ${show(shape)}; sizes must be whole numbers from 0 to 2**31 - 1 (at most ${MAX_DIMS} of them)`);
  }
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isSafeInteger(o) && o >= 0)) {
    throw new FormatError(`${where} has data_offsets ${show(offsets)}; expected [begin, end], whole numbers ≥ 0`);
  }
  const [begin, end] = offsets as [number, number];
  if (begin > end || end > dataLength) {
    throw new FormatError(`${where} has data_offsets [${begin},${end}], outside the ${dataLength} bytes of data (truncated file?)`);
  }
  const bytes = byteSize(shape as number[], code.bytes);
  if (bytes !== end - begin) {
    const claim = bytes === Infinity ? 'more elements than can exist' : `${bytes / code.bytes} elements (${bytes} bytes)`;
    throw new FormatError(`${where} claims shape ${fmt(shape as number[])} ${dtype}, ${claim}, but its data_offsets span ${end - begin} bytes`);
  }
  return { name, code, shape: shape as number[], begin, end };
}

/** Bytes of a shape; Infinity when the product leaves the exact integers on the way. */
function byteSize(shape: readonly number[], width: number): number {
  let n = width;
  for (const d of shape) {
    n *= d;
    if (n > Number.MAX_SAFE_INTEGER) return Infinity;
  }
  return n;
}

/** The tensors' byte ranges must tile the data exactly: from 0, no overlap, no gap, nothing after. */
function checkCoverage(op: string, entries: Entry[], dataLength: number): void {
  const sorted = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let at = 0;
  let prev: Entry | undefined;
  for (const e of sorted) {
    if (e.begin < at) throw new FormatError(`${op}: the data of ${show(e.name)} [${e.begin},${e.end}] overlaps that of ${show(prev!.name)} [${prev!.begin},${prev!.end}]`);
    if (e.begin > at) throw new FormatError(`${op}: bytes [${at},${e.begin}) of the data belong to no tensor`);
    at = e.end;
    prev = e;
  }
  if (at !== dataLength) throw new FormatError(`${op}: the tensors cover ${at} bytes of data but ${dataLength} follow the header`);
}

function readElements(e: Entry, read: (into: Uint8Array) => void): TypedArray {
  const count = (e.end - e.begin) / e.code.bytes;
  const out = e.code.dtype === 'float64' ? new Float64Array(count) : e.code.dtype === 'float32' ? new Float32Array(count)
    : e.code.dtype === 'int32' ? new Int32Array(count) : new Uint8Array(count);
  const raw = new Uint8Array(out.buffer);
  if (count > 0) read(raw);
  if (out instanceof Uint8Array) {
    const bad = out.findIndex((v) => v > 1);
    if (bad >= 0) throw new FormatError(`decodeSafetensors: tensor ${JSON.stringify(e.name)} is BOOL but byte ${bad} of its data is ${out[bad]}, not 0 or 1`);
  }
  if (!LITTLE_ENDIAN) reverseEach(raw, e.code.bytes);
  return out;
}
