/**
 * What an optimizer may be given as its parameters: an array (or any iterable) of
 * tensors, or a module-like object with `parameters()` — and, if it has one,
 * `namedParameters()` for the names used in messages.
 */
import { ArgumentError, DTypeError, isTensor, Tensor, ValueError } from '@tapegrad/core';
import { checkOptions, show } from './check.js';

/** Anything with `parameters()`, such as an `@tapegrad/nn` Module. */
export interface ParameterSource {
  parameters(): Iterable<Tensor>;
  /** Pairs `[name, tensor]` (an iterable or a Map) or an object of tensors by name. */
  namedParameters?(): Iterable<readonly [string, Tensor]> | Record<string, Tensor>;
}

/** The parameters an optimizer updates. */
export type Params = Iterable<Tensor> | ParameterSource;

/**
 * A parameter group, PyTorch's `{ 'params': …, 'lr': … }`: its tensors (or a module) and options
 * that override the optimizer's for them (any option of the optimizer: lr, weightDecay, momentum…).
 */
export interface ParamGroupOptions {
  params: Params;
  [option: string]: unknown;
}

/** What an optimizer's constructor takes: parameters, or an array of parameter groups. */
export type ParamsOrGroups = Params | readonly ParamGroupOptions[];

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

function isGroupList(v: unknown): v is readonly ParamGroupOptions[] {
  if (!Array.isArray(v) || v.length === 0) return false;
  const first: unknown = v[0];
  return typeof first === 'object' && first !== null && !isTensor(first) && 'params' in first;
}

export interface ResolvedGroups extends ResolvedParams {
  /** Each group's parameter count (its tensors follow each other in `tensors`) and its own options. */
  readonly groups: readonly { size: number; options: Record<string, unknown> }[];
  /** Whether the parameters came as a list of groups (even of one). */
  readonly grouped: boolean;
}

/**
 * Parameters or parameter groups, checked: every group has `params` and only options in `allowed`
 * (not `checkFinite`, which is the optimizer's); no tensor in two groups.
 */
export function resolveGroups(op: string, params: ParamsOrGroups, allowed: readonly string[]): ResolvedGroups {
  if (!isGroupList(params)) {
    const one = resolveParams(op, params as Params);
    return { ...one, groups: [{ size: one.tensors.length, options: {} }], grouped: false };
  }
  const tensors: Tensor[] = [];
  const labels: string[] = [];
  const groups = params.map((group, gi) => {
    const where = `${op} (param group ${gi})`;
    if (group === null || typeof group !== 'object' || !('params' in group)) {
      throw new ArgumentError(`${where}: a parameter group must be an object { params, ...options }, got ${show(group)}`);
    }
    const { params: ps, ...options } = group;
    checkOptions(where, options, allowed.filter((k) => k !== 'checkFinite'));
    const one = resolveParams(where, ps);
    one.labels.forEach((l, i) => labels.push(l.replace(/param\[(\d+)\]/, () => `param[${tensors.length + i}]`)));
    tensors.push(...one.tensors);
    return { size: one.tensors.length, options };
  });
  const seen = new Map<Tensor, number>();
  tensors.forEach((t, i) => {
    const first = seen.get(t);
    if (first !== undefined) throw new ValueError(`${op}: ${labels[i]} is the same tensor as ${labels[first]}; a tensor may be in one parameter group only`);
    seen.set(t, i);
  });
  return { tensors, labels, groups, grouped: true };
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
