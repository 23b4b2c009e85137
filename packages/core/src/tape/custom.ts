/**
 * Ops defined by the user: a forward computed off the tape and a gradient rule of the user's own,
 * recorded as one node like any built-in op (TensorFlow.js's `customGrad`).
 */
import { isTensor, noGrad, record, setDetectAnomaly } from './autograd.js';
import { ArgumentError, AutogradError } from './errors.js';
import { fmt, show } from './messages.js';
import { Tensor, asTensor, type TensorLike } from './tensor.js';

/** What the function given to `customGrad` returns: the value, and dy ↦ the gradient of each input. */
export interface CustomGradResult {
  value: Tensor;
  grad: (dy: Tensor) => Tensor | null | readonly (Tensor | null)[];
}

export interface CustomGradOptions {
  /** The op's name on the tape, in graphs and in anomaly messages. Default: the function's name, else 'customGrad'. */
  name?: string;
}

/**
 * Wraps `f(...inputs) => { value, grad }` into an op with its own gradient rule: `f` runs off the
 * tape, and backward calls `grad(dy)` for the gradients of the inputs (one tensor, or one per input;
 * null for none). `grad` may use tensor ops on `dy` and the inputs: with `createGraph` they are
 * recorded, so higher orders go through them.
 * @example const clipGrad = customGrad((x: Tensor) => ({ value: x.clone(), grad: (dy) => dy.clamp(-1, 1) }));
 *   clipGrad(x).mul(10).sum().backward(); // x.grad is 1 everywhere, not 10
 */
export function customGrad(f: (...inputs: Tensor[]) => CustomGradResult, options: CustomGradOptions = {}): (...inputs: TensorLike[]) => Tensor {
  if (typeof f !== 'function') throw new ArgumentError(`customGrad: f must be a function, got ${show(f)}`);
  if (options === null || typeof options !== 'object') throw new ArgumentError(`customGrad: options must be an object, got ${show(options)}`);
  const op = options.name ?? (f.name !== '' ? f.name : 'customGrad');
  return (...args: TensorLike[]): Tensor => {
    const inputs = args.map((a, i) => {
      if (a === null || a === undefined || typeof a === 'string') throw new ArgumentError(`${op}: input ${i} must be a Tensor, got ${show(a)}`);
      return asTensor(a);
    });
    // Anomaly mode checks the op's output as a whole, so that a NaN names the custom op, not a step inside f.
    const prev = setDetectAnomaly(false);
    let result: CustomGradResult;
    try {
      result = noGrad(() => f(...inputs));
    } finally {
      setDetectAnomaly(prev);
    }
    if (result === null || typeof result !== 'object' || !isTensor(result.value) || typeof result.grad !== 'function') {
      throw new ArgumentError(`${op}: f must return { value: Tensor, grad: (dy) => Tensor | Tensor[] }, got ${show(result)}`);
    }
    const { value, grad } = result;
    // A fresh tensor over the value's storage, so the node is this op's even when f returned an input.
    const out = Tensor._of(value.data, value.shape);
    return record(op, inputs, out, (dy) => {
      const gs = grad(dy);
      const list = Array.isArray(gs) ? gs : [gs];
      if (list.length !== inputs.length) {
        throw new AutogradError(`backward: the grad of '${op}' returned ${list.length} gradient(s) for ${inputs.length} input(s)`);
      }
      return list.map((g, i) => {
        if (g === null || g === undefined) return null;
        if (!isTensor(g)) throw new AutogradError(`backward: the grad of '${op}' returned ${show(g)} for input ${i}, not a Tensor`);
        if (fmt(g.shape) !== fmt(inputs[i]!.shape)) {
          // walk names the op and both shapes; checked here too so the message says whose rule it was.
          throw new AutogradError(`backward: the grad of '${op}' returned shape ${fmt(g.shape)} for input ${i} of shape ${fmt(inputs[i]!.shape)}`);
        }
        return g;
      });
      // NOTE: the inputs count as saved (a rule usually reads them): modified in place before backward is refused.
    }, inputs);
  };
}
