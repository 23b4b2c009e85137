/**
 * `fit`'s checkpoints: everything a run's future depends on — the parameters, the optimizer's
 * buffers and step count, the generators' states, where the batches are (epoch, batch, this
 * epoch's sample order) and the history so far — as one plain object, so that a run killed and
 * resumed from its last checkpoint ends bit for bit where an uninterrupted one ends.
 * NOTE: this module does no I/O (optim runs in browsers too): `storage` writes and reads.
 */
import {
  fmt, isTensor,
  ArgumentError, DTypeError, getGlobalGenerator, noGrad, ShapeError, Tensor, ValueError,
  type Generator, type RandomState, type TensorEntry,
} from '@tapegrad/core';
import { func, integer, show } from './check.js';
import type { Optimizer, OptimizerStateDict } from './optimizer.js';

/**
 * How `fit` writes and reads its checkpoints. In Node: `import * as files from '@tapegrad/core/node'`
 * (its `save`, `load` and `exists` write safetensors files atomically); elsewhere your own.
 */
export interface CheckpointStorage {
  save(path: string, checkpoint: FitCheckpoint): void;
  load(path: string): unknown;
  exists(path: string): boolean;
}

/** `fit`'s `checkpoint` option. */
export interface CheckpointOptions {
  /** Where the checkpoint goes (replaced each time). */
  path: string;
  /** Save after every this many steps, and after the last step. */
  every: number;
  storage: CheckpointStorage;
}

/** Running sums over batches (see fit's Window). */
export interface WindowState {
  loss: number;
  metric: number;
  n: number;
}

/** Where the batches are: the epoch, the batches taken in it, and its sample order (null when drawn with replacement). */
export interface BatchPosition {
  epoch: number;
  batch: number;
  order: Int32Array | null;
}

/** The loop's own state (see fit's Run). */
export interface RunState {
  history: { loss: number[]; evals: object[]; steps: number; epochs: number; stopped: boolean; seconds: number };
  sinceEval: WindowState;
  epochWindow: WindowState;
  evaluatedAt: number;
  epoch: number;
  position: BatchPosition;
}

/** What decides which batches a run sees: a checkpoint made with other settings cannot continue this run. */
export interface RunConfig {
  samples: number;
  batchSize: number;
  sampling: string;
  dropLast: boolean;
}

/** A `fit` checkpoint: a plain object that `@tapegrad/core/node`'s `save` writes as safetensors + JSON. */
export type FitCheckpoint = {
  kind: 'tapegrad.fit';
  step: number;
  config: RunConfig;
  /** The model's `stateDict()` when it has one (an nn Module)… */
  model?: Record<string, TensorEntry>;
  /** …otherwise the optimizer's parameters, in its order. */
  params?: Tensor[];
  optimizer: OptimizerStateDict;
  /** The state of fit's `generator` option, when given. */
  generator?: RandomState;
  /** The global generator's state (the data's source without a `generator`, and any model code's). */
  globalGenerator: RandomState;
  run: RunState;
};

/** A model that can save and load its parameters by name (an nn Module). */
interface Stateful {
  stateDict(): NonNullable<FitCheckpoint['model']>;
  loadStateDict(state: NonNullable<FitCheckpoint['model']>): void;
}

function statefulOf(model: unknown): Stateful | undefined {
  const m = model as Partial<Stateful> | null;
  return m !== null && typeof m === 'object' && typeof m.stateDict === 'function' && typeof m.loadStateDict === 'function' ? (m as Stateful) : undefined;
}

/** The pieces of a run a checkpoint saves and restores. */
export interface Trainee {
  model: unknown;
  optimizer: Optimizer;
  generator: Generator | undefined;
  config: RunConfig;
  /** Batches in an epoch (a saved position must lie within one). */
  perEpoch: number;
}

/** Checks the `checkpoint` and `resume` options. */
export function checkCheckpointOptions(op: string, checkpoint: CheckpointOptions | undefined, resume: unknown): void {
  if (resume !== undefined && typeof resume !== 'boolean') throw new ArgumentError(`${op}: resume must be true or false, got ${show(resume)}`);
  if (checkpoint === undefined) {
    if (resume === true) throw new ArgumentError(`${op}: resume needs the checkpoint option (its path and storage)`);
    return;
  }
  if (checkpoint === null || typeof checkpoint !== 'object') throw new ArgumentError(`${op}: checkpoint must be { path, every, storage }, got ${show(checkpoint)}`);
  if (typeof checkpoint.path !== 'string' || checkpoint.path === '') throw new ArgumentError(`${op}: checkpoint.path must be a file name, got ${show(checkpoint.path)}`);
  integer(op, 'checkpoint.every', checkpoint.every);
  const s = checkpoint.storage as Partial<CheckpointStorage> | undefined;
  if (s === null || typeof s !== 'object') {
    throw new ArgumentError(`${op}: checkpoint.storage must be { save, load, exists } — in Node, import * as files from '@tapegrad/core/node' and pass files`);
  }
  for (const k of ['save', 'load', 'exists'] as const) func(op, `checkpoint.storage.${k}`, s[k]);
}

