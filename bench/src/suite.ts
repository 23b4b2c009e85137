/**
 * The workloads as a JavaScript contender implements them, and the runner that times them
 * in a child process. tapegrad and tfjs each implement `JsContender`; the runner is shared.
 */
import {
  DEEP_CHAIN, type Budget, type MetricId, type ChildConfig, type ConvProblem, type Measurement, type MnistProblem, type NumericalSubset, type OnlineProblem,
} from './protocol.js';
import { measure } from './timing.js';

/** (e): one backward pass, and the numerical gradient of a subset of the parameters. */
export interface GradientVsNumerical {
  backward: () => void;
  numericalSubset: () => void;
  subsetSize: number;
  totalParams: number;
}

export interface JsContender {
  /** The row in the report, e.g. 'tapegrad float64'. */
  impl: string;
  /** (a) returns a function doing one training step on a fresh minibatch; it returns the loss. */
  mnistStep(p: MnistProblem): () => number;
  /**
   * (a) the same step written plainly, where that differs from `mnistStep`: the batch taken from the
   * training set's tensor by row (`take`) every step, nothing reused. Its row is the impl's name + ', plain batch'.
   */
  mnistPlainStep?(p: MnistProblem): () => number;
  /** (a) another plain step, for bench/mnist-steps.ts: a fresh batch array and `tensor()` of it every step. */
  mnistFreshStep?(p: MnistProblem): () => number;
  /** (b) returns a function computing one n×n product, finished (synced) when it returns. */
  matmul(n: number): () => void;
  /** (c) returns a function running an `ops`-long chain of `width`-element ops and its backward. */
  tapeChain(ops: number, width: number): () => void;
  /** (d) returns a function running the whole online SGD from the same initial weights; returns the last loss. */
  onlineSgd(p: OnlineProblem): () => number;
  /** (f) returns a function doing one training step of the simple convnet on a fresh minibatch; it returns the loss. */
  convStep?(p: ConvProblem): () => number;
  /** (e), where the library has a numerical gradient. */
  gradientVsNumerical?(p: MnistProblem, subset: NumericalSubset): GradientVsNumerical;
  /** Whether the library is expected to survive the 100,000-op chain (run once per run). */
  deepChainCheck?: boolean;
  info(): Record<string, string | number | boolean>;
}

export const GFLOP = (n: number, ms: number): number => (2 * n ** 3) / (ms * 1e6);

/** Runs every workload once under `config.budget`, in a fixed order. */
export function runSuite(c: JsContender, config: ChildConfig): Measurement[] {
  const b = config.budget;
  const out: Measurement[] = [];
  let last = performance.now();
  // Each measurement carries the wall time it took, setup included (for `pnpm bench --verbose`).
  const add = (...ms: (Omit<Measurement, 'impl'> & { impl?: string })[]): void => {
    const now = performance.now();
    out.push(...ms.map((m, i) => ({ impl: c.impl, ...m, elapsedMs: i === 0 ? now - last : 0 })));
    last = now;
  };
  const wants = (m: MetricId): boolean => config.metrics === undefined || config.metrics.includes(m);
  if (wants('mnist')) {
    add({ metric: 'mnist', value: measure(c.mnistStep(config.mnist), b) });
    if (c.mnistPlainStep) add({ metric: 'mnist', impl: `${c.impl}, plain batch`, value: measure(c.mnistPlainStep(config.mnist), b) });
    // The process's peak so far: start-up, the data, and both MNIST rows' warm-up and samples.
    add({ metric: 'rss', value: process.resourceUsage().maxRSS / 1024 });
  }
  if (wants('matmul')) for (const n of config.matmulSizes) add({ metric: 'matmul', param: n, value: GFLOP(n, measure(c.matmul(n), b)) });
  const ops = config.tapeChain;
  if (wants('tape')) add({ metric: 'tape', value: (measure(c.tapeChain(ops, config.tapeWidth), b) * 1000) / ops });
  if (wants('online')) add({ metric: 'online', value: measure(c.onlineSgd(config.online), b) });
  if (c.gradientVsNumerical && wants('backwardMs')) add(...gradientVsNumerical(c, config));
  if (c.convStep && config.conv !== undefined && wants('conv')) add({ metric: 'conv', value: measure(c.convStep(config.conv), b) });
  if (c.deepChainCheck && config.deepChain && wants('deepTape')) add(deepChain(c, config.tapeWidth));
  return out;
}

function gradientVsNumerical(c: JsContender, config: ChildConfig): Omit<Measurement, 'impl'>[] {
  const b: Budget = config.budget;
  const g = c.gradientVsNumerical!(config.mnist, config.numericalSubset);
  const backwardMs = measure(g.backward, b);
  const numericalS = (measure(g.numericalSubset, b) / g.subsetSize) * g.totalParams / 1000;
  const note = `extrapolated from ${g.subsetSize} of ${g.totalParams.toLocaleString('en-US')} parameters (${2 * g.subsetSize} forward passes)`;
  return [
    { metric: 'backwardMs', value: backwardMs },
    { metric: 'numericalS', value: numericalS, note },
    { metric: 'numericalRatio', value: (numericalS * 1000) / backwardMs, note },
  ];
}

/** One forward + backward through a 100,000-op chain: its µs per op, or NaN and the error. */
function deepChain(c: JsContender, width: number): Omit<Measurement, 'impl'> {
  const run = c.tapeChain(DEEP_CHAIN, width);
  const t0 = performance.now();
  try {
    run();
    return { metric: 'deepTape', value: ((performance.now() - t0) * 1000) / DEEP_CHAIN, note: 'no stack overflow' };
  } catch (e) {
    return { metric: 'deepTape', value: Number.NaN, note: `failed: ${String(e).slice(0, 120)}` };
  }
}
