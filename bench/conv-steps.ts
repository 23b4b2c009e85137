/**
 * The course's deep convnet (2_8, built from nn's layers as the example builds it) step by step,
 * for A/B work on a busy machine and for profiles:
 * `npx tsx --conditions=@tapegrad/source bench/conv-steps.ts [--rounds 3] [--steps 6] [--only float64]`
 * runs float64 and float32 children interleaved and prints per-step wall time (min, p10, median) of a
 * training step (forward, backward, Adam on a batch of 100) and of an evaluation forward (no tape, 100
 * digits), and CPU time per training step. The data is synthetic (uniform pixels, random labels): the
 * time does not depend on the values. `… bench/conv-steps.ts child float64 6` runs one child (wrap it
 * in `node --cpu-prof --import tsx/esm --conditions=@tapegrad/source` for a profile).
 */
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

interface Stats { train: number[]; evalFwd: number[]; cpu: number }

const pick = (xs: number[], q: number): number => xs[Math.min(xs.length - 1, Math.floor(q * xs.length))]!;

async function child(dtype: 'float64' | 'float32', steps: number): Promise<Stats> {
  const { Generator, noGrad, tensor } = await import('@tapegrad/core');
  const { crossEntropy } = await import('@tapegrad/nn');
  const { Adam } = await import('@tapegrad/optim');
  const { convNet } = await import('../examples/lib/convnet.js');
  const g = new Generator(1);
  const net = convNet('deep', g, dtype);
  const optimizer = new Adam(net.parameters(), { lr: 0.001, beta1: 0.9, beta2: 0.999, eps: 1e-7 });
  const batch = 100;
  const pixels = g.rand([batch * 784]).data;
  const x = tensor(Array.from(pixels), { shape: [batch, 1, 28, 28], dtype });
  const d = tensor(Array.from({ length: batch }, (_, i) => (i * 7) % 10), { dtype: 'int32' });
  const trainStep = (): void => {
    optimizer.zeroGrad();
    crossEntropy(net.forward(x), d).backward();
    optimizer.step();
  };
  const evalStep = (): void => {
    net.eval();
    noGrad(() => net.forward(x));
    net.train();
  };
  trainStep(); // warm-up
  evalStep();
  const train: number[] = [];
  const evalFwd: number[] = [];
  const cpu0 = process.cpuUsage();
  let cpuTrain = 0;
  for (let i = 0; i < steps; i++) {
    const c0 = process.cpuUsage();
    let t = performance.now();
    trainStep();
    train.push(performance.now() - t);
    const c = process.cpuUsage(c0);
    cpuTrain += (c.user + c.system) / 1000;
    t = performance.now();
    evalStep();
    evalFwd.push(performance.now() - t);
  }
  void cpu0;
  return { train, evalFwd, cpu: cpuTrain / steps };
}

function summary(xs: number[]): string {
  const s = [...xs].sort((a, b) => a - b);
  return `min ${s[0]!.toFixed(0)}, p10 ${pick(s, 0.1).toFixed(0)}, median ${pick(s, 0.5).toFixed(0)}`;
}

async function main(): Promise<void> {
  if (process.argv[2] === 'child') {
    const [, , , dtype, steps] = process.argv;
    process.stdout.write(`${JSON.stringify(await child(dtype as 'float64', Number(steps)))}\n`);
    return;
  }
  const { values } = parseArgs({ options: { rounds: { type: 'string', default: '3' }, steps: { type: 'string', default: '6' }, only: { type: 'string' } } });
  const self = fileURLToPath(import.meta.url);
  const dtypes = ['float64', 'float32'].filter((d) => values.only === undefined || values.only.split(',').includes(d));
  const results = new Map<string, Stats[]>(dtypes.map((d) => [d, []]));
  const load0 = loadavg().map((l) => l.toFixed(2)).join(' ');
  for (let r = 0; r < Number(values.rounds); r++) {
    for (const dtype of dtypes) {
      const out = spawnSync(process.execPath, [...process.execArgv, self, 'child', dtype, values.steps], { encoding: 'utf8' });
      if (out.status !== 0) throw new Error(`${dtype}: ${out.stderr}`);
      const s = JSON.parse(out.stdout.trim().split('\n').pop()!) as Stats;
      results.get(dtype)!.push(s);
      process.stderr.write(`round ${r + 1} ${dtype}: train ${summary(s.train)} ms; eval forward ${summary(s.evalFwd)} ms\n`);
    }
  }
  console.log(`load average before: ${load0}; after: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  console.log('| dtype | train step ms (min, p10, median over all rounds) | min per round | eval forward ms (min, p10, median) | CPU ms/train step (per round) |');
  console.log('| --- | --- | --- | --- | --- |');
  for (const [dtype, rs] of results) {
    const train = rs.flatMap((s) => s.train);
    const ev = rs.flatMap((s) => s.evalFwd);
    const mins = rs.map((s) => Math.min(...s.train).toFixed(0)).join(', ');
    console.log(`| ${dtype} | ${summary(train)} | ${mins} | ${summary(ev)} | ${rs.map((s) => s.cpu.toFixed(0)).join(', ')} |`);
  }
}

await main();
