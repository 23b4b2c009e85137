/**
 * The tape. Each op that sees an input requiring grad attaches a `Node` to its
 * output: the op's name, its inputs, what its rule saved, and the gradient rule
 * (called with the incoming gradient, the inputs and the output). `backward` walks
 * those nodes in reverse topological order.
 */
import { AnomalyError, AutogradError, ArgumentError, ShapeError } from './errors.js';
import { sameShape } from './shapes.js';
import { fmt, show } from './messages.js';
import type { Tensor } from './tensor.js';
import { postOrder } from './traverse.js';

/**
 * Maps the gradient of an op's output to the gradients of its inputs (null: none). Backward also
 * passes the node's inputs and output, so that an op can give every call one rule rather than a
 * closure over each call's tensors (the elementwise ops do).
 */
export type GradRule = (g: Tensor, inputs: readonly Tensor[], out: Tensor) => readonly (Tensor | null)[];

export interface Node {
  readonly op: string;
  /** The tensors the rule saved, and their versions when saved: modified since means a wrong gradient. */
  readonly saved: readonly Tensor[];
  readonly versions: readonly number[];
  /** Where the user called the op (only recorded in anomaly mode). */
  readonly site: string | undefined;
  /** The op's inputs. Kept after backward (as PyTorch keeps `next_functions`) so the graph can still be drawn. */
  readonly inputs: readonly Tensor[];
  /**
   * The gradient rule with the tensors it saved. Set to null by a backward without
   * `retainGraph`, which releases the saved tensors and marks the graph as used.
   */
  rule: GradRule | null;
}

/**
 * NOTE: nodes are made by a class and not as object literals, and the elementwise ops' lists by `list`:
 * V8 notices when most objects of one literal outlive a young-generation collection, as a tape's
 * all do until backward, and may then allocate that literal's objects in the old generation
 * (allocation-site pretenuring), where every dead graph waits for a full collection. Seen on long
 * chains: a few times slower, at random.
 */
class TapeNode implements Node {
  constructor(
    readonly op: string,
    readonly inputs: readonly Tensor[],
    public rule: GradRule | null,
    readonly saved: readonly Tensor[],
    readonly versions: readonly number[],
    readonly site: string | undefined,
  ) {}
}

/** @internal An array of tensors made without an array literal (see TapeNode): `list(x, y)`. */
export function list(...tensors: Tensor[]): Tensor[] {
  return tensors;
}

let gradEnabled = true;

/** Whether ops are being recorded right now. */
export function isGradEnabled(): boolean {
  return gradEnabled;
}

/** A synchronous function's result: what noGrad and enableGrad accept. */
type NotPromise<T> = T extends PromiseLike<unknown> ? never : T;

function withGradMode<T>(on: boolean, fn: () => T): T {
  const prev = gradEnabled;
  gradEnabled = on;
  try {
    return fn();
  } finally {
    gradEnabled = prev;
  }
}

/** `withGradMode` for user functions: refuses asynchronous ones, which the mode cannot follow. */
function withSyncGradMode<T>(op: string, on: boolean, fn: () => T): T {
  if (typeof fn !== 'function') throw new ArgumentError(`${op}: expected a function, got ${fn === null ? 'null' : typeof fn}`);
  const refuse = (what: string) =>
    new ArgumentError(
      `${op}: ${what}; grad mode is a global switch, so code after an await would run with it switched back. ` +
        `Call ${op} on the synchronous parts (for example const y = ${op}(() => model.forward(x)) after the await)`,
    );
  // NOTE: an async function is refused before it runs; a plain function returning a promise only after (it already ran).
  if (fn.constructor?.name === 'AsyncFunction') throw refuse('fn is an async function');
  const result = withGradMode(on, fn);
  if (typeof (result as { then?: unknown } | null)?.then === 'function') throw refuse('fn returned a promise');
  return result;
}

/**
 * Runs `fn` without recording anything on the tape (evaluation, optimizer updates).
 * `fn` must be synchronous: an async function, or one returning a promise, is an `ArgumentError`
 * (recording would switch back on at its first `await`).
 * @example
 *   const y = noGrad(() => model.forward(x)); // y.requiresGrad === false
 */
export function noGrad<T>(fn: () => NotPromise<T>): T {
  return withSyncGradMode('noGrad', false, fn);
}

/**
 * Runs `fn` with recording on, even inside `noGrad`. As `noGrad`, `fn` must be synchronous.
 * @example
 *   noGrad(() => enableGrad(() => x.mul(x))).requiresGrad; // true when x requires grad
 */
export function enableGrad<T>(fn: () => NotPromise<T>): T {
  return withSyncGradMode('enableGrad', true, fn);
}

