/**
 * The functional API (JAX's `grad` and `value_and_grad`) on top of the tape: a function of
 * tensors in, its derivative out. Kept apart from autograd.ts because it needs `asTensor`
 * from tensor.ts, which itself builds on autograd.ts.
 */
import { enableGrad, gradients, isGradEnabled, isTensor } from './autograd.js';
import { ArgumentError, AutogradError } from './errors.js';
import { fmt } from './messages.js';
import { asTensor, type Tensor, type TensorLike } from './tensor.js';

type GradOf<A extends number | readonly number[]> = A extends number ? Tensor : Tensor[];

function asInput(op: string, a: unknown, i: number): Tensor {
  let t: Tensor;
  try {
    t = asTensor(a as TensorLike);
  } catch (e) {
    if (e instanceof Error && !(e instanceof AutogradError)) {
      throw new ArgumentError(`${op}: argument ${i} must be a Tensor, a number or nested arrays (${e.message})`);
    }
    throw e;
  }
  // Connected to an outer tape that is recording (nested grad): differentiate through an
  // alias so the outer level still sees the dependence. Otherwise start a fresh leaf.
  return t.requiresGrad && isGradEnabled() ? t._alias() : t.detach().requiresGrad_(true);
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
    const nested = nums.some((i) => isTensor(args[i]) && (args[i] as Tensor).requiresGrad) && isGradEnabled();
    const inputs = nums.map((i) => asInput('grad', args[i], i));
    const callArgs = args.slice();
    nums.forEach((i, k) => (callArgs[i] = inputs[k]));
    const value = enableGrad(() => f(...callArgs));
    if (!isTensor(value)) throw new ArgumentError(`grad: f must return a Tensor, got ${typeof value}`);
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

