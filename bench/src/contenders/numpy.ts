/**
 * The numpy contender lives in numpy_bench.py; this is how the JavaScript side finds python3,
 * asks it for its BLAS facts, and builds the environment of the second run.
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { MnistProblem } from '../protocol.js';

export const NUMPY_SCRIPT = fileURLToPath(new URL('./numpy_bench.py', import.meta.url));
export const PYTHON = process.env.PYTHON ?? 'python3';
/** Set on some machines here; they pick a slower OpenBLAS kernel (so numpy is also measured with them unset). */
export const OPENBLAS_VARS = ['OPENBLAS_CORETYPE', 'OPENBLAS_L2_SIZE'] as const;

export type NumpyFacts =
  | { available: true; numpy: string; blas: string; blasCore?: string; blasThreads?: number }
  | { available: false; reason: string };

/** numpy's version and BLAS as python3 reports them in `env`, or why numpy cannot run. */
export function probeNumpy(env: NodeJS.ProcessEnv = process.env): NumpyFacts {
  const r = spawnSync(PYTHON, [NUMPY_SCRIPT, 'probe'], { env, encoding: 'utf8', timeout: 30_000 });
  const failed = failure(r);
  if (failed !== null) return { available: false, reason: failed };
  return { available: true, ...(JSON.parse(lastLine(r.stdout)) as Omit<NumpyFacts & { available: true }, 'available'>) };
}

/** `env` without the OPENBLAS_* variables, and which of them were set. */
export function withoutOpenblasVars(env: NodeJS.ProcessEnv): { env: NodeJS.ProcessEnv; removed: string[] } {
  const out = { ...env };
  const removed = OPENBLAS_VARS.filter((k) => k in out).map((k) => `${k}=${out[k]}`);
  for (const k of OPENBLAS_VARS) delete out[k];
  return { env: out, removed };
}

export type NumpyLosses = { available: true; float64: number[]; float32: number[] } | { available: false; reason: string };

/** The timed numpy MNIST step on `problem`, `steps` times: its losses per dtype, or why numpy cannot run. */
export function numpyMnistLosses(problem: MnistProblem, steps: number): NumpyLosses {
  const r = spawnSync(PYTHON, [NUMPY_SCRIPT, 'check', JSON.stringify(problem), String(steps)], { encoding: 'utf8', timeout: 30_000 });
  const failed = failure(r);
  if (failed !== null) return { available: false, reason: failed };
  return { available: true, ...(JSON.parse(lastLine(r.stdout)) as { float64: number[]; float32: number[] }) };
}

function failure(r: SpawnSyncReturns<string>): string | null {
  if (r.error) return `${PYTHON} not runnable (${r.error.message})`;
  if (r.status !== 0) return `numpy not importable: ${lastLine(r.stderr)}`;
  return null;
}

export function lastLine(text: string): string {
  const lines = text.trim().split('\n');
  return lines[lines.length - 1] ?? '';
}
