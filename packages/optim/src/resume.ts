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
  else c.params = t.optimizer.params.map((p) => new Tensor(p.data.slice(), p.shape));
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
  const r = c.run;
  const h = r?.history;
  if (h === null || typeof h !== 'object' || !Array.isArray(h.loss) || !Array.isArray(h.evals) || h.loss.length !== c.step || h.steps !== c.step) {
    throw new ValueError(`${op}: the checkpoint's history does not match its step ${show(c.step)}`);
  }
  for (const w of [r.sinceEval, r.epochWindow]) {
    if (w === null || typeof w !== 'object' || ![w.loss, w.metric, w.n].every((v) => typeof v === 'number')) {
      throw new ValueError(`${op}: the checkpoint's running sums are malformed (${show(w)})`);
    }
  }
  if (!Number.isInteger(r.evaluatedAt) || !Number.isInteger(r.epoch)) throw new ValueError(`${op}: the checkpoint's evaluatedAt and epoch must be whole numbers`);
  checkPosition(op, r.position, t.config);
  return c;
}

function checkPosition(op: string, p: BatchPosition, config: RunConfig): void {
  const { order } = p ?? {};
  const bad = (what: string) => new ValueError(`${op}: the checkpoint's batch position is invalid (${what})`);
  if (!Number.isInteger(p?.epoch) || p.epoch < 1 || !Number.isInteger(p.batch) || p.batch < 0) throw bad(`epoch ${show(p?.epoch)}, batch ${show(p?.batch)}`);
  if (order === null) return;
  if (!(order instanceof Int32Array) || order.length !== config.samples) throw bad(`the sample order must be ${config.samples} int32 indices`);
  const seen = new Uint8Array(config.samples);
  for (const i of order) {
    if (i < 0 || i >= config.samples || seen[i]) throw bad('the sample order is not a permutation');
    seen[i] = 1;
  }
}
