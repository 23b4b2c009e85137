/**
 * The base of every optimizer: it owns the parameter list, the per-parameter state
 * buffers (made once, in the constructor), the learning rate or its schedule, the
 * checks of each step, and the state dict. A subclass only writes the update loop
 * of one parameter over plain typed arrays.
 */
import { fmt, ShapeError, ValueError, bumpVersion, noGrad, type Tensor, type TypedArray } from '@tapegrad/core';
import { bool, checkOptions, nonNegative, positive, show } from './check.js';
import { resolveGroups, type Params, type ParamsOrGroups } from './params.js';
import type { LrSchedule } from './schedule.js';

/** Options every optimizer takes. */
export interface OptimizerOptions {
  /** Learning rate, or a schedule of it (see `stepDecay`, `exponentialDecay`, `cosineDecay`). */
  lr?: number | LrSchedule;
  /** L2 penalty: the gradient used is `g + weightDecay · p` (as the course adds λW to dW); default 0. */
  weightDecay?: number;
  /** Throw on a NaN or ±Infinity gradient (default true); false lets it through into the parameters. */
  checkFinite?: boolean;
}

/** The options of `OptimizerOptions`, for each subclass's list of known options. */
export const BASE_OPTIONS = ['lr', 'weightDecay', 'checkFinite'] as const;

/** The numbers (and flags) that define an optimizer's update, besides the learning rate. */
export type Hyperparameters = Record<string, number | boolean>;

/** One parameter's state buffers, by name (`v`, `h`, `m`), each as long as the parameter. */
export type ParamState = Record<string, Float64Array>;

/** A plain JSON-serialisable snapshot of an optimizer (float64 values round-trip exactly). */
export interface OptimizerStateDict {
  /** The optimizer's kind, e.g. 'Adam'; loading into another kind is an error. */
  optimizer: string;
  /** Updates made so far (Adam's t; the argument of a learning-rate schedule). */
  stepCount: number;
  /** The learning rate of the next update. */
  lr: number;
  hyperparameters: Hyperparameters;
  /** One entry per parameter, in order: its buffers as arrays of numbers. */
  state: Record<string, number[]>[];
  /** Present when there are several parameter groups: each group's size, lr and hyperparameters (lr and hyperparameters above are group 0's). */
  groups?: ParamGroupState[];
}

/** One parameter group as saved in a state dict (only when the optimizer has more than one). */
export interface ParamGroupState {
  /** How many parameters the group holds (they follow each other in `state`). */
  size: number;
  lr: number;
  hyperparameters: Hyperparameters;
}

/** One parameter group of an optimizer: its tensors, learning rate and hyperparameters. */
export interface ParamGroup<H extends Hyperparameters = Hyperparameters> {
  readonly params: readonly Tensor[];
  /** The group's learning rate or schedule; settable. */
  lr: number | LrSchedule;
  /** Frozen; only `loadStateDict` replaces them. */
  readonly hyperparameters: Readonly<H>;
}

/** What a subclass tells the base class about itself. */
export interface OptimizerSpec<H extends Hyperparameters> {
  /** The class's name: in messages and in the state dict. */
  name: string;
  params: ParamsOrGroups;
  options: OptimizerOptions | undefined;
  /** Option names the subclass accepts besides BASE_OPTIONS. */
  optionNames: readonly string[];
  defaultLr: number;
  /** Checks and completes the hyperparameters (from options, or from a state dict being loaded). */
  resolve(op: string, raw: Record<string, unknown>): H;
  /** Names of the buffers each parameter needs, given the hyperparameters. */
  // NOTE: method syntax (bivariant) so that an Adam is also an Optimizer<Hyperparameters>.
  buffers(hyper: H): readonly string[];
}

/** Checks `weightDecay` for a subclass's `resolve`. */
export function weightDecayOf(op: string, raw: Record<string, unknown>): number {
  return nonNegative(op, 'weightDecay', raw.weightDecay ?? 0);
}

/**
 * Base class of SGD, Momentum, Nesterov, AdaGrad, RMSProp, Adam and AdamW.
 * `step()` updates each parameter that has a gradient, in place, off the tape.
 * Parameters may come in groups, as PyTorch's: `new SGD([{ params: a, lr: 0.1 }, { params: b }], { lr: 0.01 })`;
 * each group's options override the optimizer's.
 * @example
 *   const opt = new SGD(params, { lr: 0.1 });
 *   opt.zeroGrad(); loss(params).backward(); opt.step();
 */
