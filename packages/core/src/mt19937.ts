/**
 * MT19937, the Mersenne Twister behind numpy's legacy `np.random` (`RandomState`),
 * with numpy's legacy ways of turning its 32-bit words into doubles, normals and
 * bounded integers, so that the same seed gives the same numbers, bit for bit.
 * Pure number code: no tensors here (see random.ts for the public API).
 */
import { ValueError } from './errors.js';

/** Words of state. */
const N = 624;
const M = 397;
const MATRIX_A = 0x9908b0df;
const UPPER_MASK = 0x80000000;
const LOWER_MASK = 0x7fffffff;
const TWO_32 = 4294967296;

/**
 * A generator's full state as plain JSON data, laid out like numpy's
 * `np.random.get_state(legacy=False)` (with `key` as a list), so that it can be
 * saved with a checkpoint, and even exchanged with numpy.
 * @example
 *   const s = gen.getState(); fs.writeFileSync('rng.json', JSON.stringify(s));
 *   gen.setState(JSON.parse(fs.readFileSync('rng.json', 'utf8')));
 */
export interface MT19937State {
  bit_generator: 'MT19937';
  state: {
    /** The 624 words of state, each an integer in [0, 2**32 - 1]. */
    key: number[];
    /** How many words of `key` have been used since the last twist, 0..624. */
    pos: number;
  };
  /** 1 when `gauss` holds the second normal of the last polar pair, still to be returned. */
  has_gauss: 0 | 1;
  /** The cached normal (0 when `has_gauss` is 0). */
  gauss: number;
}

/**
 * Checks a seed as numpy's `np.random.seed` does for an int: a whole number in [0, 2**32 - 1].
 * @example
 *   checkSeed('manualSeed', 42); // 42
 *   checkSeed('manualSeed', -1); // throws ValueError
 */
export function checkSeed(op: string, seed: unknown): number {
  if (typeof seed !== 'number' || !Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw new ValueError(`${op}: seed must be an integer between 0 and 2**32 - 1, got ${describe(seed)}`);
  }
  return seed;
}

function describe(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'bigint') return `${v}n`;
  if (Array.isArray(v)) return `[${v.map(String).join(',')}]`;
  return String(v);
}

/**
 * The Mersenne Twister with numpy's legacy samplers.
 * @example
 *   const mt = new MT19937(0);
 *   mt.nextDouble(); // 0.5488135039273248, as np.random.seed(0); np.random.rand()
 */
export class MT19937 {
  private readonly key = new Uint32Array(N);
  private pos = N;
  private hasGauss = false;
  private gauss = 0;

  /**
   * A generator seeded with `seed` (an integer in [0, 2**32 - 1]).
   * @example
   *   const mt = new MT19937(42);
   *   mt.nextUint32(); // 1608637542
   */
  constructor(seed: number) {
    this.seed(seed);
  }

  /**
   * Re-seeds as `np.random.seed(seed)` does for an int (numpy's `init_genrand`),
   * and forgets any cached normal.
   * @example
   *   mt.seed(0);
   *   mt.nextDouble(); // 0.5488135039273248
   */
  seed(seed: number): void {
    let s = checkSeed('seed', seed);
    const key = this.key;
    for (let i = 0; i < N; i++) {
      key[i] = s;
      s = (Math.imul(1812433253, s ^ (s >>> 30)) + i + 1) >>> 0;
    }
    this.pos = N;
    this.hasGauss = false;
    this.gauss = 0;
  }

  /** Refills the 624 words (the "twist"). */
  private twist(): void {
    const mt = this.key;
    let kk = 0;
    let y: number;
    for (; kk < N - M; kk++) {
      y = (mt[kk]! & UPPER_MASK) | (mt[kk + 1]! & LOWER_MASK);
      mt[kk] = mt[kk + M]! ^ (y >>> 1) ^ (-(y & 1) & MATRIX_A);
    }
    for (; kk < N - 1; kk++) {
      y = (mt[kk]! & UPPER_MASK) | (mt[kk + 1]! & LOWER_MASK);
      mt[kk] = mt[kk + (M - N)]! ^ (y >>> 1) ^ (-(y & 1) & MATRIX_A);
    }
    y = (mt[N - 1]! & UPPER_MASK) | (mt[0]! & LOWER_MASK);
    mt[N - 1] = mt[M - 1]! ^ (y >>> 1) ^ (-(y & 1) & MATRIX_A);
    this.pos = 0;
  }

