/**
 * Learning-rate schedules: pure functions from the number of updates already made
 * (0 for the first step) to the learning rate of the next one. Give one as an
 * optimizer's `lr`; the optimizer evaluates it at its own `stepCount`, so a
 * schedule resumes where it was after `loadStateDict`.
 */
import { ValueError } from '@tapegrad/core';
import { checkOptions, integer, nonNegative, positive } from './check.js';

/** The learning rate for the update made after `step` earlier updates. */
export type LrSchedule = (step: number) => number;

/** Checks `lr` and the options of schedule `op`, then builds it from the checked start rate. */
function schedule<O extends object>(
  op: string, lr: number, options: O, keys: readonly (keyof O & string)[], build: (lr0: number, o: Partial<O>) => LrSchedule,
): LrSchedule {
  const o = checkOptions(op, options, keys);
  return build(positive(op, 'lr', lr), o);
}

export interface StepDecayOptions {
  /** Updates between two decays. */
  stepSize: number;
  /** Factor applied at each decay; default 0.1. */
  gamma?: number;
}

/**
 * Step decay: `lr · gamma^⌊t / stepSize⌋`.
 * @example
 *   const opt = new SGD(params, { lr: stepDecay(0.1, { stepSize: 1000, gamma: 0.5 }) });
 *   // 0.1 for steps 0–999, 0.05 for 1000–1999, …
 */
export function stepDecay(lr: number, options: StepDecayOptions): LrSchedule {
  const op = 'stepDecay';
  return schedule(op, lr, options, ['stepSize', 'gamma'], (lr0, o) => {
    const stepSize = integer(op, 'stepSize', o.stepSize);
    const gamma = positive(op, 'gamma', o.gamma ?? 0.1);
    return (t) => lr0 * gamma ** Math.floor(t / stepSize);
  });
}

export interface ExponentialDecayOptions {
  /** Factor per `decaySteps` updates (e.g. 0.96). */
  gamma: number;
  /** Updates over which the rate falls by `gamma`; default 1 (every update). */
  decaySteps?: number;
}

/**
 * Exponential decay: `lr · gamma^(t / decaySteps)` — smooth, by a factor `gamma` every `decaySteps` updates.
 * @example
 *   const opt = new Adam(params, { lr: exponentialDecay(0.01, { gamma: 0.5, decaySteps: 500 }) });
 *   // halves every 500 steps: 0.01, …, 0.005 at step 500
 */
export function exponentialDecay(lr: number, options: ExponentialDecayOptions): LrSchedule {
  const op = 'exponentialDecay';
  return schedule(op, lr, options, ['gamma', 'decaySteps'], (lr0, o) => {
    const gamma = positive(op, 'gamma', o.gamma);
    const decaySteps = positive(op, 'decaySteps', o.decaySteps ?? 1);
    return (t) => lr0 * gamma ** (t / decaySteps);
  });
}

export interface CosineDecayOptions {
  /** Updates over which the rate falls from `lr` to `minLr`; it stays at `minLr` after. */
  totalSteps: number;
  /** Final learning rate; default 0. */
  minLr?: number;
}

/**
 * Cosine decay (Loshchilov & Hutter, without restarts):
 * `minLr + (lr − minLr) · (1 + cos(π · min(t, T) / T)) / 2` with T = totalSteps.
 * @example
 *   const opt = new Momentum(params, { lr: cosineDecay(0.1, { totalSteps: 5000 }) });
 *   // 0.1 at step 0, 0.05 at step 2500, 0 from step 5000 on
 */
export function cosineDecay(lr: number, options: CosineDecayOptions): LrSchedule {
  const op = 'cosineDecay';
  return schedule(op, lr, options, ['totalSteps', 'minLr'], (lr0, o) => {
    const total = integer(op, 'totalSteps', o.totalSteps);
    const minLr = nonNegative(op, 'minLr', o.minLr ?? 0);
    if (minLr > lr0) throw new ValueError(`${op}: minLr (${minLr}) must not exceed lr (${lr0})`);
    return (t) => minLr + ((lr0 - minLr) * (1 + Math.cos((Math.PI * Math.min(t, total)) / total))) / 2;
  });
}
