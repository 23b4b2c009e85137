import { ValueError } from './errors.js';
import { MAX_ELEMENTS } from './shapes.js';

/**
 * Element types. `float64` is the default, as in numpy; `int32` holds indices and counts;
 * `bool` (one byte per element, 0 or 1) is what comparisons return.
 */
export type DType = 'float64' | 'float32' | 'int32' | 'bool';
export type FloatDType = 'float64' | 'float32';

/** Storage: bool tensors keep 0 or 1 in a Uint8Array. */
export type TypedArray = Float64Array | Float32Array | Int32Array | Uint8Array;

export function isDType(d: unknown): d is DType {
  return d === 'float64' || d === 'float32' || d === 'int32' || d === 'bool';
}

export function isFloat(d: DType): d is FloatDType {
  return d === 'float64' || d === 'float32';
}

// Mid-size arrays are carved out of shared slabs: in V8 a typed array above 64 bytes gets a
// backing store of its own, many times dearer than a view into an existing buffer, and the tape
// makes many small tensors (measurements: bench/results/design-measurements.md). A scalar (8 bytes
// at most) gets an array of its own, which V8 keeps on its heap as cheaply as a view, so that keeping
// a loss or a metric pins nothing else.
// NOTE: slabs are bump-allocated and never reused (fresh memory is zero, as a new array would
// be); a slab is freed when the last array in it is. No user ever sees a slab view: the tensor's
// public `data` copies its values out first (see Tensor.data), which also releases its hold.
const SLAB_BYTES = 16 * 1024;
const SMALL_BYTES = 2048;
/**
 * Arrays of up to this many bytes are never carved from a slab. NOTE: only scalars; V8 would keep up
 * to 64 bytes on its heap, but short vectors stay in slabs, which is what the tape-overhead bench
 * (10-element tensors) was measured with (bench/results/tape-overhead-storage.md).
 */
const ON_HEAP_BYTES = 8;
/** Marks an ArrayBuffer as a slab (a property: cheaper to test than a WeakSet lookup). */
const SLAB: unique symbol = Symbol('slab');
let slab = newSlab();
let slabUsed = 0;

function newSlab(): ArrayBuffer {
  const b = new ArrayBuffer(SLAB_BYTES);
  (b as ArrayBuffer & { [SLAB]?: true })[SLAB] = true;
  return b;
}

/** Reserves `bytes` in the current slab (`slab`, starting a new one when full) and returns their offset. */
function reserve(bytes: number): number {
  const aligned = (bytes + 7) & ~7;
  if (slabUsed + aligned > SLAB_BYTES) {
    slab = newSlab();
    slabUsed = 0;
  }
  const offset = slabUsed;
  slabUsed += aligned;
  return offset;
}

/** Whether an array of `bytes` bytes may have come from a slab (what an op's output is assumed to be: cheap). */
export function slabSized(bytes: number): boolean {
  return bytes > ON_HEAP_BYTES && bytes <= SMALL_BYTES;
}

/** Whether `data` is a view into a slab, which other arrays share (exact: for arrays a user hands in). */
export function fromSlab(data: TypedArray): boolean {
  // Only arrays of the slab sizes are checked: reading `.buffer` of a scalar's would move it off V8's heap.
  return slabSized(data.byteLength) && (data.buffer as ArrayBuffer & { [SLAB]?: true })[SLAB] === true;
}

/** Arrays of at least this many bytes are tracked by `unseen` (kernels keep copies of large operands only). */
const TRACKED_BYTES = 64 * 1024;
/**
 * Large arrays made by `allocate` or `copyAs` that no user has been handed (`Tensor.data` never read
 * on them): they change only through package code, which bumps their version when it writes, so a
 * kernel may key a copy of one by the array and its version. A user's own array never enters.
 */
const unseenArrays = new WeakSet<TypedArray>();

/** Whether no user holds `data` (see unseenArrays); false for arrays under 64 KB. */
export function unseen(data: TypedArray): boolean {
  return data.byteLength >= TRACKED_BYTES && unseenArrays.has(data);
}

