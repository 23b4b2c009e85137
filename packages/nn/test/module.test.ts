import { describe, expect, it } from 'vitest';
import { ArgumentError, Generator, ShapeError, Tensor, ValueError, tensor, type TensorLike } from '@tapegrad/core';
import { Linear, Module, Parameter, ReLU, Sequential, Softmax, type StateDict } from '../src/index.js';

/** The course's two-layer network written as a Module subclass with named fields. */
class TwoLayerNet extends Module<[TensorLike], Tensor> {
  fc1: Linear;
  act = new ReLU();
  fc2: Linear;
  constructor(generator: Generator) {
    super();
    this.fc1 = new Linear(2, 3, { generator });
    this.fc2 = new Linear(3, 2, { generator });
  }
  forward(x: TensorLike): Tensor {
    return this.fc2.forward(this.act.forward(this.fc1.forward(x)));
  }
}

const course232 = () =>
  new Sequential(
    new Linear(2, 3, { weight: [[0.1, 0.3, 0.5], [0.2, 0.4, 0.6]], bias: [0.1, 0.2, 0.3] }),
    new ReLU(),
    new Linear(3, 2, { weight: [[0.1, 0.4], [0.2, 0.5], [0.3, 0.6]], bias: [0.1, 0.2] }),
    new Softmax(),
  );

describe('Module: finding parameters and children', () => {
  it('names parameters by field, dotted through children, in field order', () => {
    const net = new TwoLayerNet(new Generator(0));
    expect(net.namedParameters().map(([n, p]) => [n, p.shape])).toEqual([
      ['fc1.weight', [2, 3]], ['fc1.bias', [3]], ['fc2.weight', [3, 2]], ['fc2.bias', [2]],
    ]);
    expect(net.parameters()).toEqual([net.fc1.weight, net.fc1.bias, net.fc2.weight, net.fc2.bias]);
    expect(net.numParameters()).toBe(6 + 3 + 6 + 2);
    expect(net.namedChildren().map(([n, m]) => [n, m.constructor.name])).toEqual([['fc1', 'Linear'], ['act', 'ReLU'], ['fc2', 'Linear']]);
    expect(net.children()).toEqual([net.fc1, net.act, net.fc2]);
  });

  it('walks arrays of modules (layers.0.weight) and of parameters', () => {
    expect(course232().namedParameters().map(([n]) => n)).toEqual(['layers.0.weight', 'layers.0.bias', 'layers.2.weight', 'layers.2.bias']);
    class Bag extends Module<[Tensor], Tensor> {
      scales = [new Parameter([1, 2]), new Parameter([3])];
      forward(x: Tensor) { return x; }
    }
    expect(new Bag().namedParameters().map(([n, p]) => [n, p.toArray()])).toEqual([['scales.0', [1, 2]], ['scales.1', [3]]]);
  });

  it('ignores tensors that are not Parameters, and lists a shared parameter once', () => {
    const shared = new Linear(2, 2, { generator: new Generator(1) });
    class Tied extends Module<[Tensor], Tensor> {
      a = shared;
      b = shared;
      constant = tensor([1, 2], { requiresGrad: true });
      forward(x: Tensor) { return this.b.forward(this.a.forward(x)).add(this.constant); }
    }
    const m = new Tied();
    expect(m.namedParameters().map(([n]) => n)).toEqual(['a.weight', 'a.bias']);
    expect(m.numParameters()).toBe(6);
  });

  it('survives a cycle (a child holding its parent)', () => {
    class Child extends Module<[Tensor], Tensor> {
      parent: Module | null = null;
      w = new Parameter([1]);
      forward(x: Tensor) { return x.mul(this.w); }
    }
    class Parent extends Module<[Tensor], Tensor> {
      child = new Child();
      forward(x: Tensor) { return this.child.forward(x); }
    }
    const p = new Parent();
    p.child.parent = p;
    expect(p.namedParameters().map(([n]) => n)).toEqual(['child.w']);
    expect(p.namedModules().map(([n]) => n)).toEqual(['', 'child']);
  });

  it('registerParameter stores a Parameter under the field name', () => {
    class Scale extends Module<[Tensor], Tensor> {
      declare factor: Parameter;
      constructor() {
        super();
        this.registerParameter('factor', [[2, 3]]);
      }
      forward(x: Tensor) { return x.mul(this.factor); }
    }
    const s = new Scale();
    expect(s.factor).toBeInstanceOf(Parameter);
    expect(s.factor.requiresGrad).toBe(true);
    expect(s.namedParameters().map(([n, p]) => [n, p.shape])).toEqual([['factor', [1, 2]]]);
    expect(() => s.registerParameter('a.b', [1])).toThrow(ArgumentError);
    expect(() => s.registerParameter('', [1])).toThrow(/registerParameter: name must be a non-empty string/);
  });
});

