/**
 * The course's functions.py against numpy, and its hand-written derivatives against the tape.
 * Reference numbers come from numpy running the course's own functions (as the course
 * states them: sigmoid, relu, step_function, softmax, mean_squared_error, cross_entropy_error,
 * softmax_with_loss, d_sigmoid, d_relu, d_mean_squared_error, d_softmax_with_loss,
 * d_sigmoid_with_loss), printed with `.tolist()`.
 */
import { describe, expect, it } from 'vitest';
import { IndexError, ShapeError, Tensor, grad, numericalGradient as coreNumericalGradient, tensor } from '@tapegrad/core';
import { binaryCrossEntropyWithLogits, course, crossEntropy } from '../src/index.js';
import * as courseModule from '../src/course.js';
import { expectClose } from './support.js';

// x = np.array([-2.0, -0.5, 0.0, 0.5, 3.0])
const x = [-2, -0.5, 0, 0.5, 3];
// X = np.array([[1.0, 2.0, 3.0], [-1.0, 0.0, 4.0]])
const X = [[1, 2, 3], [-1, 0, 4]];
// d = np.array([[0.0, 1.0], [1.0, 0.0]]); y = np.array([[0.3, 0.7], [0.6, 0.4]])
const d = [[0, 1], [1, 0]];
const y = [[0.3, 0.7], [0.6, 0.4]];

describe('course functions: the same numbers as numpy', () => {
  it('activations and their derivatives', () => {
    expectClose(course.sigmoid(x), [0.11920292202211755, 0.3775406687981454, 0.5, 0.6224593312018546, 0.9525741268224334]);
    expectClose(course.relu(x), [0, 0, 0, 0.5, 3], 0);
    expectClose(course.stepFunction(x), [0, 0, 0, 1, 1], 0);
    expectClose(course.dSigmoid(x), [0.1049935854035065, 0.2350037122015945, 0.25, 0.2350037122015945, 0.045176659730912]);
    expectClose(course.dRelu(x), [0, 0, 0, 1, 1], 0);
    expectClose(course.dStepFunction(x), [0, 0, 0, 0, 0], 0);
  });

  it('softmax of a vector and of rows, stable for ±1000', () => {
    expectClose(course.softmax([1, 2, 3]), [0.09003057317038046, 0.24472847105479764, 0.6652409557748218]);
    expectClose(course.softmax(X), [[0.09003057317038046, 0.24472847105479764, 0.6652409557748218], [0.006573263185309083, 0.0178679818703045, 0.9755587549443865]]);
    expectClose(course.softmax([[1000, 1000], [-1000, 1000]]), [[0.5, 0.5], [0, 1]], 0);
  });

  it('meanSquaredError: np.mean(np.square(d - y)) / 2, arrays or numbers', () => {
    expect(course.meanSquaredError(d, y).item()).toBe(0.06250000000000001);
    expect(course.meanSquaredError(2.5, 0.766).item()).toBe(1.5033779999999999);
  });

  it('crossEntropyError: one-hot or index d, 1-d or 2-d y, + 1e-7 inside the log', () => {
    expect(course.crossEntropyError(d, y).item()).toBe(0.43375012909046895);
    expect(course.crossEntropyError([1, 0], y).item()).toBe(0.43375012909046895);
    expect(course.crossEntropyError(tensor([1, 0], { dtype: 'int32' }), y).item()).toBe(0.43375012909046895);
    expect(course.crossEntropyError([0, 0, 1], [0.1, 0.2, 0.7]).item()).toBe(0.3566748010815999);
    expect(course.crossEntropyError(2, [0.1, 0.2, 0.7]).item()).toBe(0.3566748010815999);
    // np.log(0 + 1e-7): the course's guard against log 0
    expect(course.crossEntropyError([0], [[0, 1]]).item()).toBe(16.11809565095832);
  });

  it('softmaxWithLoss and the hand-written output-layer derivatives', () => {
    expect(course.softmaxWithLoss([2, 0], X).item()).toBe(2.716167745616684);
    const dx = [[0.04501528658519023, 0.12236423552739882, -0.1673795221125891], [-0.4967133684073455, 0.00893399093515225, 0.48777937747219324]];
    expectClose(course.dSoftmaxWithLoss([[0, 0, 1], [1, 0, 0]], course.softmax(X)), dx);
    expectClose(course.dSoftmaxWithLoss([2, 0], course.softmax(X)), dx);
    expectClose(course.dMeanSquaredError([[1], [2], [0.5]], [[0.5], [2.5], [1]]), [[-1 / 6], [1 / 6], [1 / 6]]);
    expect(course.dMeanSquaredError(2.5, 0.766).item()).toBe(-1.734);
    expectClose(course.dSigmoidWithLoss([1, 0], [0.7, 0.2]), [-0.30000000000000004, 0.2], 0);
  });

  it('numericalGradient is core’s (h = 1e-4, as the course)', () => {
    expect(course.numericalGradient).toBe(coreNumericalGradient);
    expectClose(course.numericalGradient((w) => w.square().sum(), tensor([1, 2])), [2, 4], 1e-10);
  });

  it('is the same module under the subpath entry', () => {
    expect(Object.keys(course).sort()).toEqual(Object.keys(courseModule).sort());
    expect(course.crossEntropyError).toBe(courseModule.crossEntropyError);
  });

  it('names the function and the shapes on bad input', () => {
    expect(() => course.softmax([[[1]]])).toThrow('course.softmax: takes a vector or a batch of rows (1-d or 2-d), got shape [1,1,1]');
    expect(() => course.crossEntropyError([[0, 1]], [[[0.5]]])).toThrow(ShapeError);
    expect(() => course.crossEntropyError([0, 1, 1], y)).toThrow(
      'course.crossEntropyError: d of shape [3] is neither one label per row nor one-hot rows for y of shape [2,2]',
    );
    expect(() => course.crossEntropyError([0, 2], y)).toThrow(IndexError);
    expect(() => course.dSoftmaxWithLoss(1, [0.5, 0.5])).toThrow(/course\.dSoftmaxWithLoss: d needs a batch axis/);
    expect(() => course.dSoftmaxWithLoss([0, 1, 1], y)).toThrow(ShapeError);
  });
});

