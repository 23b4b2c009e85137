/**
 * The README's first screen says how to run your own script: put it in scratch/ and run
 * `npx -y pnpm@12.4.2 tsx scratch/FILE.ts` from the repository root. This runs that command as
 * written, on the committed example and on a script of a user's own, and checks that the
 * repository's typecheck (and so `pnpm run docs`, which uses the same tsconfig) leaves scratch/ alone.
 */
import { execFile } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from './build.js';

const run = promisify(execFile);
const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
const firstScreen = readme.split('\n').slice(0, 40).join('\n');
const command = /^(npx -y pnpm@12\.4\.2 tsx) scratch\/hello\.ts\b/m.exec(firstScreen);

/** Runs the README's command on `file` (relative to the root) from the repository root; returns what it printed. */
async function runScript(file: string): Promise<string> {
  const [bin, ...args] = command![1]!.split(' ');
  const { stdout } = await run(bin!, [...args, file], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
  return stdout.trim();
}

const own = join('scratch', `own-${process.pid}.ts`);
afterAll(() => rmSync(join(ROOT, own), { force: true }));

describe('running your own script from the repository root', () => {
  it('the README\'s first screen gives the command', () => {
    expect(command).not.toBeNull();
  });

  it.concurrent('runs scratch/hello.ts as written', async () => {
    expect(await runScript('scratch/hello.ts')).toBe('weight 2.000, bias 1.000');
  }, 120_000);

  it.concurrent('runs a new script using every entry of the three packages', async () => {
    writeFileSync(join(ROOT, own), [
      "import { tensor } from '@tapegrad/core';",
      "import { exists } from '@tapegrad/core/node';",
      "import { Linear } from '@tapegrad/nn';",
      "import { relu } from '@tapegrad/nn/course';",
      "import { SGD } from '@tapegrad/optim';",
      'const layer = new Linear(2, 1, { weight: [[1], [-1]], bias: [0] });',
      'new SGD(layer.parameters());',
      "console.log(relu(layer.forward(tensor([[3, 1]]))).toString(), exists('no such file'));",
    ].join('\n'));
    expect(await runScript(own)).toBe('[[2.]] false');
  }, 120_000);

  it('pnpm typecheck and pnpm run docs do not sweep scratch/ in', () => {
    const tsconfig = JSON.parse(readFileSync(join(ROOT, 'tsconfig.json'), 'utf8')) as { include: string[] };
    expect(tsconfig.include.filter((pattern) => pattern.startsWith('scratch') || pattern.startsWith('**') || pattern === '.')).toEqual([]);
    expect(readFileSync(join(ROOT, 'typedoc.config.mjs'), 'utf8')).toMatch(/tsconfig: fileURLToPath\(new URL\('\.\/tsconfig\.json'/);
  });
});
