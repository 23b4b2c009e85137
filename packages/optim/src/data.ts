/**
 * Minibatches: a `DataLoader` that walks the samples once per epoch (in order or
 * shuffled by a seeded Generator), the course's draw with replacement
 * (`sampleBatch`), and a seeded train/test split. Samples are the rows of the
 * first axis of `x` and `d`.
 */
import {
  fmt, isTensor,
  ArgumentError, Generator, getGlobalGenerator, ShapeError, ValueError, Tensor, tensor,
  type TensorLike, type TypedArray,
} from '@tapegrad/core';
import { bool, checkOptions, integer, show } from './check.js';

/** Inputs and targets as tensors with the same number of rows (axis 0). */
export function samples(op: string, x: TensorLike, d: TensorLike): [Tensor, Tensor] {
  const xs = asTensor(op, 'x', x);
  const ds = asTensor(op, 'd', d);
  if (xs.shape[0] !== ds.shape[0]) {
    throw new ShapeError(`${op}: x has ${xs.shape[0]} samples (shape ${fmt(xs.shape)}) but d has ${ds.shape[0]} (shape ${fmt(ds.shape)})`);
  }
  return [xs, ds];
}

function asTensor(op: string, name: string, v: TensorLike): Tensor {
  const t = isTensor(v) ? v : tensor(v);
  if (t.ndim === 0) throw new ShapeError(`${op}: ${name} must have a sample axis (at least 1-d), got a 0-d tensor`);
  return t;
}

function allocateLike(data: TypedArray, n: number): TypedArray {
  if (data instanceof Float32Array) return new Float32Array(n);
  if (data instanceof Int32Array) return new Int32Array(n);
  if (data instanceof Uint8Array) return new Uint8Array(n); // bool
  return new Float64Array(n);
}

/** The rows `idx[start..end)` of `t`, copied into a new tensor (off the tape). */
export function takeRows(t: Tensor, idx: ArrayLike<number>, start = 0, end = idx.length): Tensor {
  const rows = end - start;
  const width = t.shape[0] === 0 ? 0 : t.size / t.shape[0]!;
  const src = t._data;
  const out = allocateLike(src, rows * width);
  for (let r = 0; r < rows; r++) {
    const from = idx[start + r]! * width;
    // A row is contiguous: one block copy (memcpy speed) rather than an element loop.
    out.set(src.subarray(from, from + width) as ArrayLike<number>, r * width);
  }
  return new Tensor(out, [rows, ...t.shape.slice(1)]);
}

function checkGenerator(op: string, g: unknown): Generator | undefined {
  if (g === undefined) return undefined;
  if (g === null || typeof g !== 'object' || typeof (g as Generator).permutation !== 'function') {
    throw new ArgumentError(`${op}: generator must be a Generator from @tapegrad/core (new Generator(seed)), got ${show(g)}`);
  }
  return g as Generator;
}

export interface DataLoaderOptions {
  /** Samples per batch; default 1 (online learning). Use the sample count for full-batch learning. */
  batchSize?: number;
  /** Reorder the samples at the start of every epoch; default false. */
  shuffle?: boolean;
  /** Leave out the last batch of an epoch when it is smaller than batchSize; default false. */
  dropLast?: boolean;
  /** The seeded source of the shuffles; default the global generator (`manualSeed`). */
  generator?: Generator;
}

/**
 * Minibatches of `(x, d)` by rows: each pass over the loader (`for…of`) is one epoch that yields
 * `[xBatch, dBatch]` pairs covering every sample exactly once (less the short last batch with
 * `dropLast`); with `shuffle`, in a new order drawn from the generator (`permutation(n)`) each epoch.
 * @example
 *   const loader = new DataLoader(x, d, { batchSize: 32, shuffle: true, generator: new Generator(0) });
 *   for (const [xb, db] of loader) { ... }
 */
export class DataLoader implements Iterable<[Tensor, Tensor]> {
  readonly x: Tensor;
  readonly d: Tensor;
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly dropLast: boolean;
  private readonly generator: Generator | undefined;

  constructor(x: TensorLike, d: TensorLike, options?: DataLoaderOptions) {
    const op = 'DataLoader';
    const o = checkOptions(op, options, ['batchSize', 'shuffle', 'dropLast', 'generator']);
    [this.x, this.d] = samples(op, x, d);
    this.batchSize = integer(op, 'batchSize', o.batchSize ?? 1);
    this.shuffle = bool(op, 'shuffle', o.shuffle ?? false);
    this.dropLast = bool(op, 'dropLast', o.dropLast ?? false);
    this.generator = checkGenerator(op, o.generator);
  }

  /** Number of samples. */
  get size(): number {
    return this.x.shape[0]!;
  }

  /** Batches per epoch. */
  get length(): number {
    const n = this.size / this.batchSize;
    return this.dropLast ? Math.floor(n) : Math.ceil(n);
  }

