/**
 * MT19937, the Mersenne Twister behind numpy's legacy `np.random` (`RandomState`),
 * with numpy's legacy ways of turning its 32-bit words into doubles, normals and
 * bounded integers, so that the same seed gives the same numbers, bit for bit.
 * Pure number code: no tensors here (see random.ts for the public API).
 */
import { ValueError } from '../tape/errors.js';
import { show } from '../tape/messages.js';

/** Words of state. */
const N = 624;
const M = 397;
// Constants as int32 (the state is an Int32Array, so everything stays in small integers).
const MATRIX_A = 0x9908b0df | 0;
const UPPER_MASK = 0x80000000 | 0;
const LOWER_MASK = 0x7fffffff;
const TEMPER_B = 0x9d2c5680 | 0;
const TEMPER_C = 0xefc60000 | 0;
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
    throw new ValueError(`${op}: seed must be an integer between 0 and 2**32 - 1, got ${show(seed)}`);
  }
  return seed;
}

/**
 * The Mersenne Twister with numpy's legacy samplers.
 * @example
 *   const mt = new MT19937(0);
 *   mt.nextDouble(); // 0.5488135039273248, as np.random.seed(0); np.random.rand()
 */
export class MT19937 {
  /** The 624 words, stored as signed int32 (the same bits as numpy's uint32 key). */
  private readonly key = new Int32Array(N);
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
      s = (Math.imul(1812433253, s ^ (s >>> 30)) + i + 1) | 0;
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
   *   const mt = new MT19937(0);
   *   mt.nextUint32(); // 2357136044
   */
  nextUint32(): number {
    return this.nextInt32() >>> 0;
  }

  /** The next word with its bits as a signed int32 (fast: stays a small integer in the JIT). */
  private nextInt32(): number {
    if (this.pos >= N) this.twist();
    let y = this.key[this.pos++]!;
    y ^= y >>> 11;
    y ^= (y << 7) & TEMPER_B;
    y ^= (y << 15) & TEMPER_C;
    return y ^ (y >>> 18);
  }

