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
  else warmUp(fn, budget.warmupMs - first);
  const perCall = perSample[0] ?? estimate(fn);
  const calls = Math.max(1, Math.round(budget.sampleMs / Math.max(perCall, 1e-6)));
  while (perSample.length < budget.samples) {
    if (perSample.length > 0 && performance.now() - start + calls * perCall > budget.maxMs) break;
    perSample.push(timeCalls(fn, calls) / calls);
  }
  return median(perSample);
}

function warmUp(fn: () => unknown, ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) fn();
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
