/**
 * nn's state dicts are core's `TensorEntry`s: a checkpoint that core's `save` wrote and `load` read
 * back goes straight into `loadStateDict` (this file type-checks under strict only because the
 * entry's dtype is core's DType union on both sides).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tensor, tensorEntry, type TensorEntry } from '@tapegrad/core';
import { load, save } from '@tapegrad/core/node';
import { encodeTensor, Linear, type TensorState } from '../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'tapegrad-nn-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('state dicts are core TensorEntries', () => {
  it('model.loadStateDict(load(path).model!) restores every value, NaN, ±Infinity and −0 included', () => {
    const model = new Linear(2, 2, { weight: tensor([[NaN, -0], [Infinity, -Infinity]]), bias: tensor([0.1, -2.5]) });
    const path = join(dir, 'model.ckpt');
    save(path, { model: model.stateDict() });
    const copy = new Linear(2, 2);
    copy.loadStateDict(load(path).model!);
    expect(Array.from(copy.weight.data)).toEqual([NaN, -0, Infinity, -Infinity]);
    expect(Array.from(copy.bias!.data)).toEqual([0.1, -2.5]);
  });

  it("nn's entry is core's: same encoding of the special numbers", () => {
    const t = tensor([1, NaN, -0, -Infinity], { dtype: 'float32' });
    const entry: TensorEntry = encodeTensor(t);
    const state: TensorState = tensorEntry(t);
    expect(entry).toEqual({ shape: [4], dtype: 'float32', data: [1, 'NaN', '-0', '-Infinity'] });
    expect(state).toEqual(entry);
  });
});