/** The checkpoint of a run after `run.history.steps` steps. */
export function makeCheckpoint(t: Trainee, run: RunState): FitCheckpoint {
  const stateful = statefulOf(t.model);
  const c: FitCheckpoint = {
    kind: 'tapegrad.fit',
    step: run.history.steps,
    config: t.config,
    optimizer: t.optimizer.stateDict(),
    globalGenerator: getGlobalGenerator().getState(),
    run,
  };
  if (stateful) c.model = stateful.stateDict();
  else c.params = t.optimizer.params.map((p) => new Tensor(p._data.slice(), p.shape));
  if (t.generator) c.generator = t.generator.getState();
  return c;
}

/**
 * Puts a run back in the state of checkpoint `raw` and returns the loop's state. Everything is
 * checked, and on any error every part already restored is put back: a bad checkpoint is an
 * error that changes nothing.
 */
export function restoreCheckpoint(op: string, t: Trainee, raw: unknown): RunState {
  const c = checkShapeOf(op, raw, t);
  const before = makeCheckpoint(t, c.run);
  try {
    apply(op, t, c);
  } catch (e) {
    apply(op, t, before);
    throw e;
  }
  return c.run;
}

function apply(op: string, t: Trainee, c: FitCheckpoint): void {
  t.optimizer.loadStateDict(c.optimizer);
  const stateful = statefulOf(t.model);
  if (stateful) loadModel(op, stateful, c.model);
  else loadParams(op, t.optimizer.params, c.params);
  if (t.generator) t.generator.setState(c.generator!);
  getGlobalGenerator().setState(c.globalGenerator);
}

/** Through the model's own `loadStateDict` (names and shapes checked, never half-applied), after checking dtypes. */
function loadModel(op: string, model: Stateful, saved: FitCheckpoint['model']): void {
  if (saved === null || typeof saved !== 'object') throw new ValueError(`${op}: the checkpoint has no model state dict, but the model is a module`);
  const current = model.stateDict();
  for (const [name, entry] of Object.entries(saved)) {
    const want = current[name]?.dtype;
    if (want !== undefined && entry?.dtype !== want) {
      throw new DTypeError(`${op}: '${name}' is ${show(entry?.dtype)} in the checkpoint but ${want} in the model; a run continues only in its own dtype`);
    }
  }
  model.loadStateDict(saved);
}

function loadParams(op: string, params: readonly Tensor[], saved: unknown): void {
  if (!Array.isArray(saved) || saved.length !== params.length) {
    throw new ValueError(`${op}: the checkpoint holds ${Array.isArray(saved) ? saved.length : 'no'} parameters, the optimizer ${params.length}`);
  }
  params.forEach((p, i) => {
    const s = saved[i] as unknown;
    if (!isTensor(s) || s.dtype !== p.dtype || s.shape.join() !== p.shape.join()) {
      const got = isTensor(s) ? `${s.dtype} ${fmt(s.shape)}` : show(s);
      throw new ShapeError(`${op}: parameter ${i} is ${p.dtype} ${fmt(p.shape)} but the checkpoint has ${got}`);
    }
  });
  noGrad(() => params.forEach((p, i) => p.copy_(saved[i] as Tensor)));
}

