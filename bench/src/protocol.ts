/**
 * What the orchestrator (bench/run.ts) and its child processes say to each other, and the
 * fixed definitions of the workloads. A child gets a `ChildConfig` as JSON in argv and prints
 * one `ChildReport` as JSON on the last line of stdout; the numpy child (numpy_bench.py)
 * speaks the same protocol.
 */

/** The benchmark's workloads (the course's), each one number per implementation (per size for matmul). */
export type MetricId =
  | 'mnist' // (a) ms per training step
  | 'matmul' // (b) GFLOP/s, param = n
  | 'tape' // (c) µs per op, 10,000-op chain, forward + backward
  | 'deepTape' // (c') µs per op on a 100,000-op chain (tapegrad: the no-stack-overflow check)
  | 'online' // (d) ms for 1,000 single-sample steps
  | 'backwardMs' // (e) ms for one forward + backward
  | 'numericalS' // (e) seconds for numericalGradient over all parameters (extrapolated)
  | 'numericalRatio' // (e) numericalS / backwardMs, as a ratio
  | 'conv'; // (f) ms per training step of the course's simple convnet

export interface MetricInfo {
  title: string;
  unit: string;
  better: 'lower' | 'higher';
}

export const METRICS: Readonly<Record<MetricId, MetricInfo>> = {
  mnist: { title: '(a) course MNIST step: 784-40-10 ReLU, softmax + cross entropy, batch 100, forward + backward + SGD', unit: 'ms/step', better: 'lower' },
  matmul: { title: '(b) matmul n×n · n×n', unit: 'GFLOP/s', better: 'higher' },
  tape: { title: '(c) tape overhead: 10,000-op chain of 10-element tensors, forward + backward', unit: 'µs/op', better: 'lower' },
  deepTape: { title: "(c') 100,000-op chain, forward + backward (stack-overflow check)", unit: 'µs/op', better: 'lower' },
  online: { title: "(d) course's online SGD: 2-10-1 ReLU, 1,000 single-sample steps, lr 0.07", unit: 'ms total', better: 'lower' },
  backwardMs: { title: '(e) one forward + backward of the 784-40-10 net, batch 100', unit: 'ms', better: 'lower' },
  numericalS: { title: '(e) numerical gradient of all 31,810 parameters (extrapolated)', unit: 's', better: 'lower' },
  numericalRatio: { title: '(e) numerical gradient ÷ backward', unit: '×', better: 'higher' },
  conv: {
    title: "(f) course's simple convnet step: conv 30×5×5, ReLU, max-pool 2×2, affine 4,320→100, ReLU, affine 100→10, batch 100 of 1×28×28, forward + backward + SGD",
    unit: 'ms/step',
    better: 'lower',
  },
};

/** The course's MNIST network and training step. */
export interface MnistProblem {
  inputs: number;
  hidden: number;
  outputs: number;
  batch: number;
  /** Rows of the synthetic training set that batches are drawn from. */
  trainSize: number;
  learningRate: number;
  /** The course's weight_init_std: W ~ std · N(0, 1), b = 0. */
  initStd: number;
  seed: number;
}

export const MNIST: MnistProblem = {
  inputs: 784, hidden: 40, outputs: 10, batch: 100, trainSize: 1000, learningRate: 0.1, initStd: 0.01, seed: 1,
};

/** The course's online SGD (1_3_stochastic_gradient_descent): d = 3·x0 + 2·x1, x ∈ [0, 1)². */
export interface OnlineProblem {
  hidden: number;
  steps: number;
  learningRate: number;
  seed: number;
}

/** The course's SimpleConvNet (2_6) and its training step, on synthetic 1×28×28 images. */
export interface ConvProblem {
  batch: number;
  trainSize: number;
  /** Image side (the input is batch × 1 × side × side). */
  side: number;
  filters: number;
  kernel: number;
  hidden: number;
  outputs: number;
  learningRate: number;
  /** W ~ initStd · N(0, 1), b = 0, as the course's weight_init_std. */
  initStd: number;
  seed: number;
}

export const CONV: ConvProblem = {
  batch: 100, trainSize: 1000, side: 28, filters: 30, kernel: 5, hidden: 100, outputs: 10, learningRate: 0.01, initStd: 0.01, seed: 4,
};

/** Features after the convolution and the 2×2 pooling: 30 · 12 · 12 = 4,320 for the course's sizes. */
export function convFeatures(p: ConvProblem): number {
  const pooled = Math.floor((p.side - p.kernel + 1) / 2);
  return p.filters * pooled * pooled;
}

export const ONLINE: OnlineProblem = { hidden: 10, steps: 1000, learningRate: 0.07, seed: 2 };

export const MATMUL_SIZES = [64, 128, 256, 512, 1024] as const;
/** Ops in the tape-overhead chain, and in the deep chain that must not overflow the stack. */
export const TAPE_CHAIN = 10_000;
export const DEEP_CHAIN = 100_000;
export const TAPE_WIDTH = 10;
/**
 * (e): the numerical gradient is timed over one small parameter — b1 (40 parameters, 80
 * forward passes) or in --quick b2 (10 parameters) — and extrapolated to all 31,810.
 */
export type NumericalSubset = 'b1' | 'b2';

/** How long to warm up and sample each measurement inside a child. */
export interface Budget {
  /** Keep calling for at least this long (at least one call)… */
  warmupMs: number;
  /**
   * …and then on, in chunks of sampleMs, until the fastest chunk has not improved by more than
   * 2% for `settleMs` (JIT tiers, wasm tier-up and heap sizing done), for at most `maxWarmupMs`.
   */
  settleMs: number;
  maxWarmupMs: number;
  /** Aim for samples of at least this long (calls are batched to get there). */
  sampleMs: number;
  /** Samples per measurement (the child reports their median). */
  samples: number;
  /** Stop sampling once the samples have taken this long (at least one sample; warm-up not counted). */
  maxMs: number;
  /** A first call slower than this counts as the first sample: no separate warm-up. */
  slowCallMs: number;
}

export const BUDGETS: Readonly<Record<'quick' | 'full', Budget>> = {
  quick: { warmupMs: 40, settleMs: 300, maxWarmupMs: 1500, sampleMs: 15, samples: 3, maxMs: 250, slowCallMs: 120 },
  full: { warmupMs: 250, settleMs: 500, maxWarmupMs: 3000, sampleMs: 50, samples: 7, maxMs: 1500, slowCallMs: 500 },
};

export type ContenderId = 'tapegrad-float64' | 'tapegrad-float32' | 'tfjs-cpu' | 'tfjs-wasm' | 'numpy' | 'numpy-unset';

/** Everything a child needs; the numpy child reads the problem definitions from here too. */
export interface ChildConfig {
  contender: ContenderId;
  budget: Budget;
  round: number;
  /** Run the 100,000-op chain (once per run, in round 0). */
  deepChain: boolean;
  matmulSizes: number[];
  numericalSubset: NumericalSubset;
  mnist: MnistProblem;
  online: OnlineProblem;
  conv: ConvProblem;
  tapeChain: number;
  tapeWidth: number;
}

export interface Measurement {
  /** The row in the report, e.g. 'tapegrad float64' or 'numpy float32'. */
  impl: string;
  metric: MetricId;
  /** matmul: n. */
  param?: number;
  value: number;
  note?: string;
  /** Wall time the measurement took in the child, setup included. */
  elapsedMs?: number;
}

export interface ChildReport {
  contender: ContenderId;
  measurements: Measurement[];
  /** Facts the child knows about itself (backend, threads, BLAS core). */
  info: Record<string, string | number | boolean>;
}