  /**
   * A double in [0, 1) with 53 random bits, from two words (numpy's `random_sample` / `rand`).
   * @example
   *   const mt = new MT19937(0);
   *   mt.nextDouble(); // 0.5488135039273248
   */
  nextDouble(): number {
    const a = this.nextInt32() >>> 5;
    const b = this.nextInt32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  /**
   * Fills `out` with `nextDouble()` values, in order (a faster loop for bulk draws).
   * @example
   *   const u = new Float64Array(1000);
   *   mt.fillDoubles(u); // as np.random.rand(1000)
   */
  fillDoubles(out: Float64Array): void {
    // nextInt32 is small enough for the JIT to inline: one tempering, written once.
    for (let i = 0; i < out.length; i++) {
      const a = this.nextInt32() >>> 5;
      const b = this.nextInt32() >>> 6;
      out[i] = (a * 67108864 + b) / 9007199254740992;
    }
  }

  /**
   * Fills `out` with `offset + nextBounded(max)` values, in order, for max ≤ 2**32 - 1
   * and results that fit in int32 (numpy's legacy randint loop).
   * @example
   *   const v = new Int32Array(8);
   *   mt.fillBounded(v, 0, 9); // as np.random.randint(0, 10, 8)
   */
  fillBounded(out: Int32Array, offset: number, max: number): void {
    if (out.length === 0) return;
    if (!Number.isInteger(max) || max < 0 || max > 0xffffffff) {
      throw new ValueError(`fillBounded: max must be an integer in [0, 2**32 - 1], got ${show(max)}`);
    }
    if (max === 0 || max === 0xffffffff) {
      for (let i = 0; i < out.length; i++) out[i] = offset + this.nextBounded(max);
      return;
    }
    const mask = maskOf(max);
    for (let i = 0; i < out.length; i++) {
      let v: number;
      do v = (this.nextInt32() & mask) >>> 0;
      while (v > max);
      out[i] = offset + v;
    }
  }

  /**
   * A standard normal by numpy's legacy polar Box–Muller (`legacy_gauss`): each
   * accepted pair gives two normals; the second is cached and returned by the next call.
   * @example
   *   const mt = new MT19937(0);
   *   mt.nextGauss(); // 1.764052345967664, as np.random.seed(0); np.random.randn()
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
    const f = Math.sqrt((-2 * preciseLog(r2)) / r2);
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
      if (max === 0xffffffff) return this.nextInt32() >>> 0;
      const mask = maskOf(max);
      let v: number;
      do v = (this.nextInt32() & mask) >>> 0;
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
      const hi = (this.nextInt32() & hiMask) >>> 0;
      const lo = this.nextInt32() >>> 0;
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
      state: { key: Array.from(this.key, (w) => w >>> 0), pos: this.pos },
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
      throw new ValueError(`${op}: expected a state object from getState(), got ${show(state)}`);
    }
    if (state.bit_generator !== undefined && state.bit_generator !== 'MT19937') {
      throw new ValueError(`${op}: state is for bit generator ${show(state.bit_generator)}, not MT19937`);
    }
    const inner = state.state;
    if (inner === null || typeof inner !== 'object') {
      throw new ValueError(`${op}: state.state must be an object with key and pos, got ${show(inner)}`);
    }
    const key = inner.key as ArrayLike<number> | undefined;
    if (key === null || typeof key !== 'object' || typeof key.length !== 'number' || key.length !== N) {
      const len = key !== null && typeof key === 'object' ? key.length : undefined;
      throw new ValueError(`${op}: state.key must be ${N} words, got ${len === undefined ? show(key) : `${len} words`}`);
    }
    for (let i = 0; i < N; i++) {
      const w = key[i];
      if (typeof w !== 'number' || !Number.isInteger(w) || w < 0 || w > 0xffffffff) {
        throw new ValueError(`${op}: state.key[${i}] must be an integer in [0, 2**32 - 1], got ${show(w)}`);
      }
    }
    const pos = inner.pos;
    if (typeof pos !== 'number' || !Number.isInteger(pos) || pos < 0 || pos > N) {
      throw new ValueError(`${op}: state.pos must be an integer in [0, ${N}], got ${show(pos)}`);
    }
    const hg = state.has_gauss as unknown;
    if (hg !== 0 && hg !== 1 && hg !== true && hg !== false) {
      throw new ValueError(`${op}: has_gauss must be 0 or 1, got ${show(hg)}`);
    }
    const hasGauss = hg === 1 || hg === true;
    const gauss = state.gauss as unknown;
    if (typeof gauss !== 'number' || !Number.isFinite(gauss)) {
      throw new ValueError(`${op}: gauss must be a finite number, got ${show(gauss)}`);
    }
    this.key.set(key);
    this.pos = pos;
    this.hasGauss = hasGauss;
    this.gauss = hasGauss ? gauss : 0;
  }
}

// ---------------------------------------------------------------------------
// The logarithm in the polar method.
//
// numpy calls the C library's `log`. JavaScript's `Math.log` is not correctly rounded
// (V8's changed some of the normals: bench/results/design-measurements.md) and differs
// between engines, so we compute log in double-double arithmetic
// from +, -, *, / alone (exact IEEE operations, the same on every platform) and round
// once at the end: the correctly rounded log except in extremely rare cases. glibc's
// log (what numpy uses on Linux) is itself misrounded for a few inputs; there numpy's
// pair of normals can differ from ours by one ulp. Matching that would mean copying
// glibc's tables and polynomial.
//
// Method: x = 2^k m with m in [sqrt(1/2), sqrt(2)); pick c = 1 + j/128 nearest m and a
// double invc ≈ 1/c; then log x = k ln2 - log(invc) + log1p(r) with r = m·invc - 1,
// which is computed exactly as a pair of doubles, |r| < 2^-7.4, and log1p(r) is a
// short series. The table of -log(invc) (as double-doubles) is built once at load.

const TABLE_BITS = 7;
const TABLE_SCALE = 1 << TABLE_BITS;
const J_MIN = -38; // (sqrt(1/2) - 1) * 128 ≈ -37.5
const J_MAX = 53; // (sqrt(2) - 1) * 128 ≈ 53.0
const SQRT2 = Math.SQRT2;
/** ln 2 = LN2_HI + LN2_LO; LN2_HI has 42 significant bits, so k * LN2_HI is exact for |k| < 2^11. */
const LN2_HI = Math.round(Math.LN2 * 2 ** 42) / 2 ** 42;
const INVC = new Float64Array(J_MAX - J_MIN + 1);
/** INVC split in two halves of 26 bits, for the exact product m * invc. */
const INVC_HI = new Float64Array(J_MAX - J_MIN + 1);
const INVC_LO = new Float64Array(J_MAX - J_MIN + 1);
const LOGC_HI = new Float64Array(J_MAX - J_MIN + 1);
const LOGC_LO = new Float64Array(J_MAX - J_MIN + 1);

// Bit access to doubles (the exponent), whatever the platform's byte order.
const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);
const HI_WORD = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;

/** Splits a double into two halves of 26 bits (Veltkamp); for |a| < 2^995. */
function splitHi(a: number): number {
  const c = 134217729 * a;
  return c - (c - a);
}

/** The exact error of a * b, i.e. a * b - fl(a * b) (Dekker). */
function prodErr(a: number, b: number, p: number): number {
  const ah = splitHi(a);
  const al = a - ah;
  const bh = splitHi(b);
  const bl = b - bh;
  return ah * bh - p + ah * bl + al * bh + al * bl;
}

/** The exact error of a + b, i.e. a + b - fl(a + b) (Knuth). */
function sumErr(a: number, b: number, s: number): number {
  const bb = s - a;
  return a - (s - bb) + (b - bb);
}

// Double-double helpers, used only to build the table at load time.
type DD = [number, number];
function dd(hi: number, lo: number): DD {
  const s = hi + lo;
  return [s, lo - (s - hi)];
}
function ddAdd(a: DD, b: DD): DD {
  const s = a[0] + b[0];
  const e = sumErr(a[0], b[0], s) + a[1] + b[1];
  return dd(s, e);
}
function ddMul(a: DD, b: DD): DD {
  const p = a[0] * b[0];
  return dd(p, prodErr(a[0], b[0], p) + a[0] * b[1] + a[1] * b[0]);
}
/** a / b for a double-double a and a double-double b. */
function ddDiv(a: DD, b: DD): DD {
  const q1 = a[0] / b[0];
  const p = q1 * b[0];
  const rem = a[0] - p - prodErr(q1, b[0], p) + a[1] - q1 * b[1];
  return dd(q1, rem / b[0]);
}

/** log(y) as a double-double, for y in [1/2, 2], by 2 atanh((y-1)/(y+1)); about 2^-104 relative. */
function ddLog(y: number): DD {
  if (y === 1) return [0, 0];
  const den = y + 1;
  const s = ddDiv([y - 1, 0], dd(den, sumErr(y, 1, den)));
  const s2 = ddMul(s, s);
  let term = s;
  let sum = s;
  for (let i = 3; i < 200; i += 2) {
    term = ddMul(term, s2);
    const t = ddDiv(term, [i, 0]);
    sum = ddAdd(sum, t);
    if (Math.abs(t[0]) < Math.abs(sum[0]) * 2 ** -110) break;
  }
  return [2 * sum[0], 2 * sum[1]];
}

/** ln 2 - LN2_HI, from ln 2 = 2 atanh(1/3) in double-double. */
function lnTwoLow(): number {
  const l = ddLog(2);
  return l[0] - LN2_HI + l[1];
}

const LN2_LO = lnTwoLow();

for (let j = J_MIN; j <= J_MAX; j++) {
  const invc = 1 / (1 + j / TABLE_SCALE);
  const l = ddLog(invc);
  INVC[j - J_MIN] = invc;
  INVC_HI[j - J_MIN] = splitHi(invc);
  INVC_LO[j - J_MIN] = invc - splitHi(invc);
  LOGC_HI[j - J_MIN] = -l[0];
  LOGC_LO[j - J_MIN] = -l[1];
}

/**
 * The natural logarithm, correctly rounded except in extremely rare cases (see above),
 * identical on every JavaScript engine. Exported for tests.
 * @example
 *   preciseLog(0.5); // -0.6931471805599453
 *   preciseLog(Math.E); // 1
 */
export function preciseLog(x: number): number {
  if (!(x > 0) || x === Infinity) {
    if (x === 0) return -Infinity;
    return x === Infinity ? Infinity : NaN;
  }
  let k = 0;
  if (x < 2.2250738585072014e-308) {
    x *= 18014398509481984; // 2^54
    k = -54;
  }
  F64[0] = x;
  const hi = U32[HI_WORD]!;
  k += (hi >>> 20) - 1023;
  U32[HI_WORD] = (hi & 0x000fffff) | 0x3ff00000;
  let m = F64[0]!; // in [1, 2)
  if (m >= SQRT2) {
    m *= 0.5;
    k += 1;
  }
  const j = Math.round((m - 1) * TABLE_SCALE) - J_MIN;
  const invc = INVC[j]!;
  // r = m * invc - 1 = rh + rl exactly (p - 1 is exact since p is near 1).
  const p = m * invc;
  const mh = splitHi(m);
  const ml = m - mh;
  const ch = INVC_HI[j]!;
  const cl = INVC_LO[j]!;
  const rl = mh * ch - p + mh * cl + ml * ch + ml * cl;
  const rh = p - 1;
  // log1p(r) = r - r^2/2 + r^3 (1/3 - r/4 + ...), with r^2 = sh + sl + 2 rh rl.
  const sh = rh * rh;
  const sl = prodErr(rh, rh, sh);
  const r = rh + rl;
  const tail =
    r * r * r *
    (1 / 3 +
      r * (-1 / 4 + r * (1 / 5 + r * (-1 / 6 + r * (1 / 7 + r * (-1 / 8 + r * (1 / 9 + r * (-1 / 10 + r / 11))))))));
  // Big parts, summed exactly: k ln2_hi + logc_hi + rh - sh/2.
  const a = k * LN2_HI;
  const b = LOGC_HI[j]!;
  const s1 = a + b;
  const e1 = sumErr(a, b, s1);
  const s2 = s1 + rh;
  const e2 = sumErr(s1, rh, s2);
  const d = -0.5 * sh;
  const s3 = s2 + d;
  const e3 = sumErr(s2, d, s3);
  const small = k * LN2_LO + LOGC_LO[j]! + rl - 0.5 * sl - rh * rl + tail;
  return s3 + (e1 + e2 + e3 + small);
}

/** The smallest all-ones bit mask ≥ max (max < 2**32): numpy's mask for rejection sampling. */
function maskOf(max: number): number {
  let mask = max;
  mask |= mask >>> 1;
  mask |= mask >>> 2;
  mask |= mask >>> 4;
  mask |= mask >>> 8;
  mask |= mask >>> 16;
  return mask;
}