/** The checkpoint's own fields, checked against this run before anything is changed. */
function checkShapeOf(op: string, raw: unknown, t: Trainee): FitCheckpoint {
  const c = raw as FitCheckpoint;
  if (c === null || typeof c !== 'object' || c.kind !== 'tapegrad.fit') throw new ValueError(`${op}: not a fit checkpoint (its kind is ${show((c as { kind?: unknown } | null)?.kind)})`);
  for (const key of Object.keys(t.config) as (keyof RunConfig)[]) {
    if (c.config?.[key] !== t.config[key]) {
      throw new ValueError(`${op}: the checkpoint was made with ${key} ${show(c.config?.[key])}, this run has ${show(t.config[key])}; it cannot continue this run`);
    }
  }
  if ((c.generator === undefined) !== (t.generator === undefined)) {
    throw new ValueError(`${op}: the checkpoint was made ${c.generator ? 'with' : 'without'} a generator option, this run ${t.generator ? 'has one' : 'has none'}`);
  }
  const bad = (what: string, v: unknown) => new ValueError(`${op}: the checkpoint's ${what} is invalid (${describeValue(v)})`);
  if (!isCount(c.step)) throw bad('step', c.step);
  const r = c.run;
  if (!isRecord(r)) throw bad('run state', r);
  const h = r.history;
  if (!isRecord(h) || !Array.isArray(h.loss) || !Array.isArray(h.evals) || h.loss.length !== c.step || h.steps !== c.step) {
    throw new ValueError(`${op}: the checkpoint's history does not match its step ${show(c.step)}`);
  }
  const i = h.loss.findIndex((v) => typeof v !== 'number');
  if (i >= 0) throw bad(`history.loss[${i}]`, h.loss[i]);
  if (!h.evals.every(isEvaluation)) throw bad('history.evals', h.evals.find((e) => !isEvaluation(e)));
  if (!isCount(h.epochs)) throw bad('history.epochs', h.epochs);
  if (typeof h.stopped !== 'boolean') throw bad('history.stopped', h.stopped);
  if (typeof h.seconds !== 'number' || !Number.isFinite(h.seconds) || h.seconds < 0) throw bad('history.seconds', h.seconds);
  checkWindow(op, 'sinceEval', r.sinceEval);
  checkWindow(op, 'epochWindow', r.epochWindow);
  if (!isCount(r.evaluatedAt) || r.evaluatedAt > c.step) throw bad('evaluatedAt', r.evaluatedAt);
  // Every epoch holds at least one step, so no epoch number can pass the steps made (+ the one under way).
  if (!isCount(r.epoch) || r.epoch > c.step + 1) throw bad('epoch', r.epoch);
  checkPosition(op, r.position, t, c.step);
  return c;
}

/** A whole number ≥ 0 that counting can reach (not 1e300). */
function isCount(v: unknown): v is number {
  return Number.isSafeInteger(v) && (v as number) >= 0;
}

function isRecord(v: unknown): v is Record<string, any> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function isEvaluation(e: unknown): boolean {
  return isRecord(e) && isCount(e.step) && isCount(e.epoch) && Object.values(e).every((v) => typeof v === 'number');
}

function describeValue(v: unknown): string {
  return typeof v === 'object' && v !== null ? (Array.isArray(v) ? 'an array' : `an object with keys ${Object.keys(v).join(', ')}`) : show(v);
}

/** A running sum: exactly { loss, metric, n }, finite sums, n a count (an extra key such as "__proto__" is refused). */
function checkWindow(op: string, name: string, w: unknown): void {
  const ok = isRecord(w) && Object.keys(w).sort().join() === 'loss,metric,n' && Number.isFinite(w.loss) && Number.isFinite(w.metric) && isCount(w.n);
  if (!ok) throw new ValueError(`${op}: the checkpoint's running sums ${name} are malformed (${describeValue(w)}); expected { loss, metric, n } of finite numbers`);
}

function checkPosition(op: string, p: BatchPosition, t: Trainee, step: number): void {
  const bad = (what: string) => new ValueError(`${op}: the checkpoint's batch position is invalid (${what})`);
  if (!isRecord(p)) throw bad(describeValue(p));
  const { epoch, batch, order } = p;
  if (!isCount(epoch) || epoch < 1 || epoch > step + 1) throw bad(`epoch ${show(epoch)}`);
  if (!isCount(batch) || batch > t.perEpoch) throw bad(`batch ${show(batch)} of an epoch of ${t.perEpoch} batches`);
  const { samples } = t.config;
  if (order === null) {
    // Without replacement the batches of an epoch after its first are cut from its order.
    if (t.config.sampling !== 'replacement' && batch > 0) throw bad(`batch ${batch} of an epoch without its sample order`);
    return;
  }
  if (t.config.sampling === 'replacement') throw bad('draws with replacement have no sample order');
  if (!(order instanceof Int32Array) || order.length !== samples) throw bad(`the sample order must be ${samples} int32 indices`);
  const seen = new Uint8Array(samples);
  for (const i of order) {
    if (i < 0 || i >= samples || seen[i]) throw bad('the sample order is not a permutation');
    seen[i] = 1;
  }
}
