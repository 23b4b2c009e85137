/**
 * `pnpm bench [--quick] [--rounds N] [--only id,id] [--metrics mnist,…] [--out NAME] [--verbose]`: runs every contender in its own child
 * process, one at a time, interleaved over rounds (the order rotates each round), then writes
 * bench/results/latest.json and latest.md and prints the markdown. `pnpm bench --render` rewrites
 * latest.md (and the targets) from latest.json without measuring again.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { NUMPY_SCRIPT, PYTHON, lastLine, withoutOpenblasVars } from './src/contenders/numpy.js';
import { changedFiles, machineFacts, sourceState, type MachineFacts } from './src/machine.js';
import {
  BUDGETS, CONV, DEEP_CHAIN, MATMUL_SIZES, METRICS, MNIST, ONLINE, TAPE_CHAIN, TAPE_WIDTH,
  type ChildConfig, type ChildReport, type ContenderId, type MetricId,
} from './src/protocol.js';
import { evaluateTargets, formatNumber, renderMarkdown, summarize, type Summary } from './src/report.js';

const JS_CONTENDERS: ContenderId[] = ['tapegrad-float64', 'tapegrad-float32', 'tfjs-cpu', 'tfjs-wasm'];
const CHILD = fileURLToPath(new URL('./src/child.ts', import.meta.url));
const RESULTS = fileURLToPath(new URL('./results/', import.meta.url));
const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** A child that takes longer than this is stuck: it is killed and its round noted as failed. */
const CHILD_TIMEOUT_S = 300;

interface Options {
  quick: boolean;
  render: boolean;
  verbose: boolean;
  rounds: number;
  only: ContenderId[] | null;
  metrics: MetricId[] | null;
  /** Results go to bench/results/NAME.json and NAME.md. */
  out: string;
}

function options(): Options {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      verbose: { type: 'boolean', default: false },
      render: { type: 'boolean', default: false },
      rounds: { type: 'string' },
      only: { type: 'string' },
      metrics: { type: 'string' },
      out: { type: 'string', default: 'latest' },
    },
  });
  // NOTE: --quick takes 3 rounds: with warm-up run to the steady state, 5 took 133 s (--quick is meant to take under 2 minutes).
  const rounds = values.rounds === undefined ? (values.quick === true ? 3 : 5) : Number(values.rounds);
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`bench: --rounds must be a positive integer, got ${values.rounds}`);
  return { quick: values.quick === true, render: values.render === true, verbose: values.verbose === true, rounds, only: values.only === undefined ? null : (values.only.split(',') as ContenderId[]),
    metrics: values.metrics === undefined ? null : (values.metrics.split(',') as MetricId[]), out: values.out };
}

/** Which contenders run, and notes on the ones that do not. */
function contenders(machine: MachineFacts, only: ContenderId[] | null): { ids: ContenderId[]; notes: string[] } {
  const notes: string[] = [];
  const ids = [...JS_CONTENDERS];
  if (!machine.numpy.available) {
    notes.push(`numpy skipped: ${machine.numpy.reason}.`);
  } else {
    ids.push('numpy');
    if (machine.numpyUnset === null) notes.push('numpy ran once: neither OPENBLAS_CORETYPE nor OPENBLAS_L2_SIZE is set here.');
    else ids.push('numpy-unset');
  }
  return { ids: only === null ? ids : ids.filter((id) => only.includes(id)), notes };
}

function childConfig(contender: ContenderId, round: number, quick: boolean, metrics: MetricId[] | null): ChildConfig {
  return {
    ...(metrics === null ? {} : { metrics }),
    contender,
    round,
    budget: BUDGETS[quick ? 'quick' : 'full'],
    deepChain: round === 0,
    // NOTE: --quick leaves out n = 1024: seconds per product in plain JavaScript (tfjs cpu).
    matmulSizes: quick ? MATMUL_SIZES.filter((n) => n < 1024) : [...MATMUL_SIZES],
    numericalSubset: quick ? 'b2' : 'b1',
    mnist: MNIST,
    online: ONLINE,
    conv: CONV,
    tapeChain: TAPE_CHAIN,
    tapeWidth: TAPE_WIDTH,
  };
}