  *[Symbol.iterator](): Iterator<[Tensor, Tensor]> {
    const order = this.epochOrder();
    for (let b = 0; b < this.length; b++) yield this.batchOf(order, b);
  }

  /**
   * The sample order of a new epoch: drawn from the generator when shuffling, else 0, 1, 2, …
   * @example
   *   const order = loader.epochOrder(); // what for…of draws at the start of an epoch
   */
  epochOrder(): Int32Array {
    const n = this.size;
    return this.shuffle ? ((this.generator ?? getGlobalGenerator()).permutation(n).data as Int32Array) : identity(n);
  }

  /**
   * Batch `b` (0-based) of an epoch that takes the samples in `order`.
   * @example
   *   const [xb, db] = loader.batchOf(order, 2); // the third batch of that epoch
   */
  batchOf(order: Int32Array, b: number): [Tensor, Tensor] {
    const start = b * this.batchSize;
    const end = Math.min(start + this.batchSize, this.size);
    return [takeRows(this.x, order, start, end), takeRows(this.d, order, start, end)];
  }
}

function identity(n: number): Int32Array {
  const idx = new Int32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  return idx;
}

/**
 * The course's random minibatch: `batchSize` rows drawn with replacement, as
 * `batch_mask = np.random.choice(train_size, batch_size); x[batch_mask], d[batch_mask]`.
 * @example
 *   const [xb, db] = sampleBatch(xTrain, dTrain, 100, new Generator(0));
 *   // the rows np.random.seed(0); np.random.choice(len(x), 100) picks
 */
export function sampleBatch(x: TensorLike, d: TensorLike, batchSize: number, generator?: Generator): [Tensor, Tensor] {
  const op = 'sampleBatch';
  const [xs, ds] = samples(op, x, d);
  const size = integer(op, 'batchSize', batchSize);
  if (xs.shape[0] === 0) throw new ValueError(`${op}: x has no samples to draw from`);
  const idx = (checkGenerator(op, generator) ?? getGlobalGenerator()).choice(xs.shape[0]!, size, true).data;
  return [takeRows(xs, idx), takeRows(ds, idx)];
}

export interface TrainTestSplitOptions {
  /** A fraction of the samples in (0, 1) (rounded up), or a count ≥ 1; default 0.25 (scikit-learn's). */
  testSize?: number;
  /** Draw the split at random; default true. false takes the last samples as the test set. */
  shuffle?: boolean;
  /** Seed of a new Generator for the shuffle (or give `generator`); default the global generator. */
  seed?: number;
  generator?: Generator;
}

export interface Split {
  xTrain: Tensor;
  dTrain: Tensor;
  xTest: Tensor;
  dTest: Tensor;
}

/**
 * Splits the samples into a training and a test set. With a seed the split is that of
 * scikit-learn's `train_test_split(x, d, test_size=testSize, random_state=seed)`: p =
 * permutation(n); the test set is x[p[:nTest]], the training set x[p[nTest:]].
 * @example
 *   const { xTrain, dTrain, xTest, dTest } = trainTestSplit(x, d, { testSize: 0.2, seed: 0 });
 *   xTest.shape[0]; // ceil(0.2 · n)
 */
export function trainTestSplit(x: TensorLike, d: TensorLike, options?: TrainTestSplitOptions): Split {
  const op = 'trainTestSplit';
  const o = checkOptions(op, options, ['testSize', 'shuffle', 'seed', 'generator']);
  const [xs, ds] = samples(op, x, d);
  const n = xs.shape[0]!;
  const nTest = testCount(op, o.testSize ?? 0.25, n);
  const order = bool(op, 'shuffle', o.shuffle ?? true) ? splitGenerator(op, o).permutation(n).data : tailFirst(n, nTest);
  return {
    xTrain: takeRows(xs, order, nTest, n),
    dTrain: takeRows(ds, order, nTest, n),
    xTest: takeRows(xs, order, 0, nTest),
    dTest: takeRows(ds, order, 0, nTest),
  };
}

function testCount(op: string, testSize: unknown, n: number): number {
  const count = typeof testSize === 'number' && testSize > 0 && testSize < 1 ? Math.ceil(testSize * n) : integer(op, 'testSize', testSize);
  if (count >= n) {
    throw new ValueError(`${op}: testSize ${show(testSize)} leaves no training samples out of ${n}; give a fraction in (0, 1) or a count < ${n}`);
  }
  return count;
}

function splitGenerator(op: string, o: Partial<TrainTestSplitOptions>): Generator {
  if (o.seed !== undefined && o.generator !== undefined) throw new ArgumentError(`${op}: give seed or generator, not both`);
  if (o.seed !== undefined) return new Generator(o.seed);
  return checkGenerator(op, o.generator) ?? getGlobalGenerator();
}

/** Without shuffling: the last nTest samples first (the test set), then the rest in order. */
function tailFirst(n: number, nTest: number): Int32Array {
  const idx = new Int32Array(n);
  for (let i = 0; i < n; i++) idx[i] = (n - nTest + i) % n;
  return idx;
}
