import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dot, grad, matmul, type Tensor } from '../src/index.js';
import { matmulT } from '../src/ops/matmul.js';
import { expectGradOk, RUNS, seedArb, values } from './support.js';

const dim = fc.integer({ min: 1, max: 4 });

/** Operand shapes for numpy's matmul: 1-d or 2-d, or batched with broadcast batch axes. */
const matmulShapes = fc
  .tuple(dim, dim, dim, fc.constantFrom('1d-left', '1d-right', '1d-both', '2d', 'batch', 'broadcast'), dim)
  .map(([m, k, n, kind, b]): [number[], number[]] => {
    switch (kind) {
      case '1d-left': return [[k], [k, n]];
      case '1d-right': return [[m, k], [k]];
      case '1d-both': return [[k], [k]];
      case '2d': return [[m, k], [k, n]];
      case 'batch': return [[b, m, k], [b, k, n]];
      default: return [[b, 1, m, k], [2, k, n]];
    }
  });

describe('matmul and dot: tape gradient = central difference', () => {
  it('matmul over 1-d, 2-d, batched and broadcast-batch operands', () => {
    fc.assert(
      fc.property(matmulShapes, seedArb, ([sa, sb], seed) => {
        expectGradOk((x, y) => matmul(x, y), [values(sa, seed), values(sb, seed + 1)]);
      }),
      RUNS,
    );
  });
  it('dot over 0-d, 1-d and 2-d operands (the course’s np.dot(x, W) + b)', () => {
    fc.assert(
      fc.property(dim, dim, dim, seedArb, (m, k, n, seed) => {
        expectGradOk((x, W, b) => dot(x, W).add(b), [values([m, k], seed), values([k, n], seed + 1), values([n], seed + 2)]);
        expectGradOk((x, W) => dot(x, W), [values([k], seed), values([k, n], seed + 1)]);
        expectGradOk((x, y) => dot(x, y), [values([], seed), values([m, n], seed + 1)]);
      }),
      RUNS,
    );
  });
});

describe('transposed operands (what backward uses) are read in place', () => {
  const layouts = fc.tuple(dim, dim, dim, fc.boolean(), fc.boolean(), fc.constantFrom<number[]>([], [2], [3, 1]));
  it('give bit-identical results to materialised transposes, and correct gradients', () => {
    fc.assert(
      fc.property(layouts, seedArb, ([m, k, n, tx, ty, batch], seed) => {
        const xs = [...batch, ...(tx ? [k, m] : [m, k])];
        const ys = [...(batch.length > 0 ? [1] : []), ...(ty ? [n, k] : [k, n])];
        const x = values(xs, seed);
        const y = values(ys, seed + 1);
        const fused = matmulT(x, y, tx, ty);
        const plain = matmul(tx ? x.mT : x, ty ? y.mT : y);
        expect(Array.from(fused.data)).toEqual(Array.from(plain.data));
        expectGradOk((a, b) => matmulT(a, b, tx, ty), [x, y]);
      }),
      RUNS,
    );
  });
  it('second derivatives through them match the central difference', () => {
    fc.assert(
      fc.property(dim, dim, dim, seedArb, (m, k, n, seed) => {
        const f = (a: Tensor, b: Tensor) => grad((u: Tensor, v: Tensor) => matmul(u, v).tanh().sum(), 0)(a, b);
        expectGradOk(f, [values([m, k], seed), values([k, n], seed + 1)]);
      }),
      RUNS,
    );
  });
});