/** Marks `data` as handed to a user (Tensor.data does, before returning it). */
export function markSeen(data: TypedArray): void {
  if (data.byteLength >= TRACKED_BYTES) unseenArrays.delete(data);
}

/** A zeroed array of `size` elements of `dtype`; a size beyond what the engine can allocate is a ValueError, not a RangeError. */
export function allocate(dtype: DType, size: number): TypedArray {
  // The last guard (ops check their result shapes first, with a better message): beyond int32 indices
  // an array would be allocated lazily and then exhaust memory while filled.
  if (size > MAX_ELEMENTS) throw new ValueError(`cannot allocate a tensor of ${size} ${dtype} elements; a tensor holds at most 2**31 - 1`);
  const bytes = dtype === 'float64' ? 8 * size : dtype === 'bool' ? size : 4 * size;
  if (bytes > ON_HEAP_BYTES && bytes <= SMALL_BYTES) {
    const offset = reserve(bytes);
    return dtype === 'float64' ? new Float64Array(slab, offset, size)
      : dtype === 'float32' ? new Float32Array(slab, offset, size)
      : dtype === 'int32' ? new Int32Array(slab, offset, size)
      : new Uint8Array(slab, offset, size);
  }
  try {
    const arr = dtype === 'float64' ? new Float64Array(size) : dtype === 'float32' ? new Float32Array(size)
      : dtype === 'int32' ? new Int32Array(size) : new Uint8Array(size);
    if (bytes >= TRACKED_BYTES) unseenArrays.add(arr);
    return arr;
  } catch (e) {
    if (e instanceof RangeError) throw new ValueError(`cannot allocate a tensor of ${size} ${dtype} elements (${e.message})`);
    throw e;
  }
}

/**
 * A copy of the numbers of `src` as `dtype` (converted as `copyInto` converts them). NOTE: beyond the slabs'
 * sizes the typed array constructor copies without zeroing first: half the time of allocate + set.
 */
export function copyAs(dtype: DType, src: ArrayLike<number> & ArrayBufferView): TypedArray {
  if (dtype === 'bool' || src.length * (dtype === 'float64' ? 8 : 4) <= SMALL_BYTES) {
    const arr = allocate(dtype, src.length);
    copyInto(arr, src);
    return arr;
  }
  try {
    const arr = dtype === 'float64' ? new Float64Array(src) : dtype === 'float32' ? new Float32Array(src) : new Int32Array(src);
    if (arr.byteLength >= TRACKED_BYTES) unseenArrays.add(arr);
    return arr;
  } catch (e) {
    if (e instanceof RangeError) return allocate(dtype, src.length); // throws allocate's ValueError
    throw e;
  }
}

export function dtypeOf(data: TypedArray): DType {
  if (data instanceof Float64Array) return 'float64';
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof Uint8Array) return 'bool';
  return 'int32';
}

/**
 * Copies numbers into `out`; into bool storage as numpy's `bool(v)`: 1 for any nonzero value, NaN included.
 * (A plain `set` would store 2 or 256 as themselves, modulo 256.)
 */
export function copyInto(out: TypedArray, src: ArrayLike<number>): void {
  if (out instanceof Uint8Array) {
    for (let i = 0; i < src.length; i++) out[i] = src[i] !== 0 ? 1 : 0;
  } else {
    out.set(src);
  }
}

/**
 * numpy's promotion for the types we have: bool with anything is the other type;
 * float32 with float64 is float64; int32 with float32 is float64 (float32 cannot hold
 * every int32); equal types stay.
 */
export function promote(a: DType, b: DType): DType {
  if (a === b || b === 'bool') return a;
  if (a === 'bool') return b;
  return 'float64';
}

/**
 * The dtype of a result that must be floating (exp, div, mean…): int32 and bool become float64.
 * NOTE: numpy gives float16 for bool there (exp of a bool array); we have no float16.
 */
export function floatOf(d: DType): FloatDType {
  return d === 'float32' ? 'float32' : 'float64';
}
