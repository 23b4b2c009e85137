import { describe, expect, it } from 'vitest';
import { ArgumentError, tensor, ValueError } from '@tapegrad/core';
import { SGD, cosineDecay, exponentialDecay, stepDecay, type LrSchedule } from '../src/index.js';

const at = (s: LrSchedule, n: number) => Array.from({ length: n }, (_, t) => s(t));

describe('stepDecay', () => {
  it('is lr · gamma^⌊t / stepSize⌋', () => {
    // [0.1 * 0.5 ** (t // 2) for t in range(6)]
    expect(at(stepDecay(0.1, { stepSize: 2, gamma: 0.5 }), 6)).toEqual([0.1, 0.1, 0.05, 0.05, 0.025, 0.025]);
    expect(stepDecay(1, { stepSize: 3 })(3)).toBe(0.1); // gamma defaults to 0.1
  });
  it('rejects a stepSize that is not a whole number ≥ 1', () => {
    expect(() => stepDecay(0.1, { stepSize: 0.5 })).toThrow(new ValueError('stepDecay: stepSize must be a whole number ≥ 1, got 0.5'));
    expect(() => stepDecay(0.1, {} as never)).toThrow(/stepDecay: stepSize must be a whole number ≥ 1, got undefined/);
  });
});

describe('exponentialDecay', () => {
  it('is lr · gamma^(t / decaySteps)', () => {
    // [0.01 * 0.5 ** (t / 2) for t in range(5)]
    const s = exponentialDecay(0.01, { gamma: 0.5, decaySteps: 2 });
    // NOTE: to 1e-15 relative: V8's Math.pow and C's pow may differ in the last bit.
    const expected = [0.01, 0.007071067811865476, 0.005, 0.003535533905932738, 0.0025];
    at(s, 5).forEach((lr, t) => expect(Math.abs(lr - expected[t]!) / expected[t]!).toBeLessThan(1e-15));
    expect(exponentialDecay(2, { gamma: 0.9 })(2)).toBeCloseTo(1.62, 15);
  });
  it('rejects gamma ≤ 0 and unknown options', () => {
    expect(() => exponentialDecay(0.01, { gamma: 0 })).toThrow(new ValueError('exponentialDecay: gamma must be a finite number > 0, got 0'));
    expect(() => exponentialDecay(0.01, { gamma: 0.5, steps: 2 } as never)).toThrow(ArgumentError);
  });
});

describe('cosineDecay', () => {
  it('falls from lr to minLr along half a cosine over totalSteps, then stays', () => {
    // [0.02 + (0.1 - 0.02) * (1 + math.cos(math.pi * min(t, 4) / 4)) / 2 for t in range(6)]
    const s = cosineDecay(0.1, { totalSteps: 4, minLr: 0.02 });
    expect(at(s, 6)).toEqual([0.1, 0.08828427124746191, 0.06, 0.0317157287525381, 0.02, 0.02]);
    expect(cosineDecay(1, { totalSteps: 10 })(10)).toBe(0);
  });
  it('rejects minLr above lr', () => {
    expect(() => cosineDecay(0.1, { totalSteps: 4, minLr: 0.2 })).toThrow(new ValueError('cosineDecay: minLr (0.2) must not exceed lr (0.1)'));
  });
});

describe('a schedule as an optimizer’s lr', () => {
  it('drives SGD step by step', () => {
    const p = tensor([0], { requiresGrad: true });
    const opt = new SGD([p], { lr: stepDecay(1, { stepSize: 1, gamma: 0.5 }) });
    for (let k = 0; k < 4; k++) {
      p.grad = tensor([-1]);
      opt.step();
    }
    // p = 1 + 0.5 + 0.25 + 0.125
    expect(p.item()).toBe(1.875);
    expect(opt.lr).toBe(0.0625);
  });
});
