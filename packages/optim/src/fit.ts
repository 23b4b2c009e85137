/**
 * One training loop for the course's three ways of learning: online (batchSize 1),
 * minibatch, and full batch (batchSize = number of samples); by epochs or by
 * iterations; with evaluations, callbacks, a history, and a progress display.
 */
import { fmt, ArgumentError, ShapeError, noGrad, type Generator, type Tensor, type TensorLike } from '@tapegrad/core';
import { checkOptions, func, integer, show } from './check.js';
import { DataLoader, sampleBatch, samples } from './data.js';
import { Optimizer } from './optimizer.js';
import { defaultOutput, Progress, type ProgressMode, type ProgressOutput } from './progress.js';
import {
  checkCheckpointOptions, makeCheckpoint, restoreCheckpoint,
  type BatchPosition, type CheckpointOptions, type RunConfig, type RunState, type Trainee,
} from './resume.js';

/** A network: a function of the input batch, or an object with `forward` (an nn Module). */
export type Model = ((x: Tensor) => Tensor) | { forward(x: Tensor): Tensor; train?(): unknown; eval?(): unknown };

/** A number computed from a batch's output `y` and targets `d`, such as `accuracy`. */
export type Metric = (y: Tensor, d: Tensor) => number;

/**
 * How batches are drawn: 'shuffle' (each epoch a new order, every sample once), 'sequential'
 * (in order), or 'replacement' (the course's `np.random.choice(train_size, batch_size)` per step).
 */
export type Sampling = 'shuffle' | 'sequential' | 'replacement';

export interface StepInfo {
  /** Steps done, this one included (1-based). */
  step: number;
  /** The epoch this step belongs to (1-based). */
  epoch: number;
  /** The loss of this step's batch, before the update. */
  loss: number;
  /** The learning rate this update used. */
  lr: number;
}

/** One evaluation: means over the training batches since the previous one, and the evaluation set. */
export interface Evaluation {
  step: number;
  epoch: number;
  /** Mean loss of the training batches since the last evaluation (weighted by batch size). */
  trainLoss: number;
  /** Mean metric of those training batches (with `metric`). */
  trainMetric?: number;
  /** Loss on `evalData` (with `evalData`). */
  evalLoss?: number;
  /** Metric on `evalData` (with `evalData` and `metric`). */
  evalMetric?: number;
}

export interface EpochInfo {
  /** The epoch just finished (1-based). */
  epoch: number;
  step: number;
  /** Mean loss of the epoch's batches (weighted by batch size). */
  loss: number;
  /** The evaluation made at this step, if any. */
  evaluation: Evaluation | undefined;
}

export interface History {
  /** The loss of every step, in order (the course's `losses` list). */
  loss: number[];
  /** Every evaluation, in order. */
  evals: Evaluation[];
  /** Steps made. */
  steps: number;
  /** Epochs finished. */
  epochs: number;
  /** True when a callback returned false. */
  stopped: boolean;
  seconds: number;
}

export interface FitOptions {
  model: Model;
  /** The error function, called as `loss(y, d)` on a batch; returns a one-element tensor. */
  loss: (y: Tensor, d: Tensor) => Tensor;
  optimizer: Optimizer;
  /** Training inputs and targets (samples along axis 0). */
  x: TensorLike;
  d: TensorLike;
  /** 1: online learning; n (the sample count): full-batch learning; between: minibatches. */
  batchSize: number;
  /** Train for this many epochs (passes over the data)… */
  epochs?: number;
  /** …or for this many steps (give exactly one of the two). */
  iterations?: number;
  /** Default 'shuffle'. With 'replacement' an epoch is ⌈n / batchSize⌉ steps. */
  sampling?: Sampling;
  /** Drop each epoch's short last batch ('shuffle' and 'sequential'); default false. */
  dropLast?: boolean;
  /** The seeded source of shuffles and draws; default the global generator (`manualSeed`). */
  generator?: Generator;
  /** An evaluation set `[x, d]`, run under noGrad with the model in eval mode. */
  evalData?: readonly [TensorLike, TensorLike];
  /** Computed on the training batches and on `evalData`, e.g. `accuracy`. */
  metric?: Metric;
  /** Evaluate every this many steps; default at the end of each epoch. Always after the last step. */
  evalEvery?: number;
  /** After every step; return false to stop training. */
  onStep?: (info: StepInfo) => void | boolean;
  /** After every epoch; return false to stop training. */
  onEpoch?: (info: EpochInfo) => void | boolean;
  /** Default 'auto': a progress bar on a terminal, plain lines otherwise; 'none' is silent. */
  progress?: ProgressMode;
  /** Steps between two plain lines; default a tenth of the run. */
  logEvery?: number;
  /** Where progress goes; default process.stdout (console.log in a browser). */
  output?: ProgressOutput;
  /**
   * Save the run's whole state every `every` steps and after the last, to `path` through `storage`
   * (in Node: `import * as files from '@tapegrad/core/node'`, then `storage: files`).
   */
  checkpoint?: CheckpointOptions;
  /**
   * Continue from the checkpoint at `checkpoint.path` if there is one (else start afresh): a run
   * killed and resumed ends bit for bit where an uninterrupted run with the same seed ends.
   */
  resume?: boolean;
}

