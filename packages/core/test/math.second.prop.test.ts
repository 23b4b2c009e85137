/**
 * Second derivatives of the smooth elementwise math ops and activations: the tape's gradient of
 * the gradient equals its central difference (piecewise-linear activations: zero, also checked).
 */
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { grad, Tensor } from '../src/index.js';
import { expectGradOk, RUNS, seedArb, shapeArb } from './support.js';
import { draw, unaries } from './math.support.js';

describe('second derivatives of the smooth ones (piecewise-linear activations: zero, also checked)', () => {
  for (const [name, c] of Object.entries(unaries)) {
    if (!c.smooth) continue;
    it(name, () => {
      fc.assert(
        fc.property(shapeArb(), seedArb, (s, seed) => {
          const dfdx = (x: Tensor) => grad((y: Tensor) => c.f(y).sum())(x);
          expectGradOk(dfdx, [draw(s, seed, c)]);
        }),
        RUNS,
      );
    });
  }
});

