/**
 * The README's code runs as written: each ```ts block is run (with the package names pointed
 * at the sources) and what it prints must equal the ```text block that follows it.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const here = resolve(__dirname);
const sources: Record<string, string> = {
  '@tapegrad/nn/course': resolve(here, '../src/course.ts'),
  '@tapegrad/nn': resolve(here, '../src/index.ts'),
  '@tapegrad/core': resolve(here, '../../core/src/index.ts'),
};
const readme = readFileSync(resolve(here, '../README.md'), 'utf8');
const examples = [...readme.matchAll(/```ts\n([\s\S]*?)```\s*```text\n([\s\S]*?)```/g)].map((m) => ({ code: m[1]!, output: m[2]! }));
const dir = mkdtempSync(join(tmpdir(), 'tapegrad-nn-readme-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs `code` as a module and returns what it printed with console.log. */
async function run(code: string, file: string): Promise<string> {
  const source = code.replace(/from '(@tapegrad\/[a-z/]+)'/g, (whole, name: string) => (name in sources ? `from '${sources[name]}'` : whole));
  writeFileSync(file, source);
  const lines: string[] = [];
  const log = console.log;
  console.log = (...args: unknown[]) => void lines.push(args.map(String).join(' '));
  try {
    await import(file);
  } finally {
    console.log = log;
  }
  return lines.join('\n') + '\n';
}

describe('README', () => {
  it('has examples, each followed by its output', () => {
    expect(examples.length).toBe([...readme.matchAll(/```ts\n/g)].length);
    expect(examples.length).toBeGreaterThanOrEqual(4);
  });
  examples.forEach(({ code, output }, i) => {
    it(`example ${i + 1} prints what the README shows`, async () => {
      expect(await run(code, join(dir, `example-${i + 1}.ts`))).toBe(output);
    });
  });
});
