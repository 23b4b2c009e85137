import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import {
  decodeCheckpoint, decodeSafetensors, DTypeError, encodeCheckpoint, FormatError, manualSeed, ShapeError, tensor, ValueError,
  type Tensor,
} from '@tapegrad/core';
import * as files from '@tapegrad/core/node';
import { Linear, ReLU, Sequential } from '@tapegrad/nn';
import { Adam, fit, type CheckpointStorage, type FitCheckpoint, type FitOptions } from '../src/index.js';
import { runKillable } from '../../core/test/killable.js';
import { ITERATIONS, train } from './fixtures/resumable.js';
import { fitRegression } from './support.js';

const dir = mkdtempSync(join(tmpdir(), 'tapegrad-resume-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The bytes of every parameter, in order: "bit for bit" means these are equal. */
const bytesOf = (ps: readonly Tensor[]) => ps.map((p) => Buffer.from(p.data.buffer, p.data.byteOffset, p.data.byteLength).toString('hex'));

/** A storage in memory that counts saves, and can crash (throw) right after the n-th save. */
function memoryStorage(crashAfterSave = Infinity): CheckpointStorage & { files: Map<string, Uint8Array>; saves: number } {
  const mem = {
    files: new Map<string, Uint8Array>(),
    saves: 0,
    // Through the real encoding, so that what survives is what a file would hold.
    save(path: string, c: FitCheckpoint) {
      mem.files.set(path, encodeCheckpoint(c));
      if (++mem.saves === crashAfterSave) throw new Error('crash');
    },
    load: (path: string) => decodeCheckpoint(mem.files.get(path)!),
    exists: (path: string) => mem.files.has(path),
  };
  return mem;
}

/** 90 iterations drawn with replacement. */
const regression = () => fitRegression(90, 'replacement');

describe('fit: checkpoints and resume, in one process', () => {
  it('a run that crashes after its 3rd checkpoint and is resumed ends bit for bit as an uninterrupted one (draws with replacement, a function model)', () => {
    const ref = regression();
    const refHistory = fit(ref.options);
    const storage = memoryStorage(3);
    const first = regression();
    const checkpoint = { path: 'run', every: 20, storage };
    expect(() => fit({ ...first.options, checkpoint, resume: true })).toThrow('crash');
    expect(storage.load('run')).toMatchObject({ step: 60 });
    const second = regression(); // a fresh process: fresh model, optimizer and generator
    const history = fit({ ...second.options, checkpoint, resume: true });
    expect(bytesOf(second.params)).toEqual(bytesOf(ref.params));
    expect(history.loss).toEqual(refHistory.loss);
    expect(history.evals).toEqual(refHistory.evals);
    expect(storage.saves).toBe(3 + 2); // steps 20, 40, 60, then 80 and the last (90)
  });

  it('resuming a finished run returns its history without training; without a file, resume starts afresh', () => {
    const storage = memoryStorage();
    const a = regression();
    const ha = fit({ ...a.options, checkpoint: { path: 'r', every: 50, storage }, resume: true });
    const b = regression();
    const hb = fit({ ...b.options, checkpoint: { path: 'r', every: 50, storage }, resume: true });
    expect([hb.loss, hb.steps, bytesOf(b.params)]).toEqual([ha.loss, 90, bytesOf(a.params)]);
  });

  it('a checkpoint of other settings, another dtype or other shapes is refused and changes nothing', () => {
    const storage = memoryStorage();
    const path = 'ck';
    fit({ ...regression().options, iterations: 10, checkpoint: { path, every: 10, storage } });
    const r = regression();
    const before = bytesOf(r.params);
    const optBefore = JSON.stringify(r.options.optimizer.stateDict());
    const genBefore = JSON.stringify(r.options.generator!.getState());
    const again = (o: Partial<FitOptions>) => () => fit({ ...r.options, ...o, checkpoint: { path, every: 10, storage }, resume: true });
    expect(again({ batchSize: 5 })).toThrow(new ValueError('fit: the checkpoint was made with batchSize 4, this run has 5; it cannot continue this run'));
    expect(again({ sampling: 'shuffle' })).toThrow(/made with sampling "replacement", this run has "shuffle"/);
    // parameters of another shape: the optimizer's buffers already fail to fit, and nothing is changed
    const c = storage.load(path) as FitCheckpoint;
    c.params![1] = tensor(new Float64Array(9), { shape: [9, 1] });
    c.optimizer.state[1] = { v: new Array(9).fill(0) };
    storage.save(path, c);
    expect(again({})).toThrow(ShapeError);
    expect([bytesOf(r.params), JSON.stringify(r.options.optimizer.stateDict()), JSON.stringify(r.options.generator!.getState())]).toEqual([before, optBefore, genBefore]);
  });

  it('a module is restored through loadStateDict; a float32 checkpoint does not continue a float64 model', () => {
    const make = () => {
      manualSeed(1);
      const model = new Sequential(new Linear(2, 3), new ReLU(), new Linear(3, 1));
      return { model, options: { ...regression().options, model, optimizer: new Adam(model.parameters(), { lr: 0.01 }) } };
    };
    const storage = memoryStorage();
    const checkpoint = { path: 'm', every: 30, storage };
    fit({ ...make().options, iterations: 30, checkpoint });
    const saved = storage.load('m') as FitCheckpoint;
    expect(Object.keys(saved.model!)).toEqual(['layers.0.weight', 'layers.0.bias', 'layers.2.weight', 'layers.2.bias']);
    saved.model!['layers.0.bias']!.dtype = 'float32';
    storage.save('m', saved);
    const m = make();
    const before = JSON.stringify(m.model.stateDict());
    expect(() => fit({ ...m.options, checkpoint, resume: true })).toThrow(new DTypeError("fit: 'layers.0.bias' is \"float32\" in the checkpoint but float64 in the model; a run continues only in its own dtype"));
    expect(JSON.stringify(m.model.stateDict())).toBe(before);
  });

  it('bad checkpoint options are named', () => {
    const { options } = regression();
    expect(() => fit({ ...options, resume: true })).toThrow(/resume needs the checkpoint option/);
    expect(() => fit({ ...options, checkpoint: { path: 'x', every: 0, storage: memoryStorage() } })).toThrow(/checkpoint.every must be a whole number ≥ 1, got 0/);
    expect(() => fit({ ...options, checkpoint: { path: 'x', every: 5 } as never })).toThrow(/checkpoint.storage must be \{ save, load, exists \}/);
  });
});

describe('untrusted checkpoint files leave the model unchanged', () => {
  it('truncated, corrupted, forged or foreign files are errors before anything is restored', () => {
    const path = join(dir, 'good.ckpt');
    fit({ ...regression().options, iterations: 10, checkpoint: { path, every: 10, storage: files } });
    const good = readFileSync(path);
    /** The file with `from` replaced by `to` in its header (the header length rewritten to match). */
    const edited = (from: string, to: string) => {
      const n = Number(good.readBigUInt64LE(0));
      const header = Buffer.from(good.subarray(8, 8 + n).toString('utf8').replace(from, to));
      expect(header.toString()).not.toBe(good.subarray(8, 8 + n).toString()); // the edit applied
      const length = Buffer.alloc(8);
      length.writeBigUInt64LE(BigInt(header.length));
      return Buffer.concat([length, header, good.subarray(8 + n)]);
    };
    const cases: [string, Buffer, RegExp][] = [
      ['truncated', good.subarray(0, good.length - 100), /outside the \d+ bytes of data \(truncated file\?\)/],
      ['empty', Buffer.alloc(0), /truncated: 0 bytes/],
      ['wrong magic', Buffer.from('PK\u0003\u0004 not a checkpoint at all'), /implausible/],
      ['a claim of 10^12 elements', edited('"shape":[624]', '"shape":[1000000,1000000]'), /claims shape \[1000000,1000000\] F64, 1000000000000 elements/],
      ['__proto__', edited('"generator.state.key"', '"__proto__"'), /"__proto__"/],
      ['non-numeric shape', edited('"shape":[624]', '"shape":["x"]'), /has shape \["x"\]/],
      ['NaN in a shape', edited('"shape":[624]', '"shape":[NaN]'), /not valid JSON/],
      ['not a checkpoint', edited('"format":"tapegrad.checkpoint",', ''), /not a tapegrad checkpoint/],
      ['a dangling reference', edited('{\\"$array\\":\\"run.history.loss\\"}', '{\\"$array\\":\\"nowhere\\"}'), /refers to a tensor "nowhere" that the file does not hold/],
    ];
    for (const [what, bytes, message] of cases) {
      const bad = join(dir, 'bad.ckpt');
      writeFileSync(bad, bytes);
      const r = regression();
      const before = [bytesOf(r.params), JSON.stringify(r.options.optimizer.stateDict())];
      let error: unknown;
      try {
        fit({ ...r.options, checkpoint: { path: bad, every: 10, storage: files }, resume: true });
      } catch (e) {
        error = e;
      }
      expect(error, what).toBeInstanceOf(FormatError);
      expect((error as Error).message, what).toMatch(message);
      expect([bytesOf(r.params), JSON.stringify(r.options.optimizer.stateDict())], what).toEqual(before);
    }
  });
});

const killChild = fileURLToPath(new URL('./fixtures/kill-child.ts', import.meta.url));
const here = fileURLToPath(new URL('..', import.meta.url));

describe('fit: SIGKILLed at random moments and resumed, bit for bit', () => {
  it('six kills across a run, each resumed from the last checkpoint: the same parameters, losses and evaluations as an uninterrupted run', async () => {
    const checkpoint = join(dir, 'kill.ckpt');
    const out = join(dir, 'kill.out');
    // 1–4 checkpoints into each life (25 steps apart), then 0–40 ms more: 6 lives use at most 600 of the 1200 steps.
    const kills = Array.from({ length: 6 }, () => ({ saves: 1 + Math.floor(Math.random() * 4), ms: Math.floor(Math.random() * 40) }));
    const steps: number[] = [];
    for (const kill of kills) {
      expect(await runKillable(killChild, [checkpoint, out], here, kill)).toBe('killed');
      steps.push(files.load(checkpoint).step as number);
    }
    expect(await runKillable(killChild, [checkpoint, out], here, null)).toBe('finished');
    const context = `kills ${JSON.stringify(kills)}; the checkpoint's step after each: ${steps.join(', ')}`;
    console.log(`kill and resume: ${context}`);
    expect(steps.every((s, i) => s < ITERATIONS && s > (steps[i - 1] ?? 0)), context).toBe(true);
    const { tensors } = decodeSafetensors(readFileSync(out));
    const reference = train();
    expect(bytesOf(Object.keys(tensors).filter((k) => k.startsWith('param')).sort().map((k) => tensors[k]!)), context).toEqual(bytesOf(reference.params));
    expect(Array.from(tensors.loss!.data), context).toEqual(reference.history.loss);
    expect(Array.from(tensors.evals!.data), context).toEqual(reference.history.evals.flatMap((e) => [e.step, e.trainLoss, e.evalLoss!, e.evalMetric!]));
  }, 60_000);
});