// ---------------------------------------------------------------------------
// Versions: every in-place write bumps the version of the storage it writes to, as
// PyTorch's version counters. Views (reshape, detach…) share the same typed array, so the
// array is the key (moved along when storage leaves its slab). NOTE: not its ArrayBuffer — small
// arrays share slabs (see allocate).

const versions = new WeakMap<object, number>();

/** How many times the storage of `t` has been modified in place. */
export function versionOf(t: Tensor): number {
  return versions.get(t._data) ?? 0;
}

/** Marks the storage of `t` as modified in place (our in-place ops call it; call it after writing `.data` yourself). */
export function bumpVersion(t: Tensor): void {
  const d = t._data;
  versions.set(d, (versions.get(d) ?? 0) + 1);
}

/** @internal Storage moved out of a slab keeps its version. */
export function moveVersion(from: object, to: object): void {
  const v = versions.get(from);
  if (v !== undefined) versions.set(to, v);
}

// ---------------------------------------------------------------------------
// Anomaly mode

let anomaly = false;
/** Inside a gradient rule the ops' own forward checks are off: checkBackward names the op whose rule it is. */
let inRule = false;

/** Turns anomaly detection on or off globally; returns the previous setting. */
export function setDetectAnomaly(on: boolean): boolean {
  const prev = anomaly;
  anomaly = on;
  return prev;
}

/** Whether anomaly detection is on. */
export function isAnomalyEnabled(): boolean {
  return anomaly;
}

/**
 * Runs `fn` with anomaly detection: every op checks its result and every gradient
 * rule its gradients, and the first NaN or Infinity throws an `AnomalyError` naming
 * the op, the shapes and the line of your code that called the op. Slow; for debugging.
 * @example
 *   detectAnomaly(() => x.log().sum().backward()); // AnomalyError: log produced -Infinity … at train.ts:12:5
 */
export function detectAnomaly<T>(fn: () => T): T {
  const prev = setDetectAnomaly(true);
  try {
    return fn();
  } finally {
    setDetectAnomaly(prev);
  }
}

const CALL_SITE_FRAMES = 200;

/** The first stack frame outside tapegrad's own sources: the user's line. */
function callSite(): string | undefined {
  // NOTE: the default of 10 frames is used up inside tapegrad when the op is reached through nn
  // modules (Sequential → Linear → matmul → record …), so the limit is raised while capturing.
  const limit = Error.stackTraceLimit;
  let text: string | undefined;
  try {
    Error.stackTraceLimit = CALL_SITE_FRAMES;
    text = new Error().stack;
  } finally {
    Error.stackTraceLimit = limit;
  }
  const stack = text?.split('\n').slice(1) ?? [];
  const ours = /[\\/](packages[\\/](core|nn|optim)[\\/](src|dist)|node_modules[\\/]@tapegrad)[\\/]/;
  const frame = stack.find((l) => !ours.test(l) && /\d+:\d+\)?\s*$/.test(l));
  return frame?.trim().replace(/^at\s+/, '');
}

function firstNonFinite(t: Tensor): number {
  const d = t._data;
  for (let i = 0; i < d.length; i++) if (!Number.isFinite(d[i]!)) return i;
  return -1;
}

function checkForward(op: string, inputs: readonly Tensor[], out: Tensor): void {
  const i = firstNonFinite(out);
  if (i < 0) return;
  const bad = inputs.map((x, k) => (firstNonFinite(x) >= 0 ? `input ${k} ${fmt(x.shape)} already held NaN/Infinity` : null)).filter(Boolean);
  const site = callSite();
  throw new AnomalyError(
    `${op} produced ${out._data[i]} at index ${i} of its output ${fmt(out.shape)} ` +
      `from inputs ${inputs.map((x) => fmt(x.shape)).join(', ')}` +
      (bad.length > 0 ? ` (${bad.join('; ')})` : '') +
      (site ? `; called at ${site}` : ''),
  );
}

function checkBackward(node: Node, k: number, gx: Tensor): void {
  const i = firstNonFinite(gx);
  if (i < 0) return;
  throw new AnomalyError(
    `backward of ${node.op} produced ${gx._data[i]} in the gradient for input ${k} ${fmt(gx.shape)} ` +
      `(inputs ${node.inputs.map((x) => fmt(x.shape)).join(', ')})` +
      (node.site ? `; the ${node.op} was called at ${node.site}` : ''),
  );
}

/**
 * Records `out = op(inputs)` on the tape when grad mode is on and an input requires grad.
 * Every op passes its gradient rule here (an op without one does not type-check) and
 * the tensors that rule saved, so that backward can tell when one was modified since.
 */
export function record(op: string, inputs: readonly Tensor[], out: Tensor, rule: GradRule, saved: readonly Tensor[]): Tensor {
  if (anomaly && !inRule) checkForward(op, inputs, out);
  if (!gradEnabled) return out;
  for (let k = 0; k < inputs.length; k++) {
    if (inputs[k]!.requiresGrad) {
      out.node = new TapeNode(op, inputs, rule, saved, versionsOf(saved), anomaly ? callSite() : undefined);
      out._markRequiresGrad();
      return out;
    }
  }
  return out;
}

