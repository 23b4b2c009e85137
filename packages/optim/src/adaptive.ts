/**
 * Optimizers that scale each parameter's step by its own gradient history, in the
 * forms of the course's optimizer code: AdaGrad, RMSProp and Adam. In every update
 * below, g already includes weight decay (g + weightDecay·p).
 */
import type { TypedArray } from '@tapegrad/core';
import { nonNegative, positive, rate } from './check.js';
import { Optimizer, weightDecayOf, type OptimizerOptions, type OptimizerSpec, type ParamState } from './optimizer.js';
import type { ParamsOrGroups } from './params.js';

export interface AdaGradOptions extends OptimizerOptions {
  /** Added to √h so that the first step does not divide by 0; default 1e-7. */
  eps?: number;
}

export interface AdaGradHyperparameters {
  [key: string]: number;
  eps: number;
  weightDecay: number;
}

/**
 * AdaGrad (Duchi et al.), the course's form: `h ← h + g²; p ← p − lr·g / (√h + eps)`, h starting at 0.
 * Defaults: lr 0.01, eps 1e-7, weightDecay 0.
 * @example
 *   const opt = new AdaGrad(model.parameters(), { lr: 0.1 });
 *   opt.zeroGrad(); loss.backward(); opt.step();
 */
export class AdaGrad extends Optimizer<AdaGradHyperparameters> {
  constructor(params: ParamsOrGroups, options?: AdaGradOptions) {
    super({
      name: 'AdaGrad',
      params,
      options,
      optionNames: ['eps'],
      defaultLr: 0.01,
      resolve: (op, raw) => ({ eps: positive(op, 'eps', raw.eps ?? 1e-7), weightDecay: weightDecayOf(op, raw) }),
      buffers: () => ['h'],
    });
  }

  protected update(p: TypedArray, g: TypedArray, s: ParamState, lr: number, hyper: Readonly<AdaGradHyperparameters>): void {
    const { eps, weightDecay: wd } = hyper;
    const h = s.h!;
    for (let i = 0; i < p.length; i++) {
      const gi = g[i]! + wd * p[i]!;
      const hi = h[i]! + gi * gi;
      h[i] = hi;
      p[i] = p[i]! - (lr * gi) / (Math.sqrt(hi) + eps);
    }
  }
}

export interface RMSPropOptions extends AdaGradOptions {
  /** ρ, how much of the running mean of g² is kept each step; default 0.99. */
  decayRate?: number;
}

export interface RMSPropHyperparameters extends AdaGradHyperparameters {
  decayRate: number;
}

/**
 * RMSProp (Hinton), the course's form: `h ← ρh + (1 − ρ)g²; p ← p − lr·g / (√h + eps)`, h starting at 0.
 * Defaults: lr 0.01, decayRate ρ 0.99, eps 1e-7, weightDecay 0.
 * @example
 *   const opt = new RMSProp(model.parameters(), { lr: 0.01, decayRate: 0.99 });
 *   opt.zeroGrad(); loss.backward(); opt.step();
 */
export class RMSProp extends Optimizer<RMSPropHyperparameters> {
  constructor(params: ParamsOrGroups, options?: RMSPropOptions) {
    super({
      name: 'RMSProp',
      params,
      options,
      optionNames: ['decayRate', 'eps'],
      defaultLr: 0.01,
      resolve: (op, raw) => ({
        decayRate: rate(op, 'decayRate', raw.decayRate ?? 0.99),
        eps: positive(op, 'eps', raw.eps ?? 1e-7),
        weightDecay: weightDecayOf(op, raw),
      }),
      buffers: () => ['h'],
    });
  }

  protected update(p: TypedArray, g: TypedArray, s: ParamState, lr: number, hyper: Readonly<RMSPropHyperparameters>): void {
    const { decayRate: rho, eps, weightDecay: wd } = hyper;
    const h = s.h!;
    const a = 1 - rho;
    for (let i = 0; i < p.length; i++) {
      const gi = g[i]! + wd * p[i]!;
      const hi = rho * h[i]! + a * gi * gi;
      h[i] = hi;
      p[i] = p[i]! - (lr * gi) / (Math.sqrt(hi) + eps);
    }
  }
}

export interface AdamOptions extends AdaGradOptions {
  /** Decay of the mean of g; default 0.9. */
  beta1?: number;
  /** Decay of the mean of g²; default 0.999. */
  beta2?: number;
}

export interface AdamHyperparameters extends AdaGradHyperparameters {
  beta1: number;
  beta2: number;
}

