/**
 * The README's `@tapegrad/core API` table is checked against the package's exports: every value
 * that `@tapegrad/core` or `@tapegrad/core/node` exports must be named in it (in backticks).
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as core from '../src/index.js';
import * as node from '../src/node.js';

const README = resolve(dirname(fileURLToPath(import.meta.url)), '../../../README.md');

/** Every identifier inside backticks in the rows of the table under `## @tapegrad/core API`. */
function tableNames(): Set<string> {
  const text = readFileSync(README, 'utf8');
  const start = text.indexOf('## @tapegrad/core API');
  expect(start, 'README.md has a section "## @tapegrad/core API"').toBeGreaterThan(-1);
  const rows = text.slice(start).split('\n').slice(1);
  const table = rows.slice(rows.findIndex((l) => l.startsWith('|'))).filter((_, i, a) => a.slice(0, i + 1).every((l) => l.startsWith('|')));
  const names = new Set<string>();
  for (const row of table) for (const [, code] of row.matchAll(/`([^`]+)`/g)) for (const [id] of code!.matchAll(/[A-Za-z_$][\w$]*/g)) names.add(id);
  return names;
}

describe("README's API table", () => {
  it('names every export of @tapegrad/core and @tapegrad/core/node', () => {
    const names = tableNames();
    const missing = [
      ...Object.keys(core).filter((k) => !names.has(k)).map((k) => `${k} (@tapegrad/core)`),
      ...Object.keys(node).filter((k) => !names.has(k)).map((k) => `${k} (@tapegrad/core/node)`),
    ];
    expect(missing.map((m) => `README.md's "@tapegrad/core API" table does not name ${m}: add it, in backticks, to the row it belongs to`)).toEqual([]);
  });
});
