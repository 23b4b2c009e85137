/**
 * What an optimizer may be given as its parameters: an array (or any iterable) of
 * tensors, or a module-like object with `parameters()` — and, if it has one,
 * `namedParameters()` for the names used in messages.
 */
import { ArgumentError, DTypeError, isTensor, Tensor, ValueError } from '@tapegrad/core';
import { show } from './check.js';

/** Anything with `parameters()`, such as an `@tapegrad/nn` Module. */
export interface ParameterSource {
  parameters(): Iterable<Tensor>;
  /** Pairs `[name, tensor]` (an iterable or a Map) or an object of tensors by name. */
  namedParameters?(): Iterable<readonly [string, Tensor]> | Record<string, Tensor>;
}

/** The parameters an optimizer updates. */
export type Params = Iterable<Tensor> | ParameterSource;

export interface ResolvedParams {
  readonly tensors: readonly Tensor[];
  /** For messages: `'fc1.weight' (param[0])`, or `param[0]` when nothing names it. */
  readonly labels: readonly string[];
}


function isSource(v: unknown): v is ParameterSource {
  return typeof v === 'object' && v !== null && typeof (v as ParameterSource).parameters === 'function';
}

function namesOf(source: ParameterSource): Map<Tensor, string> {
  const names = new Map<Tensor, string>();
  if (typeof source.namedParameters !== 'function') return names;
  const named = source.namedParameters();
  const pairs = Symbol.iterator in named
    ? (named as Iterable<readonly [string, Tensor]>)
    : Object.entries(named as Record<string, Tensor>);
  for (const [name, t] of pairs) if (!names.has(t)) names.set(t, name);
  return names;
}

/** Checks and lists the parameters: at least one, all float tensors, none twice. */
export function resolveParams(op: string, params: Params): ResolvedParams {
  if (isTensor(params)) {
    throw new ArgumentError(`${op}: params must be an array of tensors or a module, got a single tensor; wrap it: [t]`);
  }
  let tensors: unknown[];
  let names = new Map<Tensor, string>();
  if (isSource(params)) {
    tensors = Array.from(params.parameters());
    names = namesOf(params);
  } else if (params !== null && typeof params === 'object' && Symbol.iterator in params) {
    tensors = Array.from(params as Iterable<unknown>);
  } else {
    throw new ArgumentError(`${op}: params must be an array of tensors or an object with parameters(), got ${show(params)}`);
  }
  if (tensors.length === 0) throw new ValueError(`${op}: params is empty; there is nothing to optimize`);
  const labels = tensors.map((t, i) => {
    if (!isTensor(t)) throw new ArgumentError(`${op}: param[${i}] must be a Tensor, got ${show(t)}`);
    const name = names.get(t) ?? t.name;
    return name === undefined ? `param[${i}]` : `'${name}' (param[${i}])`;
  });
  const seen = new Map<Tensor, number>();
  (tensors as Tensor[]).forEach((t, i) => {
    if (t.dtype !== 'float64' && t.dtype !== 'float32') throw new DTypeError(`${op}: ${labels[i]} is ${t.dtype}; only float32 and float64 tensors can be optimized`);
    const first = seen.get(t);
    if (first !== undefined) throw new ValueError(`${op}: ${labels[i]} is the same tensor as ${labels[first]}; it would be updated twice per step`);
    seen.set(t, i);
  });
  return { tensors: tensors as Tensor[], labels };
}