const FIT_OPTIONS = [
  'model', 'loss', 'optimizer', 'x', 'd', 'batchSize', 'epochs', 'iterations', 'sampling', 'dropLast', 'generator',
  'evalData', 'metric', 'evalEvery', 'onStep', 'onEpoch', 'progress', 'logEvery', 'output', 'checkpoint', 'resume',
] as const;

interface Batch {
  x: Tensor;
  d: Tensor;
  epoch: number;
  /** The batch ends its epoch. */
  last: boolean;
}

/** Sums over batches, weighted by their sizes. */
class Window {
  loss = 0;
  metric = 0;
  n = 0;
  add(loss: number, metric: number, n: number): void {
    this.loss += loss * n;
    this.metric += metric * n;
    this.n += n;
  }
  reset(): void {
    this.loss = this.metric = this.n = 0;
  }
}

/** Makes a batch: batch `b` of an epoch in `order` (order is null for draws with replacement). */
interface BatchSource {
  perEpoch: number;
  order(): Int32Array | null;
  batch(order: Int32Array | null, b: number): [Tensor, Tensor];
}

/** Endless batches, epoch after epoch, that know where they are (for checkpoints) and can start from there. */
class Batches {
  epoch = 1;
  /** Batches taken in this epoch. */
  batch = 0;
  /** This epoch's sample order, drawn at its first batch. */
  order: Int32Array | null = null;

  constructor(private readonly source: BatchSource) {}

  next(): Batch {
    const { perEpoch } = this.source;
    if (this.batch === perEpoch) {
      this.epoch++;
      this.batch = 0;
    }
    if (this.batch === 0) this.order = this.source.order();
    const [x, d] = this.source.batch(this.order, this.batch++);
    return { x, d, epoch: this.epoch, last: this.batch === perEpoch };
  }

  get position(): BatchPosition {
    return { epoch: this.epoch, batch: this.batch, order: this.order };
  }
  set position(p: BatchPosition) {
    ({ epoch: this.epoch, batch: this.batch, order: this.order } = p);
  }
}

/**
 * Trains `model` on `(x, d)` with `optimizer` and returns the history. Each step:
 * `optimizer.zeroGrad(); loss(model(xBatch), dBatch).backward(); optimizer.step()`.
 * @example
 *   const history = fit({ model, loss: mseLoss, optimizer: new SGD(model.parameters(), { lr: 0.07 }),
 *     x, d, batchSize: 1, iterations: 1000, sampling: 'replacement', progress: 'none' });
 */
export function fit(options: FitOptions): History {
  return new Run(options).train();
}

class Run {
  private readonly o: FitOptions;
  private readonly forward: (x: Tensor) => Tensor;
  private readonly batches: Batches;
  private readonly total: number;
  private readonly evalSet: [Tensor, Tensor] | undefined;
  private readonly progress: Progress;
  private readonly trainee: Trainee;
  private history: History = { loss: [], evals: [], steps: 0, epochs: 0, stopped: false, seconds: 0 };
  private readonly sinceEval = new Window();
  private readonly epochWindow = new Window();
  private evaluatedAt = 0;
  /** The epoch of the latest batch. */
  private epoch = 1;
  /** Seconds of earlier sessions of a resumed run, and when this one started. */
  private secondsBefore = 0;
  private readonly start = performance.now();

  constructor(options: FitOptions) {
    const op = 'fit';
    this.o = checkFit(op, options);
    this.forward = forwardOf(op, this.o.model);
    const [x, d] = samples(op, this.o.x, this.o.d);
    const source = batchSource(op, x, d, this.o);
    this.batches = new Batches(source);
    this.total = this.o.iterations ?? this.o.epochs! * source.perEpoch;
    this.evalSet = this.o.evalData === undefined ? undefined : samples(`${op} evalData`, ...this.o.evalData);
    const config: RunConfig = { samples: x.shape[0]!, batchSize: this.o.batchSize, sampling: this.o.sampling ?? 'shuffle', dropLast: this.o.dropLast ?? false };
    this.trainee = { model: this.o.model, optimizer: this.o.optimizer, generator: this.o.generator, config, perEpoch: source.perEpoch };
    const ck = this.o.checkpoint;
    if (this.o.resume && ck!.storage.exists(ck!.path)) this.state = restoreCheckpoint(op, this.trainee, ck!.storage.load(ck!.path));
    const out = this.o.output ?? defaultOutput();
    const logEvery = this.o.logEvery ?? Math.max(1, Math.ceil(this.total / 10));
    this.progress = new Progress(Progress.mode(this.o.progress ?? 'auto', out), out, this.total, logEvery);
  }

