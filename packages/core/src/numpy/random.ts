/**
 * Seeded random tensors that reproduce numpy's legacy `np.random` numbers:
 * `manualSeed(0); randn([2, 3])` gives the numbers of `np.random.seed(0); np.random.randn(2, 3)`.
 * The generator is numpy's MT19937 with numpy's legacy samplers (see mt19937.ts).
 */
import { Tensor } from '../tape/tensor.js';
import { checkShape } from '../tape/shapes.js';
import { show } from '../tape/messages.js';
import { ValueError, ArgumentError, DTypeError } from '../tape/errors.js';
import type { DType } from '../tape/dtype.js';
import { MT19937, checkSeed, type MT19937State } from './mt19937.js';

/**
 * Options of the float samplers: float32 holds the float64 numbers rounded.
 * @example
 *   randn([2, 3], { dtype: 'float32' });
 *   rand(4, { requiresGrad: true });
 */
export interface RandomOptions {
  /** Element type; default float64. */
  dtype?: Extract<DType, 'float64' | 'float32'>;
  /** Record ops on the result so that `backward` can fill its `.grad`. */
  requiresGrad?: boolean;
}

/**
 * A generator's full state, plain JSON data laid out like numpy's `get_state(legacy=False)`.
 * @example
 *   const s: RandomState = g.getState();
 *   s.has_gauss; // 1 when a normal is cached (after an odd number of normals)
 */
export type RandomState = MT19937State;

/** Largest float32 below 1: where rounding to float32 would turn a `rand` value into 1. */
const BELOW_ONE_F32 = 1 - 2 ** -24;
const INT32_MIN = -(2 ** 31);
const INT32_LIMIT = 2 ** 31;

/** A seed from the platform's entropy (crypto when present, else the clock and Math.random). */
function entropySeed(): number {
  const c = (globalThis as { crypto?: { getRandomValues?: (a: Uint32Array) => Uint32Array } }).crypto;
  if (c !== undefined && typeof c.getRandomValues === 'function') {
    const a = new Uint32Array(1);
    c.getRandomValues(a);
    return a[0]!;
  }
  return (Date.now() ^ Math.floor(Math.random() * 2 ** 32)) >>> 0;
}

function checkOptions(op: string, options: unknown): { float32: boolean; requiresGrad: boolean } {
  if (options === undefined || options === null) return { float32: false, requiresGrad: false };
  if (typeof options !== 'object' || Array.isArray(options)) {
    throw new ArgumentError(`${op}: options must be an object like { dtype: 'float32' }, got ${show(options)}`);
  }
  const { dtype, requiresGrad } = options as { dtype?: unknown; requiresGrad?: unknown };
  if (dtype !== undefined && dtype !== 'float64' && dtype !== 'float32') {
    throw new DTypeError(`${op}: dtype must be 'float64' or 'float32', got ${show(dtype)}`);
  }
  if (requiresGrad !== undefined && typeof requiresGrad !== 'boolean') {
    throw new ArgumentError(`${op}: requiresGrad must be true or false, got ${show(requiresGrad)}`);
  }
  return { float32: dtype === 'float32', requiresGrad: requiresGrad === true };
}

function checkFinite(op: string, name: string, v: unknown): number {
  if (typeof v !== 'number') throw new ArgumentError(`${op}: ${name} must be a number, got ${show(v)}`);
  if (!Number.isFinite(v)) throw new ValueError(`${op}: ${name} must be finite, got ${show(v)}`);
  return v;
}

/** A count for an int32 result: a whole number in [0, 2**31]. */
function checkCount(op: string, name: string, v: unknown): number {
  if (typeof v !== 'number') throw new ArgumentError(`${op}: ${name} must be a number, got ${show(v)}`);
  if (!Number.isInteger(v) || v < 0) throw new ValueError(`${op}: ${name} must be a whole number ≥ 0, got ${show(v)}`);
  if (v > INT32_LIMIT) throw new ValueError(`${op}: ${name} must be at most 2**31 (the result is int32), got ${show(v)}`);
  return v;
}

