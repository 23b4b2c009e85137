/**
 * The README's code blocks run as written: each ```ts block is run with its imports
 * bound to the real packages, and what it logs is checked against its comments.
 */
import { readFileSync } from 'node:fs';
import { transformWithOxc } from 'vite';
import { describe, expect, it, vi } from 'vitest';
import * as core from '@tapegrad/core';
import * as nn from '@tapegrad/nn';
import * as optim from '../src/index.js';

const packages: Record<string, Record<string, unknown>> = { '@tapegrad/core': core, '@tapegrad/nn': nn, '@tapegrad/optim': optim };
const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
const IMPORT = /^import \{([^}]*)\} from '([^']+)';$/gm;

/** The block with its imports removed, TypeScript compiled to JavaScript. */
async function compile(code: string): Promise<string> {
  return (await transformWithOxc(code.replace(IMPORT, ''), 'block.ts')).code;
}

/** Runs a block (its import lines replaced by bindings) and returns what it passed to console.log. */
async function run(code: string): Promise<unknown[][]> {
  const names: string[] = [];
  const values: unknown[] = [];
  for (const [, list, from] of code.matchAll(IMPORT)) {
    for (const name of list!.split(',').map((s) => s.trim()).filter((s) => s && !s.startsWith('type '))) {
      expect(packages[from!]?.[name], `${name} from ${from}`).toBeDefined();
      names.push(name);
      values.push(packages[from!]![name]);
    }
  }
  const js = await compile(code);
  const logs: unknown[][] = [];
  const spy = vi.spyOn(console, 'log').mockImplementation((...args) => void logs.push(args));
  try {
    new Function(...names, js)(...values);
  } finally {
    spy.mockRestore();
  }
  return logs;
}

describe('packages/optim/README.md', () => {
  it('has the five examples', () => {
    expect(blocks.length).toBe(5);
  });

  it('the course’s online SGD loop: the mean loss of 100 draws falls from 0.308… to 8.9e-4…', async () => {
    const [[first, last]] = await run(blocks[0]!) as [[number, number]];
    expect(first).toBeCloseTo(0.3079968167850948, 12);
    expect(last).toBeCloseTo(0.0008926348643298475, 12);
  });

  it('a cosine schedule starts at lr', async () => {
    expect(await run(blocks[1]!)).toEqual([[0.1]]);
  });

  it('a state dict round trip', async () => {
    const [[count, m]] = await run(blocks[2]!) as [[number, Float64Array]];
    // m = (1 - 0.9) * g with g = 2w = [2, 4, 6]; python: [(1 - 0.9) * g for g in (2, 4, 6)]
    expect([count, Array.from(m)]).toEqual([1, [0.19999999999999996, 0.3999999999999999, 0.5999999999999999]]);
  });

  it('the data helpers: a seeded split, then shuffled batches of the training rows', async () => {
    // p = RandomState(0).permutation(10) = [2, 8, 4, 9, 1, 6, 7, 3, 0, 5]: test = [2, 8], train = p[2:];
    // loader order: train[RandomState(0).permutation(8)] = [0, 1, 9, 5, 6, 4, 3, 7]
    const logs = (await run(blocks[3]!)).map(([shape, rows]) => [shape, rows]);
    expect(logs).toEqual([[[3, 2], [0, 1, 9]], [[3, 2], [5, 6, 4]], [[2, 2], [3, 7]], [[2, 2], [2, 8]]]);
  });

  it('fit on a two-class problem: 20 epochs of ⌈400 / 32⌉ = 13 steps, test accuracy 1', async () => {
    const [[steps, acc]] = await run(blocks[4]!) as [[number, number]];
    expect(steps).toBe(260);
    expect(acc).toBe(1);
  });
});
