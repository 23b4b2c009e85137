import { describe, expect, it } from 'vitest';
import { ArgumentError, AutogradError, DTypeError, ShapeError, tensor, ValueError, type Tensor } from '@tapegrad/core';
import { Linear, Sequential } from '@tapegrad/nn';
import { AdaGrad, Adam, AdamW, Momentum, Nesterov, RMSProp, SGD, cosineDecay, type Optimizer, type OptimizerStateDict } from '../src/index.js';
import { bowl, trainStep } from './support.js';

const all: [string, (ps: Tensor[]) => Optimizer][] = [
  ['SGD', (ps) => new SGD(ps, { lr: 0.1, momentum: 0.5 })],
  ['Momentum', (ps) => new Momentum(ps, { lr: 0.1 })],
  ['Nesterov', (ps) => new Nesterov(ps, { lr: 0.1 })],
  ['AdaGrad', (ps) => new AdaGrad(ps, { lr: 0.5 })],
  ['RMSProp', (ps) => new RMSProp(ps, { lr: 0.1 })],
  ['Adam', (ps) => new Adam(ps, { lr: 0.1, weightDecay: 0.01 })],
  ['AdamW', (ps) => new AdamW(ps, { lr: 0.1, weightDecay: 0.01 })],
  ['SGD with two parameter groups', (ps) => new SGD([{ params: ps.slice(0, 1), lr: 0.2 }, { params: ps.slice(1), momentum: 0.9 }], { lr: 0.1 })],
];

/** A module-like object as @tapegrad/nn's Module presents its parameters. */
function fakeModule(named: [string, Tensor][]) {
  return { parameters: () => named.map(([, t]) => t), namedParameters: () => named };
}

describe('Optimizer.step', () => {
  it('skips a parameter that has no gradient, and leaves its state at zero', () => {
    const a = tensor([1, 2], { requiresGrad: true });
    const b = tensor([3], { requiresGrad: true });
    const opt = new Momentum([a, b], { lr: 0.5 });
    b.grad = tensor([2]);
    opt.step();
    // b: v = -0.5 * 2 = -1; b = 3 - 1 = 2. a: untouched.
    expect(Array.from(a.data)).toEqual([1, 2]);
    expect(Array.from(b.data)).toEqual([2]);
    expect(Array.from(opt.state[0]!.v!)).toEqual([0, 0]);
    expect(Array.from(opt.state[1]!.v!)).toEqual([-1]);
  });

  it('throws on a NaN or Infinity gradient, naming the parameter, and changes nothing', () => {
    const a = tensor([1, 2], { requiresGrad: true });
    const b = tensor([3, 4, 5], { requiresGrad: true });
    const opt = new SGD(fakeModule([['fc1.weight', a], ['fc1.bias', b]]), { lr: 1 });
    a.grad = tensor([1, 1]);
    b.grad = tensor([0, NaN, 0]);
    expect(() => opt.step()).toThrow(
      new ValueError("SGD.step: the gradient of 'fc1.bias' (param[1]) is NaN at flat index 1; no parameter was changed (pass checkFinite: false to let it through)"),
    );
    expect([Array.from(a.data), opt.stepCount]).toEqual([[1, 2], 0]);
    b.grad = tensor([0, -Infinity, 0]);
    expect(() => opt.step()).toThrow(/'fc1.bias' \(param\[1\]\) is -Infinity at flat index 1/);
  });

  it('names an nn module’s parameters by their dotted names', () => {
    const net = new Sequential(new Linear(2, 3), new Linear(3, 1));
    const opt = new Adam(net);
    const bias = net.parameters()[3]!;
    bias.grad = tensor([Infinity]);
    expect(() => opt.step()).toThrow(/Adam.step: the gradient of 'layers.1.bias' \(param\[3\]\) is Infinity at flat index 0/);
  });

  it('lets a non-finite gradient through with checkFinite: false', () => {
    const p = tensor([1, 2], { requiresGrad: true, dtype: 'float32' });
    const opt = new SGD([p], { lr: 1, checkFinite: false });
    p.grad = tensor([Infinity, 1], { dtype: 'float32' });
    opt.step();
    expect(Array.from(p.data)).toEqual([-Infinity, 1]);
  });

  it('uses the tensor’s own name, or param[i], when no module names it', () => {
    const w = tensor([1], { requiresGrad: true });
    w.name = 'W1';
    const b = tensor([1], { requiresGrad: true });
    const opt = new SGD([w, b]);
    w.grad = tensor([NaN]);
    expect(() => opt.step()).toThrow(/gradient of 'W1' \(param\[0\]\) is NaN/);
    w.grad = null;
    b.grad = tensor([NaN]);
    expect(() => opt.step()).toThrow(/gradient of param\[1\] is NaN/);
  });

  it('a gradient whose shape is not the parameter’s cannot even be assigned, so step never sees one', () => {
    const p = tensor([[1, 2], [3, 4]], { requiresGrad: true });
    const opt = new SGD([p]);
    expect(() => (p.grad = tensor([1, 2, 3]))).toThrow(new ShapeError('grad: a gradient of shape [3] cannot be the gradient of a tensor of shape [2,2]'));
    opt.step();
    expect(p.toArray()).toEqual([[1, 2], [3, 4]]);
  });

  it('updates in place, off the tape: the parameter stays a leaf that requires grad', () => {
    const { params, loss } = bowl();
    const opt = new SGD(params, { lr: 0.1 });
    const data = params[0]!.data;
    trainStep(opt, loss);
    expect(params[0]!.data).toBe(data);
    expect([params[0]!.isLeaf, params[0]!.requiresGrad]).toEqual([true, true]);
  });

  it('updates float32 parameters, rounding to float32', () => {
    const p = tensor([1], { requiresGrad: true, dtype: 'float32' });
    const opt = new SGD([p], { lr: 0.1 });
    p.grad = tensor([1], { dtype: 'float32' });
    opt.step();
    expect(p.data[0]).toBe(Math.fround(0.9));
  });

  it('zeroGrad clears every gradient', () => {
    const { params, loss } = bowl();
    const opt = new Adam(params);
    loss().backward();
    opt.zeroGrad();
    expect(params.map((p) => p.grad)).toEqual([null, null]);
  });
});