export abstract class Optimizer<H extends Hyperparameters = Hyperparameters> {
  /** The class's name, as in messages and the state dict. */
  readonly name: string;
  /** The tensors this optimizer updates, in order. */
  readonly params: readonly Tensor[];
  /** Per parameter (same order): its state buffers, inspectable and live. */
  readonly state: readonly ParamState[];
  /** Updates made so far. */
  stepCount = 0;
  /** Whether `step` rejects NaN and ±Infinity gradients. */
  checkFinite: boolean;
  /** The parameter groups (one unless the constructor was given groups), in order. */
  readonly paramGroups: readonly ParamGroup<H>[];
  private readonly labels: readonly string[];
  private readonly spec: OptimizerSpec<H>;
  /** The group of each parameter. */
  private readonly groupOf: readonly number[];

  protected constructor(spec: OptimizerSpec<H>) {
    const op = spec.name;
    const allowed = [...BASE_OPTIONS, ...spec.optionNames];
    const o = checkOptions(op, spec.options, allowed);
    const { tensors, labels, groups, grouped } = resolveGroups(op, spec.params, allowed);
    this.name = op;
    this.spec = spec;
    this.params = tensors;
    this.labels = labels;
    this.checkFinite = bool(op, 'checkFinite', o.checkFinite ?? true);
    const groupOf: number[] = [];
    this.paramGroups = groups.map(({ size, options }, gi) => {
      const where = grouped ? `${op} (param group ${gi})` : op;
      const merged = { ...o, ...options } as Record<string, unknown>;
      for (let k = 0; k < size; k++) groupOf.push(gi);
      return new Group<H>(where, tensors.slice(groupOf.length - size, groupOf.length), checkLr(where, merged.lr ?? spec.defaultLr), spec.resolve(where, merged));
    });
    this.groupOf = groupOf;
    this.state = tensors.map((p, i) => {
      const names = spec.buffers(this.paramGroups[groupOf[i]!]!.hyperparameters);
      return Object.fromEntries(names.map((n) => [n, new Float64Array(p.size)]));
    });
  }

  /**
   * The hyperparameters in force (momentum, decayRate, beta1…; see each class) of the first
   * parameter group (`paramGroups[i].hyperparameters` for the others), frozen: they decide which
   * buffers exist, so only `loadStateDict` replaces them.
   */
  get hyperparameters(): Readonly<H> {
    return this.paramGroups[0]!.hyperparameters;
  }

  /** The learning rate of the next update (the schedule's value at `stepCount` if one is set) — of the first group. */
  get lr(): number {
    return this.lrOf(0);
  }
  /** Sets a constant learning rate or a schedule, for every parameter group. */
  set lr(lr: number | LrSchedule) {
    const checked = checkLr(this.name, lr);
    for (const g of this.paramGroups) g.lr = checked;
  }

  /** The learning rate of group `i` at the next update. */
  private lrOf(i: number): number {
    const s = this.paramGroups[i]!.lr;
    if (typeof s === 'number') return s;
    const lr = s(this.stepCount);
    if (!Number.isFinite(lr) || lr < 0) {
      throw new ValueError(`${this.name}: the learning-rate schedule gave ${show(lr)} at step ${this.stepCount}; it must be a finite number ≥ 0`);
    }
    return lr;
  }

  /**
   * One update of every parameter that has a gradient (the others are skipped).
   * All gradients are checked before any parameter changes, so a bad one leaves
   * every parameter as it was.
   */
  step(): void {
    const lrs = this.paramGroups.map((g, i) => {
      if (typeof g.lr === 'number') return g.lr;
      return this.lrOf(i);
    });
    for (let i = 0; i < this.params.length; i++) this.checkGrad(i);
    noGrad(() => {
      for (let i = 0; i < this.params.length; i++) {
        const p = this.params[i]!;
        if (p.grad === null) continue;
        const gi = this.groupOf[i]!;
        this.update(p.data, p.grad._data, this.state[i]!, lrs[gi]!, this.paramGroups[gi]!.hyperparameters);
        // A graph built before this step and run backward after it would use stale values: let core catch it.
        bumpVersion(p);
      }
    });
    this.stepCount++;
  }

