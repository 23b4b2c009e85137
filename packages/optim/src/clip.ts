/**
 * Gradient clipping, PyTorch's `torch.nn.utils.clip_grad_norm_` and `clip_grad_value_`:
 * both change the `.grad` of the given parameters in place (parameters without one are skipped).
 */
import { ValueError, type Tensor } from '@tapegrad/core';
import { positive, show } from './check.js';
import { resolveParams, type Params } from './params.js';

function withGrads(op: string, parameters: Params): Tensor[] {
  return resolveParams(op, parameters).tensors.filter((p) => p.grad !== null).map((p) => p.grad!);
}

export interface ClipGradNormOptions {
  /** The p of the p-norm: a number ≥ 1 or Infinity (the largest |g|); default 2. */
  normType?: number;
  /** Throw when the total norm is NaN or infinite (default false, as PyTorch 1.13). */
  errorIfNonfinite?: boolean;
}

/**
 * Scales every gradient by `min(1, maxNorm / (total + 1e-6))`, where `total` is the p-norm of all
 * the gradients together (as if concatenated), and returns `total` (before clipping).
 * @example
 *   loss.backward(); const total = clipGradNorm(model.parameters(), 1.0);
 *   opt.step();
 */
export function clipGradNorm(parameters: Params, maxNorm: number, options: ClipGradNormOptions = {}): number {
  const op = 'clipGradNorm';
  positive(op, 'maxNorm', maxNorm);
  const { normType = 2, errorIfNonfinite = false } = options;
  if (typeof normType !== 'number' || !(normType >= 1)) throw new ValueError(`${op}: normType must be a number ≥ 1 or Infinity, got ${show(normType)}`);
  const grads = withGrads(op, parameters);
  if (grads.length === 0) return 0;
  let total: number;
  if (normType === Infinity) {
    total = 0;
    for (const g of grads) for (let i = 0; i < g.size; i++) total = Math.max(total, Math.abs(g._data[i]!));
  } else {
    // PyTorch: the norm of the per-tensor norms.
    let sum = 0;
    for (const g of grads) {
      let s = 0;
      for (let i = 0; i < g.size; i++) s += Math.abs(g._data[i]!) ** normType;
      sum += (s ** (1 / normType)) ** normType;
    }
    total = sum ** (1 / normType);
  }
  if (errorIfNonfinite && !Number.isFinite(total)) {
    throw new ValueError(`${op}: the total ${normType}-norm of the gradients is ${total}; pass errorIfNonfinite: false to clip anyway`);
  }
  const coef = Math.min(maxNorm / (total + 1e-6), 1);
  if (coef < 1 || Number.isNaN(coef)) for (const g of grads) for (let i = 0; i < g.size; i++) g.data[i] = g.data[i]! * coef;
  return total;
}

/**
 * Clamps every gradient element to [−clipValue, clipValue].
 * @example
 *   loss.backward(); clipGradValue(model.parameters(), 0.5);
 *   opt.step();
 */
export function clipGradValue(parameters: Params, clipValue: number): void {
  const op = 'clipGradValue';
  positive(op, 'clipValue', clipValue);
  for (const g of withGrads(op, parameters)) {
    for (let i = 0; i < g.size; i++) g.data[i] = Math.min(Math.max(g.data[i]!, -clipValue), clipValue);
  }
}
