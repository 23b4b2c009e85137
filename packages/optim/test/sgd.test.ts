import { describe, expect, it } from 'vitest';
import { tensor, ValueError } from '@tapegrad/core';
import { Momentum, Nesterov, SGD } from '../src/index.js';
import { expectClose, trajectory } from './support.js';

// Reference trajectories from the course's optimizer classes in numpy on
// f(x, y) = x²/20 + y² from (−7, 2), gradient (x/10, 2y):
//   p = {'x': np.array([-7.0]), 'y': np.array([2.0])}
//   for _ in range(3):
//       g = {'x': p['x'] / 10, 'y': 2 * p['y']}
//       for k in p: <update>
// SGD:      p[k] -= lr * g[k]            (weight decay: p[k] -= lr * (g[k] + wd * p[k]))
// Momentum: v[k] = mu * v[k] - lr * g[k]; p[k] += v[k]
// Nesterov: v[k] *= mu; v[k] -= lr * g[k]; p[k] += mu * mu * v[k]; p[k] -= (1 + mu) * lr * g[k]

const MOMENTUM_01_09 = [
  [-6.93, 1.6],
  [-6.7977, 0.9199999999999999],
  [-6.610653, 0.12399999999999967],
];
const NESTEROV_01_09 = [
  [-6.8103, 0.9159999999999999],
  [-6.57471087, 0.12792799999999988],
  [-6.300962118423, -0.33740177600000004],
];

describe('SGD', () => {
  it('plain SGD is p -= lr * g: three updates with lr 0.95', () => {
    // x: -7 - 0.95 * (-0.7) = -6.335; y: 2 - 0.95 * 4 = -1.8, …
    expectClose(trajectory((ps) => new SGD(ps, { lr: 0.95 })), [
      [-6.335, -1.7999999999999998],
      [-5.733175, 1.6199999999999997],
      [-5.188523375, -1.4579999999999997],
    ]);
  });

  it('weightDecay adds weightDecay·p to the gradient (the course adds λW to dW)', () => {
    // lr 0.1, wd 0.5: x: -7 - 0.1 * (-0.7 + 0.5 * -7) = -6.58
    expectClose(trajectory((ps) => new SGD(ps, { lr: 0.1, weightDecay: 0.5 })), [
      [-6.58, 1.5],
      [-6.1852, 1.125],
      [-5.814088, 0.84375],
    ]);
  });

  it('defaults: lr 0.01, momentum 0, nesterov false, no buffers', () => {
    const opt = new SGD([tensor([1, 2], { requiresGrad: true })]);
    expect(opt.lr).toBe(0.01);
    expect(opt.hyperparameters).toEqual({ momentum: 0, nesterov: false, weightDecay: 0 });
    expect(opt.state).toEqual([{}]);
  });

  it('with momentum equals Momentum, with nesterov equals Nesterov', () => {
    expectClose(trajectory((ps) => new SGD(ps, { lr: 0.1, momentum: 0.9 })), MOMENTUM_01_09);
    expectClose(trajectory((ps) => new SGD(ps, { lr: 0.1, momentum: 0.9, nesterov: true })), NESTEROV_01_09);
  });

  it('rejects nesterov without momentum, and momentum outside [0, 1)', () => {
    const ps = [tensor([1], { requiresGrad: true })];
    expect(() => new SGD(ps, { nesterov: true })).toThrow(new ValueError('SGD: nesterov needs momentum > 0, got momentum 0'));
    expect(() => new SGD(ps, { momentum: 1 })).toThrow(new ValueError('SGD: momentum must be a number in [0, 1), got 1'));
    expect(() => new Nesterov(ps, { momentum: 0 })).toThrow(/Nesterov: nesterov needs momentum > 0/);
  });
});

describe('Momentum', () => {
  it('v = μv − lr·g; p += v: three updates with lr 0.1, μ 0.9', () => {
    // step 1: v = -0.1 * (-0.7, 4) = (0.07, -0.4); p = (-6.93, 1.6)
    expectClose(trajectory((ps) => new Momentum(ps, { lr: 0.1, momentum: 0.9 })), MOMENTUM_01_09);
  });

  it('defaults: lr 0.01, momentum 0.9, and a velocity buffer v per parameter', () => {
    const p = tensor([1, 2, 3], { requiresGrad: true });
    const opt = new Momentum([p]);
    expect([opt.lr, opt.hyperparameters.momentum]).toEqual([0.01, 0.9]);
    expect(opt.state[0]!.v).toEqual(new Float64Array(3));
  });

  it('has no nesterov option', () => {
    expect(() => new Momentum([tensor([1], { requiresGrad: true })], { nesterov: true } as never)).toThrow(
      /Momentum: unknown option 'nesterov'; the options are lr, weightDecay, checkFinite, momentum/,
    );
  });
});

describe('Nesterov', () => {
  it('v = μv − lr·g; p += μ²v − (1 + μ)·lr·g: three updates with lr 0.1, μ 0.9', () => {
    // step 1: v = (0.07, -0.4); x = -7 + 0.81 * 0.07 - 1.9 * 0.1 * (-0.7) = -6.8103
    expectClose(trajectory((ps) => new Nesterov(ps, { lr: 0.1, momentum: 0.9 })), NESTEROV_01_09);
  });

  it('defaults: lr 0.01, momentum 0.9', () => {
    const opt = new Nesterov([tensor([1], { requiresGrad: true })]);
    expect([opt.lr, opt.hyperparameters.momentum, opt.hyperparameters.nesterov]).toEqual([0.01, 0.9, true]);
  });
});
