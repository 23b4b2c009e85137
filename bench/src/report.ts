/**
 * From the children's reports to the summary (medians over rounds, pairwise ratios, the
 * performance targets against numpy and tfjs) and from the summary to markdown. Pure: tested in bench/test.
 */
import type { MachineFacts } from './machine.js';
import { METRICS, type ChildReport, type MetricId } from './protocol.js';
import { median, pairwiseRatios, ratio, spread } from './stats.js';

/** One implementation's numbers for one metric, across rounds. */
export interface Cell {
  median: number;
  min: number;
  max: number;
  rounds: number[];
  note?: string;
}

export interface MetricSummary {
  metric: MetricId;
  param?: number;
  /** By implementation. */
  cells: Record<string, Cell>;
  /** ratios[a][b] = median(a) / median(b), in the metric's own unit. */
  ratios: Record<string, Record<string, number>>;
}

export interface Target {
  text: string;
  /** What was measured, in words and numbers. */
  measured: string;
  /** null: a contender it needs did not run. */
  met: boolean | null;
  /** How far from the target: the factor of improvement still needed (≤ 1 when met). */
  factor: number;
}

export interface Summary {
  date: string;
  mode: 'quick' | 'full';
  rounds: number;
  seconds: number;
  machine: MachineFacts;
  notes: string[];
  impls: string[];
  metrics: Record<string, MetricSummary>;
  /** On the medians (what the targets are set on). */
  targets: Target[];
  /** On each implementation's best round: the estimate least disturbed by other processes. */
  targetsBest: Target[];
}

export const metricKey = (metric: MetricId, param?: number): string => (param === undefined ? metric : `${metric}@${param}`);

/** The display order of the rows; an unknown implementation goes last. */
const ORDER = [
  'tapegrad float64', 'tapegrad float32', 'tfjs cpu float32', 'tfjs wasm float32',
  'numpy float64', 'numpy float32', 'numpy, OPENBLAS_* unset float64', 'numpy, OPENBLAS_* unset float32',
];
const rank = (impl: string): number => {
  const i = ORDER.indexOf(impl);
  return i < 0 ? ORDER.length : i;
};
export const byDisplayOrder = (a: string, b: string): number => rank(a) - rank(b) || a.localeCompare(b);

/** Groups every measurement of every round by metric and implementation. */
export function summarize(reports: readonly ChildReport[]): { impls: string[]; metrics: Record<string, MetricSummary> } {
  const values = new Map<string, { metric: MetricId; param?: number; byImpl: Map<string, { rounds: number[]; note?: string }> }>();
  const impls = new Set<string>();
  for (const m of reports.flatMap((r) => r.measurements)) {
    const key = metricKey(m.metric, m.param);
    if (!values.has(key)) values.set(key, { metric: m.metric, ...(m.param === undefined ? {} : { param: m.param }), byImpl: new Map() });
    const entry = values.get(key)!;
    if (!entry.byImpl.has(m.impl)) entry.byImpl.set(m.impl, { rounds: [] });
    const slot = entry.byImpl.get(m.impl)!;
    slot.rounds.push(m.value);
    if (m.note !== undefined) slot.note = m.note;
    impls.add(m.impl);
  }
  const metrics: Record<string, MetricSummary> = {};
  for (const [key, { metric, param, byImpl }] of values) {
    const cells: Record<string, Cell> = {};
    for (const impl of [...byImpl.keys()].sort(byDisplayOrder)) {
      const { rounds, note } = byImpl.get(impl)!;
      cells[impl] = { median: median(rounds), ...spread(rounds), rounds, ...(note === undefined ? {} : { note }) };
    }
    const medians = Object.fromEntries(Object.entries(cells).map(([k, c]) => [k, c.median]));
    metrics[key] = { metric, ...(param === undefined ? {} : { param }), cells, ratios: pairwiseRatios(medians) };
  }
  return { impls: [...impls].sort(byDisplayOrder), metrics };
}

// ---- targets: tapegrad's performance goals against numpy and tfjs --------------------------

