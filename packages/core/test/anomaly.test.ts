import { describe, expect, it } from 'vitest';
import { AnomalyError, detectAnomaly, isAnomalyEnabled, setDetectAnomaly, tensor, TapegradError } from '../src/index.js';

describe('anomaly mode', () => {
  it('is off by default: NaN flows through silently, as in numpy', () => {
    expect(isAnomalyEnabled()).toBe(false);
    const y = tensor([-1, 4]).sqrt();
    expect(Number.isNaN(y.data[0])).toBe(true);
  });

  it('names the op that produced the first NaN/Infinity in the forward pass, its shapes and the calling line', () => {
    const x = tensor([[1, 0], [2, 3]], { requiresGrad: true });
    let err: unknown;
    try {
      detectAnomaly(() => x.mul(2).log().sum()); // ← this line is reported
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(AnomalyError);
    expect(err).toBeInstanceOf(TapegradError);
    const msg = (err as Error).message;
    expect(msg).toMatch(/^log produced -Infinity at index 1 of its output \[2,2\] from inputs \[2,2\]/);
    expect(msg).toMatch(/anomaly\.test\.ts:\d+:\d+/);
    expect(isAnomalyEnabled()).toBe(false); // restored after fn
  });

  it('says when an input already held NaN', () => {
    expect(() => detectAnomaly(() => tensor([NaN, 1]).exp())).toThrow(/exp produced NaN .*input 0 \[2\] already held NaN/);
  });

  it('catches a gradient that goes bad in backward and names the op whose rule made it', () => {
    const x = tensor([4, 0], { requiresGrad: true });
    // sqrt(0) is fine forward, but its gradient 1/(2·sqrt(0)) is Infinity
    const y = x.sqrt().sum();
    expect(() => y.backward()).not.toThrow(); // off: silently Infinity
    expect(x.grad!.data[1]).toBe(Infinity);
    const z = detectAnomaly(() => x.sqrt().sum());
    expect(() => detectAnomaly(() => z.backward())).toThrow(
      /backward of sqrt produced Infinity in the gradient for input 0 \[2\].*the sqrt was called at .*anomaly\.test\.ts/,
    );
  });

  it('the global switch turns it on and off', () => {
    const prev = setDetectAnomaly(true);
    try {
      expect(() => tensor([0]).log()).toThrow(AnomalyError);
    } finally {
      setDetectAnomaly(prev);
    }
    expect(tensor([0]).log().data[0]).toBe(-Infinity);
  });
});