/** Runs one child to completion and parses its report from the last line of stdout. */
function runChild(config: ChildConfig): Promise<ChildReport> {
  const arg = JSON.stringify(config);
  const [command, args, env] = config.contender.startsWith('numpy')
    ? [PYTHON, [NUMPY_SCRIPT, arg], config.contender === 'numpy-unset' ? withoutOpenblasVars(process.env).env : process.env]
    // The parent runs under tsx with --conditions=@tapegrad/source; its execArgv carries both to the child.
    : [process.execPath, [...process.execArgv, CHILD, arg], process.env];
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    const timer = setTimeout(() => {
      err += `\nkilled after ${CHILD_TIMEOUT_S} s`;
      child.kill('SIGKILL');
    }, CHILD_TIMEOUT_S * 1000);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code !== 0) reject(new Error(`${config.contender} exited with ${code}:\n${err.trim().split('\n').slice(-8).join('\n')}`));
      else resolve(JSON.parse(lastLine(out)) as ChildReport);
    });
  });
}

function progress(report: ChildReport, seconds: number, verbose: boolean): string {
  const mnist = report.measurements.filter((m) => m.metric === 'mnist')
    .map((m) => `${m.impl} ${formatNumber(m.value)} ${METRICS.mnist.unit}`).join(', ');
  const line = `${report.contender.padEnd(17)} ${seconds.toFixed(1).padStart(5)} s   ${mnist}`;
  if (!verbose) return line;
  // Where the child's time went: seconds per measurement, setup included.
  const took = report.measurements.filter((m) => (m.elapsedMs ?? 0) > 0)
    .map((m) => `${m.impl.split(' ').pop()} ${m.metric}${m.param === undefined ? '' : `@${m.param}`} ${((m.elapsedMs ?? 0) / 1000).toFixed(2)}`);
  return `${line}\n      ${took.join(', ')}`;
}

async function main(): Promise<void> {
  const opts = options();
  if (opts.render) {
    const saved = JSON.parse(readFileSync(`${RESULTS}${opts.out}.json`, 'utf8')) as Summary & { childInfo: unknown };
    write({ ...saved, targets: evaluateTargets(saved.metrics), targetsBest: evaluateTargets(saved.metrics, 'best') }, saved.childInfo, opts.out);
    return;
  }
  const start = performance.now();
  const machine = machineFacts(ROOT);
  const { ids, notes } = contenders(machine, opts.only);
  const reports: ChildReport[] = [];
  const info: Record<string, ChildReport['info']> = {};
  console.log(`tapegrad bench (${opts.quick ? 'quick' : 'full'}): ${ids.join(', ')}; ${opts.rounds} rounds`);
  for (let round = 0; round < opts.rounds; round++) {
    console.log(`round ${round + 1}/${opts.rounds}`);
    const order = ids.map((_, i) => ids[(i + round) % ids.length]!);
    for (const id of order) {
      const t0 = performance.now();
      try {
        const report = await runChild(childConfig(id, round, opts.quick, opts.metrics));
        reports.push(report);
        info[id] = report.info;
        console.log(`  ${progress(report, (performance.now() - t0) / 1000, opts.verbose)}`);
      } catch (e) {
        const message = e instanceof Error ? e.message : String(e);
        console.error(`  ${id} failed: ${message}`);
        notes.push(`round ${round + 1}: ${message.split('\n')[0]}`);
      }
    }
  }
  machine.loadAverageEnd = loadavg().map((v) => Math.round(v * 100) / 100);
  machine.sourceEnd = sourceState(ROOT);
  const { impls, metrics } = summarize(reports);
  const summary: Summary = {
    date: new Date().toISOString(),
    mode: opts.quick ? 'quick' : 'full',
    rounds: opts.rounds,
    seconds: (performance.now() - start) / 1000,
    machine,
    notes: [...sourceNote(machine), ...notes, ...standingNotes(info, opts.quick), ...loadNote(machine)],
    impls,
    metrics,
    targets: evaluateTargets(metrics),
    targetsBest: evaluateTargets(metrics, 'best'),
  };
  write(summary, info, opts.out);
  console.log(`measured in ${summary.seconds.toFixed(0)} s`);
}

