import { describe, expect, it } from 'vitest';
import { ArgumentError, AutogradError, noGrad, ShapeError, tensor } from '../src/index.js';

describe('in-place ops', () => {
  it('fill_, zero_, copy_, add_, sub_, mul_, div_ write into the same storage', () => {
    const t = tensor([[1, 2], [3, 4]]);
    const data = t.data;
    t.add_(tensor([10, 20]));
    expect(Array.from(t.data)).toEqual([11, 22, 13, 24]);
    t.sub_(1, 2).mul_(2).div_(tensor([[1], [2]]));
    expect(Array.from(t.data)).toEqual([18, 40, 11, 22]);
    t.copy_(tensor([5, 6]));
    expect(Array.from(t.data)).toEqual([5, 6, 5, 6]);
    t.zero_();
    expect(Array.from(t.data)).toEqual([0, 0, 0, 0]);
    expect(t.data).toBe(data);
    expect(t.version).toBe(6); // one per in-place op
  });

  it('refuses a result that does not fit and a tensor that requires grad outside noGrad', () => {
    const t = tensor([1, 2]);
    expect(() => t.add_(tensor([[1], [2]]))).toThrow(ShapeError);
    const w = tensor([1, 2], { requiresGrad: true });
    expect(() => w.sub_(1)).toThrow(/sub_: in-place ops are not recorded.*noGrad/);
    noGrad(() => w.sub_(1));
    expect(Array.from(w.data)).toEqual([0, 1]);
    expect(() => t.fill_('1' as any)).toThrow(ArgumentError);
    expect(() => t.fill_('1' as any)).toThrow(/fill_: value must be a number, got/);
    expect(t.version).toBe(0); // a refused write changes nothing
  });
});

describe('version counters: a saved tensor modified before backward', () => {
  it('is caught, naming the op that saved it', () => {
    const w = tensor([1, 2], { requiresGrad: true });
    const loss = w.mul(w).sum(); // mul saves w
    noGrad(() => w.sub_(tensor([0.5, 0.5])));
    expect(() => loss.backward()).toThrow(AutogradError);
    expect(() => loss.backward()).toThrow(/saved by 'mul' was modified in place after it was saved \(version 0 → 1\)/);
  });

  it('is caught through a view that shares storage (reshape, detach)', () => {
    const w = tensor([1, 2, 3, 4], { requiresGrad: true });
    const h = w.reshape([2, 2]);
    const loss = h.exp().sum(); // exp saves its output, not w, so modify that output's storage via a detached view
    const savedOut = loss.node!.inputs[0]!;
    noGrad(() => savedOut.detach().fill_(0));
    expect(() => loss.backward()).toThrow(/saved by 'exp'/);
    // and writes through .data are caught once announced with bumpVersion()
    const x = tensor([1, 2], { requiresGrad: true });
    const l2 = x.square().sum();
    x.data[0] = 5;
    x.bumpVersion();
    expect(() => l2.backward()).toThrow(/saved by 'square'/);
  });

  it('does not fire for ops that saved nothing, nor for updates after backward (the training loop)', () => {
    const w = tensor([1, 2], { requiresGrad: true });
    const loss = w.add(1).sum(); // add saves nothing: its gradient does not depend on w
    noGrad(() => w.mul_(3));
    loss.backward();
    expect(Array.from(w.grad!.data)).toEqual([1, 1]);
    for (let step = 0; step < 3; step++) {
      w.zeroGrad();
      w.mul(w).sum().backward();
      noGrad(() => w.sub_(w.grad!, 0.1));
    }
    expect(w.version).toBe(4);
  });
});
