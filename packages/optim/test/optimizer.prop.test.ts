import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tensor, type Tensor } from '@tapegrad/core';
import { AdaGrad, Adam, AdamW, Momentum, Nesterov, RMSProp, SGD, type Optimizer } from '../src/index.js';

const RUNS = { numRuns: 50 };
type ArbValue<A> = A extends fc.Arbitrary<infer T> ? T : never;
const num = fc.double({ min: -2, max: 2, noNaN: true });

/** A random convex quadratic f(p) = ½ pᵀAp + bᵀp with A = MᵀM + 0.1·I (symmetric positive definite). */
const quadratic = fc.integer({ min: 1, max: 5 }).chain((k) =>
  fc.record({
    k: fc.constant(k),
    M: fc.array(num, { minLength: k * k, maxLength: k * k }),
    b: fc.array(num, { minLength: k, maxLength: k }),
    p: fc.array(num, { minLength: k, maxLength: k }),
  }),
);

function setup({ k, M, b, p }: ArbValue<typeof quadratic>) {
  const m = tensor(M, { shape: [k, k] });
  const A = m.T.matmul(m).add(tensor(Array.from({ length: k * k }, (_, i) => (i % (k + 1) === 0 ? 0.1 : 0)), { shape: [k, k] }));
  const bt = tensor(b, { shape: [k, 1] });
  const param = tensor(p, { shape: [k, 1], requiresGrad: true });
  const f = () => param.T.matmul(A).matmul(param).mul(0.5).add(bt.T.matmul(param)).sum();
  let trace = 0;
  for (let i = 0; i < k; i++) trace += A.data[i * (k + 1)]!;
  return { param, f, trace };
}

/** Evaluates f, fills the gradient, and returns [f, g]. */
function valueAndGrad(param: Tensor, f: () => Tensor): [number, Float64Array] {
  param.grad = null;
  const y = f();
  y.backward();
  return [y.item(), Float64Array.from(param.grad!.data)];
}

describe('optimizer properties on random convex quadratics', () => {
  it('one SGD step with lr ≤ 1/λmax lowers f by at least lr/2 · |g|²', () => {
    fc.assert(
      fc.property(quadratic, (q) => {
        const { param, f, trace } = setup(q);
        const lr = 1 / trace; // trace(A) ≥ λmax(A), so lr ≤ 1/L: f(p − lr g) ≤ f(p) − lr (1 − L lr / 2) |g|²
        const [before, g] = valueAndGrad(param, f);
        new SGD([param], { lr }).step();
        const after = f().item();
        const g2 = g.reduce((s, v) => s + v * v, 0);
        expect(after).toBeLessThanOrEqual(before - (lr / 2) * g2 + 1e-12 * (1 + Math.abs(before)));
      }),
      RUNS,
    );
  });

  const makers: [string, (ps: Tensor[]) => Optimizer][] = [
    ['Momentum', (ps) => new Momentum(ps, { lr: 1e-3 })],
    ['Nesterov', (ps) => new Nesterov(ps, { lr: 1e-3 })],
    ['AdaGrad', (ps) => new AdaGrad(ps, { lr: 1e-3 })],
    ['RMSProp', (ps) => new RMSProp(ps, { lr: 1e-3 })],
    ['Adam', (ps) => new Adam(ps, { lr: 1e-3 })],
    ['AdamW', (ps) => new AdamW(ps, { lr: 1e-3, weightDecay: 0 })],
  ];
  it.each(makers)('%s: the first step from rest goes downhill, (p1 − p0)·g < 0', (_name, make) => {
    fc.assert(
      fc.property(quadratic, (q) => {
        const { param, f } = setup(q);
        const p0 = Float64Array.from(param.data);
        const [, g] = valueAndGrad(param, f);
        fc.pre(g.some((v) => Math.abs(v) > 1e-6));
        make([param]).step();
        const dot = g.reduce((s, v, i) => s + v * (param.data[i]! - p0[i]!), 0);
        expect(dot).toBeLessThan(0);
      }),
      RUNS,
    );
  });
});