/**
 * Whether `record` would do anything for an op on `x` (and `y`): grad mode on and an input that
 * requires grad, or anomaly mode's checks. The elementwise ops ask first, so that the ops a backward
 * runs (grad mode off) build no rule that nothing would keep.
 */
export function onTape(x: Tensor, y?: Tensor): boolean {
  return (gradEnabled && (x.requiresGrad || (y !== undefined && y.requiresGrad))) || (anomaly && !inRule);
}

/** Arrays of n zeros, shared: the versions of saved tensors never modified in place (nearly all of them). */
const ZEROS: (readonly number[])[] = [];

function versionsOf(saved: readonly Tensor[]): readonly number[] {
  for (let k = 0; k < saved.length; k++) if (versionOf(saved[k]!) !== 0) return saved.map(versionOf);
  return (ZEROS[saved.length] ??= Object.freeze(new Array<number>(saved.length).fill(0)));
}

function checkSaved(node: Node): void {
  for (let k = 0; k < node.saved.length; k++) {
    const t = node.saved[k]!;
    const now = versionOf(t);
    if (now !== node.versions[k]) {
      throw new AutogradError(
        `backward: a tensor of shape ${fmt(t.shape)}${t.name ? ` ('${t.name}')` : ''} saved by '${node.op}' ` +
          `was modified in place after it was saved (version ${node.versions[k]} → ${now}), so its gradient would be wrong` +
          (node.site ? `; the ${node.op} was called at ${node.site}` : '') +
          `. Modify it only after backward, or clone() it before the op.`,
      );
    }
  }
}

export interface BackwardOptions {
  /** Keep the graph so that backward can run through it again. Default: `createGraph`. */
  retainGraph?: boolean;
  /** Record the backward pass itself, for higher-order gradients. Default false. */
  createGraph?: boolean;
}

/**
 * The reverse walk: every gradient starts at zero (absent) and is added to on write,
 * so a tensor used twice (a diamond) receives the sum of both paths.
 * Returns the gradient of every tensor the walk reached that has no node (leaves)
 * or that is in `keep`.
 */
function walk(root: Tensor, seed: Tensor, opts: BackwardOptions, keep: ReadonlySet<Tensor>, fillRetained: boolean): Map<Tensor, Tensor> {
  const createGraph = opts.createGraph ?? false;
  const retainGraph = opts.retainGraph ?? createGraph;
  const order = postOrder(root, (x) => x.requiresGrad);
  // Check every saved tensor first, so that a refused backward leaves the graph untouched.
  for (let i = 0; i < order.length; i++) {
    const node = order[i]!.node;
    if (node !== null && node.rule !== null) checkSaved(node);
  }
  // grads[i] is the gradient reaching order[i] so far (absent: zero); postOrder set order[i]._at to i.
  const grads = new Array<Tensor | undefined>(order.length);
  grads[order.length - 1] = seed;
  const mark = root._seen;
  withGradMode(createGraph, () => {
    for (let i = order.length - 1; i >= 0; i--) {
      const t = order[i]!;
      const node = t.node;
      const g = grads[i];
      if (node === null || g === undefined) continue;
      if (node.rule === null) {
        throw new AutogradError(
          `backward: the graph through '${node.op}' was already freed by an earlier backward; ` +
            `pass { retainGraph: true } to the first backward to go through it twice`,
        );
      }
      if (fillRetained && t.retainsGrad) t.grad = t.grad === null ? g : t.grad.add(g);
      if (!keep.has(t)) grads[i] = undefined;
      const gs = runRule(node.rule, g, node.inputs, t);
      const inputs = node.inputs;
      for (let k = 0; k < inputs.length; k++) {
        const x = inputs[k]!;
        let gx = gs[k];
        if (gx === null || gx === undefined || !x.requiresGrad) continue;
        if (!sameShape(gx.shape, x.shape)) {
          throw new ShapeError(`backward: the rule of '${node.op}' gave a gradient of shape ${fmt(gx.shape)} for an input of shape ${fmt(x.shape)}`);
        }
        if (gx.dtype !== x.dtype) gx = gx.astype(x.dtype);
        if (anomaly) checkBackward(node, k, gx);
        const j = x._seen === mark ? x._at : slotOf(order, grads, x, mark);
        const acc = grads[j];
        grads[j] = acc === undefined ? gx : acc.add(gx);
      }
      if (!retainGraph) node.rule = null;
    }
  });
  const result = new Map<Tensor, Tensor>();
  for (let i = 0; i < order.length; i++) if (grads[i] !== undefined) result.set(order[i]!, grads[i]!);
  return result;
}

