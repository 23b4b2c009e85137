/**
 * Gradient descent, plain and with momentum: `SGD` (the course's
 * `network[key] -= learning_rate * grad[key]`), and the course's `Momentum` and
 * `Nesterov` classes, which are SGD with momentum 0.9 by default.
 */
import { ValueError, type TypedArray } from '@tapegrad/core';
import { bool, rate } from './check.js';
import { Optimizer, weightDecayOf, type OptimizerOptions, type ParamState } from './optimizer.js';
import type { ParamsOrGroups } from './params.js';

export interface SGDOptions extends OptimizerOptions {
  /** μ in v = μv − lr·g; default 0 for SGD (plain descent), 0.9 for Momentum and Nesterov. */
  momentum?: number;
  /** Use the course's Nesterov update; default false (needs momentum > 0). */
  nesterov?: boolean;
}

export interface SGDHyperparameters {
  [key: string]: number | boolean;
  momentum: number;
  nesterov: boolean;
  weightDecay: number;
}

interface Variant {
  name: string;
  momentum: number;
  nesterov: boolean;
  optionNames: readonly string[];
}

function resolveSGD(variant: Variant) {
  return (op: string, raw: Record<string, unknown>): SGDHyperparameters => {
    const momentum = rate(op, 'momentum', raw.momentum ?? variant.momentum);
    const nesterov = bool(op, 'nesterov', raw.nesterov ?? variant.nesterov);
    if (nesterov && momentum === 0) throw new ValueError(`${op}: nesterov needs momentum > 0, got momentum 0`);
    return { momentum, nesterov, weightDecay: weightDecayOf(op, raw) };
  };
}

/**
 * The update shared by SGD, Momentum and Nesterov (with g already including weight decay):
 * - momentum 0: p ← p − lr·g
 * - momentum μ: v ← μv − lr·g; p ← p + v
 * - nesterov:   v ← μv − lr·g; p ← p + μ²v − (1 + μ)·lr·g
 */
abstract class MomentumFamily extends Optimizer<SGDHyperparameters> {
  protected constructor(variant: Variant, params: ParamsOrGroups, options: SGDOptions | undefined) {
    super({
      name: variant.name,
      params,
      options,
      optionNames: variant.optionNames,
      defaultLr: 0.01,
      resolve: resolveSGD(variant),
      buffers: (h) => (h.momentum > 0 ? ['v'] : []),
    });
  }

  protected update(p: TypedArray, g: TypedArray, s: ParamState, lr: number, hyper: Readonly<SGDHyperparameters>): void {
    const { momentum: mu, nesterov, weightDecay: wd } = hyper;
    const n = p.length;
    if (mu === 0) {
      for (let i = 0; i < n; i++) p[i] = p[i]! - lr * (g[i]! + wd * p[i]!);
      return;
    }
    const v = s.v!;
    const mu2 = mu * mu;
    const c = (1 + mu) * lr;
    for (let i = 0; i < n; i++) {
      const gi = g[i]! + wd * p[i]!;
      const vi = mu * v[i]! - lr * gi;
      v[i] = vi;
      // NOTE: left to right, as the course's two in-place numpy statements round.
      p[i] = nesterov ? p[i]! + mu2 * vi - c * gi : p[i]! + vi;
    }
  }
}

/**
 * Stochastic gradient descent. Plain SGD is exactly `p ← p − lr·g`; with `momentum` μ it is the
 * course's Momentum (v ← μv − lr·g; p ← p + v), with `nesterov` too the course's Nesterov.
 * Defaults: lr 0.01, momentum 0, nesterov false, weightDecay 0 (g ← g + weightDecay·p).
 * NOTE: the velocity holds lr (the course's form, not PyTorch's v ← μv + g), so changing lr
 * mid-run changes only new contributions.
 * @example
 *   const opt = new SGD([W1, b1, W2, b2], { lr: 0.07 });
 *   opt.zeroGrad(); loss.backward(); opt.step();
 */
export class SGD extends MomentumFamily {
  constructor(params: ParamsOrGroups, options?: SGDOptions) {
    super({ name: 'SGD', momentum: 0, nesterov: false, optionNames: ['momentum', 'nesterov'] }, params, options);
  }
}

export type MomentumOptions = Omit<SGDOptions, 'nesterov'>;

/**
 * The course's Momentum: `v ← μv − lr·g; p ← p + v` (v starts at 0).
 * Defaults: lr 0.01, momentum 0.9, weightDecay 0.
 * @example
 *   const opt = new Momentum(model.parameters(), { lr: 0.01, momentum: 0.9 });
 *   opt.zeroGrad(); loss.backward(); opt.step();
 */
export class Momentum extends MomentumFamily {
  constructor(params: ParamsOrGroups, options?: MomentumOptions) {
    super({ name: 'Momentum', momentum: 0.9, nesterov: false, optionNames: ['momentum'] }, params, options);
  }
}

/**
 * The course's Nesterov accelerated gradient: `v ← μv − lr·g; p ← p + μ²v − (1 + μ)·lr·g`.
 * Defaults: lr 0.01, momentum 0.9 (must be > 0), weightDecay 0.
 * @example
 *   const opt = new Nesterov(model.parameters(), { lr: 0.01 });
 *   opt.zeroGrad(); loss.backward(); opt.step();
 */
export class Nesterov extends MomentumFamily {
  constructor(params: ParamsOrGroups, options?: MomentumOptions) {
    super({ name: 'Nesterov', momentum: 0.9, nesterov: true, optionNames: ['momentum'] }, params, options);
  }
}