/** What Adam and AdamW tell the base class: they differ only in name and the defaults of eps and weightDecay. */
function adamSpec(
  name: string,
  params: ParamsOrGroups,
  options: OptimizerOptions | undefined,
  epsDefault: number,
  weightDecayDefault: number,
): OptimizerSpec<AdamHyperparameters> {
  return {
    name,
    params,
    options,
    optionNames: ['beta1', 'beta2', 'eps'],
    defaultLr: 0.001,
    resolve: (op, raw) => ({
      beta1: rate(op, 'beta1', raw.beta1 ?? 0.9),
      beta2: rate(op, 'beta2', raw.beta2 ?? 0.999),
      eps: positive(op, 'eps', raw.eps ?? epsDefault),
      weightDecay: nonNegative(op, 'weightDecay', raw.weightDecay ?? weightDecayDefault),
    }),
    buffers: () => ['m', 'v'],
  };
}

/**
 * Adam (Kingma & Ba), with bias correction folded into the step size as in the course's code and
 * the paper's §2: at update t (1, 2, …)
 * `m ← m + (1 − β1)(g − m); v ← v + (1 − β2)(g² − v); p ← p − lr·√(1 − β2ᵗ)/(1 − β1ᵗ) · m / (√v + eps)`.
 * Defaults: lr 0.001, beta1 0.9, beta2 0.999, eps 1e-7, weightDecay 0 (L2 added to g, not AdamW).
 * NOTE: eps is added to √v, not to √v̂ — the paper's Algorithm 1 with ε = eps·√(1 − β2ᵗ); the
 * difference only shows while √v is near eps. t is the optimizer's `stepCount` + 1 for every parameter.
 * @example
 *   const opt = new Adam(model.parameters(), { lr: 0.001 });
 *   opt.zeroGrad(); loss.backward(); opt.step();
 */
export class Adam extends Optimizer<AdamHyperparameters> {
  constructor(params: ParamsOrGroups, options?: AdamOptions) {
    super(adamSpec('Adam', params, options, 1e-7, 0));
  }

  protected update(p: TypedArray, g: TypedArray, s: ParamState, lr: number, hyper: Readonly<AdamHyperparameters>): void {
    const { beta1: b1, beta2: b2, eps, weightDecay: wd } = hyper;
    const t = this.stepCount + 1;
    const lrT = (lr * Math.sqrt(1 - b2 ** t)) / (1 - b1 ** t);
    const m = s.m!;
    const v = s.v!;
    const a1 = 1 - b1;
    const a2 = 1 - b2;
    for (let i = 0; i < p.length; i++) {
      const gi = g[i]! + wd * p[i]!;
      const mi = m[i]! + a1 * (gi - m[i]!);
      const vi = v[i]! + a2 * (gi * gi - v[i]!);
      m[i] = mi;
      v[i] = vi;
      p[i] = p[i]! - (lrT * mi) / (Math.sqrt(vi) + eps);
    }
  }
}

export interface AdamWOptions extends OptimizerOptions {
  /** Decay of the mean of g; default 0.9. */
  beta1?: number;
  /** Decay of the mean of g²; default 0.999. */
  beta2?: number;
  /** Added to the bias-corrected √v̂; default 1e-8 (PyTorch's). */
  eps?: number;
}

/**
 * AdamW (Loshchilov & Hutter), PyTorch's `torch.optim.AdamW`: the weight decay is decoupled —
 * `p ← p·(1 − lr·weightDecay)` before the Adam step, not added to g — and at update t
 * `m ← β1·m + (1 − β1)·g; v ← β2·v + (1 − β2)·g²; p ← p − lr/(1 − β1ᵗ) · m / (√v/√(1 − β2ᵗ) + eps)`.
 * Defaults (PyTorch's): lr 0.001, beta1 0.9, beta2 0.999, eps 1e-8, weightDecay 0.01.
 * NOTE: unlike `Adam` (the course's form), eps is added to the bias-corrected root, as PyTorch does.
 * @example
 *   const opt = new AdamW(model.parameters(), { lr: 0.001, weightDecay: 0.01 });
 *   opt.zeroGrad(); loss.backward(); opt.step();
 */
export class AdamW extends Optimizer<AdamHyperparameters> {
  constructor(params: ParamsOrGroups, options?: AdamWOptions) {
    super(adamSpec('AdamW', params, options, 1e-8, 0.01));
  }

  protected update(p: TypedArray, g: TypedArray, s: ParamState, lr: number, hyper: Readonly<AdamHyperparameters>): void {
    const { beta1: b1, beta2: b2, eps, weightDecay: wd } = hyper;
    const t = this.stepCount + 1;
    const stepSize = lr / (1 - b1 ** t);
    const root2 = Math.sqrt(1 - b2 ** t);
    const decay = 1 - lr * wd;
    const m = s.m!;
    const v = s.v!;
    for (let i = 0; i < p.length; i++) {
      const gi = g[i]!;
      const mi = m[i]! * b1 + gi * (1 - b1);
      const vi = v[i]! * b2 + gi * gi * (1 - b2);
      m[i] = mi;
      v[i] = vi;
      p[i] = p[i]! * decay - stepSize * (mi / (Math.sqrt(vi) / root2 + eps));
    }
  }
}
