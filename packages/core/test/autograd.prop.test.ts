import fc from 'fast-check';
import { describe, it } from 'vitest';
import { abs, add, div, exp, grad, log, mul, neg, pow, relu, sigmoid, sqrt, square, sub, tanh, Tensor } from '../src/index.js';
import { broadcastPairArb, expectGradOk, RUNS, seedArb, shapeArb, values } from './support.js';

/** y itself where it broadcasts against t (an earlier transpose may prevent it), else its mean. */
function against(t: Tensor, y: Tensor): Tensor {
  const n = Math.max(t.ndim, y.ndim);
  for (let i = 1; i <= n; i++) {
    const a = t.shape[t.ndim - i] ?? 1;
    const b = y.shape[y.ndim - i] ?? 1;
    if (a !== b && a !== 1 && b !== 1) return y.mean();
  }
  return y;
}

/** Steps of a random program; each keeps values in a range where every later step is smooth. */
const steps: Record<string, (t: Tensor, y: Tensor) => Tensor> = {
  tanh: (t) => t.tanh(),
  sigmoid: (t) => t.sigmoid(),
  scale: (t) => t.mul(1.3).sub(0.2),
  addY: (t, y) => t.add(against(t, y)),
  mulY: (t, y) => t.mul(against(t, y)),
  silu: (t) => t.mul(t.sigmoid()), // uses t twice: a diamond
  softmax: (t) => (t.ndim === 0 ? t : t.softmax(-1)),
  logSoftmax: (t) => (t.ndim === 0 ? t : t.logSoftmax(0)),
  sumKeep: (t) => (t.ndim === 0 ? t : t.sum(-1, true)),
  meanAll: (t) => t.mean().add(t),
  transpose: (t) => t.T,
  expTanh: (t) => t.tanh().exp(),
  squareHalf: (t) => t.tanh().square().mul(0.5),
  maxKeep: (t) => (t.ndim === 0 ? t : t.max(0, true).add(t)),
};

describe('random compositions of 3–8 ops', () => {
  it('the tape gradient of the whole program equals the central difference', () => {
    fc.assert(
      fc.property(
        broadcastPairArb(),
        seedArb,
        fc.array(fc.constantFrom(...Object.keys(steps)), { minLength: 3, maxLength: 8 }),
        ([sx, sy], seed, program) => {
          const run = (x: Tensor, y: Tensor) => program.reduce((t, name) => steps[name]!(t, y), x);
          expectGradOk(run, [values(sx, seed), values(sy, seed + 1)]);
        },
      ),
      { numRuns: 80 },
    );
  });
});

/** Second derivatives: the gradient function itself, differentiated by the tape, against its central difference. */
describe('second derivatives of the elementwise ops', () => {
  const unaries = {
    exp: { f: exp, r: {} },
    log: { f: log, r: { lo: 0.3, hi: 3 } },
    sqrt: { f: sqrt, r: { lo: 0.3, hi: 3 } },
    square: { f: square, r: {} },
    neg: { f: neg, r: {} },
    abs: { f: abs, r: { awayFromZero: 0.05 } },
    tanh: { f: tanh, r: {} },
    sigmoid: { f: sigmoid, r: { lo: -5, hi: 5 } },
    relu: { f: relu, r: { awayFromZero: 0.05 } },
  } as const;
  for (const [name, { f, r }] of Object.entries(unaries)) {
    it(name, () => {
      fc.assert(
        fc.property(shapeArb(), seedArb, (s, seed) => {
          const dfdx = (x: Tensor) => grad((y: Tensor) => f(y).sum())(x);
          expectGradOk(dfdx, [values(s, seed, r)]);
        }),
        RUNS,
      );
    });
  }
  const binaries = {
    add: { f: add, y: {} },
    sub: { f: sub, y: {} },
    mul: { f: mul, y: {} },
    div: { f: div, y: { lo: 0.5, hi: 2 } },
    pow: { f: pow, y: { lo: 0.5, hi: 2 } },
  } as const;
  for (const [name, { f, y: ry }] of Object.entries(binaries)) {
    it(`${name} (mixed partials, through broadcasting)`, () => {
      fc.assert(
        fc.property(broadcastPairArb(), seedArb, ([sx, sy], seed) => {
          const x = values(sx, seed, name === 'pow' ? { lo: 0.5, hi: 2 } : {});
          const y = values(sy, seed + 1, ry);
          // ∂f/∂x and ∂f/∂y as functions of (x, y), each differentiated again with respect to both.
          expectGradOk((a, b) => grad((u: Tensor, v: Tensor) => f(u, v).sum(), 0)(a, b), [x, y]);
          expectGradOk((a, b) => grad((u: Tensor, v: Tensor) => f(u, v).sum(), 1)(a, b), [x, y]);
        }),
        RUNS,
      );
    });
  }
});
