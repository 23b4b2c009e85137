import { describe, expect, it } from 'vitest';
import { ArgumentError, Generator, ShapeError, manualSeed, tensor } from '@tapegrad/core';
import { Identity, Linear, ReLU, Sequential, Softmax, crossEntropy, course } from '../src/index.js';
import { expectClose } from './support.js';

// numpy, with the course's functions.py (relu, softmax, cross_entropy_error, d_softmax_with_loss, d_relu)
// and W1, W2, b1, b2 as below; numbers printed with .tolist():
//   x = np.array([[1., 5.]]); d = np.array([[0, 1]])
//   u1 = np.dot(x, W1) + b1; z1 = relu(u1); u2 = np.dot(z1, W2) + b2; y = softmax(u2)
//   cross_entropy_error(d, y); delta2 = d_softmax_with_loss(d, y); delta1 = np.dot(delta2, W2.T) * d_relu(z1)
//   np.dot(z1.T, delta2), np.sum(delta2, axis=0), np.dot(x.T, delta1), np.sum(delta1, axis=0)
const W1 = [[0.1, 0.3, 0.5], [0.2, 0.4, 0.6]];
const W2 = [[0.1, 0.4], [0.2, 0.5], [0.3, 0.6]];
const b1 = [0.1, 0.2, 0.3];
const b2 = [0.1, 0.2];
const numpy = {
  u1: [[1.2000000000000002, 2.5, 3.8]],
  u2: [[1.8599999999999999, 4.21]],
  y: [[0.08706577244027125, 0.9129342275597286]],
  loss: 0.09109133135793156,
  gW1: [[-0.026119731732081423, -0.02611973173208143, -0.026119731732081437], [-0.13059865866040712, -0.13059865866040715, -0.13059865866040718]],
  gb1: [-0.026119731732081423, -0.02611973173208143, -0.026119731732081437],
  gW2: [[0.10447892692832551, -0.10447892692832565], [0.21766443110067812, -0.2176644311006784], [0.33084993527303075, -0.33084993527303114]],
  gb2: [0.08706577244027125, -0.08706577244027136],
};

describe("the course's 2-3-2 network with its fixed weights", () => {
  const layers = () => [new Linear(2, 3, { weight: W1, bias: b1 }), new ReLU(), new Linear(3, 2, { weight: W2, bias: b2 })] as const;

  it("reproduces numpy's forward numbers, layer by layer", () => {
    const [l1, act, l2] = layers();
    const x = tensor([[1, 5]]);
    const u1 = l1.forward(x);
    expectClose(u1, numpy.u1, 0);
    const u2 = l2.forward(act.forward(u1));
    expectClose(u2, numpy.u2, 0);
    expectClose(new Sequential(l1, act, l2, new Softmax()).forward(x), numpy.y, 1e-16);
    expect(course.crossEntropyError([[0, 1]], course.softmax(u2)).item()).toBeCloseTo(numpy.loss, 15);
  });

  it("gives the gradients of the course's hand-written backward", () => {
    const [l1, act, l2] = layers();
    const net = new Sequential(l1, act, l2);
    crossEntropy(net.forward([[1, 5]]), [[0, 1]]).backward();
    expectClose(l1.weight.grad!, numpy.gW1);
    expectClose(l1.bias!.grad!, numpy.gb1);
    expectClose(l2.weight.grad!, numpy.gW2);
    expectClose(l2.bias!.grad!, numpy.gb2);
  });
});

