/**
 * The tape. Each op that sees an input requiring grad attaches a `Node` to its
 * output: the op's name, its inputs, and its gradient rule (a closure over what
 * the rule saved). `backward` walks those nodes in reverse topological order.
 */
import { AutogradError, ArgumentError, ShapeError } from './errors.js';
import { fmt, sameShape } from './shape.js';
import type { Tensor } from './tensor.js';

/** Maps the gradient of an op's output to the gradients of its inputs (null: none). */
export type GradRule = (g: Tensor) => readonly (Tensor | null)[];

export interface Node {
  readonly op: string;
  /** The op's inputs. Kept after backward (as PyTorch keeps `next_functions`) so the graph can still be drawn. */
  readonly inputs: readonly Tensor[];
  /**
   * The gradient rule with the tensors it saved. Set to null by a backward without
   * `retainGraph`, which releases the saved tensors and marks the graph as used.
   */
  rule: GradRule | null;
}

let gradEnabled = true;

/** Whether ops are being recorded right now. */
export function isGradEnabled(): boolean {
  return gradEnabled;
}

function withGradMode<T>(on: boolean, fn: () => T): T {
  const prev = gradEnabled;
  gradEnabled = on;
  try {
    return fn();
  } finally {
    gradEnabled = prev;
  }
}

/**
 * Runs `fn` without recording anything on the tape (evaluation, optimizer updates).
 * @example
 *   const y = noGrad(() => model.forward(x)); // y.requiresGrad === false
 */
export function noGrad<T>(fn: () => T): T {
  return withGradMode(false, fn);
}

/**
 * Runs `fn` with recording on, even inside `noGrad`.
 * @example
 *   noGrad(() => enableGrad(() => x.mul(x))).requiresGrad; // true when x requires grad
 */
export function enableGrad<T>(fn: () => T): T {
  return withGradMode(true, fn);
}

/**
 * Records `out = op(inputs)` on the tape when grad mode is on and an input requires grad.
 * Every op passes its gradient rule here: an op without one does not type-check.
 */
export function record(op: string, inputs: readonly Tensor[], out: Tensor, rule: GradRule): Tensor {
  if (!gradEnabled) return out;
  for (const x of inputs) {
    if (x.requiresGrad) {
      out.node = { op, inputs, rule };
      out._markRequiresGrad();
      return out;
    }
  }
  return out;
}

/** Tensors reachable from `root` through nodes, inputs before the outputs that use them. No recursion. */
function topoSort(root: Tensor): Tensor[] {
  const order: Tensor[] = [];
  const seen = new Set<Tensor>([root]);
  const stack: { t: Tensor; next: number }[] = [{ t: root, next: 0 }];
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    const inputs = top.t.node?.inputs ?? [];
    if (top.next < inputs.length) {
      const x = inputs[top.next++]!;
      if (x.requiresGrad && !seen.has(x)) {
        seen.add(x);
        stack.push({ t: x, next: 0 });
      }
    } else {
      stack.pop();
      order.push(top.t);
    }
  }
  return order;
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
function walk(root: Tensor, seed: Tensor, opts: BackwardOptions, keep: ReadonlySet<Tensor>): Map<Tensor, Tensor> {
  const createGraph = opts.createGraph ?? false;
  const retainGraph = opts.retainGraph ?? createGraph;
  const order = topoSort(root);
  const grads = new Map<Tensor, Tensor>([[root, seed]]);
  withGradMode(createGraph, () => {
    for (let i = order.length - 1; i >= 0; i--) {
      const t = order[i]!;
      const node = t.node;
      const g = grads.get(t);
      if (node === null || g === undefined) continue;
      if (node.rule === null) {
        throw new AutogradError(
          `backward: the graph through '${node.op}' was already freed by an earlier backward; ` +
            `pass { retainGraph: true } to the first backward to go through it twice`,
        );
      }
      if (t.retainsGrad) t.grad = t.grad === null ? g : t.grad.add(g);
      if (!keep.has(t)) grads.delete(t);
      const gs = node.rule(g);
      const inputs = node.inputs;
      for (let k = 0; k < inputs.length; k++) {
        const x = inputs[k]!;
        let gx = gs[k];
        if (gx === null || gx === undefined || !x.requiresGrad) continue;
        if (!sameShape(gx.shape, x.shape)) {
          throw new ShapeError(`backward: the rule of '${node.op}' gave a gradient of shape ${fmt(gx.shape)} for an input of shape ${fmt(x.shape)}`);
        }
        if (gx.dtype !== x.dtype) gx = gx.astype(x.dtype);
        const acc = grads.get(x);
        grads.set(x, acc === undefined ? gx : acc.add(gx));
      }
      if (!retainGraph) node.rule = null;
    }
  });
  return grads;
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
  const grads = walk(root, seed, opts, new Set());
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
  const seed = seedFor('gradients', output, opts.gradOutput);
  for (const x of inputs) {
    if (!x.requiresGrad) throw new AutogradError(`gradients: an input of shape ${fmt(x.shape)} does not require grad`);
  }
  const grads = walk(output, seed, opts, new Set(inputs));
  return inputs.map((x) => {
    const g = grads.get(x);
    if (g === undefined) return x._zerosLike();
    return opts.createGraph ? g : g.detach();
  });
}

