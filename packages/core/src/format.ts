import type { DType, TypedArray } from './dtype.js';
import type { Shape } from './shape.js';

/** Placeholder until the numpy-style printer lands. */
export function formatTensor(data: TypedArray, shape: Shape, _dtype: DType): string {
  return `tensor(${shape.join('x')}: ${Array.from(data).join(', ')})`;
}
