/**
 * AdamW, parameter groups and gradient clipping against PyTorch 1.13 in float64
 * (reference/torch_day2.py writes reference/torch_day2.json).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ArgumentError, Tensor, ValueError } from '@tapegrad/core';
import { AdamW, Adam, SGD, clipGradNorm, clipGradValue, type Optimizer, type ParamsOrGroups } from '../src/index.js';

interface Case {
  shapes: number[][];
  init: number[][];
  grads: number[][][];
  final: number[][];
  options: Record<string, number>;
  groups?: { size: number; options: Record<string, number> }[];
}
const ref = JSON.parse(readFileSync(new URL('./reference/torch_day2.json', import.meta.url), 'utf8')) as {
  optimizers: Record<string, Case>;
  clipGradNorm: { maxNorm: number; normType: number | 'Infinity'; grads: number[][]; total: number; clipped: number[][] }[];
  clipGradValue: { clipValue: number; grads: number[][]; clipped: number[][] }[];
};

function expectNear(actual: ArrayLike<number>, expected: readonly number[], rtol: number): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const [a, e] = [actual[i]!, expected[i]!];
    if (!(Math.abs(a - e) <= rtol * Math.max(1, Math.abs(e)))) expect.fail(`element ${i}: ${a} vs PyTorch's ${e}`);
  }
}

function replay(c: Case, make: (ps: ParamsOrGroups) => Optimizer): Tensor[] {
  const params = c.init.map((v, i) => new Tensor(Float64Array.from(v), c.shapes[i]!).requiresGrad_());
  let arg: ParamsOrGroups = params;
  if (c.groups !== undefined) {
    let at = 0;
    arg = c.groups.map((g) => ({ ...g.options, params: params.slice(at, (at += g.size)) }));
  }
  const opt = make(arg);
  for (const gs of c.grads) {
    params.forEach((p, i) => (p.grad = new Tensor(Float64Array.from(gs[i]!), c.shapes[i]!)));
    opt.step();
  }
  return params;
}

describe('AdamW and parameter groups: the parameters after several steps equal PyTorch 1.13\'s (float64)', () => {
  for (const [name, c] of Object.entries(ref.optimizers)) {
    it(name, () => {
      const make = name.startsWith('SGD') ? (ps: ParamsOrGroups) => new SGD(ps, c.options) : (ps: ParamsOrGroups) => new AdamW(ps, c.options);
      replay(c, make).forEach((p, i) => expectNear(p.data, c.final[i]!, 1e-13));
    });
  }
});

describe('parameter groups', () => {
  const t = (v: number[]) => new Tensor(Float64Array.from(v), [v.length]).requiresGrad_();

  it('each group has its own lr and hyperparameters; lr set on the optimizer sets every group', () => {
    const [a, b] = [t([1, 2]), t([3])];
    const opt = new SGD([{ params: [a], lr: 0.5 }, { params: [b], momentum: 0.9 }], { lr: 0.1 });
    expect(opt.paramGroups.map((g) => g.lr)).toEqual([0.5, 0.1]);
    expect(opt.paramGroups.map((g) => g.hyperparameters.momentum)).toEqual([0, 0.9]);
    expect(opt.state.map((s) => Object.keys(s))).toEqual([[], ['v']]);
    opt.paramGroups[1]!.lr = 0.2;
    a.grad = t([1, 1]);
    b.grad = t([1]);
    opt.step();
    expect(Array.from(a.data)).toEqual([0.5, 1.5]);
    expect(Array.from(b.data)).toEqual([2.8]);
    opt.lr = 0.01;
    expect(opt.paramGroups.map((g) => g.lr)).toEqual([0.01, 0.01]);
  });

  it('stateDict round-trips the groups; a dict with other group sizes is refused and changes nothing', () => {
    const make = () => new Adam([{ params: [t([1, 2])], lr: 0.1 }, { params: [t([3]), t([4])], beta1: 0.5 }]);
    const opt = make();
    opt.params.forEach((p) => (p.grad = t(Array.from(p.data, () => 0.5))));
    opt.step();
    const saved = JSON.parse(JSON.stringify(opt.stateDict()));
    expect(saved.groups.map((g: { size: number; lr: number }) => [g.size, g.lr])).toEqual([[1, 0.1], [2, 0.001]]);
    const other = make();
    other.loadStateDict(saved);
    expect(other.stateDict()).toEqual(opt.stateDict());
    const single = new Adam([t([1, 2]), t([3]), t([4])]);
    expect(() => single.loadStateDict(saved)).toThrow('Adam.loadStateDict: the state dict holds parameter groups of sizes [1, 2], this Adam [3]');
    expect(single.stepCount).toBe(0);
    // a single-group dict keeps the format it always had (no `groups` key)
    expect('groups' in single.stateDict()).toBe(false);
  });

  it('bad groups are errors naming the group', () => {
    const a = t([1]);
    expect(() => new SGD([{ params: [a], lr: -1 }])).toThrow(ValueError);
    expect(() => new SGD([{ params: [a], lr: -1 }])).toThrow('SGD (param group 0)');
    expect(() => new SGD([{ params: [a], learningRate: 0.1 }])).toThrow(ArgumentError);
    expect(() => new SGD([{ params: [a] }, { params: [a] }])).toThrow("SGD: param[1] is the same tensor as param[0]; a tensor may be in one parameter group only");
  });
});

describe('clipGradNorm / clipGradValue: PyTorch\'s clip_grad_norm_ and clip_grad_value_', () => {
  const withGrads = (grads: number[][]) => grads.map((g) => {
    const p = new Tensor(new Float64Array(g.length), [g.length]).requiresGrad_();
    p.grad = new Tensor(Float64Array.from(g), [g.length]);
    return p;
  });

  for (const c of ref.clipGradNorm) {
    it(`maxNorm ${c.maxNorm}, normType ${c.normType}: the total norm returned and the gradients scaled`, () => {
      const ps = withGrads(c.grads);
      const total = clipGradNorm(ps, c.maxNorm, { normType: c.normType === 'Infinity' ? Infinity : c.normType });
      expectNear([total], [c.total], 1e-14);
      ps.forEach((p, i) => expectNear(p.grad!.data, c.clipped[i]!, 1e-14));
    });
  }

  for (const c of ref.clipGradValue) {
    it(`clipValue ${c.clipValue}`, () => {
      const ps = withGrads(c.grads);
      clipGradValue(ps, c.clipValue);
      ps.forEach((p, i) => expectNear(p.grad!.data, c.clipped[i]!, 0));
    });
  }

  it('skips parameters without a gradient; bad arguments are errors', () => {
    const [a, b] = withGrads([[3, 4], [1]]);
    b!.grad = null;
    expect(clipGradNorm([a!, b!], 1)).toBe(5);
    expect(() => clipGradNorm([a!], 0)).toThrow('clipGradNorm: maxNorm must be');
    expect(() => clipGradNorm([a!], 1, { normType: 0.5 })).toThrow('clipGradNorm: normType must be a number ≥ 1 or Infinity, got 0.5');
    a!.grad = new Tensor(Float64Array.from([NaN, 1]), [2]);
    expect(() => clipGradNorm([a!], 1, { errorIfNonfinite: true })).toThrow(ValueError);
    expect(() => clipGradValue([a!], -1)).toThrow('clipGradValue: clipValue must be');
  });
});