type GradOf<A extends number | readonly number[]> = A extends number ? Tensor : Tensor[];

function asInput(op: string, a: unknown, i: number, toTensor: (v: unknown) => Tensor): Tensor {
  let t: Tensor;
  try {
    t = toTensor(a);
  } catch (e) {
    if (e instanceof Error && !(e instanceof AutogradError)) {
      throw new ArgumentError(`${op}: argument ${i} must be a Tensor, a number or nested arrays (${e.message})`);
    }
    throw e;
  }
  // Connected to an outer tape that is recording (nested grad): differentiate through an
  // alias so the outer level still sees the dependence. Otherwise start a fresh leaf.
  return t.requiresGrad && gradEnabled ? t._alias() : t.detach().requiresGrad_(true);
}

let toTensorFn: ((v: unknown) => Tensor) | null = null;
/** @internal set by tensor.ts to avoid an import cycle at load time. */
export function _setToTensor(fn: (v: unknown) => Tensor): void {
  toTensorFn = fn;
}

/**
 * JAX-style: `valueAndGrad(f)` is a function returning `{ value, grad }` with grad the
 * derivative of the scalar `f(...args)` with respect to `args[argnums]`.
 * @example
 *   const { value, grad } = valueAndGrad((x: Tensor) => x.pow(3).sum())(tensor([1, 2]));
 *   // value 9, grad [3, 12]
 */
export function valueAndGrad<A extends number | readonly number[] = 0>(
  f: (...args: any[]) => Tensor,
  argnums?: A,
): (...args: any[]) => { value: Tensor; grad: GradOf<A> } {
  const nums: readonly number[] = argnums === undefined ? [0] : typeof argnums === 'number' ? [argnums] : argnums;
  return (...args: any[]) => {
    for (const i of nums) {
      if (!Number.isInteger(i) || i < 0 || i >= args.length) {
        throw new ArgumentError(`grad: argnums ${i} is out of range for ${args.length} argument(s)`);
      }
    }
    const toTensor = toTensorFn!;
    const nested = nums.some((i) => isTensorLike(args[i]) && (args[i] as Tensor).requiresGrad) && gradEnabled;
    const inputs = nums.map((i) => asInput('grad', args[i], i, toTensor));
    const callArgs = args.slice();
    nums.forEach((i, k) => (callArgs[i] = inputs[k]));
    const value = enableGrad(() => f(...callArgs));
    if (!isTensorLike(value)) throw new ArgumentError(`grad: f must return a Tensor, got ${typeof value}`);
    if (value.size !== 1) {
      throw new AutogradError(`grad: f must return a scalar, got shape ${fmt(value.shape)}`);
    }
    const gs = value.requiresGrad
      ? gradients(value, inputs, { createGraph: nested, retainGraph: nested })
      : inputs.map((x) => x._zerosLike());
    const grad = (typeof argnums === 'number' || argnums === undefined ? gs[0] : gs) as GradOf<A>;
    return { value: nested ? value : value.detach(), grad };
  };
}

/**
 * `grad(f)` is the function x ↦ ∂f/∂x; nest it for higher orders.
 * @example
 *   const d2 = grad((x: Tensor) => grad((y: Tensor) => y.tanh().sum())(x).sum());
 *   d2(tensor(0.5)); // −2·tanh(0.5)·(1 − tanh²(0.5))
 */
export function grad<A extends number | readonly number[] = 0>(
  f: (...args: any[]) => Tensor,
  argnums?: A,
): (...args: any[]) => GradOf<A> {
  const vg = valueAndGrad(f, argnums);
  return (...args: any[]) => vg(...args).grad;
}

function isTensorLike(v: unknown): v is Tensor {
  return typeof v === 'object' && v !== null && (v as { _isTensor?: boolean })._isTensor === true;
}
