import { describe, expect, it } from 'vitest';
import { tensor, ValueError } from '@tapegrad/core';
import { AdaGrad, Adam, RMSProp } from '../src/index.js';
import { expectClose, trajectory } from './support.js';

// Reference trajectories from the course's optimizer classes in numpy on
// f(x, y) = x²/20 + y² from (−7, 2), gradient (x/10, 2y) (see sgd.test.ts for the loop):
// AdaGrad: h[k] += g[k] * g[k]; p[k] -= lr * g[k] / (np.sqrt(h[k]) + 1e-7)
// RMSProp: h[k] *= rho; h[k] += (1 - rho) * g[k] * g[k]; p[k] -= lr * g[k] / (np.sqrt(h[k]) + 1e-7)
// Adam:    t += 1; lr_t = lr * np.sqrt(1.0 - b2**t) / (1.0 - b1**t)
//          m[k] += (1 - b1) * (g[k] - m[k]); v[k] += (1 - b2) * (g[k]**2 - v[k])
//          p[k] -= lr_t * m[k] / (np.sqrt(v[k]) + 1e-7)

describe('AdaGrad', () => {
  it('h += g²; p −= lr·g / (√h + 1e-7): three updates with lr 1.5', () => {
    // step 1: h = (0.49, 16); x = -7 + 1.5 * 0.7 / (0.7 + 1e-7) = -5.500000214285683
    expectClose(trajectory((ps) => new AdaGrad(ps, { lr: 1.5 })), [
      [-5.500000214285683, 0.5000000374999991],
      [-4.573267968164272, 0.13619658308878757],
      [-3.887842338970987, 0.03731457049652155],
    ]);
  });

  it('defaults: lr 0.01, eps 1e-7, one buffer h', () => {
    const opt = new AdaGrad([tensor([1, 2], { requiresGrad: true })]);
    expect([opt.lr, opt.hyperparameters]).toEqual([0.01, { eps: 1e-7, weightDecay: 0 }]);
    expect(Object.keys(opt.state[0]!)).toEqual(['h']);
  });
});

describe('RMSProp', () => {
  it('h = ρh + (1 − ρ)g²; p −= lr·g / (√h + 1e-7): three updates with lr 0.1, ρ 0.99', () => {
    // step 1: h = (0.0049, 0.16); x = -7 + 0.1 * 0.7 / (0.07 + 1e-7) = -6.000001428569388
    expectClose(trajectory((ps) => new RMSProp(ps, { lr: 0.1, decayRate: 0.99 })), [
      [-6.000001428569388, 1.000000249999938],
      [-5.347326716177816, 0.5509870061178768],
      [-4.842635119547288, 0.3096875835647558],
    ]);
  });

  it('defaults: lr 0.01, decayRate 0.99, eps 1e-7', () => {
    const opt = new RMSProp([tensor([1], { requiresGrad: true })]);
    expect([opt.lr, opt.hyperparameters]).toEqual([0.01, { decayRate: 0.99, eps: 1e-7, weightDecay: 0 }]);
  });

  it('rejects a decayRate outside [0, 1) and eps ≤ 0', () => {
    const ps = [tensor([1], { requiresGrad: true })];
    expect(() => new RMSProp(ps, { decayRate: 1.5 })).toThrow(new ValueError('RMSProp: decayRate must be a number in [0, 1), got 1.5'));
    expect(() => new RMSProp(ps, { eps: 0 })).toThrow(new ValueError('RMSProp: eps must be a finite number > 0, got 0'));
  });
});

describe('Adam', () => {
  it('bias-corrected moments: three updates with lr 0.3, β1 0.9, β2 0.999', () => {
    // step 1: lr_t = 0.3 * sqrt(0.001) / 0.1; m = 0.1 g; v = 0.001 g²;
    //         x = -7 - lr_t * (-0.07) / (sqrt(0.00049) + 1e-7) = -6.700001355255732 (≈ -7 + lr)
    expectClose(trajectory((ps) => new Adam(ps, { lr: 0.3 })), [
      [-6.700001355255732, 1.700000237170637],
      [-6.400416624043272, 1.4022457408988034],
      [-6.1015490069813225, 1.108912039425857],
    ]);
  });

  it('defaults: lr 0.001, beta1 0.9, beta2 0.999, eps 1e-7; buffers m and v', () => {
    const opt = new Adam([tensor([1], { requiresGrad: true })]);
    expect([opt.lr, opt.hyperparameters]).toEqual([0.001, { beta1: 0.9, beta2: 0.999, eps: 1e-7, weightDecay: 0 }]);
    expect(Object.keys(opt.state[0]!)).toEqual(['m', 'v']);
  });

  it('counts t from the optimizer’s stepCount', () => {
    const p = tensor([1], { requiresGrad: true });
    const opt = new Adam([p], { lr: 0.1 });
    p.grad = tensor([2]);
    opt.step();
    // t = 1: m = 0.2, v = 0.004, lr_t = 0.1 * sqrt(0.001) / 0.1; p = 1 - lr_t * 0.2 / (sqrt(0.004) + 1e-7)
    expect(p.item()).toBeCloseTo(1 - (Math.sqrt(0.001) * 0.2) / (Math.sqrt(0.004) + 1e-7), 15);
    expect(opt.stepCount).toBe(1);
  });
});
