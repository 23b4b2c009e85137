/**
 * What every example shares on the command line: `--seed N`, `--quiet`, `--out DIR`,
 * `--help`, flags of its own, and running `main` only when the file is executed directly
 * (so tests can import it).
 */
import { realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ArgumentError, TapegradError } from '@tapegrad/core';
import type { Sink } from './print.js';

/** The seed every example uses unless `--seed` says otherwise. */
export const DEFAULT_SEED = 0;

/** Where plots go unless `--out` says otherwise (git-ignored). */
export const DEFAULT_OUT_DIR = fileURLToPath(new URL('../out', import.meta.url));

/** Options every example's `main` takes. */
export interface CommonOptions {
  /** Seed of the example's one `Generator` (numpy's `np.random.seed`). */
  seed?: number;
  /** Print only the summary lines. */
  quiet?: boolean;
  /** Folder for the plots. */
  outDir?: string;
  /** Where the lines go; default stdout. */
  print?: Sink;
}

export interface Flag {
  type: 'string' | 'boolean';
  /** The value's name in --help, e.g. `N` (string flags). */
  arg?: string;
  /** Shown by --help, e.g. `samples per update (default 1: online learning)`. */
  help: string;
}

export interface CliSpec {
  /** The script's file name, for messages. */
  name: string;
  summary: string;
  flags: Record<string, Flag>;
  /** The example writes plots: it takes `--out DIR`. */
  plots?: boolean;
}

const COMMON_FLAGS: Record<string, Flag> = {
  seed: { type: 'string', arg: 'N', help: `seed of the random numbers (default ${DEFAULT_SEED})` },
  quiet: { type: 'boolean', help: 'print only the summary lines' },
  help: { type: 'boolean', help: 'show this help' },
};
const OUT_FLAG: Flag = { type: 'string', arg: 'DIR', help: 'folder for the plots (default examples/out)' };

function allFlags(spec: CliSpec): Record<string, Flag> {
  return { ...spec.flags, ...(spec.plots ? { out: OUT_FLAG } : {}), ...COMMON_FLAGS };
}

export function usage(spec: CliSpec): string {
  const names = Object.entries(allFlags(spec)).map(([k, f]) => [`--${k}${f.arg === undefined ? '' : ` ${f.arg}`}`, f.help] as const);
  const width = Math.max(...names.map(([n]) => n.length));
  const lines = names.map(([n, help]) => `  ${n.padEnd(width)}  ${help}`);
  return `${spec.summary}\n\nUsage: npx tsx --conditions=@tapegrad/source examples/${spec.name} [options]\n${lines.join('\n')}`;
}

export interface ParsedCli {
  common: Required<Omit<CommonOptions, 'print'>>;
  /** The example's own flags, as given (undefined when absent). */
  flags: Record<string, string | boolean | undefined>;
  help: boolean;
}

/**
 * Parses `argv` (without node and the script) against the common flags and the example's.
 * @example
 *   parseCli(['--seed', '3', '--batch', '10'], spec).common.seed; // 3
 */
export function parseCli(argv: readonly string[], spec: CliSpec): ParsedCli {
  const options = Object.fromEntries(Object.entries(allFlags(spec)).map(([k, f]) => [k, { type: f.type }]));
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({ args: joinNegativeValues(argv, options), options, strict: true, allowPositionals: false }));
  } catch (e) {
    throw new ArgumentError(`${spec.name}: ${(e as Error).message}\n\n${usage(spec)}`);
  }
  const common = {
    seed: values.seed === undefined ? DEFAULT_SEED : integerFlag(spec.name, 'seed', values.seed, 0),
    quiet: values.quiet === true,
    outDir: typeof values.out === 'string' ? resolve(values.out) : DEFAULT_OUT_DIR,
  };
  return { common, flags: values, help: values.help === true };
}

/** `--inputs -5..5` as `--inputs=-5..5`: parseArgs would take a value starting with '-' for a flag. */
function joinNegativeValues(argv: readonly string[], options: Record<string, { type: string }>): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const next = argv[i + 1];
    const isStringFlag = a.startsWith('--') && options[a.slice(2)]?.type === 'string';
    if (isStringFlag && next !== undefined && /^-[\d.]/.test(next)) {
      out.push(`${a}=${next}`);
      i++;
    } else out.push(a);
  }
  return out;
}

/** An integer flag ≥ `min`. */
export function integerFlag(script: string, name: string, raw: unknown, min: number): number {
  const n = typeof raw === 'string' && /^-?\d+$/.test(raw.trim()) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(n) || n < min) {
    throw new ArgumentError(`${script}: --${name} must be an integer ≥ ${min}, got ${JSON.stringify(raw)}`);
  }
  return n;
}

/** A positive finite number flag. */
export function positiveFlag(script: string, name: string, raw: unknown): number {
  const n = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
  if (!(Number.isFinite(n) && n > 0)) throw new ArgumentError(`${script}: --${name} must be a positive number, got ${JSON.stringify(raw)}`);
  return n;
}

/** One of `choices`. */
export function choiceFlag<T extends string>(script: string, name: string, raw: unknown, choices: readonly T[]): T {
  if (typeof raw !== 'string' || !(choices as readonly string[]).includes(raw)) {
    throw new ArgumentError(`${script}: --${name} must be one of ${choices.join(', ')}, got ${JSON.stringify(raw)}`);
  }
  return raw as T;
}

/** True when the module at `moduleUrl` is the script node was started with. */
export function isMain(moduleUrl: string): boolean {
  const entry = process.argv[1];
  if (entry === undefined) return false;
  try {
    return realpathSync(fileURLToPath(moduleUrl)) === realpathSync(resolve(entry));
  } catch {
    return false;
  }
}

/**
 * Runs `main` with the parsed command line when the calling module is the entry script.
 * Bad flags print the message and the usage, and exit with status 2.
 */
export async function runIfMain<O>(
  moduleUrl: string,
  spec: CliSpec,
  toOptions: (cli: ParsedCli) => O,
  main: (options: O) => unknown,
): Promise<void> {
  if (!isMain(moduleUrl)) return;
  // `… | head` closes stdout early: stop quietly instead of crashing with EPIPE.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0);
    throw e;
  });
  try {
    const cli = parseCli(process.argv.slice(2), spec);
    if (cli.help) {
      console.log(usage(spec));
      return;
    }
    await main(toOptions(cli));
  } catch (e) {
    if (!(e instanceof TapegradError)) throw e;
    console.error(`error: ${e.message}`);
    process.exitCode = 2;
  }
}
