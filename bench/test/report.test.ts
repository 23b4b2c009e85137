import { describe, expect, it } from 'vitest';
import type { MachineFacts } from '../src/machine.js';
import { changedFiles, cpuInfo } from '../src/machine.js';
import type { ChildReport, Measurement } from '../src/protocol.js';
import { evaluateTargets, formatNumber, markdownTable, renderMarkdown, summarize, type Summary } from '../src/report.js';

const round = (impl: string, values: Partial<Record<string, number>>): ChildReport => ({
  contender: 'tapegrad-float64',
  info: {},
  measurements: Object.entries(values).map(([key, value]): Measurement => {
    const [metric, param] = key.split('@') as [Measurement['metric'], string | undefined];
    return { impl, metric, value: value!, ...(param === undefined ? {} : { param: Number(param) }) };
  }),
});

// Three rounds of three implementations; medians: tapegrad 5 ms, numpy 1 ms, tfjs cpu 20 ms.
const reports: ChildReport[] = [
  round('numpy float64', { mnist: 1.2, online: 50, tape: 0.5 }),
  round('tapegrad float64', { mnist: 4, 'matmul@512': 10, tape: 2, online: 40 }),
  round('tfjs cpu float32', { mnist: 20, 'matmul@512': 1.1, tape: 30 }),
  round('tapegrad float64', { mnist: 6, 'matmul@512': 30, tape: 4, online: 60 }),
  round('numpy float64', { mnist: 0.8, online: 50, tape: 0.5 }),
  round('tfjs cpu float32', { mnist: 22, 'matmul@512': 1, tape: 31 }),
  round('tapegrad float64', { mnist: 5, 'matmul@512': 20, tape: 3, online: 45 }),
  round('tfjs cpu float32', { mnist: 18, 'matmul@512': 1.2, tape: 29 }),
  round('numpy float64', { mnist: 1, online: 50, tape: 0.5 }),
];

describe('summarize', () => {
  const { impls, metrics } = summarize(reports);
  it('takes each implementation’s median over rounds, in display order', () => {
    expect(impls).toEqual(['tapegrad float64', 'tfjs cpu float32', 'numpy float64']);
    expect(metrics.mnist!.cells['tapegrad float64']).toMatchObject({ median: 5, min: 4, max: 6, rounds: [4, 6, 5] });
    expect(metrics.mnist!.cells['numpy float64']!.median).toBe(1);
    expect(metrics['matmul@512']!.param).toBe(512);
    expect(metrics['matmul@512']!.cells['tapegrad float64']!.median).toBe(20);
  });
  it('gives ratios of the medians', () => {
    expect(metrics.mnist!.ratios['tapegrad float64']!['numpy float64']).toBe(5);
    expect(metrics.mnist!.ratios['tfjs cpu float32']!['tapegrad float64']).toBe(4);
  });
});

describe('evaluateTargets', () => {
  const targets = evaluateTargets(summarize(reports).metrics);
  const find = (start: string) => targets.find((t) => t.text.startsWith(start))!;
  it('says by how much a target is missed', () => {
    expect(find('MNIST step float64 ≤ 2×')).toMatchObject({ met: false, factor: 2.5, measured: '5.00 vs 1.00 ms: 5.00×' });
    expect(find('MNIST step float64 ≥ 7×')).toMatchObject({ met: false, measured: '4.00× (20.0 vs 5.00 ms)' });
    expect(find('MNIST step float64 ≥ 7×').factor).toBeCloseTo(1.75, 12);
    expect(find('matmul n = 512 float64')).toMatchObject({ met: true, factor: 1 });
    expect(find('tape overhead ≤ 3')).toMatchObject({ met: true, factor: 1 });
    expect(find('tape overhead 10×')).toMatchObject({ met: true, factor: 1 });
    expect(find('online SGD')).toMatchObject({ met: true, factor: 0.9 });
  });
  it('on best rounds takes the fastest time and the highest GFLOP/s', () => {
    const best = evaluateTargets(summarize(reports).metrics, 'best');
    const at = (start: string) => best.find((t) => t.text.startsWith(start))!;
    expect(at('MNIST step float64 ≥ 7×').measured).toBe('4.50× (18.0 vs 4.00 ms)');
    expect(at('matmul n = 512 float64').measured).toBe('30.0 GFLOP/s');
    expect(at('tape overhead ≤ 3')).toMatchObject({ measured: '2.00 µs/op', met: true });
  });
  it('compares the plain MNIST step with the fastest tapegrad variant of its dtype', () => {
    const plain = evaluateTargets(summarize([
      ...reports, round('tapegrad float64, plain batch', { mnist: 6 }), round('tapegrad float32, plain batch', { mnist: 1 }),
      round('tapegrad float32', { mnist: 2 }),
    ]).metrics);
    const at = (start: string) => plain.find((t) => t.text.startsWith(start))!;
    expect(at('MNIST step float64 written plainly')).toMatchObject({ met: false, measured: '6.00 vs 5.00 ms: 1.20×' });
    expect(at('MNIST step float32 written plainly')).toMatchObject({ met: true, measured: '1.00 vs 1.00 ms: 1.00×' });
  });
  it('marks a target whose contender did not run as not measured', () => {
    expect(find('MNIST step float32')).toMatchObject({ met: null, measured: 'not measured' });
    expect(find('no stack overflow')).toMatchObject({ met: null });
  });
});

