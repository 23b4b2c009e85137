/** Helpers shared by the property tests of the indexing, rearranging, sorting and einsum ops. */
import { grad, tensor, type Tensor } from '../src/index.js';
import { values } from './support.js';

/** Whole-number indices in [−n, n) of `shape` (negative ones included, repeats likely). */
export function indices(shape: number[], n: number, seed: number): Tensor {
  return tensor(Array.from(values(shape, seed, { lo: -n, hi: n }).data, Math.floor), { shape, dtype: 'int32' });
}

/** The gradient of Σ f(x)² as a function of x: gradchecking it checks f's second derivative. */
export const secondOrder = (f: (x: Tensor) => Tensor) => grad((x: Tensor) => f(x).square().sum()) as (x: Tensor) => Tensor;