function write(summary: Summary, childInfo: unknown, out: string): void {
  const markdown = renderMarkdown(summary);
  mkdirSync(RESULTS, { recursive: true });
  writeFileSync(`${RESULTS}${out}.json`, `${JSON.stringify({ ...summary, childInfo }, numbersOrNull, 2)}\n`);
  writeFileSync(`${RESULTS}${out}.md`, markdown);
  console.log(`\n${markdown}`);
  console.log(`wrote bench/results/${out}.json and ${out}.md`);
}

/** What every reader of the table should know about how it was made. */
function standingNotes(info: Record<string, ChildReport['info']>, quick: boolean): string[] {
  const wasm = info['tfjs-wasm'];
  return [
    'Synthetic data: inputs uniform in [0, 1), random labels, seeded; batches of 100 drawn with replacement from 1,000 rows held in the contender\'s dtype and built in each language (numpy: `x_train[batch_mask]`; JavaScript: rows copied into one reused array, tapegrad\'s batch tensor refilled in place with `bumpVersion`).',
    'tapegrad splits large matrix products between threads (both cores here, from about 130³ multiply-adds and 64 rows and columns of C); the MNIST step\'s products are narrower and run on one thread.',
    'The numpy rows are the course\'s own code (np.dot, softmax, cross entropy, hand-written backward); the chain row of numpy is forward only (numpy has no tape), the anchor of (c).',
    `tfjs wasm: ${wasm === undefined ? 'did not run' : `${wasm.threads} thread(s), SIMD ${wasm.simd}`} — tfjs turns wasm threads off in Node (its pthread workers are Blob URLs, which Node's Worker rejects), so tfjs wasm on 2 threads is not available here.`,
    `(e) times the numerical gradient over ${quick ? 'b2 (10 parameters, 20 forward passes)' : 'b1 (40 parameters, 80 forward passes)'} and extrapolates to all 31,810 parameters (63,620 forward passes).`,
    `The ${DEEP_CHAIN.toLocaleString('en-US')}-op chain runs once (round 1), tapegrad only.`,
    '(f) has no tfjs wasm row: tfjs-backend-wasm 4.22 registers no Conv2DBackpropFilter kernel, so a convolution cannot be trained there.',
    ...(quick ? ['--quick: fewer and shorter samples, and no matmul n = 1024 (the full run has it).'] : []),
  ];
}

/** Numbers from two versions of the code do not make one median: name what changed. */
function sourceNote(m: MachineFacts): string[] {
  if (m.sourceEnd === undefined || m.sourceEnd.hash === m.sourceStart.hash) return [];
  const files = changedFiles(m.sourceStart, m.sourceEnd);
  return [`**packages/core/src changed during this run** (${files.join(', ')}): if that touches the measured code, ` +
    "tapegrad's rows mix two versions of it; run again."];
}

/** A busy machine widens every spread; say so when the load average shows it. */
function loadNote(m: MachineFacts): string[] {
  const busiest = Math.max(m.loadAverageStart[0] ?? 0, m.loadAverageEnd?.[0] ?? 0);
  if (busiest < 1) return [];
  return [
    `Other processes were running (1-minute load average up to ${busiest} on ${m.cores} cores). The wide min–max spreads come from that, ` +
      "numpy's above all: its two OpenBLAS threads wait for each other whenever a core is taken. Ratios of medians are the numbers to read.",
  ];
}

/** JSON has no NaN: write null. */
function numbersOrNull(_key: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isFinite(value) ? null : value;
}

await main();