const TG64 = 'tapegrad float64';
const TG32 = 'tapegrad float32';
const NP64 = 'numpy float64';
const NP32 = 'numpy float32';
const CPU = 'tfjs cpu float32';
const WASM = 'tfjs wasm float32';

type Lookup = (key: string, impl: string) => number;

/** `value` must be at most (or at least) `limit`; factor = how many times better it must get. */
function check(text: string, value: number, limit: number, kind: 'atMost' | 'atLeast', measured: string): Target {
  if (!Number.isFinite(value)) return { text, measured: 'not measured', met: null, factor: Number.NaN };
  const factor = kind === 'atMost' ? value / limit : limit / value;
  return { text, measured, met: factor <= 1, factor };
}

/**
 * The targets on the medians, or on each implementation's best round ('best': the fastest time,
 * the highest GFLOP/s — other processes only ever slow a round down).
 */
export function evaluateTargets(metrics: Readonly<Record<string, MetricSummary>>, stat: 'median' | 'best' = 'median'): Target[] {
  const v: Lookup = (key, impl) => {
    const m = metrics[key];
    const c = m?.cells[impl];
    if (m === undefined || c === undefined) return Number.NaN;
    if (stat === 'median') return c.median;
    return METRICS[m.metric].better === 'lower' ? c.min : c.max;
  };
  const f = formatNumber;
  const mnistVs = (impl: string, base: string): number => ratio(v('mnist', impl), v('mnist', base));
  const speedup = (base: string, impl: string, key: string): number => ratio(v(key, base), v(key, impl));
  const tfBest512 = Math.max(v('matmul@512', CPU), v('matmul@512', WASM));
  const deep = metrics.deepTape?.cells[TG64];
  return [
    check('MNIST step float64 ≤ 2× numpy float64', mnistVs(TG64, NP64), 2, 'atMost',
      `${f(v('mnist', TG64))} vs ${f(v('mnist', NP64))} ms: ${f(mnistVs(TG64, NP64))}×`),
    check('MNIST step float64 ≥ 2× faster than tfjs wasm', speedup(WASM, TG64, 'mnist'), 2, 'atLeast',
      `${f(speedup(WASM, TG64, 'mnist'))}× (${f(v('mnist', WASM))} vs ${f(v('mnist', TG64))} ms)`),
    check('MNIST step float64 ≥ 7× faster than tfjs cpu', speedup(CPU, TG64, 'mnist'), 7, 'atLeast',
      `${f(speedup(CPU, TG64, 'mnist'))}× (${f(v('mnist', CPU))} vs ${f(v('mnist', TG64))} ms)`),
    check('MNIST step float32 ≤ 3× numpy float32', mnistVs(TG32, NP32), 3, 'atMost',
      `${f(v('mnist', TG32))} vs ${f(v('mnist', NP32))} ms: ${f(mnistVs(TG32, NP32))}×`),
    check('matmul n = 512 float32 ≥ 40 GFLOP/s', v('matmul@512', TG32), 40, 'atLeast', `${f(v('matmul@512', TG32))} GFLOP/s`),
    check('matmul n = 512 float64 ≥ 20 GFLOP/s', v('matmul@512', TG64), 20, 'atLeast', `${f(v('matmul@512', TG64))} GFLOP/s`),
    check('matmul n = 512 float32 ahead of tfjs’s best', v('matmul@512', TG32), tfBest512, 'atLeast',
      `${f(v('matmul@512', TG32))} vs ${f(tfBest512)} GFLOP/s`),
    check('tape overhead ≤ 3 µs/op (10-element tensors, forward + backward)', v('tape', TG64), 3, 'atMost', `${f(v('tape', TG64))} µs/op`),
    check('tape overhead 10× below tfjs cpu', speedup(CPU, TG64, 'tape'), 10, 'atLeast',
      `${f(speedup(CPU, TG64, 'tape'))}× (${f(v('tape', CPU))} vs ${f(v('tape', TG64))} µs/op)`),
    check('no stack overflow on a 100,000-op chain', deep === undefined ? Number.NaN : Number.isFinite(deep.median) ? 1 : 0, 1, 'atLeast',
      deep === undefined ? '' : deep.note ?? ''),
    check('online SGD (1,000 steps of 2-10-1) faster than numpy', v('online', TG64), v('online', NP64), 'atMost',
      `${f(v('online', TG64))} vs ${f(v('online', NP64))} ms`),
  ];
}

