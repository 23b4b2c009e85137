import { describe, expect, it } from 'vitest';
import { median, pairwiseRatios, ratio, spread } from '../src/stats.js';

describe('median', () => {
  it('takes the middle value of an odd count, whatever the order', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([0.93, 14.1, 3.9, 5.8, 28.1])).toBe(5.8);
  });
  it('averages the middle two of an even count', () => {
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
  it('ignores failed rounds (NaN) and is NaN when nothing is left', () => {
    expect(median([Number.NaN, 2, 4])).toBe(3);
    expect(median([])).toBeNaN();
    expect(median([Number.NaN])).toBeNaN();
  });
});

describe('ratio and pairwiseRatios', () => {
  it('divides, and refuses missing values and a zero denominator', () => {
    expect(ratio(3.9, 0.93)).toBeCloseTo(4.1935, 4);
    expect(ratio(1, 0)).toBeNaN();
    expect(ratio(undefined, 2)).toBeNaN();
    expect(ratio(2, Number.NaN)).toBeNaN();
  });
  it('fills every ordered pair as row ÷ column', () => {
    const r = pairwiseRatios({ numpy: 0.93, wasm: 3.9, cpu: 14.1 });
    expect(r.wasm!.numpy).toBeCloseTo(4.1935, 4);
    expect(r.numpy!.wasm).toBeCloseTo(0.23846, 5);
    expect(r.cpu!.cpu).toBe(1);
    expect(Object.keys(r)).toEqual(['numpy', 'wasm', 'cpu']);
  });
});

describe('spread', () => {
  it('gives the smallest and largest finite value', () => {
    expect(spread([3, Number.NaN, 1, 7])).toEqual({ min: 1, max: 7 });
    expect(spread([])).toEqual({ min: Number.NaN, max: Number.NaN });
  });
});
