import { describe, expect, it } from 'vitest';
import { ArgumentError, IndexError, ShapeError, ValueError, logSoftmax, tensor } from '@tapegrad/core';
import {
  BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, MSELoss, NLLLoss,
  binaryCrossEntropy, binaryCrossEntropyWithLogits, crossEntropy, mseLoss, nllLoss,
} from '../src/index.js';
import { expectClose } from './support.js';

// numpy, printed with .tolist():
//   def log_softmax(x): m = x.max(-1, keepdims=True); return x - m - np.log(np.exp(x - m).sum(-1, keepdims=True))
//   X = np.array([[2.0, 1.0, 0.1], [0.5, -1.0, 3.0]]); t = np.array([0, 2])
//   per = -log_softmax(X)[np.arange(2), t]; per, per.mean(), per.sum()
//   (np.exp(log_softmax(X)) - np.eye(3)[t]) / 2                       # d mean / d X
//   soft = np.array([[0.7, 0.2, 0.1], [0.0, 0.5, 0.5]]); -(soft * log_softmax(X)).sum(-1)
//   p = np.array([0.9, 0.2, 0.5]); y = np.array([1.0, 0.0, 0.3]); -(y * np.log(p) + (1 - y) * np.log(1 - p))
//   z = np.array([0.0, 2.0, -3.0]); np.logaddexp(0, z) - y * z;  1 / (1 + np.exp(-z)) - y   # d sum / d z
const X = [[2.0, 1.0, 0.1], [0.5, -1.0, 3.0]];
const numpy = {
  ceNone: [0.41703001627783354, 0.09567432941438228],
  ceMean: 0.2563521728461079,
  ceSum: 0.5127043456922158,
  ceGradMean: [[-0.17049943055701605, 0.12121648535235695, 0.0492829452046591], [0.03729777856610721, 0.008322259304636172, -0.04562003787074337]],
  ceSoftNone: [0.8070300162778336, 2.0956743294143827],
  bceNone: [0.10536051565782628, 0.2231435513142097, 0.6931471805599453],
  bceLogitsNone: [0.6931471805599453, 2.1269280110429727, 0.948587351573742],
  bceLogitsGradSum: [-0.5, 0.8807970779778823, -0.2525741268224332],
};
const p = [0.9, 0.2, 0.5];
const y = [1.0, 0.0, 0.3];
const z = [0.0, 2.0, -3.0];

describe('crossEntropy', () => {
  it('matches numpy for every reduction, with int32, float and plain-array class indices', () => {
    expectClose(crossEntropy(X, [0, 2], { reduction: 'none' }), numpy.ceNone);
    expectClose(crossEntropy(X, tensor([0, 2], { dtype: 'int32' })), numpy.ceMean);
    expectClose(crossEntropy(tensor(X), tensor([0, 2]), { reduction: 'sum' }), numpy.ceSum);
  });

  it('takes one-hot rows and probability rows', () => {
    expectClose(crossEntropy(X, [[1, 0, 0], [0, 0, 1]]), numpy.ceMean);
    expectClose(crossEntropy(X, [[0.7, 0.2, 0.1], [0, 0.5, 0.5]], { reduction: 'none' }), numpy.ceSoftNone);
  });

  it('has the gradient (softmax − one-hot) / batch', () => {
    const logits = tensor(X, { requiresGrad: true });
    crossEntropy(logits, [0, 2]).backward();
    expectClose(logits.grad!, numpy.ceGradMean);
  });

  it('is finite and exact for logits of ±1000', () => {
    const logits = tensor([[-1000, 1000], [1000, -1000], [1000, 1000]], { requiresGrad: true });
    const loss = crossEntropy(logits, [0, 0, 1], { reduction: 'none' });
    expectClose(loss, [2000, 0, Math.LN2], 0);
    loss.sum().backward();
    expectClose(logits.grad!, [[-1, 1], [0, 0], [0.5, -0.5]], 0);
    expect(crossEntropy([[-1000, 1000]], [[1, 0]]).item()).toBe(2000);
  });

  it('takes a single 1-d sample with a scalar class index', () => {
    expectClose(crossEntropy(X[0]!, 0), numpy.ceNone[0]!);
  });

  it('names the loss and the shapes on bad targets', () => {
    expect(() => crossEntropy(X, [0, 1, 2])).toThrow(ShapeError);
    expect(() => crossEntropy(X, [0, 1, 2])).toThrow(
      'crossEntropy: target of shape [3] fits neither class indices (shape [2]) nor one-hot rows (shape [2,3]) for an input of shape [2,3]',
    );
    expect(() => crossEntropy(X, [0, 3])).toThrow(IndexError);
    expect(() => crossEntropy(X, [0, 3])).toThrow('crossEntropy: class index 3 at flat index 1 is out of range for 3 classes');
    expect(() => crossEntropy(X, [-1, 0])).toThrow(IndexError);
    expect(() => crossEntropy(X, [0.5, 1])).toThrow('crossEntropy: class indices must be whole numbers, found 0.5 at flat index 0');
    expect(() => crossEntropy(X, [[2, 0, 0], [0, 0, 1]])).toThrow(/crossEntropy: a one-hot \/ probability target must lie in \[0, 1\], found 2/);
    expect(() => crossEntropy(5, [0])).toThrow('crossEntropy: logits must have a class axis, got a 0-d tensor');
    expect(() => crossEntropy(X, [0, 1], { reduction: 'avg' as 'mean' })).toThrow(ArgumentError);
  });
});

