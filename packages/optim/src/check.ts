/**
 * Argument checks shared by the optimizers, schedules, data helpers and `fit`.
 * Each throws one of core's error classes with a message naming the function
 * (`op`), the option and the value it got.
 */
import { ArgumentError, ValueError } from '@tapegrad/core';

import { show } from '@tapegrad/core';

/** Core's message helper, for the modules here that import it with the checks. */
export { show };

/** An options argument: undefined becomes `{}`; anything but a plain object is an error; unknown keys are errors. */
export function checkOptions<T extends object>(op: string, options: T | undefined, allowed: readonly string[]): Partial<T> {
  if (options === undefined) return {};
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new ArgumentError(`${op}: options must be an object, got ${show(options)}`);
  }
  for (const key of Object.keys(options)) {
    // NOTE: a misspelt option (learningRate for lr) would otherwise be ignored silently.
    if (!allowed.includes(key)) {
      throw new ArgumentError(`${op}: unknown option '${key}'; the options are ${allowed.join(', ')}`);
    }
  }
  return options;
}

function isNumber(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

/** A finite number > 0. */
export function positive(op: string, name: string, v: unknown): number {
  if (!isNumber(v) || v <= 0) throw new ValueError(`${op}: ${name} must be a finite number > 0, got ${show(v)}`);
  return v;
}

/** A finite number ≥ 0. */
export function nonNegative(op: string, name: string, v: unknown): number {
  if (!isNumber(v) || v < 0) throw new ValueError(`${op}: ${name} must be a finite number ≥ 0, got ${show(v)}`);
  return v;
}

/** A number in [0, 1): momentum and decay rates (1 would never forget, above 1 diverges). */
export function rate(op: string, name: string, v: unknown): number {
  if (!isNumber(v) || v < 0 || v >= 1) throw new ValueError(`${op}: ${name} must be a number in [0, 1), got ${show(v)}`);
  return v;
}

/** A whole number ≥ `min`. */
export function integer(op: string, name: string, v: unknown, min = 1): number {
  if (!isNumber(v) || !Number.isInteger(v) || v < min) {
    throw new ValueError(`${op}: ${name} must be a whole number ≥ ${min}, got ${show(v)}`);
  }
  return v;
}

export function bool(op: string, name: string, v: unknown): boolean {
  if (typeof v !== 'boolean') throw new ArgumentError(`${op}: ${name} must be true or false, got ${show(v)}`);
  return v;
}

export function func<F>(op: string, name: string, v: unknown): F {
  if (typeof v !== 'function') throw new ArgumentError(`${op}: ${name} must be a function, got ${show(v)}`);
  return v as F;
}
