/**
 * The README's TypeScript blocks run as written: each block is saved next to the
 * examples (so it resolves the workspace packages), run with tsx from the sources,
 * and every `console.log(…); // expected` line must print exactly `expected`.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { expectedOutput, tsBlocks } from './markdown.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const examples = join(root, 'examples');

const run = promisify(execFile);

/** Runs a block as its own program, from a folder inside examples/ so that it resolves the workspace packages. */
export async function runBlock(code: string): Promise<string> {
  const dir = mkdtempSync(join(examples, '.readme-'));
  try {
    const file = join(dir, 'block.ts');
    writeFileSync(file, code);
    // cwd is the block's own folder, so files a block writes are cleaned up with it.
    const { stdout } = await run(process.execPath, ['--import', 'tsx', '--conditions=@tapegrad/source', file], {
      cwd: dir,
      encoding: 'utf8',
      timeout: 60_000,
    });
    return stdout;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// docs/troubleshooting.md is a README section kept in its own file.
describe.each(['README.md', 'docs/troubleshooting.md'])('%s code blocks run as written', (file) => {
  const blocks = tsBlocks(readFileSync(join(root, file), 'utf8'));
  it('it has code blocks', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(2);
  });
  blocks.forEach(({ heading, code, output }, i) => {
    // Each block is a separate process: run them side by side.
    it.concurrent(`block ${i + 1} (${heading})`, async () => {
      const stdout = (await runBlock(code)).trimEnd();
      // A ```text block shown after the code is its whole output, exactly.
      if (output !== null) expect(stdout).toBe(output.trimEnd());
      // Every `console.log(…); // x` line prints exactly x (blocks may print more).
      const printed = stdout.split('\n');
      const expected = expectedOutput(code);
      const matched = expected.map((e) => printed.find((p) => p === e) ?? `<missing: ${e}>`);
      expect(matched).toEqual(expected);
    }, 120_000);
  });
});
