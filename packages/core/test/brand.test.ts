/**
 * `isTensor` recognises tensors by a `Symbol.for('tapegrad.tensor')` brand, so a tensor made by
 * another copy of core (its ESM and CJS builds loaded side by side) still counts, where
 * `instanceof Tensor` does not. Two copies here: the same sources loaded twice, in fresh module
 * registries.
 */
import { describe, expect, it, vi } from 'vitest';

async function copyOfCore(): Promise<typeof import('../src/index.js')> {
  vi.resetModules();
  return import('../src/index.js');
}

describe('isTensor', () => {
  it('recognises tensors of another copy of core, where instanceof does not', async () => {
    const a = await copyOfCore();
    const b = await copyOfCore();
    expect(a.Tensor).not.toBe(b.Tensor); // really two copies
    const t = a.tensor([1, 2]);
    expect(t instanceof b.Tensor).toBe(false);
    expect(b.isTensor(t)).toBe(true);
    // The other copy's ops take it as a tensor, not as data to convert.
    expect(b.add(t, 1).toArray()).toEqual([2, 3]);
  });

  it('is false for everything else, look-alikes included', async () => {
    const { isTensor, tensor } = await copyOfCore();
    expect(isTensor(tensor(1))).toBe(true);
    for (const v of [undefined, null, 1, [1, 2], new Float64Array(2), { data: new Float64Array(1), shape: [1], dtype: 'float64' }, { _isTensor: true }]) {
      expect(isTensor(v)).toBe(false);
    }
    expect(isTensor({ [Symbol.for('tapegrad.tensor')]: true })).toBe(true); // the brand is the contract
  });
});