describe('Module: modes and gradients', () => {
  it('train() / eval() set the flag on every module below', () => {
    const net = new TwoLayerNet(new Generator(0));
    expect(net.training && net.fc1.training).toBe(true);
    expect(net.eval()).toBe(net);
    expect([net, net.fc1, net.act, net.fc2].map((m) => m.training)).toEqual([false, false, false, false]);
    net.train();
    expect([net, net.fc1, net.act, net.fc2].map((m) => m.training)).toEqual([true, true, true, true]);
  });

  it('zeroGrad clears every parameter gradient', () => {
    const net = new TwoLayerNet(new Generator(0));
    net.forward([[1, 5]]).sum().backward();
    expect(net.parameters().every((p) => p.grad !== null)).toBe(true);
    net.zeroGrad();
    expect(net.parameters().map((p) => p.grad)).toEqual([null, null, null, null]);
  });

  it('toString lists layers, parameter shapes and counts', () => {
    expect(course232().toString()).toBe(
      [
        'Sequential() — 17 parameters',
        '  (layers.0): Linear(in=2, out=3) weight [2,3], bias [3] — 9 parameters',
        '  (layers.1): ReLU()',
        '  (layers.2): Linear(in=3, out=2) weight [3,2], bias [2] — 8 parameters',
        '  (layers.3): Softmax(axis=-1)',
      ].join('\n'),
    );
    expect(String(new Linear(1, 1, { bias: false, weight: [[2]] }))).toBe('Linear(in=1, out=1, bias=false) weight [1,1] — 1 parameter');
  });
});

describe('Module: stateDict / loadStateDict', () => {
  it('round-trips through JSON exactly, awkward doubles included', () => {
    const model = new TwoLayerNet(new Generator(3));
    // Doubles whose shortest decimal is long, the smallest subnormal, and the four that JSON cannot hold.
    model.fc2.bias!.data.set([0.1 + 0.2, 5e-324]);
    model.fc1.bias!.data.set([NaN, -0, -Infinity]);
    const json = JSON.stringify(model.stateDict());
    const other = new TwoLayerNet(new Generator(4));
    other.loadStateDict(JSON.parse(json) as StateDict);
    const loaded = other.namedParameters();
    // toEqual compares with Object.is, so NaN equals NaN and −0 differs from 0.
    model.namedParameters().forEach(([name, p], i) => expect(Array.from(loaded[i]![1].data), name).toEqual(Array.from(p.data)));
    expect(Object.is(other.fc1.bias!.data[1], -0)).toBe(true);
    expect(model.stateDict()['fc1.bias']).toEqual({ shape: [3], dtype: 'float64', data: ['NaN', '-0', '-Infinity'] });
  });

  it('loads in place (same Parameter objects) from nested arrays, tensors or entries', () => {
    const model = course232();
    const weight = model.parameters()[0]!;
    model.loadStateDict({
      'layers.0.weight': [[1, 2, 3], [4, 5, 6]],
      'layers.0.bias': tensor([7, 8, 9]),
      'layers.2.weight': { shape: [3, 2], dtype: 'float64', data: [1, 2, 3, 4, 5, 6] },
      'layers.2.bias': [0, 0],
    });
    expect(model.parameters()[0]).toBe(weight);
    expect(weight.toArray()).toEqual([[1, 2, 3], [4, 5, 6]]);
    expect(model.parameters()[1]!.toArray()).toEqual([7, 8, 9]);
  });

  it('keeps float32 parameters float32', () => {
    const model = new Linear(2, 2, { dtype: 'float32', generator: new Generator(0) });
    const state = model.stateDict();
    expect(state.weight!.dtype).toBe('float32');
    const copy = new Linear(2, 2, { dtype: 'float32', weight: [[0, 0], [0, 0]] });
    copy.loadStateDict(JSON.parse(JSON.stringify(state)) as StateDict);
    expect(Array.from(copy.weight.data)).toEqual(Array.from(model.weight.data));
  });

  const good = (): StateDict => course232().stateDict();

  it('names missing and unexpected keys', () => {
    const model = course232();
    const { ['layers.0.bias']: _dropped, ...missing } = good();
    expect(() => model.loadStateDict(missing)).toThrow(ValueError);
    expect(() => model.loadStateDict(missing)).toThrow(/missing 'layers\.0\.bias'/);
    expect(() => model.loadStateDict({ ...good(), 'layers.1.weight': [1] })).toThrow(/unexpected 'layers\.1\.weight'/);
  });

  it('names the parameter and both shapes on a shape mismatch', () => {
    const model = course232();
    const state = { ...good(), 'layers.2.weight': [[1, 2, 3], [4, 5, 6]] };
    expect(() => model.loadStateDict(state)).toThrow(ShapeError);
    expect(() => model.loadStateDict(state)).toThrow("'layers.2.weight' has shape [3,2] in the model but [2,3] in the state");
  });

  it('rejects malformed entries with the parameter name', () => {
    const model = course232();
    const badValue = { ...good(), 'layers.2.bias': { shape: [2], dtype: 'float64', data: [1, 'x'] } } as unknown as StateDict;
    expect(() => model.loadStateDict(badValue)).toThrow(/'layers\.2\.bias' has a non-number "x" at position 1/);
    const badLength = { ...good(), 'layers.2.bias': { shape: [2], dtype: 'float64', data: [1, 2, 3] } } as StateDict;
    expect(() => model.loadStateDict(badLength)).toThrow(/'layers\.2\.bias' has shape \[2\] \(2 values\) but 3 data values/);
    expect(() => model.loadStateDict([] as unknown as StateDict)).toThrow(ArgumentError);
  });

  it('never half-applies: a bad last entry leaves every parameter unchanged', () => {
    const model = course232();
    const before = model.parameters().map((p) => Array.from(p.data));
    const state = good();
    for (const entry of Object.values(state)) entry.data = entry.data.map(() => 42);
    state['layers.2.bias'] = { shape: [3], dtype: 'float64', data: [1, 2, 3] };
    expect(() => model.loadStateDict(state)).toThrow(ShapeError);
    expect(model.parameters().map((p) => Array.from(p.data))).toEqual(before);
  });
});