// ---- markdown ----------------------------------------------------------------------------

/** 3 significant digits, no exponent below 1e6; '—' for a missing number. */
export function formatNumber(x: number): string {
  if (!Number.isFinite(x)) return '—';
  const a = Math.abs(x);
  if (a >= 100) return Math.round(x).toLocaleString('en-US');
  if (a >= 10) return x.toFixed(1);
  if (a >= 1) return x.toFixed(2);
  if (a === 0) return '0';
  return x.toPrecision(2);
}

const NUMERIC = /^[-−]?[\d,.]+(×|–[\d,.]+)?$|^—$/;

/** A markdown table; a column whose cells are all numbers (or empty) is right-aligned. */
export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]): string => `| ${cells.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`;
  const numeric = header.map((_, i) => rows.some((r) => r[i] !== '') && rows.every((r) => r[i] === '' || NUMERIC.test(r[i] ?? '')));
  const rule = `| ${numeric.map((n) => (n ? '---:' : '---')).join(' | ')} |`;
  return [line(header), rule, ...rows.map(line)].join('\n');
}

const range = (c: Cell | undefined): string => (c === undefined ? '—' : `${formatNumber(c.min)}–${formatNumber(c.max)}`);

/** One metric as rows of implementations: median, spread, note, and ratios to the bases. */
function metricTable(s: Summary, key: string, bases: readonly string[]): string {
  const m = s.metrics[key];
  if (m === undefined) return '_not measured_';
  const info = METRICS[m.metric];
  const present = bases.filter((b) => m.cells[b] !== undefined);
  const notes = Object.values(m.cells).some((c) => c.note !== undefined);
  const header = ['implementation', `${info.unit} (median)`, 'min–max over rounds', ...present.map((b) => `÷ ${b}`), ...(notes ? ['note'] : [])];
  const rows = Object.entries(m.cells).map(([impl, c]) => [
    impl, formatNumber(c.median), range(c), ...present.map((b) => formatNumber(m.ratios[impl]![b]!)), ...(notes ? [c.note ?? ''] : []),
  ]);
  return markdownTable(header, rows);
}

/** The full ratio matrix of one metric: row ÷ column. */
function ratioMatrix(s: Summary, key: string): string {
  const m = s.metrics[key];
  if (m === undefined) return '';
  const names = Object.keys(m.cells);
  return markdownTable(['row ÷ column', ...names], names.map((r) => [r, ...names.map((c) => formatNumber(m.ratios[r]![c]!))]));
}

function matmulTable(s: Summary): string {
  const keys = Object.keys(s.metrics).filter((k) => s.metrics[k]!.metric === 'matmul')
    .sort((a, b) => s.metrics[a]!.param! - s.metrics[b]!.param!);
  const impls = s.impls.filter((i) => keys.some((k) => s.metrics[k]!.cells[i] !== undefined));
  const header = ['implementation', ...keys.map((k) => `n = ${s.metrics[k]!.param}`)];
  const rows = impls.map((i) => [i, ...keys.map((k) => formatNumber(s.metrics[k]!.cells[i]?.median ?? Number.NaN))]);
  return markdownTable(header, rows);
}

function gradientTable(s: Summary): string {
  const [b, n, r] = ['backwardMs', 'numericalS', 'numericalRatio'].map((k) => s.metrics[k]);
  if (b === undefined || n === undefined || r === undefined) return '_not measured_';
  const rows = Object.keys(r.cells).map((i) => [
    i, formatNumber(b.cells[i]?.median ?? Number.NaN), formatNumber(n.cells[i]?.median ?? Number.NaN),
    formatNumber(r.cells[i]!.median), r.cells[i]!.note ?? '',
  ]);
  return markdownTable(['implementation', 'backward (ms)', 'numerical gradient, all parameters (s)', 'numerical ÷ backward', 'how'], rows);
}

