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

const root = fileURLToPath(new URL('../..', import.meta.url));
const examples = join(root, 'examples');

interface Block {
  heading: string;
  code: string;
  /** A ```text block right after the code (at most two lines of prose between): its whole output. */
  output: string | null;
}

function fenced(lines: string[], start: number): [string, number] {
  const body: string[] = [];
  let i = start + 1;
  for (; i < lines.length && lines[i]!.trim() !== '```'; i++) body.push(lines[i]!);
  return [body.join('\n'), i];
}

/** Every ```ts block of a markdown file, with the section heading above it and its printed output if shown. */
export function tsBlocks(markdown: string): Block[] {
  const out: Block[] = [];
  let heading = '';
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.startsWith('#') && !line.startsWith('#####')) heading = line.replace(/^#+\s*/, '');
    if (line.trim() !== '```ts') continue;
    const [code, end] = fenced(lines, i);
    i = end;
    let output: string | null = null;
    for (let j = i + 1; j <= i + 3 && j < lines.length; j++) {
      if (lines[j]!.trim() === '```text') {
        output = fenced(lines, j)[0];
        break;
      }
      if (lines[j]!.startsWith('```') || lines[j]!.startsWith('#')) break;
    }
    out.push({ heading, code, output });
  }
  return out;
}

/** The text after `// ` on each console.log line: what that line must print. */
function expectedOutput(code: string): string[] {
  return code
    .split('\n')
    .filter((l) => /^\s*console\.log\(.*\);\s*\/\/ /.test(l))
    .map((l) => l.slice(l.indexOf(');') + 2).replace(/^\s*\/\/ /, ''));
}

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

const readme = readFileSync(join(root, 'README.md'), 'utf8');

describe('README code blocks run as written', () => {
  const blocks = tsBlocks(readme);
  it('the README has code blocks', () => {
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
