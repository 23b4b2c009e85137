/** The machine facts printed above the tables, and which tapegrad source was measured. */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { OPENBLAS_VARS, probeNumpy, withoutOpenblasVars, type NumpyFacts } from './contenders/numpy.js';

export interface MachineFacts {
  cpu: string;
  /** The vector extensions that matter for these kernels, from /proc/cpuinfo's flags. */
  simd: string;
  cores: number;
  node: string;
  platform: string;
  /** numpy as the environment sets it up, and with the OPENBLAS_* variables removed. */
  numpy: NumpyFacts;
  numpyUnset: NumpyFacts | null;
  openblasEnv: string[];
  loadAverageStart: number[];
  loadAverageEnd?: number[];
  /** The tapegrad core measured, at the start of the run and at its end. */
  sourceStart: SourceState;
  sourceEnd?: SourceState;
}

export interface SourceState {
  /** `git rev-parse --short HEAD`, or null outside a git checkout. */
  commit: string | null;
  /** Uncommitted changes under packages/core. */
  dirty: boolean;
  /** sha1 of packages/core/src (what the bench imports): tells whether it changed during the run. */
  hash: string;
  /** sha1 per file, relative to packages/core/src, to name what changed. */
  files: Record<string, string>;
}

const CORE_SRC = join('packages', 'core', 'src');

/** What tapegrad source is in `root` right now (read-only git commands). */
export function sourceState(root: string): SourceState {
  const git = (...args: string[]): string | null => {
    const r = spawnSync('git', args, { cwd: root, encoding: 'utf8' });
    return r.status === 0 ? r.stdout.trim() : null;
  };
  const files: Record<string, string> = {};
  const walk = (dir: string, rel: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (e.isDirectory()) walk(join(dir, e.name), `${rel}${e.name}/`);
      else files[`${rel}${e.name}`] = sha1(readFileSync(join(dir, e.name)));
    }
  };
  walk(join(root, CORE_SRC), '');
  return {
    commit: git('rev-parse', '--short', 'HEAD'),
    dirty: (git('status', '--porcelain', '--', join('packages', 'core')) ?? '') !== '',
    hash: sha1(JSON.stringify(files)),
    files,
  };
}

/** Files added, removed or changed between two states. */
export function changedFiles(a: SourceState, b: SourceState): string[] {
  const names = new Set([...Object.keys(a.files), ...Object.keys(b.files)]);
  return [...names].filter((f) => a.files[f] !== b.files[f]).sort();
}

const sha1 = (data: string | Buffer): string => createHash('sha1').update(data).digest('hex').slice(0, 12);

export function cpuInfo(text: string): { cpu: string; simd: string } {
  const field = (name: string): string => text.match(new RegExp(`^${name}\\s*:\\s*(.*)$`, 'm'))?.[1]?.trim() ?? '';
  const flags = new Set(field('flags').split(/\s+/));
  const simd = ['avx512f', 'avx2', 'fma', 'sse4_2', 'asimd'].filter((f) => flags.has(f)).join(' ');
  return { cpu: field('model name') || field('Model') || 'unknown', simd: simd || 'unknown' };
}

export function machineFacts(root: string): MachineFacts {
  let proc = '';
  try {
    proc = readFileSync('/proc/cpuinfo', 'utf8');
  } catch {
    // not Linux: the model stays unknown
  }
  const { env, removed } = withoutOpenblasVars(process.env);
  const numpy = probeNumpy();
  return {
    ...cpuInfo(proc),
    cores: availableParallelism(),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    numpy,
    numpyUnset: numpy.available && removed.length > 0 ? probeNumpy(env) : null,
    openblasEnv: OPENBLAS_VARS.filter((k) => k in process.env).map((k) => `${k}=${process.env[k]}`),
    loadAverageStart: loadavg().map((v) => Math.round(v * 100) / 100),
    sourceStart: sourceState(root),
  };
}
