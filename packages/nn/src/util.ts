/** Small helpers shared by layers, losses and the course functions (kept free of Module, so the course entry stays small). */
import { fmt, isTensor, IndexError, Tensor, ValueError, tensor, type TensorLike } from '@tapegrad/core';

/** A tensor as is (keeping its place on the tape), anything else converted. */
export function toTensor(v: TensorLike): Tensor {
  return isTensor(v) ? v : tensor(v);
}

/** A tensor's shape as every message shows it (core's `fmt`): `[2,3]`. */
export function shapeOf(t: Tensor): string {
  return fmt(t.shape);
}

/** Class indices as int32, each checked to be a whole number in [0, classes). */
export function classIndices(op: string, t: Tensor, classes: number): Tensor {
  for (let i = 0; i < t.size; i++) {
    const v = t._data[i]!;
    if (!Number.isInteger(v)) throw new ValueError(`${op}: class indices must be whole numbers, found ${v} at flat index ${i}`);
    if (v < 0 || v >= classes) throw new IndexError(`${op}: class index ${v} at flat index ${i} is out of range for ${classes} classes`);
  }
  return t.astype('int32');
}
