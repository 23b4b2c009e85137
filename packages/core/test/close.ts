/**
 * Test helpers: compare a tensor with numpy's numbers, written as nested-array literals.
 * Not a test file itself (vitest only collects `*.test.ts`).
 */
import { expect } from 'vitest';
import type { DType, NestedArray, Tensor } from '../src/index.js';

/**
 * Four units in the last place of a float64 (relative): the tolerance for results whose
 * rounding may legitimately differ from numpy's (summation order, libm's exp/log/tanh).
 */
export const ULPS4 = 4 * Number.EPSILON;

/** For matrix products, where numpy's BLAS may sum in another order and fuse multiply-adds. */
export const BLAS_RTOL = 1e-12;

function shapeOf(v: NestedArray): number[] {
  const shape: number[] = [];
  for (let cur = v; Array.isArray(cur); cur = cur[0] as NestedArray) {
    shape.push(cur.length);
    if (cur.length === 0) break;
  }
  return shape;
}

function flatten(v: NestedArray): number[] {
  return Array.isArray(v) ? v.flatMap((e) => flatten(e as NestedArray)) : [Number(v)];
}

function agrees(actual: number, expected: number, rtol: number): boolean {
  if (Number.isNaN(expected)) return Number.isNaN(actual);
  if (actual === expected) return true;
  if (!Number.isFinite(expected)) return false;
  return Math.abs(actual - expected) <= rtol * Math.max(Math.abs(actual), Math.abs(expected));
}

export interface ExpectOptions {
  /** Relative tolerance; 0 (the default) asks for the exact numbers, NaN matching NaN. */
  rtol?: number;
  /** The dtype the tensor must have. */
  dtype?: DType;
  /** The shape, when the literal cannot say it (size-0 tensors such as [2, 0, 3]). */
  shape?: readonly number[];
}

/**
 * Asserts that `t` has the shape of `expected` (or `opts.shape`) and its values, element by
 * element, within `opts.rtol` of numpy's; failures list every differing element.
 */
export function expectValues(t: Tensor, expected: NestedArray, opts: ExpectOptions = {}): void {
  expect(t.shape).toEqual(opts.shape ?? shapeOf(expected));
  if (opts.dtype !== undefined) expect(t.dtype).toBe(opts.dtype);
  const want = flatten(expected);
  const got = Array.from(t.data);
  expect(got.length).toBe(want.length);
  const rtol = opts.rtol ?? 0;
  const wrong = want.flatMap((w, i) => (agrees(got[i]!, w, rtol) ? [] : [{ index: i, actual: got[i], expected: w }]));
  expect(wrong).toEqual([]);
}
