import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ArgumentError } from '@tapegrad/core';
import { DEFAULT_OUT_DIR, choiceFlag, integerFlag, parseCli, positiveFlag, usage, type CliSpec } from '../../lib/cli.js';

const spec: CliSpec = {
  name: 'demo.ts',
  summary: 'A test script.',
  plots: true,
  flags: { inputs: { type: 'string', arg: 'LOW..HIGH', help: 'range' }, batch: { type: 'string', arg: 'N', help: 'batch size' } },
};

describe('parseCli', () => {
  it('defaults: seed 0, not quiet, plots to examples/out', () => {
    expect(parseCli([], spec)).toEqual({ common: { seed: 0, quiet: false, outDir: DEFAULT_OUT_DIR }, flags: {}, help: false });
  });

  it('reads the common flags and the script\'s own', () => {
    const cli = parseCli(['--seed', '7', '--quiet', '--batch', '10', '--out', '/tmp/plots'], spec);
    expect(cli.common).toEqual({ seed: 7, quiet: true, outDir: '/tmp/plots' });
    expect(cli.flags.batch).toBe('10');
  });

  it('takes a value that starts with a minus sign: --inputs -5..5', () => {
    expect(parseCli(['--inputs', '-5..5'], spec).flags.inputs).toBe('-5..5');
  });

  it('rejects unknown flags with the usage, and bad seeds', () => {
    expect(() => parseCli(['--sed', '1'], spec)).toThrow(ArgumentError);
    expect(() => parseCli(['--sed', '1'], spec)).toThrow(/Usage: .*examples\/demo\.ts/);
    expect(() => parseCli(['--seed', '-1'], spec)).toThrow('demo.ts: --seed must be an integer ≥ 0, got "-1"');
    expect(() => parseCli(['--out', '/tmp'], { ...spec, plots: false })).toThrow(ArgumentError);
  });

  it('lists every flag in the usage', () => {
    const text = usage(spec);
    for (const flag of ['--inputs LOW..HIGH', '--batch N', '--out DIR', '--seed N', '--quiet', '--help']) expect(text).toContain(flag);
  });
});

describe('flag values', () => {
  it('integers, positive numbers and choices, with errors naming the flag', () => {
    expect(integerFlag('s', 'steps', '12', 1)).toBe(12);
    expect(() => integerFlag('s', 'steps', '1.5', 1)).toThrow('s: --steps must be an integer ≥ 1, got "1.5"');
    expect(() => integerFlag('s', 'steps', '0', 1)).toThrow(ArgumentError);
    expect(positiveFlag('s', 'lr', '0.07')).toBe(0.07);
    expect(() => positiveFlag('s', 'lr', '-1')).toThrow('s: --lr must be a positive number, got "-1"');
    expect(choiceFlag('s', 'init', 'he', ['randn', 'he'] as const)).toBe('he');
    expect(() => choiceFlag('s', 'init', 'zeros', ['randn', 'he'] as const)).toThrow('s: --init must be one of randn, he, got "zeros"');
  });
});

describe('running a script directly', () => {
  const script = fileURLToPath(new URL('../../1_1_forward_propagation.ts', import.meta.url));
  const run = (...args: string[]) =>
    spawnSync(process.execPath, ['--import', 'tsx', '--conditions=@tapegrad/source', script, ...args], { encoding: 'utf8', timeout: 60_000 });

  it('runs main with the flags: --quiet prints the summary', () => {
    const out = execFileSync(process.execPath, ['--import', 'tsx', '--conditions=@tapegrad/source', script, '--quiet'], { encoding: 'utf8' });
    expect(out.split('\n')[2]).toBe('threeLayer: y = [1.56  3.222]');
  }, 60_000);

  it('a bad flag prints the error and exits with status 2', () => {
    const r = run('--seed', 'x');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('error: 1_1_forward_propagation.ts: --seed must be an integer ≥ 0, got "x"');
  }, 60_000);
});