/**
 * Where `x` is in `order` when its mark is not this walk's: a walk run inside a rule (a custom rule
 * calling `gradients`) marked the tensors it reached since, so all of `order` is marked again (once per
 * such walk, not per lookup). A tensor this walk did not reach (its requiresGrad turned on inside a
 * rule) is appended, so its gradient is returned as before.
 */
function slotOf(order: Tensor[], grads: (Tensor | undefined)[], x: Tensor, mark: object | null): number {
  for (let i = 0; i < order.length; i++) {
    order[i]!._seen = mark;
    order[i]!._at = i;
  }
  if (x._seen === mark) return x._at;
  x._seen = mark;
  grads.push(undefined);
  return (x._at = order.push(x) - 1);
}

function runRule(rule: GradRule, g: Tensor, inputs: readonly Tensor[], out: Tensor): readonly (Tensor | null)[] {
  if (!anomaly) return rule(g, inputs, out);
  const prev = inRule;
  inRule = true;
  try {
    return rule(g, inputs, out);
  } finally {
    inRule = prev;
  }
}

function seedFor(op: string, root: Tensor, gradient: Tensor | undefined): Tensor {
  if (!root.requiresGrad) {
    throw new AutogradError(
      `${op}: this tensor does not require grad, so there is nothing to differentiate — ` +
        `create its inputs with { requiresGrad: true }`,
    );
  }
  if (gradient === undefined) {
    if (root.size !== 1) {
      throw new AutogradError(
        `${op}: the output has shape ${fmt(root.shape)}, not a scalar; pass the gradient of the output explicitly`,
      );
    }
    return root._onesLike();
  }
  if (!sameShape(gradient.shape, root.shape)) {
    throw new ShapeError(`${op}: gradient of shape ${fmt(gradient.shape)} does not match the output's shape ${fmt(root.shape)}`);
  }
  return gradient.dtype === root.dtype ? gradient : gradient.astype(root.dtype);
}

/** `tensor.backward()`: accumulates into the `.grad` of every leaf that requires grad. */
export function backward(root: Tensor, gradient?: Tensor, opts: BackwardOptions = {}): void {
  const seed = seedFor('backward', root, gradient);
  const grads = walk(root, seed, opts, new Set(), true);
  const createGraph = opts.createGraph ?? false;
  for (const [t, g] of grads) {
    if (t.node !== null) continue;
    const gx = createGraph ? g : g.detach();
    t.grad = t.grad === null ? gx : createGraph ? t.grad.add(gx) : t.grad.detach().add(gx);
  }
}

/**
 * Gradients of `output` with respect to `inputs`, returned rather than accumulated
 * into `.grad` (PyTorch's `torch.autograd.grad`). An input the output does not
 * depend on gets zeros.
 * @example
 *   const [dx] = gradients(x.mul(x).sum(), [x]); // 2x
 */
export function gradients(
  output: Tensor,
  inputs: readonly Tensor[],
  opts: BackwardOptions & { gradOutput?: Tensor } = {},
): Tensor[] {
  if (!isTensor(output)) throw new ArgumentError(`gradients: output must be a Tensor, got ${typeof output}`);
  if (!Array.isArray(inputs) || !inputs.every(isTensor)) {
    throw new ArgumentError('gradients: inputs must be an array of Tensors');
  }
  if (opts === null || typeof opts !== 'object') throw new ArgumentError(`gradients: options must be an object, got ${show(opts)}`);
  const seed = seedFor('gradients', output, opts.gradOutput);
  for (const x of inputs) {
    if (!x.requiresGrad) throw new AutogradError(`gradients: an input of shape ${fmt(x.shape)} does not require grad`);
  }
  const grads = walk(output, seed, opts, new Set(inputs), false);
  return inputs.map((x) => {
    const g = grads.get(x);
    if (g === undefined) return x._zerosLike();
    return opts.createGraph ? g : g.detach();
  });
}

/**
 * The brand every Tensor carries, under a registered symbol: a tensor made by another copy of
 * core (its ESM and CommonJS builds loaded side by side, or two installed versions) is still
 * recognised, where `instanceof Tensor` is false. Declared here, below tensor.ts, so that the
 * tape can recognise tensors without importing the class.
 */
export const TENSOR_BRAND: unique symbol = Symbol.for('tapegrad.tensor') as never;

/**
 * Whether `v` is a tapegrad Tensor, from this copy of the library or another one.
 * @example
 *   isTensor(tensor([1, 2])); // true
 *   isTensor([1, 2]);         // false
 */
export function isTensor(v: unknown): v is Tensor {
  return typeof v === 'object' && v !== null && (v as { [TENSOR_BRAND]?: unknown })[TENSOR_BRAND] === true;
}