function targetsTable(targets: readonly Target[], best: readonly Target[]): string {
  const status = (t: Target | undefined): string =>
    t === undefined || t.met === null ? 'not measured' : t.met ? 'met' : `missed: needs ${formatNumber(t.factor)}× better`;
  return markdownTable(
    ['target', 'medians', 'status', 'best rounds', 'status on best rounds'],
    targets.map((t, i) => [t.text, t.measured, status(t), best[i]?.measured ?? '', status(best[i])]),
  );
}

function numpyLine(label: string, n: MachineFacts['numpy'] | null): string {
  if (n === null) return '';
  if (!n.available) return `${label}: skipped (${n.reason})`;
  const core = n.blasCore === undefined ? '' : `, core ${n.blasCore}, ${n.blasThreads} threads`;
  return `${label}: numpy ${n.numpy}, ${n.blas}${core}`;
}

export function renderMarkdown(s: Summary): string {
  const mc = s.machine;
  const load = (l: number[] | undefined): string => (l === undefined ? '?' : l.join(' '));
  const facts = [
    `- date: ${s.date}; \`pnpm bench${s.mode === 'quick' ? ' --quick' : ''}\`, ${s.rounds} interleaved rounds, ${Math.round(s.seconds)} s`,
    `- CPU: ${mc.cpu} (${mc.simd}), ${mc.cores} cores; Node ${mc.node} (${mc.platform})`,
    `- ${numpyLine('numpy as the environment sets it', mc.numpy)}${mc.openblasEnv.length > 0 ? ` (${mc.openblasEnv.join(', ')})` : ''}`,
    mc.numpyUnset === null ? '' : `- ${numpyLine('numpy with OPENBLAS_* unset', mc.numpyUnset)}`,
    `- load average (1, 5, 15 min) at start ${load(mc.loadAverageStart)}, at end ${load(mc.loadAverageEnd)}`,
    `- tapegrad source: commit ${mc.sourceStart.commit ?? '?'}${mc.sourceStart.dirty ? ' with uncommitted changes in packages/core' : ''} ` +
      `(packages/core/src hash ${mc.sourceStart.hash}${mc.sourceEnd !== undefined && mc.sourceEnd.hash !== mc.sourceStart.hash ? ` → ${mc.sourceEnd.hash}: changed during the run` : ''})`,
  ].filter((l) => l !== '');
  const section = (title: string, body: string): string => `## ${title}\n\n${body}`;
  return [
    '# tapegrad benchmarks',
    facts.join('\n'),
    'Each number is the median over rounds of each round\'s median; ratios are of those medians. ' +
      'Every contender runs in its own child process, one after another, in an order that rotates each round.',
    section(METRICS.mnist.title, `${metricTable(s, 'mnist', [NP64, TG64])}\n\nPairwise (time of row ÷ time of column):\n\n${ratioMatrix(s, 'mnist')}`),
    section(`${METRICS.matmul.title} — ${METRICS.matmul.unit} (median)`, matmulTable(s)),
    section(METRICS.tape.title, metricTable(s, 'tape', [TG64])),
    section(METRICS.deepTape.title, metricTable(s, 'deepTape', [])),
    section(METRICS.online.title, metricTable(s, 'online', [NP64])),
    section('(e) backward versus the numerical gradient, 784-40-10, batch 100', gradientTable(s)),
    s.metrics.conv === undefined ? '' : section(METRICS.conv.title, `${metricTable(s, 'conv', [NP64, TG64])}`),
    section('Targets (numpy as the environment sets it)',
      'On the medians, as the targets are set; and on each implementation\'s best round, the estimate least disturbed by other processes.\n\n' +
      targetsTable(s.targets, s.targetsBest)),
    s.notes.length > 0 ? section('Notes', s.notes.map((n) => `- ${n}`).join('\n')) : '',
  ].filter((p) => p !== '').join('\n\n') + '\n';
}
