import { describe, expect, it } from 'vitest';
import { gradcheck, numericalGradient, tensor, Tensor, ValueError } from '../src/index.js';

describe('numericalGradient (the course’s central difference)', () => {
  it('is (f(w + h) − f(w − h)) / 2h per element', () => {
    const w = tensor([1, 2, -3]);
    const g = numericalGradient((x) => x.pow(3).sum(), w, 1e-4);
    // d/dw w³ = 3w², and the central difference of a cubic is exact up to h²: 3w² + h²
    const expected = [3 + 1e-8, 12 + 1e-8, 27 + 1e-8];
    Array.from(g.data).forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 9));
    expect(Array.from(w.data)).toEqual([1, 2, -3]); // restored
  });

  it('works with an f that ignores its argument and closes over the weights (the course’s lambda W: loss)', () => {
    const W = tensor([[0.1, 0.3], [0.2, 0.4]]);
    const x = tensor([[1, 5]]);
    const loss = () => x.matmul(W).sigmoid().sum();
    const g = numericalGradient(loss, W);
    const Wt = tensor(W, { requiresGrad: true });
    x.matmul(Wt).sigmoid().sum().backward();
    Array.from(g.data).forEach((v, i) => expect(Math.abs(v - Wt.grad!.data[i]!)).toBeLessThan(1e-8));
  });

  it('rejects a non-scalar f and a bad h', () => {
    expect(() => numericalGradient((x) => x.mul(2), tensor([1, 2]))).toThrow(/f must return a scalar, got shape \[2\]/);
    expect(() => numericalGradient((x) => x.sum(), tensor([1]), 0)).toThrow(ValueError);
  });
});

describe('gradcheck', () => {
  it('passes for correct gradients and reports tiny errors', () => {
    const r = gradcheck((x, y) => x.matmul(y).tanh(), [tensor([[0.1, -0.4], [0.3, 0.2]]), tensor([[1, 2], [3, -1]])]);
    expect(r.passed).toBe(true);
    expect(r.maxAbsError).toBeLessThan(1e-8);
    expect(r.analytic).toHaveLength(2);
    expect(r.toString()).toMatch(/^gradcheck passed: max abs error/);
  });

  it('finds a wrong gradient and names the worst element', () => {
    // x.detach() hides one factor from the tape: the tape says x where the truth is 2x.
    const wrong = (x: Tensor) => x.detach().mul(x).sum();
    const r = gradcheck(wrong, [tensor([1, 3, 2])]);
    expect(r.passed).toBe(false);
    expect(r.worst).toEqual({ input: 0, index: 1, analytic: 3, numeric: expect.closeTo(6, 6) });
    expect(r.maxAbsError).toBeCloseTo(3, 6);
    expect(r.toString()).toMatch(/FAILED.*input 0\[1\] tape 3 vs numeric 6/);
  });

  it('leaves the inputs as they were', () => {
    const x = tensor([0.5, -0.5], { dtype: 'float32' });
    gradcheck((a) => a.exp().sum(), [x]);
    expect(x.requiresGrad).toBe(false);
    expect(x.grad).toBeNull();
    expect(Array.from(x.data)).toEqual([0.5, -0.5]);
  });
});