  train(): History {
    setMode(this.o.model, 'train');
    while (this.history.steps < this.total && !this.history.stopped) this.step(this.batches.next());
    if (this.evaluatedAt !== this.history.steps) this.evaluate(this.epoch);
    this.progress.done();
    this.history.seconds = this.seconds();
    return this.history;
  }

  private seconds(): number {
    return this.secondsBefore + (performance.now() - this.start) / 1000;
  }

  /** Everything of the loop that a checkpoint holds. */
  private get state(): RunState {
    const windowOf = ({ loss, metric, n }: Window) => ({ loss, metric, n });
    return {
      history: { ...this.history, loss: this.history.loss.slice(), evals: this.history.evals.slice(), seconds: this.seconds() },
      sinceEval: windowOf(this.sinceEval),
      epochWindow: windowOf(this.epochWindow),
      evaluatedAt: this.evaluatedAt,
      epoch: this.epoch,
      position: this.batches.position,
    };
  }
  /** Copies a checked checkpoint's state field by field (never Object.assign: a file's keys must not reach our objects). */
  private set state(s: RunState) {
    const h = s.history;
    this.history = { loss: h.loss.slice(), evals: h.evals.map((e) => ({ ...e }) as Evaluation), steps: h.steps, epochs: h.epochs, stopped: h.stopped, seconds: h.seconds };
    this.secondsBefore = h.seconds;
    for (const [w, saved] of [[this.sinceEval, s.sinceEval], [this.epochWindow, s.epochWindow]] as const) {
      w.loss = saved.loss;
      w.metric = saved.metric;
      w.n = saved.n;
    }
    this.evaluatedAt = s.evaluatedAt;
    this.epoch = s.epoch;
    this.batches.position = { epoch: s.position.epoch, batch: s.position.batch, order: s.position.order };
  }

  private saveCheckpoint(): void {
    const ck = this.o.checkpoint;
    const step = this.history.steps;
    if (ck && (step % ck.every === 0 || step === this.total || this.history.stopped)) ck.storage.save(ck.path, makeCheckpoint(this.trainee, this.state));
  }

  private step(batch: Batch): void {
    const { optimizer, metric } = this.o;
    const lr = optimizer.lr;
    optimizer.zeroGrad();
    const y = this.forward(batch.x);
    const loss = scalarLoss(this.o.loss(y, batch.d));
    loss.backward();
    optimizer.step();
    const value = loss.item();
    const n = batch.x.shape[0]!;
    const step = ++this.history.steps;
    this.epoch = batch.epoch;
    this.history.loss.push(value);
    this.sinceEval.add(value, metric ? metric(y.detach(), batch.d) : 0, n);
    this.epochWindow.add(value, 0, n);
    this.progress.update(step, value, batch.epoch, this.epochWindow.loss / this.epochWindow.n);
    if (this.o.onStep?.({ step, epoch: batch.epoch, loss: value, lr }) === false) this.history.stopped = true;
    const due = this.o.evalEvery === undefined ? batch.last : step % this.o.evalEvery === 0;
    const evaluation = due || step === this.total ? this.evaluate(batch.epoch) : undefined;
    if (batch.last) this.endEpoch(batch.epoch, evaluation);
    this.saveCheckpoint();
  }

  private endEpoch(epoch: number, evaluation: Evaluation | undefined): void {
    this.history.epochs = epoch;
    const loss = this.epochWindow.loss / this.epochWindow.n;
    this.epochWindow.reset();
    if (this.o.onEpoch?.({ epoch, step: this.history.steps, loss, evaluation }) === false) this.history.stopped = true;
  }

  private evaluate(epoch: number): Evaluation {
    const { metric } = this.o;
    const w = this.sinceEval;
    const rec: Evaluation = { step: this.history.steps, epoch, trainLoss: w.loss / w.n };
    if (metric) rec.trainMetric = w.metric / w.n;
    if (this.evalSet) Object.assign(rec, this.evaluateOn(...this.evalSet));
    w.reset();
    this.evaluatedAt = rec.step;
    this.history.evals.push(rec);
    this.progress.note(describe(rec, this.total, metric?.name || 'metric'), rec.step);
    return rec;
  }

  private evaluateOn(x: Tensor, d: Tensor): Pick<Evaluation, 'evalLoss' | 'evalMetric'> {
    setMode(this.o.model, 'eval');
    try {
      return noGrad(() => {
        const y = this.forward(x);
        const evalLoss = scalarLoss(this.o.loss(y, d)).item();
        return this.o.metric ? { evalLoss, evalMetric: this.o.metric(y, d) } : { evalLoss };
      });
    } finally {
      setMode(this.o.model, 'train');
    }
  }
}