describe('Optimizer params', () => {
  const p = () => tensor([1], { requiresGrad: true });

  it('accepts any iterable and a module’s parameters()', () => {
    const a = p();
    const b = p();
    expect(new SGD(new Set([a, b])).params).toEqual([a, b]);
    expect(new SGD(fakeModule([['w', a], ['b', b]])).params).toEqual([a, b]);
  });

  it('rejects a bare tensor, an empty list, non-tensors, int32 tensors and duplicates', () => {
    const a = p();
    expect(() => new SGD(a as never)).toThrow(new ArgumentError('SGD: params must be an array of tensors or a module, got a single tensor; wrap it: [t]'));
    expect(() => new Adam([])).toThrow(new ValueError('Adam: params is empty; there is nothing to optimize'));
    expect(() => new Adam([a, 3] as never)).toThrow(new ArgumentError('Adam: param[1] must be a Tensor, got 3'));
    expect(() => new SGD([tensor([1], { dtype: 'int32' })])).toThrow(DTypeError);
    expect(() => new SGD(fakeModule([['w', a], ['w2', a]]))).toThrow(
      new ValueError("SGD: 'w' (param[1]) is the same tensor as 'w' (param[0]); it would be updated twice per step"),
    );
  });

  it('rejects unknown options and bad values, naming them', () => {
    expect(() => new SGD([p()], { learningRate: 0.1 } as never)).toThrow(
      new ArgumentError("SGD: unknown option 'learningRate'; the options are lr, weightDecay, checkFinite, momentum, nesterov"),
    );
    expect(() => new Adam([p()], { lr: -1 })).toThrow(new ValueError('Adam: lr must be a finite number > 0, got -1'));
    expect(() => new AdaGrad([p()], { weightDecay: NaN })).toThrow(new ValueError('AdaGrad: weightDecay must be a finite number ≥ 0, got NaN'));
  });
});

describe('Optimizer learning rate', () => {
  it('a schedule is evaluated at stepCount before each update', () => {
    const p = tensor([0], { requiresGrad: true });
    const opt = new SGD([p], { lr: (t) => [1, 10, 100][t]! });
    for (let k = 0; k < 3; k++) {
      p.grad = tensor([-1]);
      opt.step();
    }
    expect(p.item()).toBe(111);
    expect(() => opt.lr).toThrow(new ValueError('SGD: the learning-rate schedule gave undefined at step 3; it must be a finite number ≥ 0'));
  });

  it('can be set to a constant or a schedule', () => {
    const opt = new SGD([tensor([0], { requiresGrad: true })]);
    opt.lr = 0.5;
    expect(opt.lr).toBe(0.5);
    opt.lr = cosineDecay(0.2, { totalSteps: 4 });
    expect(opt.lr).toBe(0.2);
    expect(() => (opt.lr = 0)).toThrow(/SGD: lr must be a finite number > 0, got 0/);
  });
});

