import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyse, defaultValues, forward, slug, type NetworkValues } from '../src/network.js';
import { tensor } from '@tapegrad/core';

/*
 * numpy, the notebook's network:
 *   x = np.array([[1.0, 5.0]]); d = np.array([[0, 1]]); W1, b1, W2, b2 as in 1_2
 *   u1 = np.dot(x, W1) + b1; z1 = np.maximum(0, u1); u2 = np.dot(z1, W2) + b2
 *   y = np.exp(u2) / np.sum(np.exp(u2)); E = -np.sum(d * np.log(y))
 *   delta2 = y - d; delta1 = np.dot(delta2, W2.T) * (u1 > 0); grad_W1 = np.dot(x.T, delta1)
 */
const NUMPY = {
  u1: [1.2, 2.5, 3.8],
  u2: [1.86, 4.21],
  y: [0.08706577244027125, 0.9129342275597286],
  E: 0.09109144089484168,
  u2Grad: [0.08706577244027125, -0.08706577244027136],
  W1Grad: [
    -0.026119731732081423, -0.02611973173208143, -0.026119731732081437,
    -0.13059865866040712, -0.13059865866040715, -0.13059865866040718,
  ],
};

const closeAll = (actual: ArrayLike<number>, expected: readonly number[], digits = 14) => {
  expect(actual).toHaveLength(expected.length);
  expected.forEach((v, i) => expect(actual[i]).toBeCloseTo(v, digits));
};

describe('the 2-3-2 network', () => {
  it('computes the notebook\'s forward values', () => {
    const env = forward(defaultValues());
    closeAll(env.u1!.data, NUMPY.u1);
    closeAll(env.u2!.data, NUMPY.u2);
    closeAll(env.y!.data, NUMPY.y);
    expect(env.E!.item()).toBeCloseTo(NUMPY.E, 15);
  });

  it('makes the rest of the network a function of a replaced tensor', () => {
    const env = forward(defaultValues(), { label: 'u1', value: tensor([[-1, 0, 2]]) });
    expect(Array.from(env.z1!.data)).toEqual([0, 0, 2]); // relu of the replacement
    expect(Array.from(env['x·W1']!.data).map((v) => +v.toFixed(12))).toEqual([1.1, 2.3, 3.5]); // upstream as before
  });

  it('traces the graph and walks backward from E to the parameters', () => {
    const { graph, backward, loss } = analyse(defaultValues());
    expect(loss).toBeCloseTo(NUMPY.E, 15);
    expect(graph.nodes).toHaveLength(16);
    expect(graph.edges).toHaveLength(15);
    expect(backward.map((c) => c.label)).toEqual(['E', 'Σ d·log y', 'd·log y', 'log y', 'y', 'u2', 'b2', 'z1·W2', 'W2', 'z1', 'u1', 'b1', 'x·W1', 'W1']);
    const byLabel = new Map(backward.map((c) => [c.label, c]));
    closeAll(byLabel.get('u2')!.tape, NUMPY.u2Grad);
    closeAll(byLabel.get('W1')!.tape, NUMPY.W1Grad);
    expect(byLabel.get('z1')!.rule).toBe('∂E/∂z1 = ∂E/∂(z1·W2) · W2ᵀ');
    expect(byLabel.get('b2')!.rule).toBe('∂E/∂b2 = (∂E/∂u2 summed over rows)');
    expect(byLabel.get('y')!.rule).toBe('∂E/∂y = ∂E/∂(log y) / y');
  });

  it('puts each gradient beside a central difference that agrees with it', () => {
    const { backward } = analyse(defaultValues());
    for (const c of backward) {
      expect(c.numeric, c.label).toHaveLength(c.tape.length);
      expect(c.largestDifference, c.label).toBeLessThan(1e-7);
    }
    // ∂E/∂y = −d / y: numpy −1 / 0.9129342275597286 = −1.0953691622155497; h = 1e-4 errs by h²/(3y³) ≈ 4.4e-9
    expect(backward.find((c) => c.label === 'y')!.numeric[1]).toBeCloseTo(-1.0953691622155497, 7);
  });

  it('agrees with the central difference for random weights away from relu\'s kink and from y near 0', () => {
    const number = fc.double({ min: -1, max: 1, noNaN: true });
    const values = fc.record({
      x: fc.array(fc.double({ min: -2, max: 2, noNaN: true }), { minLength: 2, maxLength: 2 }).map((r) => [r]),
      d: fc.boolean().map((first) => [first ? [1, 0] : [0, 1]]),
      W1: fc.array(fc.array(number, { minLength: 3, maxLength: 3 }), { minLength: 2, maxLength: 2 }),
      b1: fc.array(number, { minLength: 3, maxLength: 3 }),
      W2: fc.array(fc.array(number, { minLength: 2, maxLength: 2 }), { minLength: 3, maxLength: 3 }),
      b2: fc.array(number, { minLength: 2, maxLength: 2 }),
    }) satisfies fc.Arbitrary<NetworkValues>;
    // Away from relu's kink, and from y near 0 where the central difference of −log y errs by h²/(3y²) relative.
    const wellPosed = (v: NetworkValues) => {
      const env = forward(v);
      return Array.from(env.u1!.data).every((u) => Math.abs(u) > 1e-2) && Array.from(env.y!.data).every((y) => y > 0.1);
    };
    fc.assert(fc.property(values.filter(wellPosed), (v) => {
      for (const c of analyse(v).backward) {
        const scale = Math.max(1, ...c.tape.map(Math.abs));
        expect(c.largestDifference / scale, c.label).toBeLessThan(1e-6);
      }
    }), { numRuns: 30 });
  });

  it('gives every name an id fit for an attribute', () => {
    expect(['x·W1', 'Σ d·log y', 'log y', 'E'].map(slug)).toEqual(['x-W1', 'sum-d-log-y', 'log-y', 'E']);
  });
});
