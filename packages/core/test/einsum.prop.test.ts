import fc from 'fast-check';
import { describe, it } from 'vitest';
import { einsum, type Tensor } from '../src/index.js';
import { secondOrder } from './index.support.js';
import { expectGradOk, RUNS, seedArb, shapeArb, values } from './support.js';

/** Operands for a spec: shapes from sizes per label. */
function operands(spec: string, sizes: Record<string, number>, seed: number): Tensor[] {
  return spec.split('->')[0]!.split(',').map((term, i) => values([...term].map((l) => sizes[l]!), seed + i));
}

const SPECS = [
  'ij,jk->ik', 'ij,jk', 'ij->ji', 'ij->', 'ii', 'ii->i', 'iij->j', 'bij,bjk->bik', 'i,j->ij', 'i,i', 'ij,ij->ij', 'ij,kj->ik',
  'ij,jk,kl->il', 'bn,anm,bm->ba', 'ijk,ikl->', 'i,->i', 'iji->j', 'ab,ba->a',
];

describe('einsum: tape gradient = central difference, first and second order', () => {
  it('explicit and implicit outputs, traces, diagonals, chains of three', () => {
    fc.assert(
      fc.property(fc.constantFrom(...SPECS), fc.record({ a: fc.integer({ min: 1, max: 3 }), b: fc.integer({ min: 1, max: 3 }), i: fc.integer({ min: 1, max: 3 }), j: fc.integer({ min: 1, max: 3 }), k: fc.integer({ min: 1, max: 3 }), l: fc.integer({ min: 1, max: 3 }), m: fc.integer({ min: 1, max: 3 }), n: fc.integer({ min: 1, max: 3 }) }), seedArb, (spec, sizes, seed) => {
        const xs = operands(spec, sizes, seed);
        expectGradOk((...ys) => einsum(spec, ...ys), xs);
        const rest = xs.slice(1);
        expectGradOk(secondOrder((x) => einsum(spec, x, ...rest)), [xs[0]!]);
      }),
      RUNS,
    );
  });
  it('broadcasting: `...` axes and size-1 axes', () => {
    fc.assert(
      fc.property(shapeArb(2, 3), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 }), seedArb, (batch, i, j, seed) => {
        const a = values([...batch, i, j], seed);
        const b = values([...batch.map((d, k) => (k % 2 ? 1 : d)), j, 2], seed + 1);
        expectGradOk((x, y) => einsum('...ij,...jk->...ik', x, y), [a, b]);
        expectGradOk((x, y) => einsum('ij,ij->i', x, y), [values([i, j], seed + 2), values([1, j], seed + 3)]);
      }),
      RUNS,
    );
  });
});
