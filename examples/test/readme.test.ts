/**
 * The README's TypeScript blocks run as written: each block is saved next to the
 * examples (so it resolves the workspace packages), run with tsx from the sources,
 * and every `console.log(…); // expected` line must print exactly `expected`.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const examples = join(root, 'examples');

/** Every ```ts block of a markdown file, with the section heading above it. */
export function tsBlocks(markdown: string): { heading: string; code: string }[] {
  const out: { heading: string; code: string }[] = [];
  let heading = '';
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.startsWith('#')) heading = line.replace(/^#+\s*/, '');
    if (line.trim() === '```ts') {
      const body: string[] = [];
      for (i++; i < lines.length && lines[i]!.trim() !== '```'; i++) body.push(lines[i]!);
      out.push({ heading, code: body.join('\n') });
    }
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

export function runBlock(code: string): string {
  const dir = mkdtempSync(join(examples, '.readme-'));
  try {
    const file = join(dir, 'block.ts');
    writeFileSync(file, code);
    return execFileSync(process.execPath, ['--import', 'tsx', '--conditions=@tapegrad/source', file], {
      cwd: examples,
      encoding: 'utf8',
      timeout: 60_000,
    });
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
  blocks.forEach(({ heading, code }, i) => {
    it(`block ${i + 1} (${heading})`, () => {
      const printed = runBlock(code).trimEnd().split('\n');
      const expected = expectedOutput(code);
      // Every expected line must be printed; blocks may print more (tables, reports).
      const matched = expected.map((e) => printed.find((p) => p === e) ?? `<missing: ${e}>`);
      expect(matched).toEqual(expected);
    }, 120_000);
  });
});
