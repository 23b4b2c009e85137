/**
 * The MNIST step alone, step by step, for A/B work on a busy machine and for profiles:
 * `npx tsx --conditions=@tapegrad/source bench/mnist-steps.ts [--rounds 3] [--steps 2000]`
 * runs tapegrad (float64/float32; the batch by `take` (plain), as a fresh array (fresh), or refilled in
 * place (refill)) and numpy (float64/float32) interleaved, each in its own child (`--base DIR` adds the
 * same tapegrad rows run from another checkout, for before/after), and prints per-step wall-time percentiles (min, p10, median), the mean (what a training run's wall time is made of:
 * it counts the slow steps that the percentiles pass over) and CPU time per step.
 * When other processes take the cores, the min and p10 of single steps stay near the undisturbed
 * time while the median does not. `… bench/mnist-steps.ts child float64 plain 3000` runs one child
 * (wrap it in `node --cpu-prof --import tsx/esm --conditions=@tapegrad/source` for a profile).
 */
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { NUMPY_SCRIPT, PYTHON, lastLine } from './src/contenders/numpy.js';
import { MNIST } from './src/protocol.js';

interface Stats { min: number; p10: number; median: number; mean: number; cpu: number; rssMB: number }

const pick = (xs: number[], q: number): number => xs[Math.min(xs.length - 1, Math.floor(q * xs.length))]!;

type Variant = 'plain' | 'fresh' | 'refill';

async function child(dtype: 'float64' | 'float32', variant: Variant, steps: number): Promise<Stats> {
  const { tapegradContender } = await import('./src/contenders/tapegrad.js');
  const c = tapegradContender(dtype);
  const step = variant === 'plain' ? c.mnistPlainStep!(MNIST) : variant === 'fresh' ? c.mnistFreshStep!(MNIST) : c.mnistStep(MNIST);
  // Warm-up: V8 tiers up the wasm kernel and the JavaScript around it in the background.
  for (const t0 = performance.now(); performance.now() - t0 < 1500;) step();
  const times: number[] = [];
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < steps; i++) {
    const t = performance.now();
    step();
    times.push(performance.now() - t);
  }
  const cpu = process.cpuUsage(cpu0);
  const mean = times.reduce((sum, t) => sum + t, 0) / steps;
  times.sort((a, b) => a - b);
  return { min: times[0]!, p10: pick(times, 0.1), median: pick(times, 0.5), mean, cpu: (cpu.user + cpu.system) / 1000 / steps, rssMB: process.resourceUsage().maxRSS / 1024 };
}

async function main(): Promise<void> {
  if (process.argv[2] === 'child') {
    const [, , , dtype, variant, steps] = process.argv;
    process.stdout.write(`${JSON.stringify(await child(dtype as 'float64', variant as Variant, Number(steps)))}\n`);
    return;
  }
  const { values } = parseArgs({
    options: { rounds: { type: 'string', default: '3' }, steps: { type: 'string', default: '2000' }, only: { type: 'string' }, base: { type: 'string' } },
  });
  const self = fileURLToPath(import.meta.url);
  const tg = (dtype: string, variant: Variant): [string, string, string[]][] => [
    [`tapegrad ${dtype} ${variant}`, process.execPath, [...process.execArgv, self, 'child', dtype, variant, values.steps]],
    // --base DIR: the same child from another checkout (e.g. a worktree of main), interleaved, for
    // before/after. NOTE: not 'fresh', which older checkouts lack (there, 'plain' was the fresh array).
    ...(values.base === undefined || variant === 'fresh' ? [] : [[`base ${dtype} ${variant}`, process.execPath,
      [...process.execArgv, `${values.base}/bench/mnist-steps.ts`, 'child', dtype, variant, values.steps]] as [string, string, string[]]]),
  ];
  const all: [string, string, string[]][] = [
    ...tg('float64', 'plain'), ...tg('float64', 'fresh'), ...tg('float64', 'refill'),
    ['numpy float64', PYTHON, [NUMPY_SCRIPT, 'steps', JSON.stringify(MNIST), 'float64', values.steps]],
    ...tg('float32', 'plain'), ...tg('float32', 'fresh'), ...tg('float32', 'refill'),
    ['numpy float32', PYTHON, [NUMPY_SCRIPT, 'steps', JSON.stringify(MNIST), 'float32', values.steps]],
  ];
  const rows = all.filter(([name]) => values.only === undefined || values.only.split(',').some((o) => name.includes(o)));
  const results = new Map<string, Stats[]>(rows.map(([n]) => [n, []]));
  const load0 = loadavg()[0]!.toFixed(2);
  for (let r = 0; r < Number(values.rounds); r++) {
    for (const [name, cmd, args] of rows) {
      // The base checkout runs from its own directory (its node_modules and sources).
      const cwd = name.startsWith('base ') ? values.base : undefined;
      const out = spawnSync(cmd, args, { encoding: 'utf8', cwd });
      if (out.status !== 0) {
        // A base checkout may lack a variant (e.g. 'fresh'): its row stays empty.
        if (cwd !== undefined) continue;
        throw new Error(`${name}: ${out.stderr}`);
      }
      results.get(name)!.push(JSON.parse(lastLine(out.stdout)) as Stats);
    }
  }
  const med = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const f = (x: number): string => x.toFixed(3);
  console.log(`load average ${load0} → ${loadavg()[0]!.toFixed(2)}; ${values.rounds} rounds × ${values.steps} steps; ms per step, median over rounds [min–max over rounds]`);
  console.log('| row | min step | p10 step | median step | mean step | CPU ms/step | peak RSS MB |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const [name, st] of results) {
    if (st.length === 0) continue;
    const col = (k: keyof Stats): string => `${f(med(st.map((s) => s[k])))} [${f(Math.min(...st.map((s) => s[k])))}–${f(Math.max(...st.map((s) => s[k])))}]`;
    console.log(`| ${name} | ${col('min')} | ${col('p10')} | ${col('median')} | ${col('mean')} | ${col('cpu')} | ${med(st.map((s) => s.rssMB)).toFixed(0)} |`);
  }
}

await main();
