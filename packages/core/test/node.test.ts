import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { FormatError, Generator, tensor, Tensor, ValueError } from '../src/index.js';
import { exists, load, loadSafetensors, save, saveSafetensors, writeFileAtomic, type Checkpoint } from '../src/node.js';
import { runKillable } from './killable.js';

const dir = mkdtempSync(join(tmpdir(), 'tapegrad-node-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('save and load', () => {
  it('a checkpoint comes back as it was saved, and Python sees its arrays as safetensors tensors', () => {
    const path = join(dir, 'a.ckpt');
    const g = new Generator(0);
    g.randn(1); // a cached normal in the state
    const checkpoint: Checkpoint = {
      model: { 'fc.weight': { shape: [2, 2], dtype: 'float32', data: [0.5, 'NaN', '-0', 2] } },
      optimizer: { optimizer: 'SGD', stepCount: 3, lr: 0.1, hyperparameters: { momentum: 0.9 }, state: [{ v: [1, 2, 3] }] },
      generator: g.getState(),
      step: 3,
      metadata: { note: 'ünïcode', nested: [{ a: null, b: true }], special: [-0, NaN], tiny: [] },
      w: tensor([[1, 2]], { dtype: 'int32' }),
      order: new Int32Array([2, 0, 1]),
    };
    save(path, checkpoint);
    expect(exists(path)).toBe(true);
    const back = load(path);
    expect(back.w).toBeInstanceOf(Tensor);
    expect([(back.w as Tensor).dtype, (back.w as Tensor).toArray()]).toEqual(['int32', [[1, 2]]]);
    expect({ ...back, w: null }).toEqual({ ...checkpoint, w: null });
    expect(Object.is((back.metadata!.special as number[])[0], -0)).toBe(true);
    expect(new Generator(1).setState(back.generator!).randn(3).toArray()).toEqual(g.randn(3).toArray());
    // The same file as plain safetensors: the arrays by their paths, the rest in __metadata__.
    const { tensors, metadata } = loadSafetensors(path);
    expect(Object.keys(tensors).sort()).toEqual(['generator.state.key', 'metadata.special', 'model.fc.weight', 'optimizer.state.0.v', 'order', 'w']);
    expect([tensors['model.fc.weight']!.dtype, tensors['order']!.dtype, metadata.format, metadata.version]).toEqual(['float32', 'int32', 'tapegrad.checkpoint', '1']);
  });

  it('safetensors files, and what cannot be saved or read', () => {
    const path = join(dir, 'w.safetensors');
    saveSafetensors(path, { 'fc.bias': tensor([1, 2], { dtype: 'float32' }) }, { framework: 'tapegrad' });
    expect(loadSafetensors(path).tensors['fc.bias']!.toArray()).toEqual([1, 2]);
    expect(() => load(path)).toThrow(FormatError);
    expect(() => load(path)).toThrow(/not a tapegrad checkpoint/);
    expect(() => load(join(dir, 'missing.ckpt'))).toThrow(ValueError);
    expect(() => load(join(dir, 'missing.ckpt'))).toThrow(/load: cannot read ".*missing.ckpt" \(ENOENT/);
    expect(() => save(join(dir, 'no', 'such', 'folder.ckpt'), { step: 1 })).toThrow(/writeFileAtomic: cannot write .*ENOENT/);
    expect(() => save(join(dir, 'x.ckpt'), { when: new Date(0) })).toThrow(/'when' is an object; a checkpoint holds plain objects/);
    const cyclic: Record<string, unknown> = { step: 1 };
    cyclic.self = cyclic;
    expect(() => save(join(dir, 'x.ckpt'), cyclic)).toThrow(/'self' refers back to an object that contains it/);
    expect(() => save(join(dir, 'x.ckpt'), { $tensor: 'x' })).toThrow(/has the key "\$tensor", which checkpoints reserve/);
    expect(() => save('', { step: 1 })).toThrow(/save: path must be a non-empty string/);
    expect(readdirSync(dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });
});

const saveLoop = fileURLToPath(new URL('./fixtures/save-loop.ts', import.meta.url));
const here = fileURLToPath(new URL('..', import.meta.url));

describe('atomic writes', () => {
  it('a writer killed at random moments, again and again, always leaves a whole checkpoint (the old or the new one)', async () => {
    const path = join(dir, 'loop.ckpt');
    const seen: number[] = [];
    let midWrite = 0;
    // At least 5 kills, and on until 3 of them landed mid-write (a write is about half of each save here).
    for (let kill = 0; kill < 5 || (midWrite < 3 && kill < 12); kill++) {
      const saves = 1 + (kill % 2);
      expect(await runKillable(saveLoop, [path], here, { saves, ms: Math.floor(Math.random() * 80) })).toBe('killed');
      // A temporary file left beside the checkpoint: this kill landed while a write was in progress.
      if (readdirSync(dir).some((f) => f.startsWith('.loop.ckpt.tmp-'))) midWrite++;
      const c = load(path);
      const big = c.big as Float64Array;
      expect([big.length, big.every((v) => v === c.step), c.metadata!.note]).toEqual([250_000, true, `checkpoint ${c.step}`]);
      expect(c.step).toBeGreaterThanOrEqual(saves); // this life's saves, not an older file
      seen.push(c.step!);
    }
    console.log(`atomic writes: ${seen.length} kills, ${midWrite} of them mid-write; the checkpoint after each kill: ${seen.join(', ')}`);
    expect(midWrite, `checkpoints seen after each kill: ${seen.join(', ')}`).toBeGreaterThanOrEqual(1);
    // The next write removes what killed writers left behind.
    save(path, { step: 0 });
    expect(readdirSync(dir).filter((f) => f.startsWith('.loop.ckpt.tmp-'))).toEqual([]);
  }, 60_000);

  it('writeFileAtomic replaces a file whole; a leftover of a live process is not touched', () => {
    const path = join(dir, 'plain.bin');
    writeFileSync(path, 'old');
    const live = join(dir, `.plain.bin.tmp-${process.ppid}`);
    writeFileSync(live, 'another process is writing');
    writeFileAtomic(path, new Uint8Array([1, 2, 3]));
    expect(Array.from(readFileSync(path))).toEqual([1, 2, 3]);
    expect(readFileSync(live, 'utf8')).toBe('another process is writing');
    rmSync(live);
  });
});
