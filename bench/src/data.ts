/**
 * Seeded synthetic data shared by the JavaScript contenders, so tapegrad and tfjs train on
 * the same numbers (numpy draws its own from np.random with the same distributions).
 */
import { convFeatures, type ConvProblem, type MnistProblem, type OnlineProblem } from './protocol.js';

/** mulberry32: a small seeded generator of doubles in [0, 1). */
export class Rng {
  private state: number;
  private spare: number | null = null;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** A standard normal draw (Box–Muller). */
  gauss(): number {
    if (this.spare !== null) {
      const s = this.spare;
      this.spare = null;
      return s;
    }
    const u = 1 - this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    const theta = 2 * Math.PI * this.next();
    this.spare = r * Math.sin(theta);
    return r * Math.cos(theta);
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  fill(n: number, draw: () => number): Float64Array {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = draw();
    return out;
  }
}

export interface MnistData {
  /** trainSize × inputs, uniform in [0, 1). */
  x: Float64Array;
  /** trainSize labels in [0, outputs). */
  labels: Int32Array;
  W1: Float64Array;
  b1: Float64Array;
  W2: Float64Array;
  b2: Float64Array;
}

export function mnistData(p: MnistProblem): MnistData {
  const rng = new Rng(p.seed);
  const x = rng.fill(p.trainSize * p.inputs, () => rng.next());
  const labels = new Int32Array(p.trainSize);
  for (let i = 0; i < labels.length; i++) labels[i] = rng.int(p.outputs);
  return {
    x,
    labels,
    W1: rng.fill(p.inputs * p.hidden, () => p.initStd * rng.gauss()),
    b1: new Float64Array(p.hidden),
    W2: rng.fill(p.hidden * p.outputs, () => p.initStd * rng.gauss()),
    b2: new Float64Array(p.outputs),
  };
}

/**
 * The course's minibatch: `batch_mask = np.random.choice(train_size, batch_size)`, then
 * `x_train[batch_mask]`, built in JavaScript (not with a gather op).
 */
export class Batcher {
  private readonly rng: Rng;
  readonly indices: Int32Array;
  constructor(private readonly p: Pick<MnistProblem, 'batch' | 'trainSize' | 'inputs'>, seed: number) {
    this.rng = new Rng(seed);
    this.indices = new Int32Array(p.batch);
  }
  /** Draws the next batch's row indices (with replacement, as np.random.choice). */
  draw(): Int32Array {
    for (let i = 0; i < this.indices.length; i++) this.indices[i] = this.rng.int(this.p.trainSize);
    return this.indices;
  }
  /** Copies the drawn rows of `x` into `out` (both of the contender's dtype). */
  rows<T extends Float64Array | Float32Array>(x: T, out: T): T {
    const w = this.p.inputs;
    // NOTE: whole rows with set() (a memcpy), as numpy's x_train[batch_mask] copies in C; an
    // element loop here cost ≈ 7% of tapegrad's step.
    for (let i = 0; i < this.indices.length; i++) {
      const r = this.indices[i]! * w;
      out.set(x.subarray(r, r + w), i * w);
    }
    return out;
  }
}

export interface ConvData {
  /** trainSize images of side × side pixels, uniform in [0, 1). */
  x: Float64Array;
  labels: Int32Array;
  /** (filters, 1, kernel, kernel), then (features, hidden), (hidden, outputs); biases zero. */
  W1: Float64Array;
  W2: Float64Array;
  W3: Float64Array;
}

export function convData(p: ConvProblem): ConvData {
  const rng = new Rng(p.seed);
  const x = rng.fill(p.trainSize * p.side * p.side, () => rng.next());
  const labels = new Int32Array(p.trainSize);
  for (let i = 0; i < labels.length; i++) labels[i] = rng.int(p.outputs);
  const gauss = (n: number) => rng.fill(n, () => p.initStd * rng.gauss());
  return { x, labels, W1: gauss(p.filters * p.kernel * p.kernel), W2: gauss(convFeatures(p) * p.hidden), W3: gauss(p.hidden * p.outputs) };
}

export interface OnlineData {
  /** steps × 2 inputs, uniform in [0, 1). */
  x: Float64Array;
  /** steps targets d = 3·x0 + 2·x1. */
  d: Float64Array;
  W1: Float64Array;
  b1: Float64Array;
  W2: Float64Array;
  b2: number;
}

/** The course draws W1, W2, b1, b2 from N(0, 1) and 1,000 random samples of f(x) = 3·x0 + 2·x1. */
export function onlineData(p: OnlineProblem): OnlineData {
  const rng = new Rng(p.seed);
  const x = rng.fill(2 * p.steps, () => rng.next());
  const d = new Float64Array(p.steps);
  for (let i = 0; i < p.steps; i++) d[i] = 3 * x[2 * i]! + 2 * x[2 * i + 1]!;
  return {
    x,
    d,
    W1: rng.fill(2 * p.hidden, () => rng.gauss()),
    b1: rng.fill(p.hidden, () => rng.gauss()),
    W2: rng.fill(p.hidden, () => rng.gauss()),
    b2: rng.gauss(),
  };
}

/** The chain's constants: y ← y·a then y ← y + c, alternating, stays near x for 100,000 ops. */
export function chainConstants(width: number): { x: Float64Array; a: Float64Array; c: Float64Array } {
  const rng = new Rng(3);
  return {
    x: rng.fill(width, () => rng.next()),
    a: rng.fill(width, () => 1 + (rng.next() - 0.5) * 1e-5),
    c: rng.fill(width, () => (rng.next() - 0.5) * 1e-5),
  };
}
