/**
 * Crafted checkpoints and optimizer state dicts: every field is checked before anything changes,
 * and the error is one of ours.
 */
import { describe, expect, it } from 'vitest';
import { decodeCheckpoint, encodeCheckpoint, tensor, TapegradError, ValueError } from '@tapegrad/core';
import { Adam, SGD, fit, type CheckpointStorage, type FitCheckpoint, type OptimizerStateDict } from '../src/index.js';
import { fitRegression } from './support.js';

/** A 2-8-1 regression trained by shuffled batches (so a position has a sample order). */
const regression = () => fitRegression(25, 'shuffle');

/** A storage holding one checkpoint, handed back through `edit` (as a crafted file would decode). */
function storageOf(bytes: Uint8Array, edit: (c: any) => void): CheckpointStorage {
  return {
    save() {},
    load: () => {
      const c = decodeCheckpoint(bytes);
      edit(c);
      return c;
    },
    exists: () => true,
  };
}

describe("fit's resume checks the whole checkpoint before changing anything", () => {
  it('crafted fields are a ValueError and leave the model and optimizer as they were (they crashed later, after the model was overwritten)', () => {
    let saved: Uint8Array | undefined;
    const first = regression();
    fit({ ...first.options, iterations: 15, checkpoint: { path: 'run', every: 15, storage: { save: (_p, c: FitCheckpoint) => (saved = encodeCheckpoint(c)), load: () => null, exists: () => false } } });
    const cases: [string, (c: any) => void, RegExp][] = [
      ['"__proto__" inside run.sinceEval', (c) => (c.run.sinceEval = JSON.parse('{"loss": 1, "metric": 0, "n": 4, "__proto__": {}}')), /running sums sinceEval are malformed/],
      ['position.batch 99', (c) => (c.run.position.batch = 99), /batch position is invalid \(batch 99 of an epoch of 10 batches\)/],
      ['history.seconds "abc"', (c) => (c.run.history.seconds = 'abc'), /history.seconds is invalid \("abc"\)/],
      ['optimizer stepCount 1e300', (c) => (c.optimizer.stepCount = 1e300), /stepCount must be a whole number from 0 to 2\*\*53 - 1, got 1e\+300/],
      ['epoch 1e300', (c) => (c.run.epoch = 1e300), /epoch is invalid \(1e\+300\)/],
      ['position.epoch 1e300', (c) => (c.run.position.epoch = 1e300), /batch position is invalid \(epoch 1e\+300\)/],
      ['a NaN running sum', (c) => (c.run.epochWindow.loss = NaN), /running sums epochWindow are malformed/],
      ['a fractional count', (c) => (c.run.sinceEval.n = 2.5), /running sums sinceEval are malformed/],
      ['history.epochs "x"', (c) => (c.run.history.epochs = 'x'), /history.epochs is invalid/],
      ['evaluatedAt past the step', (c) => (c.run.evaluatedAt = 16), /evaluatedAt is invalid \(16\)/],
      ['a loss that is not a number', (c) => (c.run.history.loss[3] = '0.5'), /history.loss\[3\] is invalid \("0.5"\)/],
    ];
    for (const [what, edit, message] of cases) {
      const r = regression();
      const before = [r.params.map((p) => p.toArray()), JSON.stringify(r.options.optimizer.stateDict())];
      let error: unknown;
      try {
        fit({ ...r.options, checkpoint: { path: 'run', every: 100, storage: storageOf(saved!, edit) }, resume: true });
      } catch (e) {
        error = e;
      }
      expect(error, what).toBeInstanceOf(TapegradError);
      expect((error as Error).message, what).toMatch(message);
      expect([r.params.map((p) => p.toArray()), JSON.stringify(r.options.optimizer.stateDict())], what).toEqual(before);
    }
    // The untouched checkpoint still resumes, to the end of the run.
    const r = regression();
    expect(fit({ ...r.options, checkpoint: { path: 'run', every: 100, storage: storageOf(saved!, () => {}) }, resume: true }).steps).toBe(25);
  });
});

describe('optimizer loadStateDict refuses what no optimizer saved', () => {
  const dictOf = (opt: SGD | Adam) => JSON.parse(JSON.stringify(opt.stateDict())) as OptimizerStateDict;

  it('stepCount 1e300 (an integer, but no count reaches it), unknown hyperparameters and "__proto__" among them', () => {
    const w = tensor([1, 2], { requiresGrad: true });
    const adam = new Adam([w], { lr: 0.1 });
    const good = dictOf(adam);
    const before = JSON.stringify(adam.stateDict());
    const bad: [string, OptimizerStateDict, RegExp][] = [
      ['stepCount 1e300', { ...good, stepCount: 1e300 }, /Adam.loadStateDict: stepCount must be a whole number from 0 to 2\*\*53 - 1, got 1e\+300/],
      ['stepCount 2**53', { ...good, stepCount: 2 ** 53 }, /stepCount must be a whole number/],
      ['an unknown hyperparameter', { ...good, hyperparameters: { ...good.hyperparameters, momentum: 0.9 } }, /unknown hyperparameter "momentum"; Adam has beta1, beta2/],
      ['__proto__', { ...good, hyperparameters: JSON.parse('{"__proto__": {"beta1": 0.5}, "beta1": 0.9}') }, /unknown hyperparameter "__proto__"/],
      ['not an object', { ...good, hyperparameters: 3 as never }, /hyperparameters must be an object, got 3/],
    ];
    for (const [what, dict, message] of bad) {
      expect(() => adam.loadStateDict(dict), what).toThrow(ValueError);
      expect(() => adam.loadStateDict(dict), what).toThrow(message);
      expect(JSON.stringify(adam.stateDict()), what).toBe(before);
    }
    const sgd = new SGD([w], { lr: 0.1 });
    expect(() => sgd.loadStateDict({ ...dictOf(sgd), hyperparameters: { ...dictOf(sgd).hyperparameters, beta2: 0.9 } })).toThrow(/unknown hyperparameter "beta2"; SGD has momentum, nesterov, weightDecay/);
    adam.loadStateDict({ ...good, stepCount: 7 });
    expect(adam.stepCount).toBe(7);
  });
});