  /**
   * The update of one parameter, in place: `p` its values, `g` its gradient, `s` its buffers,
   * `lr` and `hyper` those of its parameter group.
   * `stepCount` is still that of the previous step while this runs.
   */
  protected abstract update(p: TypedArray, g: TypedArray, s: ParamState, lr: number, hyper: Readonly<H>): void;

  /** Clears every parameter's gradient (sets `.grad` to null, so the next backward writes it afresh). */
  zeroGrad(): void {
    for (const p of this.params) p.grad = null;
  }

  /**
   * A JSON-serialisable copy of the state: kind, step count, learning rate, hyperparameters, buffers.
   * @example
   *   const saved = JSON.stringify(opt.stateDict());
   *   other.loadStateDict(JSON.parse(saved)); // other continues exactly where opt was
   */
  stateDict(): OptimizerStateDict {
    const dict: OptimizerStateDict = {
      optimizer: this.name,
      stepCount: this.stepCount,
      lr: this.lr,
      hyperparameters: { ...this.hyperparameters },
      state: this.state.map((s) => Object.fromEntries(Object.entries(s).map(([k, b]) => [k, Array.from(b)]))),
    };
    if (this.paramGroups.length > 1) {
      dict.groups = this.paramGroups.map((g, i) => ({ size: g.params.length, lr: this.lrOf(i), hyperparameters: { ...g.hyperparameters } }));
    }
    return dict;
  }

  /**
   * Restores a `stateDict()` made by an optimizer of the same kind over parameters of the
   * same sizes. Everything is checked first: a bad dict is an error and changes nothing.
   * A constant `lr` is restored; a schedule set on this optimizer is kept (it resumes at the
   * restored step count). Takes `unknown` too: a checkpoint's `optimizer`, which core keeps as
   * opaque JSON, is checked here.
   * @example
   *   const opt2 = new Adam(model.parameters());
   *   opt2.loadStateDict(opt.stateDict());
   */
  loadStateDict(state: OptimizerStateDict | unknown): void {
    const op = `${this.name}.loadStateDict`;
    if (state === null || typeof state !== 'object') throw new ValueError(`${op}: expected a state dict object, got ${show(state)}`);
    const dict = state as OptimizerStateDict;
    if (dict.optimizer !== this.name) {
      throw new ValueError(`${op}: the state dict is from ${show(dict.optimizer)}, not ${this.name}`);
    }
    const stepCount = dict.stepCount;
    // NOTE: a safe integer: 1e300 is an integer too, but no count of steps reaches it, and stepCount + 1 would equal it.
    if (!Number.isSafeInteger(stepCount) || stepCount < 0) throw new ValueError(`${op}: stepCount must be a whole number from 0 to 2**53 - 1, got ${show(stepCount)}`);
    const saved: { size: number; lr: unknown; hyperparameters: unknown }[] = dict.groups === undefined
      ? [{ size: this.params.length, lr: dict.lr, hyperparameters: dict.hyperparameters }]
      : Array.isArray(dict.groups) ? dict.groups : [];
    const sizes = this.paramGroups.map((g) => g.params.length);
    if (saved.length !== sizes.length || saved.some((g, i) => g === null || typeof g !== 'object' || g.size !== sizes[i])) {
      const got = saved.map((g) => show(g?.size)).join(', ');
      throw new ValueError(`${op}: the state dict holds parameter groups of sizes [${got}], this ${this.name} [${sizes.join(', ')}]`);
    }
    const loaded = saved.map((g, i) => {
      const where = sizes.length > 1 ? `${op} (param group ${i})` : op;
      // A schedule may have reached 0 (cosineDecay's minLr); a constant lr must stay > 0.
      const lr = typeof this.paramGroups[i]!.lr === 'number' ? positive(where, 'lr', g.lr) : nonNegative(where, 'lr', g.lr);
      return { lr, hyper: this.spec.resolve(where, this.knownHyperparameters(where, g.hyperparameters, i)) };
    });
    const buffers = this.loadedBuffers(op, dict.state, loaded.map((g) => g.hyper));
    // Nothing has changed yet; from here on nothing can fail.
    this.stepCount = stepCount;
    loaded.forEach(({ lr, hyper }, i) => {
      const g = this.paramGroups[i] as Group<H>;
      if (typeof g.lr === 'number') g.lr = lr;
      g.hyperparameters = Object.freeze(hyper);
    });
    buffers.forEach((s, i) => {
      const target = this.state[i]!;
      for (const [k, values] of Object.entries(s)) target[k]!.set(values);
    });
  }