/** The tape's gradient of the scalar `f` at `at`. */
const tapeGrad = (f: (t: Tensor) => Tensor, at: Tensor): Tensor => grad(f)(at);

describe('hand-written derivatives = the tape, where the course applies them correctly', () => {
  const u = tensor([-2.3, -0.4, 0.7, 1.9]);

  it('dSigmoid, dRelu, dStepFunction at the total input u', () => {
    expectClose(course.dSigmoid(u), tapeGrad((t) => course.sigmoid(t).sum(), u), 1e-16);
    expectClose(course.dRelu(u), tapeGrad((t) => course.relu(t).sum(), u), 0);
    expectClose(course.dStepFunction(u), tapeGrad((t) => course.stepFunction(t).sum(), u), 0);
  });

  it('dMeanSquaredError for a scalar target and for one output per sample', () => {
    expectClose(course.dMeanSquaredError(2.5, 0.766), tapeGrad((t) => course.meanSquaredError(2.5, t), tensor(0.766)), 1e-15);
    const target = tensor([[1], [2], [0.5]]);
    const out = tensor([[0.5], [2.5], [1]]);
    expectClose(course.dMeanSquaredError(target, out), tapeGrad((t) => course.meanSquaredError(target, t), out), 1e-16);
  });

  it('dSoftmaxWithLoss is the gradient of the fused cross entropy (no 1e-7), one-hot or index labels', () => {
    const logits = tensor(X);
    for (const labels of [[2, 0], [[0, 0, 1], [1, 0, 0]]]) {
      expectClose(course.dSoftmaxWithLoss(labels, course.softmax(logits)), tapeGrad((t) => crossEntropy(t, labels), logits), 1e-16);
    }
  });

  it("…and of the course's softmaxWithLoss up to the 1e-7 guard: exactly a factor p / (p + 1e-7) per row", () => {
    const logits = tensor(X);
    const p = course.softmax(logits);
    const picked = p.takeAlongAxis(tensor([[2], [0]]), 1);
    const expected = course.dSoftmaxWithLoss([2, 0], p).mul(picked.div(picked.add(1e-7)));
    expectClose(tapeGrad((t) => course.softmaxWithLoss([2, 0], t), logits), expected, 1e-16);
  });

  it('dSigmoidWithLoss is the gradient of the summed binary cross entropy with respect to the logit', () => {
    const logits = tensor([-1.2, 0.3, 2.2]);
    const labels = [1, 0, 1];
    expectClose(course.dSigmoidWithLoss(labels, course.sigmoid(logits)), tapeGrad((t) => binaryCrossEntropyWithLogits(t, labels, { reduction: 'sum' }), logits), 1e-16);
  });
});