function checkFit(op: string, options: FitOptions): FitOptions {
  if (options === undefined) throw new ArgumentError(`${op}: expected options { model, loss, optimizer, x, d, batchSize, epochs | iterations }`);
  const o = checkOptions(op, options, FIT_OPTIONS) as FitOptions;
  func(op, 'loss', o.loss);
  if (!(o.optimizer instanceof Optimizer)) throw new ArgumentError(`${op}: optimizer must be an optimizer such as new SGD(params), got ${show(o.optimizer)}`);
  integer(op, 'batchSize', o.batchSize);
  if ((o.epochs === undefined) === (o.iterations === undefined)) {
    throw new ArgumentError(`${op}: give exactly one of epochs and iterations, got epochs ${show(o.epochs)} and iterations ${show(o.iterations)}`);
  }
  if (o.epochs !== undefined) integer(op, 'epochs', o.epochs);
  if (o.iterations !== undefined) integer(op, 'iterations', o.iterations);
  if (o.evalEvery !== undefined) integer(op, 'evalEvery', o.evalEvery);
  if (o.logEvery !== undefined) integer(op, 'logEvery', o.logEvery);
  oneOf(op, 'sampling', o.sampling, ['shuffle', 'sequential', 'replacement']);
  oneOf(op, 'progress', o.progress, ['auto', 'bar', 'lines', 'none']);
  for (const k of ['metric', 'onStep', 'onEpoch'] as const) if (o[k] !== undefined) func(op, k, o[k]);
  if (o.evalData !== undefined && (!Array.isArray(o.evalData) || o.evalData.length !== 2)) {
    throw new ArgumentError(`${op}: evalData must be a pair [x, d], got ${show(o.evalData)}`);
  }
  checkCheckpointOptions(op, o.checkpoint, o.resume);
  return o;
}

function oneOf(op: string, name: string, v: unknown, allowed: readonly string[]): void {
  if (v !== undefined && !allowed.includes(v as string)) {
    throw new ArgumentError(`${op}: ${name} must be one of ${allowed.map(show).join(', ')}, got ${show(v)}`);
  }
}

function forwardOf(op: string, model: Model): (x: Tensor) => Tensor {
  if (typeof model === 'function') return model;
  if (model !== null && typeof model === 'object' && typeof model.forward === 'function') return (x) => model.forward(x);
  throw new ArgumentError(`${op}: model must be a function x => y or an object with forward(x), got ${show(model)}`);
}

function setMode(model: Model, mode: 'train' | 'eval'): void {
  if (typeof model === 'object' && typeof model[mode] === 'function') model[mode]!();
}

function scalarLoss(loss: unknown): Tensor {
  const t = loss as Tensor;
  if (t === null || typeof t !== 'object' || typeof t.backward !== 'function') {
    throw new ArgumentError(`fit: loss(y, d) must return a Tensor, got ${show(loss)}`);
  }
  if (t.size !== 1) throw new ShapeError(`fit: loss(y, d) must return one number, got shape ${fmt(t.shape)}; reduce it with mean() or sum()`);
  return t;
}

/** Where batches come from, and how many make an epoch. */
function batchSource(op: string, x: Tensor, d: Tensor, o: FitOptions): BatchSource {
  const sampling = o.sampling ?? 'shuffle';
  const n = x.shape[0]!;
  if (sampling === 'replacement') {
    if (n === 0) throw new ArgumentError(`${op}: x has no samples`);
    return { perEpoch: Math.ceil(n / o.batchSize), order: () => null, batch: () => sampleBatch(x, d, o.batchSize, o.generator) };
  }
  const loader = new DataLoader(x, d, { batchSize: o.batchSize, shuffle: sampling === 'shuffle', dropLast: o.dropLast ?? false, generator: o.generator });
  if (loader.length === 0) {
    throw new ArgumentError(`${op}: an epoch has no batches (${n} samples, batchSize ${o.batchSize}, dropLast ${o.dropLast})`);
  }
  return { perEpoch: loader.length, order: () => loader.epochOrder(), batch: (order, b) => loader.batchOf(order!, b) };
}

function describe(rec: Evaluation, total: number, metricName: string): string {
  const num = (v: number) => v.toPrecision(5);
  const parts = [`epoch ${rec.epoch} step ${rec.step}/${total}`, `train loss ${num(rec.trainLoss)}`];
  if (rec.trainMetric !== undefined) parts.push(`train ${metricName} ${num(rec.trainMetric)}`);
  if (rec.evalLoss !== undefined) parts.push(`eval loss ${num(rec.evalLoss)}`);
  if (rec.evalMetric !== undefined) parts.push(`eval ${metricName} ${num(rec.evalMetric)}`);
  return parts.join('  ');
}
