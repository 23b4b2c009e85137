/**
 * Gradients through bool masks: where (with a bool condition of its own broadcast shape),
 * multiplication by a mask, and the rules that now build on where (maximum, minimum, abs),
 * first and second derivatives against the central difference. Comparisons themselves have
 * no gradient (bool results, off the tape).
 */
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { abs, grad, maximum, minimum, type Tensor, where } from '../src/index.js';
import { broadcastPairArb, expectGradOk, RUNS, seedArb, values } from './support.js';

/** (shape of a, shape of b, shape of cond): any two of the three broadcast against each other. */
const tripleArb = broadcastPairArb().chain(([sa, sb]) =>
  broadcastPairArb().map(([sc]) => [sa, sb, sc.slice(-Math.min(sc.length, Math.max(sa.length, sb.length)))] as const),
).filter(([sa, sb, sc]) => {
  const n = Math.max(sa.length, sb.length, sc.length);
  const at = (s: readonly number[], i: number) => s[s.length - n + i] ?? 1;
  for (let i = 0; i < n; i++) {
    const sizes = new Set([at(sa, i), at(sb, i), at(sc, i)].filter((d) => d !== 1));
    if (sizes.size > 1) return false;
  }
  return true;
});

describe('where with a bool condition: tape gradient = central difference', () => {
  it('first derivatives w.r.t. both picked operands, three-way broadcasting', () => {
    fc.assert(
      fc.property(tripleArb, seedArb, ([sa, sb, sc], seed) => {
        const cond = values([...sc], seed + 7).gt(0);
        expectGradOk((a, b) => where(cond, a, b), [values([...sa], seed), values([...sb], seed + 1)]);
      }),
      RUNS,
    );
  });
  it('second derivatives (mixed partials) through where', () => {
    fc.assert(
      fc.property(broadcastPairArb(), seedArb, ([sa, sb], seed) => {
        const cond = values(sb, seed + 3).lt(0.5);
        const f = (u: Tensor, v: Tensor) => where(cond, u.mul(u).mul(v), v.mul(v).mul(v)).sum();
        const [a, b] = [values(sa, seed), values(sb, seed + 1)];
        expectGradOk((x, y) => grad(f, 0)(x, y), [a, b]);
        expectGradOk((x, y) => grad(f, 1)(x, y), [a, b]);
      }),
      RUNS,
    );
  });
  it('multiplying by a broadcast bool mask', () => {
    fc.assert(
      fc.property(broadcastPairArb(), seedArb, ([sx, sm], seed) => {
        const mask = values(sm, seed + 5).ge(0);
        expectGradOk((x) => x.mul(mask).mul(x), [values(sx, seed)]);
      }),
      RUNS,
    );
  });
});

describe('rules written with where: second derivatives', () => {
  for (const [name, f] of [['maximum', maximum], ['minimum', minimum]] as const) {
    it(`${name} (mixed partials, through broadcasting)`, () => {
      fc.assert(
        fc.property(broadcastPairArb(), seedArb, ([sx, sy], seed) => {
          const g = (u: Tensor, v: Tensor) => f(u, v).mul(u).sum();
          const [x, y] = [values(sx, seed), values(sy, seed + 1)];
          expectGradOk((a, b) => grad(g, 0)(a, b), [x, y]);
          expectGradOk((a, b) => grad(g, 1)(a, b), [x, y]);
        }),
        RUNS,
      );
    });
  }
  it('abs (samples away from the kink at 0)', () => {
    fc.assert(
      fc.property(broadcastPairArb(), seedArb, ([sx], seed) => {
        expectGradOk((a) => grad((u: Tensor) => abs(u).mul(u).sum())(a), [values(sx, seed, { awayFromZero: 0.05 })]);
      }),
      RUNS,
    );
  });
});
