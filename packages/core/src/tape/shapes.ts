/**
 * Shape arithmetic: sizes, strides, user-given shapes and axes, numpy's broadcasting rule.
 */
import { IndexError, ShapeError, ValueError } from './errors.js';
import { fmt, show } from './messages.js';

export type Shape = readonly number[];

export function sizeOf(shape: Shape): number {
  // NOTE: an index loop: for…of over a frozen array (every tensor's shape) allocates its iterator in V8.
  let n = 1;
  for (let i = 0; i < shape.length; i++) n *= shape[i]!;
  return n;
}

/** Row-major strides in elements. */
export function stridesOf(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i]!;
  }
  return strides;
}

export function sameShape(a: Shape, b: Shape): boolean {
  if (a === b) return true; // tensors made by elementwise ops share their input's shape
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Checks a user-given shape: whole numbers ≥ 0. */
export function checkShape(op: string, shape: unknown): number[] {
  if (typeof shape === 'number') shape = [shape];
  if (!Array.isArray(shape)) throw new ValueError(`${op}: shape must be an array of sizes, got ${show(shape)}`);
  for (const d of shape) {
    if (typeof d !== 'number' || !Number.isInteger(d) || d < 0) {
      throw new ValueError(`${op}: sizes must be whole numbers ≥ 0, got shape ${show(shape)}`);
    }
  }
  // + 0 turns a size of −0 into 0 (JSON and Object.is would tell them apart).
  const dims = shape.map((d: number) => d + 0);
  checkSize(op, dims);
  return dims;
}

/**
 * The most elements a tensor holds. NOTE: indices are int32 (argmax, takeAlongAxis, oneHot), and a
 * larger request (`ones(2 ** 31)`, 16 GB) would be allocated lazily and then exhaust memory while
 * filled, killing the process rather than throwing.
 */
export const MAX_ELEMENTS = 2 ** 31 - 1;

/**
 * Refuses a shape of more than MAX_ELEMENTS elements, or with an axis longer than that, before anything
 * is allocated. NOTE: the axis limit holds for empty tensors too: positions along an axis are int32
 * (argmax, take, sort), and ops that walk an axis (slice, repeat) would do 10¹² steps for `[0, 1e12]`
 * (the fuzz found V8 aborting the process on such an index list).
 */
export function checkSize(op: string, shape: Shape): void {
  const n = sizeOf(shape);
  if (n > MAX_ELEMENTS) throw new ValueError(`${op}: shape ${fmt(shape)} holds ${n} elements; a tensor holds at most 2**31 - 1`);
  if (n === 0) checkAxes(op, shape);
}

/** Only an empty shape can have an axis past the cap (otherwise each axis is at most the element count). */
function checkAxes(op: string, shape: Shape, inputs?: readonly Shape[]): void {
  for (let i = 0; i < shape.length; i++) {
    if (shape[i]! > MAX_ELEMENTS) {
      const what = inputs === undefined ? `shape ${fmt(shape)}` : `the result of ${inputs.map(fmt).join(' and ')}, shape ${fmt(shape)},`;
      throw new ValueError(`${op}: ${what} has an axis of ${shape[i]}; an axis holds at most 2**31 - 1, even in an empty tensor`);
    }
  }
}

/**
 * Refuses an op's result of more than MAX_ELEMENTS elements before it is allocated, naming the
 * op, the shapes it was given and the shape it would have made.
 */
export function checkResult(op: string, inputs: readonly Shape[], out: Shape): void {
  const n = sizeOf(out);
  if (n > MAX_ELEMENTS) {
    throw new ValueError(`${op}: the result of ${inputs.map(fmt).join(' and ')} would have shape ${fmt(out)}, ${n} elements; a tensor holds at most 2**31 - 1`);
  }
  if (n === 0) checkAxes(op, out, inputs);
}

/** Resolves a possibly negative axis against `ndim`, as numpy does. */
export function normAxis(op: string, axis: number, ndim: number): number {
  if (typeof axis !== 'number' || !Number.isInteger(axis)) {
    throw new IndexError(`${op}: axis must be an integer, got ${show(axis)}`);
  }
  if (axis < -ndim || axis >= ndim) {
    throw new IndexError(`${op}: axis ${axis} is out of range for a ${ndim}-d tensor`);
  }
  return axis < 0 ? axis + ndim : axis;
}

/** Resolves `axis?: number | number[]` to a sorted list of distinct axes (all axes when omitted). */
export function normAxes(op: string, axis: number | readonly number[] | undefined | null, ndim: number): number[] {
  if (axis === undefined || axis === null) return Array.from({ length: ndim }, (_, i) => i);
  const list = typeof axis === 'number' ? [axis] : Array.isArray(axis) ? axis : null;
  if (list === null) throw new IndexError(`${op}: axis must be a number or an array of numbers, got ${show(axis)}`);
  const out = list.map((a) => normAxis(op, a, ndim));
  const set = new Set(out);
  if (set.size !== out.length) throw new IndexError(`${op}: repeated axis in [${list.join(',')}]`);
  return out.sort((a, b) => a - b);
}

/** numpy's broadcasting rule: align from the right; each pair of sizes must match or be 1. */
export function broadcastShapes(op: string, a: Shape, b: Shape): number[] {
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const da = a[a.length - n + i] ?? 1;
    const db = b[b.length - n + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new ShapeError(`${op}: shapes ${fmt(a)} and ${fmt(b)} cannot be broadcast together`);
    }
    out[i] = da === 1 ? db : da;
  }
  checkResult(op, [a, b], out);
  return out;
}

/**
 * Strides that read an array of `shape` as if it had `target` shape (0 where broadcast).
 * `shape` must broadcast to `target`.
 */
export function broadcastStrides(shape: Shape, target: Shape): number[] {
  const own = stridesOf(shape);
  const out = new Array<number>(target.length).fill(0);
  const off = target.length - shape.length;
  for (let i = 0; i < shape.length; i++) out[off + i] = shape[i] === 1 ? 0 : own[i]!;
  return out;
}
