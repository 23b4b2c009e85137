/**
 * Timing inside a child: warm up, then time batches of calls and keep the median per call.
 * The function under test must finish its work before it returns (tfjs: `dataSync()`).
 */
import { median } from './stats.js';
import type { Budget } from './protocol.js';

/** Milliseconds per call of `fn`: the median of up to `budget.samples` samples. */
export function measure(fn: () => unknown, budget: Budget): number {
  const start = performance.now();
  fn();
  const first = performance.now() - start;
  const perSample: number[] = [];
  // NOTE: a call this slow (matmul n = 1024 in plain JS) runs after the same kernel has been
  // warmed on the smaller sizes, so it is kept as a sample rather than thrown away.
  if (first >= budget.slowCallMs) perSample.push(first);
  else warmUp(fn, budget, start);
  const perCall = perSample[0] ?? estimate(fn);
  const calls = Math.max(1, Math.round(budget.sampleMs / Math.max(perCall, 1e-6)));
  const sampling = performance.now();
  while (perSample.length < budget.samples) {
    if (perSample.length > 0 && performance.now() - sampling + calls * perCall > budget.maxMs) break;
    perSample.push(timeCalls(fn, calls) / calls);
  }
  return median(perSample);
}

/**
 * NOTE: a fixed warm-up measured JIT tiers, not the steady state: tapegrad's MNIST step runs at
 * 4–5 ms for its first ~200 ms (V8 runs wasm in its baseline tier until TurboFan's code is ready,
 * compiled in the background), 1.0–1.5 ms for a while, then ~0.95 ms. So after `warmupMs`, chunks
 * of ~sampleMs run until the best chunk has not improved for `settleMs`.
 */
function warmUp(fn: () => unknown, budget: Budget, start: number): void {
  while (performance.now() - start < budget.warmupMs) fn();
  const calls = Math.max(1, Math.round(budget.sampleMs / Math.max(estimate(fn), 1e-6)));
  let best = Infinity;
  let bestAt = performance.now();
  for (let now = bestAt; now - bestAt < budget.settleMs && now - start < budget.maxWarmupMs; now = performance.now()) {
    const perCall = timeCalls(fn, calls) / calls;
    if (perCall < best * 0.98) bestAt = performance.now();
    best = Math.min(best, perCall);
  }
}

/** A rough per-call time, from a few calls. */
function estimate(fn: () => unknown): number {
  let calls = 1;
  for (;;) {
    const ms = timeCalls(fn, calls);
    if (ms >= 5 || calls >= 1 << 16) return ms / calls;
    calls *= 4;
  }
}

function timeCalls(fn: () => unknown, calls: number): number {
  const t0 = performance.now();
  for (let i = 0; i < calls; i++) fn();
  return performance.now() - t0;
}
