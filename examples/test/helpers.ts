/** Shared by the examples' tests. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';

/** Every element within `rtol` of numpy's value, relative to max(1, |expected|). */
export function expectAllClose(actual: readonly number[], expected: readonly number[], rtol: number): void {
  expect(actual).toHaveLength(expected.length);
  const worst = Math.max(0, ...actual.map((a, i) => Math.abs(a - expected[i]!) / Math.max(1, Math.abs(expected[i]!))));
  expect(worst, `actual ${JSON.stringify(actual)} vs expected ${JSON.stringify(expected)}`).toBeLessThanOrEqual(rtol);
}

/** A fresh folder for a test's plots. */
export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `tapegrad-${prefix}-`));
}

/** A sink that keeps every line printed. */
export function capture(): { lines: string[]; print: (line: string) => void; text: () => string } {
  const lines: string[] = [];
  return { lines, print: (line) => lines.push(line), text: () => lines.join('\n') };
}
