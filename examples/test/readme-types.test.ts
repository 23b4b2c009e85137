/**
 * Every ```ts block of the READMEs and docs type-checks under the repository's strict settings,
 * as a user's file importing the packages by name: one `tsc` run over all of them (each block its
 * own module), so a documented call that only runs (`model.loadStateDict(load(path).model!)`)
 * but does not compile for a user is caught.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from './build.js';
import { tsBlocks } from './markdown.js';

const run = promisify(execFile);

/** README.md, docs/*.md and each package's and folder's README. */
const SOURCES = [
  'README.md',
  ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`),
  ...['core', 'nn', 'optim'].map((p) => `packages/${p}/README.md`),
  'examples/README.md', 'bench/README.md', 'examples/playground/README.md',
];

const blocks = SOURCES.flatMap((source) =>
  tsBlocks(readFileSync(join(ROOT, source), 'utf8')).map((b, i) => ({ source, index: i + 1, heading: b.heading, code: b.code })),
);
// Inside examples/, so that the packages resolve as they do for the examples (their sources, by the source condition).
const dir = mkdtempSync(join(ROOT, 'examples', '.readme-types-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const fileOf = (b: { source: string; index: number }) => `${b.source.replace(/[/.]/g, '_')}_${b.index}.ts`;

describe('README and docs code blocks type-check under strict', () => {
  it('finds the blocks of every file', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(25);
    expect(new Set(blocks.map((b) => b.source))).toEqual(new Set(['README.md', 'docs/troubleshooting.md', 'packages/core/README.md', 'packages/nn/README.md', 'packages/optim/README.md']));
  });

  it('tsc reports no error in any block', async () => {
    for (const b of blocks) writeFileSync(join(dir, fileOf(b)), b.code);
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({
      extends: '../../tsconfig.base.json',
      // Each block is a module of its own even without imports; strict comes from the base config.
      compilerOptions: { noEmit: true, strict: true, moduleDetection: 'force' },
      include: ['*.ts'],
    }));
    const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    const out = await run(process.execPath, [tsc, '-p', join(dir, 'tsconfig.json'), '--pretty', 'false'], { cwd: dir, encoding: 'utf8' })
      .then(({ stdout }) => stdout, (e: { stdout: string }) => e.stdout);
    // Name each error by its file and section rather than by the temporary file.
    const named = out.trim().split('\n').filter((l) => l !== '').map((line) => {
      const b = blocks.find((x) => line.includes(fileOf(x)));
      return b === undefined ? line : `${b.source} block ${b.index} (${b.heading}): ${line.slice(line.indexOf(fileOf(b)) + fileOf(b).length)}`;
    });
    expect(named).toEqual([]);
  }, 180_000);
});