describe('markdown', () => {
  it('renders a table, right-aligning the numeric columns', () => {
    expect(markdownTable(['implementation', 'ms', 'note'], [['numpy', '0.93', ''], ['tfjs', '—', 'one thread']])).toBe(
      '| implementation | ms | note |\n| --- | ---: | --- |\n| numpy | 0.93 |  |\n| tfjs | — | one thread |',
    );
  });
  it('formats numbers to about three significant digits', () => {
    expect([1622.4, 82.14, 5.8, 0.2734, 0, Number.NaN].map(formatNumber)).toEqual(['1,622', '82.1', '5.80', '0.27', '0', '—']);
  });
  it('renders the whole report with the machine facts and the tables', () => {
    const machine: MachineFacts = {
      cpu: 'AMD EPYC', simd: 'avx512f avx2 fma', cores: 2, node: 'v20.20.2', platform: 'linux x64',
      numpy: { available: true, numpy: '2.4.6', blas: 'scipy-openblas 0.3.31', blasCore: 'Haswell', blasThreads: 2 },
      numpyUnset: { available: true, numpy: '2.4.6', blas: 'scipy-openblas 0.3.31', blasCore: 'SkylakeX', blasThreads: 2 },
      openblasEnv: ['OPENBLAS_CORETYPE=Haswell'], loadAverageStart: [0.5, 0.4, 0.3], loadAverageEnd: [1, 0.8, 0.5],
      sourceStart: { commit: '55d2ae3', dirty: true, hash: 'aaaaaaaaaaaa', files: { 'a.ts': '1', 'b.ts': '2' } },
      sourceEnd: { commit: '55d2ae3', dirty: true, hash: 'bbbbbbbbbbbb', files: { 'a.ts': '1', 'b.ts': '3', 'c.ts': '4' } },
    };
    const { impls, metrics } = summarize(reports);
    const s: Summary = {
      date: '2026-11-29T10:00:00.000Z', mode: 'full', rounds: 3, seconds: 412, machine, notes: ['a note'],
      impls, metrics, targets: evaluateTargets(metrics), targetsBest: evaluateTargets(metrics, 'best'),
    };
    const md = renderMarkdown(s);
    expect(md).toContain('- date: 2026-11-29T10:00:00.000Z; `pnpm bench`, 3 interleaved rounds, 412 s');
    expect(md).toContain('- CPU: AMD EPYC (avx512f avx2 fma), 2 cores; Node v20.20.2 (linux x64)');
    expect(md).toContain('numpy 2.4.6, scipy-openblas 0.3.31, core Haswell, 2 threads (OPENBLAS_CORETYPE=Haswell)');
    expect(md).toContain('numpy with OPENBLAS_* unset: numpy 2.4.6, scipy-openblas 0.3.31, core SkylakeX');
    expect(md).toContain('| tapegrad float64 | 5.00 | 4.00–6.00 | 5.00 | 1.00 |\n');
    expect(md).toContain('| tfjs cpu float32 | 4.00 | 1.00 | 20.0 |'); // pairwise row: 20 ÷ 5, 20 ÷ 20, 20 ÷ 1
    expect(md).toContain('| implementation | n = 512 |\n| --- | ---: |\n| tapegrad float64 | 20.0 |\n| tfjs cpu float32 | 1.10 |');
    expect(md).toContain('| MNIST step float64 ≤ 2× numpy float64 | 5.00 vs 1.00 ms: 5.00× | missed: needs 2.50× better | 4.00 vs 0.80 ms: 5.00× | missed: needs 2.50× better |');
    expect(md).toContain('- a note');
    expect(md).toContain('- tapegrad source: commit 55d2ae3 with uncommitted changes in packages/core (packages/core/src hash aaaaaaaaaaaa → bbbbbbbbbbbb: changed during the run)');
    expect(changedFiles(machine.sourceStart, machine.sourceEnd!)).toEqual(['b.ts', 'c.ts']);
  });
});

describe('cpuInfo', () => {
  it('reads the model and the vector extensions from /proc/cpuinfo', () => {
    const text = 'processor\t: 0\nmodel name\t: AMD EPYC\nflags\t\t: fpu sse4_2 avx2 fma avx512f avx512ifma\n';
    expect(cpuInfo(text)).toEqual({ cpu: 'AMD EPYC', simd: 'avx512f avx2 fma sse4_2' });
  });
});
