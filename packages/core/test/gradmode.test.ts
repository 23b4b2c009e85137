import { describe, expect, it } from 'vitest';
import { ArgumentError, enableGrad, isGradEnabled, noGrad, tensor } from '../src/index.js';

describe('noGrad and enableGrad take synchronous functions only', () => {
  it('an async function is refused before it runs, and grad mode is unchanged', async () => {
    const x = tensor([1, 2], { requiresGrad: true });
    let ran = false;
    const call = () => noGrad((async () => { ran = true; await null; return x.mul(2); }) as never);
    expect(call).toThrow(ArgumentError);
    expect(call).toThrow(/^noGrad: fn is an async function; grad mode is a global switch, so code after an await would run with it switched back/);
    expect(ran).toBe(false);
    expect(isGradEnabled()).toBe(true);
  });

  it('a function returning a promise is refused when it returns (what ran before the await ran without grad)', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    let later: boolean | undefined;
    const fn = () => Promise.resolve().then(() => { later = x.mul(2).requiresGrad; });
    expect(() => noGrad(fn as never)).toThrow('noGrad: fn returned a promise');
    expect(() => enableGrad(fn as never)).toThrow(/^enableGrad: fn returned a promise/);
    expect(isGradEnabled()).toBe(true);
    return Promise.resolve().then(() => expect(later).toBe(true));
  });

  it('synchronous functions work as before, and a non-function is an ArgumentError', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    expect(noGrad(() => x.mul(2)).requiresGrad).toBe(false);
    expect(noGrad(() => enableGrad(() => x.mul(2))).requiresGrad).toBe(true);
    noGrad(() => { x.mul(2); });
    expect(() => noGrad(3 as never)).toThrow('noGrad: expected a function, got number');
  });
});