describe('where the hand-written derivatives are not the gradient', () => {
  // The course's SGD notebook: x (2) → W1 (2×3), b1 → ReLU → W2 (3), b2 → y (identity), loss mean_squared_error(d, y),
  // d = 3·x0 + 2·x1. numpy ran its backward() twice: with `delta1 = np.dot(delta2, W2.T) * d_relu(z1)` and with
  // the "try this" line `* d_sigmoid(z1)` while forward still uses relu:
  //   W1 = [[0.5, -0.4, 0.3], [-0.2, 0.6, 0.1]]; b1 = [0.1, -0.6, 0.2]; W2 = [0.7, -0.5, 0.9]; b2 = 0.4; x = [0.3, 0.8]
  //   → u1 = [0.09, -0.24, 0.37] (the middle unit is off), y = 0.796, loss 1.451808
  const numpy = {
    dRelu: { W1: [[-0.35783999999999994, 0, -0.46008], [-0.95424, 0, -1.2268800000000002]], b1: [-1.1927999999999999, 0, -1.5336] },
    dSigmoid: {
      W1: [[-0.0892790877809367, 0.0639, -0.11117154824187596], [-0.23807756741583122, 0.1704, -0.29645746197833595]],
      b1: [-0.297596959269789, 0.213, -0.3705718274729199],
    },
    W2: [-0.15335999999999994, 0, -0.6304799999999999],
    b2: -1.704,
  };
  const setup = () => {
    const W1 = tensor([[0.5, -0.4, 0.3], [-0.2, 0.6, 0.1]], { requiresGrad: true });
    const b1 = tensor([0.1, -0.6, 0.2], { requiresGrad: true });
    const W2 = tensor([0.7, -0.5, 0.9], { requiresGrad: true });
    const b2 = tensor(0.4, { requiresGrad: true });
    const input = tensor([0.3, 0.8]);
    const target = 3 * 0.3 + 2 * 0.8;
    const z1 = course.relu(input.dot(W1).add(b1));
    const out = z1.dot(W2).add(b2);
    course.meanSquaredError(target, out).backward();
    return { W1, b1, W2, b2, input, target, z1, out };
  };

  /** The course's backward(), with `dActivation` applied to z1 as the notebook does. */
  const handBackward = (s: ReturnType<typeof setup>, dActivation: (t: Tensor) => Tensor) => {
    const delta2 = course.dMeanSquaredError(s.target, s.out.detach());
    const delta1 = delta2.mul(s.W2.detach()).mul(dActivation(s.z1.detach())).reshape([1, 3]);
    return { W1: s.input.reshape([2, 1]).matmul(delta1), b1: delta1.sum(0), W2: s.z1.detach().mul(delta2), b2: delta2 };
  };

  it('autograd agrees with the d_relu(z1) backward (relu(u) > 0 exactly when u > 0) and with numpy', () => {
    const s = setup();
    const hand = handBackward(s, course.dRelu);
    expectClose(s.W1.grad!, numpy.dRelu.W1);
    expectClose(s.b1.grad!, numpy.dRelu.b1);
    expectClose(s.W2.grad!, numpy.W2);
    expectClose(s.b2.grad!, numpy.b2);
    expectClose(hand.W1, s.W1.grad!, 1e-16);
    expectClose(hand.b1, s.b1.grad!, 1e-16);
  });

  it("the \"try this\" d_sigmoid(z1) on a ReLU output gives other numbers: numpy's, not the gradient", () => {
    const s = setup();
    const hand = handBackward(s, course.dSigmoid);
    expectClose(hand.W1, numpy.dSigmoid.W1, 1e-16);
    expectClose(hand.b1, numpy.dSigmoid.b1, 1e-16);
    // The switched-off middle unit gets gradient 0.213 (d_sigmoid(0) = 0.25 times −1.704 · −0.5) instead of 0,
    // and the live units are scaled by σ'(z1) ≈ 0.25 instead of 1.
    expect(s.b1.grad!.toArray()).toEqual([-1.1927999999999999, 0, -1.5336]);
    const ratio = hand.b1.div(s.b1.grad!.where(s.b1.grad!.ne(0), 1));
    // numpy: the hand b1 over the true b1 (over 1 where the true one is 0)
    expectClose(ratio, [0.24949443265408203, 0.213, 0.24163525526403226], 1e-15);
    // The layer after the activation does not see the mistake.
    expectClose(hand.W2, s.W2.grad!, 1e-16);
  });

  it("d_mean_squared_error divides by d.shape[0], so for several outputs per sample it is K times the gradient of mean_squared_error", () => {
    // numpy: d = [[1, 0], [0, 1]]; y = [[0.8, 0.3], [0.1, 0.6]]; d_mean_squared_error(d, y) vs (y - d) / d.size
    const target = tensor([[1, 0], [0, 1]]);
    const out = tensor([[0.8, 0.3], [0.1, 0.6]]);
    expectClose(course.dMeanSquaredError(target, out), [[-0.09999999999999998, 0.15], [0.05, -0.2]], 1e-16);
    expectClose(tapeGrad((t) => course.meanSquaredError(target, t), out), [[-0.04999999999999999, 0.075], [0.025, -0.1]], 1e-16);
  });

  it('d_softmax_with_loss on a single 1-d sample divides by the number of classes (d.shape[0])', () => {
    // numpy: x = [1.0, 2.0, 0.5]; d = [0, 1, 0]; d_softmax_with_loss(d, softmax(x)) vs softmax(x) - d
    const logits = tensor([1, 2, 0.5]);
    expectClose(course.dSoftmaxWithLoss([0, 1, 0], course.softmax(logits)), [0.07707463254071635, -0.12382276026274586, 0.04674812772202949], 1e-16);
    expectClose(tapeGrad((t) => crossEntropy(t, 1), logits), [0.23122389762214907, -0.37146828078823757, 0.14024438316608848], 1e-16);
  });
});