describe('Optimizer.stateDict / loadStateDict', () => {
  it.each(all)('%s: a JSON round trip continues exactly where it was', (_name, make) => {
    const run = bowl();
    const opt = make(run.params);
    for (let k = 0; k < 4; k++) trainStep(opt, run.loss);
    const copy = bowl();
    copy.params.forEach((t, i) => t.data.set(run.params[i]!.data));
    const opt2 = make(copy.params);
    opt2.loadStateDict(JSON.parse(JSON.stringify(opt.stateDict())) as OptimizerStateDict);
    expect(opt2.stateDict()).toEqual(opt.stateDict());
    for (let k = 0; k < 3; k++) {
      trainStep(opt, run.loss);
      trainStep(opt2, copy.loss);
    }
    expect(copy.params.map((t) => t.item())).toEqual(run.params.map((t) => t.item()));
  });

  it('holds the kind, step count, lr, hyperparameters and buffers', () => {
    const p = tensor([1, 2], { requiresGrad: true });
    const opt = new RMSProp([p], { lr: 0.1 });
    p.grad = tensor([1, -2]);
    opt.step();
    // h = (1 - 0.99) * g * g: python3 -c "a = 1 - 0.99; print(repr(a * 1 * 1), repr(a * -2 * -2))"
    const d = opt.stateDict();
    expect(d).toEqual({
      optimizer: 'RMSProp',
      stepCount: 1,
      lr: 0.1,
      hyperparameters: { decayRate: 0.99, eps: 1e-7, weightDecay: 0 },
      state: [{ h: [0.010000000000000009, 0.040000000000000036] }],
    });
  });

  it('keeps a schedule and resumes it at the loaded step count', () => {
    const a = new SGD([tensor([0], { requiresGrad: true })], { lr: 0.3 });
    const b = new SGD([tensor([0], { requiresGrad: true })], { lr: (t) => 1 / (t + 1) });
    b.loadStateDict({ ...a.stateDict(), stepCount: 3 });
    expect(b.lr).toBe(0.25);
    a.loadStateDict({ ...a.stateDict(), lr: 0.7 });
    expect(a.lr).toBe(0.7);
  });

  it('rejects a bad dict with a clear error and changes nothing', () => {
    const p = tensor([1, 2, 3], { requiresGrad: true });
    const opt = new Adam([p]);
    const good = opt.stateDict();
    const before = JSON.stringify(good);
    const bad = (patch: Partial<OptimizerStateDict>) => () => opt.loadStateDict({ ...good, ...patch });
    expect(bad({ optimizer: 'SGD' })).toThrow(new ValueError('Adam.loadStateDict: the state dict is from "SGD", not Adam'));
    expect(bad({ stepCount: -1 })).toThrow(/stepCount must be a whole number from 0 to 2\*\*53 - 1, got -1/);
    expect(bad({ hyperparameters: { beta1: 2 } })).toThrow(/Adam.loadStateDict: beta1 must be a number in \[0, 1\), got 2/);
    expect(bad({ state: [] })).toThrow(/state must hold one entry per parameter \(1\), got 0 entries/);
    expect(bad({ state: [{ m: [0, 0, 0] }] })).toThrow(/param\[0\] has buffers \[m\], expected \[m, v\]/);
    expect(bad({ state: [{ m: [1, 2, 3], v: [0, 0] }] })).toThrow(
      new ShapeError("Adam.loadStateDict: buffer 'v' of param[0] (shape [3], 3 values) got 2 values"),
    );
    expect(bad({ stepCount: 5, state: [{ m: [1, 2, 3], v: [0, null, 0] as never }] })).toThrow(/buffer 'v' of param\[0\] has null at index 1/);
    expect(JSON.stringify(opt.stateDict())).toBe(before);
  });

  it('rejects a dict whose hyperparameters need other buffers', () => {
    const plain = new SGD([tensor([1], { requiresGrad: true })]);
    const heavy = new SGD([tensor([1], { requiresGrad: true })], { momentum: 0.9 });
    expect(() => plain.loadStateDict(heavy.stateDict())).toThrow(
      /SGD.loadStateDict: the saved hyperparameters need buffers \[v\], which this SGD does not keep; make it with the same options/,
    );
  });
});

describe('in-place safety', () => {
  it('a graph built before step() and run backward after it is refused, not silently wrong', () => {
    const w = tensor([1], { requiresGrad: true });
    const y = w.mul(w);
    w.grad = tensor([1]);
    new SGD([w], { lr: 0.1 }).step();
    expect(() => y.backward()).toThrow(AutogradError);
    expect(w.version).toBe(1);
  });
});