describe('nllLoss', () => {
  it('of log-softmax is crossEntropy of the logits', () => {
    expectClose(nllLoss(logSoftmax(tensor(X)), [0, 2], { reduction: 'none' }), numpy.ceNone);
    expect(() => nllLoss(X, [0, 5])).toThrow('nllLoss: class index 5 at flat index 1 is out of range for 3 classes');
  });
});

describe('mseLoss', () => {
  it('is the mean (or sum) of squared differences', () => {
    // numpy: a = [[1, 2], [3, -1]]; b = [[0.5, 2], [1, 1]]; ((a - b)**2).mean() = 2.0625, .sum() = 8.25
    const a = [[1, 2], [3, -1]];
    const b = [[0.5, 2], [1, 1]];
    expect(mseLoss(a, b).item()).toBe(2.0625);
    expect(mseLoss(a, b, { reduction: 'sum' }).item()).toBe(8.25);
    expect(mseLoss(a, b, { reduction: 'none' }).toArray()).toEqual([[0.25, 0], [4, 4]]);
  });

  it('refuses to broadcast', () => {
    expect(() => mseLoss([[1, 2]], [1, 2])).toThrow('mseLoss: input of shape [1,2] and target of shape [2] must have the same shape');
  });
});

describe('binaryCrossEntropy', () => {
  it('matches numpy', () => {
    expectClose(binaryCrossEntropy(p, y, { reduction: 'none' }), numpy.bceNone);
  });

  it('floors log at −100 as PyTorch does, with a finite gradient at p = 0 and 1', () => {
    const probs = tensor([0, 1], { requiresGrad: true });
    const loss = binaryCrossEntropy(probs, [1, 0], { reduction: 'none' });
    expectClose(loss, [100, 100], 1e-13);
    loss.sum().backward();
    expect(probs.grad!.toArray()).toEqual([0, 0]);
  });

  it('rejects probabilities and targets outside [0, 1], and shape mismatches', () => {
    expect(() => binaryCrossEntropy([1.5], [1])).toThrow(ValueError);
    expect(() => binaryCrossEntropy([1.5], [1])).toThrow('binaryCrossEntropy: probabilities must lie in [0, 1], found 1.5 at flat index 0 (shape [1])');
    expect(() => binaryCrossEntropy([NaN], [1])).toThrow(/probabilities must lie in \[0, 1\], found NaN/);
    expect(() => binaryCrossEntropy([0.5], [-1])).toThrow(/the target must lie in \[0, 1\], found -1/);
    expect(() => binaryCrossEntropy([0.5, 0.5], [1])).toThrow('binaryCrossEntropy: probabilities of shape [2] and target of shape [1] must have the same shape');
  });
});

describe('binaryCrossEntropyWithLogits', () => {
  it('matches numpy, and its gradient is sigmoid(z) − y, ½ − y at z = 0 included', () => {
    const logits = tensor(z, { requiresGrad: true });
    const loss = binaryCrossEntropyWithLogits(logits, y, { reduction: 'none' });
    expectClose(loss, numpy.bceLogitsNone);
    loss.sum().backward();
    expectClose(logits.grad!, numpy.bceLogitsGradSum);
  });

  it('is finite for logits of ±1000', () => {
    expect(binaryCrossEntropyWithLogits([1000, -1000, 1000], [0, 1, 1], { reduction: 'none' }).toArray()).toEqual([1000, 1000, 0]);
  });

  it('checks shapes and targets', () => {
    expect(() => binaryCrossEntropyWithLogits([0, 1], [[0, 1]])).toThrow(
      'binaryCrossEntropyWithLogits: logits of shape [2] and target of shape [1,2] must have the same shape',
    );
    expect(() => binaryCrossEntropyWithLogits([0], [2])).toThrow(ValueError);
  });
});

describe('loss modules', () => {
  it('call their function with the reduction fixed at construction', () => {
    expectClose(new CrossEntropyLoss({ reduction: 'sum' }).forward(X, [0, 2]), numpy.ceSum);
    expectClose(new NLLLoss({ reduction: 'none' }).forward(logSoftmax(tensor(X)), [0, 2]), numpy.ceNone);
    expect(new MSELoss().forward([1, 2], [1, 4]).item()).toBe(2);
    expectClose(new BCELoss({ reduction: 'none' }).forward(p, y), numpy.bceNone);
    expectClose(new BCEWithLogitsLoss({ reduction: 'none' }).forward(z, y), numpy.bceLogitsNone);
    expect(String(new MSELoss())).toBe("MSELoss(reduction='mean')");
    expect(new CrossEntropyLoss().numParameters()).toBe(0);
  });

  it('reject an unknown reduction at construction, naming the module', () => {
    expect(() => new BCELoss({ reduction: 'max' as 'sum' })).toThrow(`BCELoss: reduction must be 'mean', 'sum' or 'none', got "max"`);
  });
});