function sizeOfShape(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

function floatTensor(data: Float64Array, shape: number[], float32: boolean, requiresGrad: boolean): Tensor {
  const t = new Tensor(float32 ? Float32Array.from(data) : data, shape);
  return requiresGrad ? t.requiresGrad_(true) : t;
}

/**
 * A random number generator with numpy's legacy `RandomState` algorithms: the same seed
 * gives the same numbers as `np.random.seed(seed)` followed by the same calls.
 * @example
 *   const g = new Generator(0);
 *   g.randn([2, 3]); // np.random.seed(0); np.random.randn(2, 3)
 */
export class Generator {
  private readonly mt: MT19937;

  /**
   * A generator seeded with `seed` (an integer in [0, 2**32 - 1]); without one, from the platform's entropy.
   * @example
   *   const g = new Generator(42);
   *   const h = new Generator(); // unpredictable
   */
  constructor(seed?: number) {
    this.mt = new MT19937(seed === undefined ? entropySeed() : checkSeed('Generator', seed));
  }

  /**
   * Re-seeds, as `np.random.seed(n)`: integers in [0, 2**32 - 1]. Returns this generator.
   * @example
   *   g.seed(0);
   *   g.rand(3); // [0.5488135039273248, 0.7151893663724195, 0.6027633760716439]
   */
  seed(n: number): this {
    this.mt.seed(checkSeed('seed', n));
    return this;
  }

  /**
   * Uniform numbers in [0, 1), as `np.random.rand(*shape)` (`random_sample`).
   * @example
   *   g.rand([2, 3]);
   *   g.rand(5, { dtype: 'float32' });
   */
  rand(shape: number | readonly number[], options?: RandomOptions): Tensor {
    const dims = checkShape('rand', shape);
    const { float32, requiresGrad } = checkOptions('rand', options);
    const data = new Float64Array(sizeOfShape(dims));
    this.mt.fillDoubles(data);
    if (float32) {
      // Rounding to float32 would turn values within 2^-25 of 1 into 1; keep the result below 1.
      const out = Float32Array.from(data);
      for (let i = 0; i < out.length; i++) if (out[i] === 1) out[i] = BELOW_ONE_F32;
      const t = new Tensor(out, dims);
      return requiresGrad ? t.requiresGrad_(true) : t;
    }
    return floatTensor(data, dims, false, requiresGrad);
  }

  /**
   * Standard normal numbers, as `np.random.randn(*shape)` (legacy polar method;
   * an odd count leaves the pair's second number cached for the next call, as in numpy).
   * @example
   *   g.randn([2, 3]);
   *   g.randn([784, 100]).mul(0.01).requiresGrad_(true);
   */
  randn(shape: number | readonly number[], options?: RandomOptions): Tensor {
    const dims = checkShape('randn', shape);
    const { float32, requiresGrad } = checkOptions('randn', options);
    const data = new Float64Array(sizeOfShape(dims));
    const mt = this.mt;
    for (let i = 0; i < data.length; i++) data[i] = mt.nextGauss();
    return floatTensor(data, dims, float32, requiresGrad);
  }

  /**
   * Uniform numbers `low + (high - low) * u` with `u` from `rand`, as numpy's legacy
   * `np.random.uniform(low, high, size)` (which, like numpy, also allows high < low).
   * @example
   *   g.uniform(-1, 1, [2, 3]);
   *   g.uniform(0, 10, 5, { dtype: 'float32' });
   */
  uniform(low: number, high: number, shape: number | readonly number[], options?: RandomOptions): Tensor {
    checkFinite('uniform', 'low', low);
    checkFinite('uniform', 'high', high);
    const range = high - low;
    if (!Number.isFinite(range)) {
      throw new ValueError(`uniform: high - low must be finite, got low=${low}, high=${high}`);
    }
    const dims = checkShape('uniform', shape);
    const { float32, requiresGrad } = checkOptions('uniform', options);
    const data = new Float64Array(sizeOfShape(dims));
    this.mt.fillDoubles(data);
    for (let i = 0; i < data.length; i++) data[i] = low + range * data[i]!;
    return floatTensor(data, dims, float32, requiresGrad);
  }

  /**
   * Normal numbers `mean + std * z` with `z` from `randn`, as numpy's legacy
   * `np.random.normal(loc, scale, size)`; `std` must be ≥ 0.
   * @example
   *   g.normal(0, 0.01, [784, 100]);
   *   g.normal(5, 2, 3, { requiresGrad: true });
   */
  normal(mean: number, std: number, shape: number | readonly number[], options?: RandomOptions): Tensor {
    checkFinite('normal', 'mean', mean);
    checkFinite('normal', 'std', std);
    if (std < 0) throw new ValueError(`normal: std must be ≥ 0, got ${std}`);
    const dims = checkShape('normal', shape);
    const { float32, requiresGrad } = checkOptions('normal', options);
    const data = new Float64Array(sizeOfShape(dims));
    const mt = this.mt;
    for (let i = 0; i < data.length; i++) data[i] = mean + std * mt.nextGauss();
    return floatTensor(data, dims, float32, requiresGrad);
  }

  /**
   * Integers in [low, high) as an int32 tensor, as numpy's legacy `np.random.randint(low, high, size)`.
   * `low` and `high` are integers with -2**31 ≤ low < high ≤ 2**31.
   * @example
   *   g.randint(0, 10, [2, 3]);
   *   g.randint(-5, 5, 8);
   */
  randint(low: number, high: number, shape: number | readonly number[]): Tensor {
    for (const [name, v] of [['low', low], ['high', high]] as const) {
      if (typeof v !== 'number') throw new ArgumentError(`randint: ${name} must be a number, got ${show(v)}`);
      if (!Number.isInteger(v)) throw new ValueError(`randint: ${name} must be an integer, got ${show(v)}`);
    }
    if (low >= high) throw new ValueError(`randint: low must be less than high, got low=${low}, high=${high}`);
    if (low < INT32_MIN) throw new ValueError(`randint: low must be at least -2**31 (the result is int32), got ${low}`);
    if (high > INT32_LIMIT) throw new ValueError(`randint: high must be at most 2**31 (the result is int32), got ${high}`);
    const dims = checkShape('randint', shape);
    const data = new Int32Array(sizeOfShape(dims));
    this.mt.fillBounded(data, low, high - low - 1);
    return new Tensor(data, dims);
  }

  /**
   * The numbers 0..n-1 in random order (int32), as `np.random.permutation(n)`.
   * @example
   *   new Generator(0).permutation(10); // [2, 8, 4, 9, 1, 6, 7, 3, 0, 5]
   *   const order = g.permutation(X.shape[0]!); // shuffled sample indices for an epoch
   */
  permutation(n: number): Tensor {
    checkCount('permutation', 'n', n);
    return new Tensor(this.shuffled(n), [n]);
  }

  /** 0..n-1 shuffled as numpy's legacy `shuffle` does (Fisher–Yates from the end). */
  private shuffled(n: number): Int32Array {
    const data = new Int32Array(n);
    for (let i = 0; i < n; i++) data[i] = i;
    const mt = this.mt;
    for (let i = n - 1; i >= 1; i--) {
      const j = mt.nextBounded(i);
      const t = data[i]!;
      data[i] = data[j]!;
      data[j] = t;
    }
    return data;
  }

  /**
   * Samples from 0..n-1 (int32), as `np.random.choice(n, size, replace)`; `size` is a count
   * or a shape. Without replacement it takes the start of `permutation(n)`, as numpy does.
   * @example
   *   g.choice(10, 3); // with replacement
   *   g.choice(60000, [32], false); // a mini-batch of distinct indices
   */
  choice(n: number, size: number | readonly number[], replace = true): Tensor {
    checkCount('choice', 'n', n);
    const dims = checkShape('choice', size);
    if (typeof replace !== 'boolean') {
      throw new ArgumentError(`choice: replace must be true or false, got ${show(replace)}`);
    }
    const count = sizeOfShape(dims);
    if (replace) {
      if (n === 0 && count > 0) {
        throw new ValueError(`choice: n must be greater than 0 unless no samples are taken, got n=0 and size ${show(dims)}`);
      }
      const data = new Int32Array(count);
      this.mt.fillBounded(data, 0, n - 1);
      return new Tensor(data, dims);
    }
    if (count > n) {
      throw new ValueError(`choice: cannot take ${count} samples from ${n} without replacement (replace=false)`);
    }
    return new Tensor(this.shuffled(n).slice(0, count), dims);
  }

  /**
   * The full state as plain JSON data, for checkpoints (the layout of numpy's `get_state(legacy=False)`).
   * @example
   *   const saved = JSON.stringify(g.getState());
   *   g.setState(JSON.parse(saved)); // continues bit for bit
   */
  getState(): RandomState {
    return this.mt.getState();
  }

  /**
   * Restores a state from `getState` (also mid normal pair). Returns this generator.
   * @example
   *   const s = g.getState(); const a = g.randn(3);
   *   g.setState(s).randn(3); // equals a
   */
  setState(state: RandomState): this {
    this.mt.setState(state);
    return this;
  }

  /**
   * One uniform double in [0, 1) (numpy's `random_sample`), for library code.
   * @example
   *   const keep = g.nextDouble() >= p;
   *   const u = g.nextDouble();
   */
  nextDouble(): number {
    return this.mt.nextDouble();
  }

  /**
   * One standard normal (numpy's legacy gauss, sharing the cache with `randn`), for library code.
   * @example
   *   const z = g.nextGauss();
   *   const w = 0.01 * g.nextGauss();
   */
  nextGauss(): number {
    return this.mt.nextGauss();
  }
}

/**
 * The generator behind the top-level `rand`, `randn`, ...; seeded from entropy at load,
 * re-seeded by `manualSeed`.
 * @example
 *   globalGenerator.getState();
 *   globalGenerator.nextDouble();
 */
export const globalGenerator = new Generator();

/**
 * The generator behind the top-level functions (the same object as `globalGenerator`).
 * @example
 *   const saved = getGlobalGenerator().getState();
 *   getGlobalGenerator().setState(saved);
 */
export function getGlobalGenerator(): Generator {
  return globalGenerator;
}

/**
 * Seeds the global generator, as `np.random.seed(seed)`, and returns it.
 * @example
 *   manualSeed(0);
 *   randn([2, 3]); // np.random.seed(0); np.random.randn(2, 3)
 */
export function manualSeed(seed: number): Generator {
  checkSeed('manualSeed', seed);
  return globalGenerator.seed(seed);
}

/**
 * Uniform numbers in [0, 1) from the global generator, as `np.random.rand`.
 * @example
 *   manualSeed(0);
 *   rand([2, 3]);
 */
export function rand(shape: number | readonly number[], options?: RandomOptions): Tensor {
  return globalGenerator.rand(shape, options);
}

/**
 * Standard normals from the global generator, as `np.random.randn`.
 * @example
 *   manualSeed(0);
 *   const W = randn([2, 3], { requiresGrad: true });
 */
export function randn(shape: number | readonly number[], options?: RandomOptions): Tensor {
  return globalGenerator.randn(shape, options);
}

/**
 * Integers in [low, high) (int32) from the global generator, as `np.random.randint`.
 * @example
 *   manualSeed(0);
 *   randint(0, 10, [2, 3]);
 */
export function randint(low: number, high: number, shape: number | readonly number[]): Tensor {
  return globalGenerator.randint(low, high, shape);
}

/**
 * 0..n-1 shuffled (int32) from the global generator, as `np.random.permutation(n)`.
 * @example
 *   manualSeed(0);
 *   permutation(10); // [2, 8, 4, 9, 1, 6, 7, 3, 0, 5]
 */
export function permutation(n: number): Tensor {
  return globalGenerator.permutation(n);
}

/**
 * Samples from 0..n-1 (int32) from the global generator, as `np.random.choice(n, size, replace)`.
 * @example
 *   manualSeed(0);
 *   choice(5, 3, false);
 */
export function choice(n: number, size: number | readonly number[], replace = true): Tensor {
  return globalGenerator.choice(n, size, replace);
}

/**
 * Uniform numbers in [low, high) from the global generator, as `np.random.uniform`.
 * @example
 *   manualSeed(0);
 *   uniform(-1, 1, [2, 3]);
 */
export function uniform(low: number, high: number, shape: number | readonly number[], options?: RandomOptions): Tensor {
  return globalGenerator.uniform(low, high, shape, options);
}

/**
 * Normal numbers from the global generator, as `np.random.normal(mean, std, size)`.
 * @example
 *   manualSeed(0);
 *   normal(0, 0.01, [784, 100]);
 */
export function normal(mean: number, std: number, shape: number | readonly number[], options?: RandomOptions): Tensor {
  return globalGenerator.normal(mean, std, shape, options);
}