describe('Linear', () => {
  it('computes x·W + b for 1-d, batched and 3-d inputs', () => {
    const layer = new Linear(2, 3, { weight: W1, bias: b1 });
    // The course's 1-d input: np.dot(np.array([1., 2.]), W1) + b1 = [0.6, 1.3, 2.0]
    expectClose(layer.forward([1, 2]), [0.6, 1.3, 2.0], 1e-16);
    expectClose(layer.forward([[1, 2], [0, 0]]), [[0.6, 1.3, 2.0], [0.1, 0.2, 0.3]], 1e-16);
    expect(layer.forward(tensor([[[1, 2]], [[3, 4]]])).shape).toEqual([2, 1, 3]);
  });

  it('bias: false has no bias parameter', () => {
    const layer = new Linear(2, 3, { weight: W1, bias: false });
    expect(layer.bias).toBeNull();
    expect(layer.namedParameters().map(([n]) => n)).toEqual(['weight']);
    expectClose(layer.forward([[1, 5]]), [[1.1, 2.3, 3.5]], 1e-16);
  });

  it('biases default to zeros; an explicit weight is copied, not aliased', () => {
    const w = tensor(W1);
    const layer = new Linear(2, 3, { weight: w, generator: new Generator(0) });
    expect(layer.bias!.toArray()).toEqual([0, 0, 0]);
    w.data[0] = 99;
    expect(layer.weight.data[0]).toBe(0.1);
  });

  it('draws its weight from the generator it is given, else from the global one', () => {
    // np.random.seed(1); 0.01 * np.random.randn(3, 2); then 0.01 * np.random.randn(2, 1) (the course's TwoLayerNet)
    const gen = new Generator(1);
    const first = new Linear(3, 2, { init: 'randn', generator: gen });
    const second = new Linear(2, 1, { init: 'randn', generator: gen });
    expectClose(first.weight, [[0.01624345363663242, -0.006117564136500754], [-0.005281717522634557, -0.010729686221561705], [0.008654076293246785, -0.02301538696880283]], 0);
    expectClose(second.weight, [[0.0174481176421648], [-0.007612069008951028]], 0);
    manualSeed(1);
    expect(Array.from(new Linear(3, 2, { init: 'randn' }).weight.data)).toEqual(Array.from(first.weight.data));
  });

  it('float32 layers hold float32 parameters', () => {
    const layer = new Linear(2, 3, { weight: W1, dtype: 'float32' });
    expect([layer.weight.dtype, layer.bias!.dtype]).toEqual(['float32', 'float32']);
    expect(layer.forward(tensor([[1, 5]], { dtype: 'float32' })).dtype).toBe('float32');
  });

  it('rejects bad sizes, mismatched given weights and inputs, naming the layer and shapes', () => {
    expect(() => new Linear(0, 3)).toThrow(ArgumentError);
    expect(() => new Linear(2.5, 3)).toThrow('Linear: inFeatures must be a positive integer, got 2.5');
    expect(() => new Linear(3, 2, { weight: W1 })).toThrow(ShapeError);
    expect(() => new Linear(3, 2, { weight: W1 })).toThrow('Linear: the given weight has shape [2,3], expected [3,2]');
    expect(() => new Linear(2, 3, { weight: W1, bias: [1, 2] })).toThrow('Linear: the given bias has shape [2], expected [3]');
    const layer = new Linear(2, 3, { weight: W1 });
    expect(() => layer.forward([[1, 2, 3]])).toThrow('Linear(2 → 3): input of shape [1,3] must end in 2 features');
    expect(() => layer.forward(5)).toThrow(ShapeError);
  });
});

describe('Sequential', () => {
  it('applies layers in order and accepts plain arrays', () => {
    const net = new Sequential(new Linear(2, 3, { weight: W1, bias: b1 }), new Identity());
    expectClose(net.forward([[1, 5]]), numpy.u1, 0);
    expect(net.length).toBe(2);
    net.append(new ReLU());
    expect(net.layers.map((m) => m.constructor.name)).toEqual(['Linear', 'Identity', 'ReLU']);
  });

  it('rejects what is not a module', () => {
    expect(() => new Sequential(new ReLU(), {} as ReLU)).toThrow('Sequential: argument 1 is not a Module (got object)');
    expect(() => new Sequential().append(null as unknown as ReLU)).toThrow(ArgumentError);
  });
});
