/**
 * State dicts from untrusted places, graphs that outlive a load, and anomaly mode through nested
 * modules.
 */
import { describe, expect, it } from 'vitest';
import { AnomalyError, AutogradError, DTypeError, detectAnomaly, tensor, ValueError, type Tensor } from '@tapegrad/core';
import { Linear, Module, Sequential, type StateValue } from '../src/index.js';

const fresh = () => new Linear(2, 1, { weight: [[1], [2]], bias: [0] });
const values = (m: Linear) => [m.weight.toArray(), m.bias!.toArray()];

describe('loadStateDict refuses hostile entries with a typed error and changes nothing', () => {
  it('strings naming Object.prototype members are not numbers (they loaded as NaN)', () => {
    for (const name of ['toString', 'constructor', 'hasOwnProperty', '__proto__', 'valueOf']) {
      const m = fresh();
      const state = { weight: { shape: [2, 1], dtype: 'float64', data: [name, 1] }, bias: { shape: [1], dtype: 'float64', data: [0] } };
      expect(() => m.loadStateDict(state as unknown as Record<string, StateValue>), name).toThrow(ValueError);
      expect(() => m.loadStateDict(state as unknown as Record<string, StateValue>), name).toThrow(new RegExp(`'weight' has a non-number "${name}" at position 0`));
      expect(values(m)).toEqual([[[1], [2]], [0]]);
    }
  });

  it('BigInt data is a ValueError, not a raw TypeError from JSON.stringify', () => {
    const m = fresh();
    const state = { weight: { shape: [2, 1], dtype: 'float64', data: [1n, 2n] }, bias: { shape: [1], dtype: 'float64', data: [0] } };
    expect(() => m.loadStateDict(state as unknown as Record<string, StateValue>)).toThrow(ValueError);
    expect(() => m.loadStateDict(state as unknown as Record<string, StateValue>)).toThrow(/'weight' has a non-number 1n at position 0/);
    expect(() => m.loadStateDict({ weight: { shape: [2n, 1], dtype: 'float64', data: [1, 2] }, bias: [0] } as unknown as Record<string, StateValue>)).toThrow(/bad shape \[2n,1\]/);
    expect(values(m)).toEqual([[[1], [2]], [0]]);
  });

  it('the dtype field is checked: "banana", missing, or "int32" for a float parameter are refused (they were ignored)', () => {
    const m = fresh();
    const entry = (dtype: unknown) => ({ weight: { shape: [2, 1], dtype, data: [5, 6] }, bias: { shape: [1], dtype: 'float64', data: [0] } }) as unknown as Record<string, StateValue>;
    expect(() => m.loadStateDict(entry('banana'))).toThrow(ValueError);
    expect(() => m.loadStateDict(entry('banana'))).toThrow(/'weight' has dtype "banana"; a state entry's dtype is "float64", "float32" or "int32"/);
    expect(() => m.loadStateDict(entry('int32'))).toThrow(DTypeError);
    expect(() => m.loadStateDict(entry(undefined))).toThrow(/'weight' has dtype missing/);
    expect(() => m.loadStateDict(entry('int32'))).toThrow(/'weight' is int32 in the state but float64 in the model/);
    expect(() => m.loadStateDict({ weight: tensor([[5], [6]], { dtype: 'int32' }), bias: [0] })).toThrow(/'weight' is int32 in the state but float64 in the model/);
    expect(values(m)).toEqual([[[1], [2]], [0]]);
    m.loadStateDict(entry('float32'));
    expect(values(m)).toEqual([[[5], [6]], [0]]);
  });
});

describe('loadStateDict bumps the versions of the parameters it writes', () => {
  it('a graph built before the load refuses backward (it gave x.grad [[10, 20]], the new weights, instead of [[1, 2]])', () => {
    const m = fresh();
    const x = tensor([[3, 4]], { requiresGrad: true });
    const y = m.forward(x).sum();
    const v = m.weight.version;
    m.loadStateDict({ weight: [[10], [20]], bias: [0] });
    expect(m.weight.version).toBe(v + 1);
    expect(() => y.backward()).toThrow(AutogradError);
    expect(() => y.backward()).toThrow(/modified in place after it was saved/);
    expect(x.grad?.toArray()).not.toEqual([[10, 20]]);
    // Before the load the same graph gives the old weights' gradient; after it, a new graph the new one.
    const m2 = fresh();
    const y2 = m2.forward(x).sum();
    y2.backward();
    expect(x.grad!.toArray()).toEqual([[1, 2]]);
    x.grad = null;
    m2.loadStateDict({ weight: [[10], [20]], bias: [0] });
    m2.forward(x).sum().backward();
    expect(x.grad!.toArray()).toEqual([[10, 20]]);
  });
});

class Block extends Module<[Tensor], Tensor> {
  inner = new Sequential(new Linear(2, 1, { weight: [[1], [1]], bias: [0] }));
  forward(x: Tensor): Tensor {
    return this.inner.forward(x);
  }
}

describe('anomaly mode through nested modules', () => {
  it("names the user's line when the NaN comes from inside a Linear two levels down (Sequential → Block → Sequential → Linear)", () => {
    const net = new Sequential(new Block());
    const x = tensor([[Infinity, -Infinity]]); // ∞ − ∞ in the product
    let error: unknown;
    try {
      detectAnomaly(() => net.forward(x)); // the line the message must name
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AnomalyError);
    expect(String(error)).toMatch(/^AnomalyError: matmul produced NaN at index 0 of its output \[1,1\]/);
    expect(String(error)).toMatch(/called at .*reliability\.test\.ts:\d+:\d+/);
    expect(Error.stackTraceLimit).toBe(10);
  });
});