  /** The saved hyperparameters of group `i`, refusing any this optimizer does not have (a misspelt or hostile key such as "__proto__"). */
  private knownHyperparameters(op: string, raw: unknown, i: number): Record<string, unknown> {
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new ValueError(`${op}: hyperparameters must be an object, got ${show(raw)}`);
    const known = Object.keys(this.paramGroups[i]!.hyperparameters);
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(raw)) {
      if (!known.includes(k)) throw new ValueError(`${op}: unknown hyperparameter ${show(k)}; ${this.name} has ${known.length > 0 ? known.join(', ') : 'none'}`);
      out[k] = v;
    }
    return out;
  }

  private loadedBuffers(op: string, state: unknown, hypers: H[]): Record<string, number[]>[] {
    if (!Array.isArray(state) || state.length !== this.params.length) {
      const got = Array.isArray(state) ? `${state.length} entries` : show(state);
      throw new ValueError(`${op}: state must hold one entry per parameter (${this.params.length}), got ${got}`);
    }
    state.forEach((s: Record<string, unknown>, i) => {
      const names = [...this.spec.buffers(hypers[this.groupOf[i]!]!)].sort();
      if (names.join() !== Object.keys(this.state[i]!).sort().join()) {
        throw new ValueError(`${op}: the saved hyperparameters need buffers [${names.join(', ')}], which this ${this.name} does not keep; make it with the same options`);
      }
      const keys = Object.keys(s ?? {}).sort();
      if (keys.join() !== names.join()) {
        throw new ValueError(`${op}: ${this.labels[i]} has buffers [${keys.join(', ')}], expected [${names.join(', ')}]`);
      }
      for (const k of names) this.checkBuffer(op, i, k, s[k]);
    });
    return state as Record<string, number[]>[];
  }

  private checkBuffer(op: string, i: number, key: string, values: unknown): void {
    const p = this.params[i]!;
    if (!Array.isArray(values) || values.length !== p.size) {
      const got = Array.isArray(values) ? `${values.length} values` : show(values);
      throw new ShapeError(`${op}: buffer '${key}' of ${this.labels[i]} (shape ${fmt(p.shape)}, ${p.size} values) got ${got}`);
    }
    const bad = values.findIndex((v) => typeof v !== 'number' || !Number.isFinite(v));
    if (bad >= 0) throw new ValueError(`${op}: buffer '${key}' of ${this.labels[i]} has ${show(values[bad])} at index ${bad}`);
  }

  private checkGrad(i: number): void {
    const p = this.params[i]!;
    const g = p.grad;
    if (g === null) return;
    if (g.size !== p.size) {
      throw new ShapeError(`${this.name}.step: the gradient of ${this.labels[i]} has shape ${fmt(g.shape)}, the parameter ${fmt(p.shape)}`);
    }
    if (!this.checkFinite) return;
    const d = g._data;
    for (let k = 0; k < d.length; k++) {
      if (!Number.isFinite(d[k]!)) {
        throw new ValueError(
          `${this.name}.step: the gradient of ${this.labels[i]} is ${d[k]} at flat index ${k}; ` +
            'no parameter was changed (pass checkFinite: false to let it through)',
        );
      }
    }
  }
}

/** A parameter group; `hyperparameters` is writable here for `loadStateDict` only. */
class Group<H extends Hyperparameters> implements ParamGroup<H> {
  hyperparameters: Readonly<H>;
  constructor(readonly op: string, readonly params: readonly Tensor[], private rate: number | LrSchedule, hyper: H) {
    this.hyperparameters = Object.freeze(hyper);
  }
  get lr(): number | LrSchedule {
    return this.rate;
  }
  set lr(lr: number | LrSchedule) {
    this.rate = checkLr(this.op, lr);
  }
}

function checkLr(op: string, lr: unknown): number | LrSchedule {
  return typeof lr === 'function' ? (lr as LrSchedule) : positive(op, 'lr', lr);
}
