import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arange, Generator, tensor } from '@tapegrad/core';
import { DataLoader } from '../src/index.js';

const RUNS = { numRuns: 50 };
type ArbValue<A> = A extends fc.Arbitrary<infer T> ? T : never;
const config = fc.record({
  n: fc.integer({ min: 0, max: 40 }),
  batchSize: fc.integer({ min: 1, max: 12 }),
  shuffle: fc.boolean(),
  dropLast: fc.boolean(),
  seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
});

/** x row i = [10i, 10i + 1], d[i] = i, so each batch tells which samples it holds. */
function loader({ n, batchSize, shuffle, dropLast, seed }: ArbValue<typeof config>): DataLoader {
  const x = arange(n).reshape(n, 1).mul(10).add(tensor([0, 1]));
  return new DataLoader(x, arange(n, { dtype: 'int32' }), { batchSize, shuffle, dropLast, generator: new Generator(seed) });
}

describe('DataLoader properties', () => {
  it('every epoch yields every sample exactly once (less the short batch with dropLast), rows of x with their d', () => {
    fc.assert(
      fc.property(config, (c) => {
        const dl = loader(c);
        for (let epoch = 0; epoch < 2; epoch++) {
          const seen: number[] = [];
          const batches = [...dl];
          for (const [xb, db] of batches) {
            expect(xb.shape[0]).toBe(db.shape[0]);
            db.data.forEach((i, r) => expect([xb.data[2 * r], xb.data[2 * r + 1]]).toEqual([10 * i, 10 * i + 1]));
            seen.push(...db.data);
          }
          const kept = c.dropLast ? c.n - (c.n % c.batchSize) : c.n;
          expect(batches.length).toBe(dl.length);
          expect(batches.every(([, db], b) => db.size === (b < batches.length - 1 || kept % c.batchSize === 0 ? c.batchSize : kept % c.batchSize))).toBe(true);
          expect([seen.length, new Set(seen).size]).toEqual([kept, kept]);
          if (!c.dropLast) expect([...seen].sort((a, b) => a - b)).toEqual(Array.from({ length: c.n }, (_, i) => i));
          if (!c.shuffle) expect(seen).toEqual(Array.from({ length: kept }, (_, i) => i));
        }
      }),
      RUNS,
    );
  });

  it('the same seed gives the same batches, epoch after epoch', () => {
    fc.assert(
      fc.property(config, (c) => {
        const a = loader(c);
        const b = loader(c);
        for (let epoch = 0; epoch < 3; epoch++) {
          expect([...a].map(([, db]) => Array.from(db.data))).toEqual([...b].map(([, db]) => Array.from(db.data)));
        }
      }),
      RUNS,
    );
  });
});