  /**
   * The next raw 32-bit word, an integer in [0, 2**32 - 1] (numpy's `genrand_int32`).
   * @example
   *   new MT19937(0).nextUint32(); // 2357136044
   */
  nextUint32(): number {
    if (this.pos >= N) this.twist();
    let y = this.key[this.pos++]!;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /**
   * A double in [0, 1) with 53 random bits, from two words (numpy's `random_sample` / `rand`).
   * @example
   *   new MT19937(0).nextDouble(); // 0.5488135039273248
   */
  nextDouble(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  /**
   * A standard normal by numpy's legacy polar Box–Muller (`legacy_gauss`): each
   * accepted pair gives two normals; the second is cached and returned by the next call.
   * @example
   *   new MT19937(0).nextGauss(); // 1.764052345967664, as np.random.seed(0); np.random.randn()
   */
  nextGauss(): number {
    if (this.hasGauss) {
      const g = this.gauss;
      this.hasGauss = false;
      this.gauss = 0;
      return g;
    }
    let x1: number;
    let x2: number;
    let r2: number;
    do {
      x1 = 2 * this.nextDouble() - 1;
      x2 = 2 * this.nextDouble() - 1;
      r2 = x1 * x1 + x2 * x2;
    } while (r2 >= 1 || r2 === 0);
    const f = Math.sqrt((-2 * log(r2)) / r2);
    this.gauss = f * x1;
    this.hasGauss = true;
    return f * x2;
  }

  /**
   * A uniform integer in [0, max] by numpy's masked rejection: draw words, keep the bits
   * under the smallest all-ones mask ≥ max, retry while the result exceeds max. This is
   * what numpy's legacy `randint` (`random_bounded_uint64` with `use_masked`), `shuffle`
   * and `permutation` (`random_interval`) do. `max` = 0 draws nothing; `max` above
   * 2**32 - 1 (up to 2**53 - 1) draws 64-bit values, high word first, as numpy does.
   * @example
   *   const mt = new MT19937(0);
   *   mt.nextBounded(9); // 5, as np.random.seed(0); np.random.randint(0, 10)
   */
  nextBounded(max: number): number {
    if (max === 0) return 0;
    if (max <= 0xffffffff) {
      if (max === 0xffffffff) return this.nextUint32();
      let mask = max;
      mask |= mask >>> 1;
      mask |= mask >>> 2;
      mask |= mask >>> 4;
      mask |= mask >>> 8;
      mask |= mask >>> 16;
      let v: number;
      do v = (this.nextUint32() & mask) >>> 0;
      while (v > max);
      return v;
    }
    if (!(max <= Number.MAX_SAFE_INTEGER) || !Number.isInteger(max)) {
      throw new ValueError(`nextBounded: max must be an integer in [0, 2**53 - 1], got ${String(max)}`);
    }
    // The mask's high word (the low word is all ones since max ≥ 2**32).
    let hiMask = Math.floor(max / TWO_32);
    hiMask |= hiMask >>> 1;
    hiMask |= hiMask >>> 2;
    hiMask |= hiMask >>> 4;
    hiMask |= hiMask >>> 8;
    hiMask |= hiMask >>> 16;
    let v: number;
    do {
      const hi = (this.nextUint32() & hiMask) >>> 0;
      const lo = this.nextUint32();
      v = hi * TWO_32 + lo;
    } while (v > max);
    return v;
  }

  /**
   * The full state as plain JSON data (a copy); see {@link MT19937State}.
   * @example
   *   const saved = mt.getState();
   *   const a = mt.nextGauss(); mt.setState(saved); mt.nextGauss() === a; // true
   */
  getState(): MT19937State {
    return {
      bit_generator: 'MT19937',
      state: { key: Array.from(this.key), pos: this.pos },
      has_gauss: this.hasGauss ? 1 : 0,
      gauss: this.hasGauss ? this.gauss : 0,
    };
  }

  /**
   * Restores a state from {@link getState} (or from numpy's `get_state(legacy=False)`
   * with the key as a list). Checks everything before changing anything.
   * @example
   *   mt.setState(JSON.parse(json));
   *   mt.nextDouble(); // continues exactly where the saved generator was
   */
  setState(state: MT19937State): void {
    const op = 'setState';
    if (state === null || typeof state !== 'object') {
      throw new ValueError(`${op}: expected a state object from getState(), got ${describe(state)}`);
    }
    if (state.bit_generator !== undefined && state.bit_generator !== 'MT19937') {
      throw new ValueError(`${op}: state is for bit generator ${describe(state.bit_generator)}, not MT19937`);
    }
    const inner = state.state;
    if (inner === null || typeof inner !== 'object') {
      throw new ValueError(`${op}: state.state must be an object with key and pos, got ${describe(inner)}`);
    }
    const key = inner.key as ArrayLike<number> | undefined;
    if (key === null || typeof key !== 'object' || typeof key.length !== 'number' || key.length !== N) {
      const len = key !== null && typeof key === 'object' ? key.length : undefined;
      throw new ValueError(`${op}: state.key must be ${N} words, got ${len === undefined ? describe(key) : `${len} words`}`);
    }
    for (let i = 0; i < N; i++) {
      const w = key[i];
      if (typeof w !== 'number' || !Number.isInteger(w) || w < 0 || w > 0xffffffff) {
        throw new ValueError(`${op}: state.key[${i}] must be an integer in [0, 2**32 - 1], got ${describe(w)}`);
      }
    }
    const pos = inner.pos;
    if (typeof pos !== 'number' || !Number.isInteger(pos) || pos < 0 || pos > N) {
      throw new ValueError(`${op}: state.pos must be an integer in [0, ${N}], got ${describe(pos)}`);
    }
    const hg = state.has_gauss as unknown;
    if (hg !== 0 && hg !== 1 && hg !== true && hg !== false) {
      throw new ValueError(`${op}: has_gauss must be 0 or 1, got ${describe(hg)}`);
    }
    const hasGauss = hg === 1 || hg === true;
    const gauss = state.gauss as unknown;
    if (typeof gauss !== 'number' || !Number.isFinite(gauss)) {
      throw new ValueError(`${op}: gauss must be a finite number, got ${describe(gauss)}`);
    }
    this.key.set(key);
    this.pos = pos;
    this.hasGauss = hasGauss;
    this.gauss = hasGauss ? gauss : 0;
  }
}

/** Natural logarithm used by the polar method. */
function log(x: number): number {
  return Math.log(x);
}
