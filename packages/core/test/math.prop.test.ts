/**
 * Gradients of the elementwise math and PyTorch's activations: the tape's gradient equals the
 * central difference over random shapes (broadcast pairs for binary ops), with the second
 * derivatives of the smooth binary ones (unary ones: math.second.prop.test.ts; statistics and
 * scans: statistics.prop.test.ts). Samples are kept off kinks and steps, not tolerances widened.
 */
import fc from 'fast-check';
import { describe, it } from 'vitest';
import * as core from '../src/index.js';
import { grad, Tensor } from '../src/index.js';
import { broadcastPairArb, expectGradOk, RUNS, seedArb, shapeArb, values, type ValueRange } from './support.js';
import { draw, unaries } from './math.support.js';

describe('elementwise math and activations: tape gradient = central difference', () => {
  for (const [name, c] of Object.entries(unaries)) {
    it(name, () => {
      fc.assert(fc.property(shapeArb(), seedArb, (s, seed) => expectGradOk((a) => c.f(a), [draw(s, seed, c)])), RUNS);
    });
  }
});

type Binary = (a: Tensor, b: Tensor) => Tensor;
interface BinaryCase { f: Binary; x: ValueRange; y: ValueRange; smooth: boolean; off?: (x: Tensor, y: Tensor) => [Tensor, Tensor] }

/** Moves x so that x / y is at least 0.02 from a whole number (the jumps of mod, fmod, floorDivide). */
function offQuotientSteps(x: Tensor, y: Tensor): [Tensor, Tensor] {
  const shape = x.add(y).shape;
  const xb = core.broadcastTo(x, shape).clone().detach();
  const yb = core.broadcastTo(y, shape);
  const d = xb.data;
  for (let i = 0; i < d.length; i++) {
    const q = d[i]! / yb.data[i]!;
    if (Math.abs(q - Math.round(q)) < 0.02) d[i] = d[i]! + 0.05 * Math.abs(yb.data[i]!);
  }
  return [new Tensor(d.slice(), shape.slice()), y];
}

const binaries: Record<string, BinaryCase> = {
  atan2: { f: core.atan2, x: { awayFromZero: 0.3 }, y: { awayFromZero: 0.3 }, smooth: true },
  mod: { f: core.mod, x: { lo: -5, hi: 5 }, y: { lo: -2, hi: 2, awayFromZero: 0.4 }, smooth: false, off: offQuotientSteps },
  fmod: { f: core.fmod, x: { lo: -5, hi: 5 }, y: { lo: -2, hi: 2, awayFromZero: 0.4 }, smooth: false, off: offQuotientSteps },
  floorDivide: { f: core.floorDivide, x: { lo: -5, hi: 5 }, y: { lo: -2, hi: 2, awayFromZero: 0.4 }, smooth: false, off: offQuotientSteps },
  squaredDifference: { f: core.squaredDifference, x: {}, y: {}, smooth: true },
  logaddexp: { f: core.logaddexp, x: { lo: -4, hi: 4 }, y: { lo: -4, hi: 4 }, smooth: true },
};

describe('binary math over broadcast pairs: tape gradient = central difference (second derivatives of the smooth ones)', () => {
  for (const [name, c] of Object.entries(binaries)) {
    it(name, () => {
      fc.assert(
        fc.property(broadcastPairArb(), seedArb, ([sx, sy], seed) => {
          let x = values(sx, seed, c.x);
          const y = values(sy, seed + 1, c.y);
          // mod and friends jump where x / y is whole: x takes the broadcast shape to be moved off those points
          if (c.off) [x] = c.off(x, y);
          expectGradOk((a, b) => c.f(a, b), [x, y]);
          if (c.smooth) {
            expectGradOk((a, b) => grad((u: Tensor, v: Tensor) => c.f(u, v).sum(), 0)(a, b), [x, y]);
            expectGradOk((a, b) => grad((u: Tensor, v: Tensor) => c.f(u, v).sum(), 1)(a, b), [x, y]);
          }
        }),
        RUNS,
      );
    });
  }
  it('with plain numbers on either side', () => {
    fc.assert(
      fc.property(shapeArb(), seedArb, (s, seed) => {
        expectGradOk((a) => core.atan2(a, 1.5).add(core.logaddexp(0.5, a)).add(core.squaredDifference(a, 2)), [values(s, seed)]);
      }),
      RUNS,
    );
  });
});

describe('prelu: gradient for x and for the weight (one per channel, or one for all)', () => {
  it('per channel along axis 1, and a single weight', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 2, maxLength: 4 }), seedArb, (s, seed) => {
        const x = values(s, seed, { awayFromZero: 0.05 });
        expectGradOk((a, w) => core.prelu(a, w), [x, values([s[1]!], seed + 1, { lo: 0, hi: 1 })]);
        expectGradOk((a, w) => core.prelu(a, w), [x, values([1], seed + 2, { lo: 0, hi: 1 })]);
        expectGradOk((a, w) => grad((u: Tensor, v: Tensor) => core.prelu(u, v).square().sum(), 1)(a, w), [x, values([1], seed + 2)]);
      }),
      RUNS,
    );
  });
});

