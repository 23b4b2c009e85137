import { describe, expect, it } from 'vitest';
import { IndexError, tensor } from '@tapegrad/core';
import { Identity, LogSoftmax, ReLU, Sigmoid, Softmax, Step, Tanh, identity } from '../src/index.js';
import { expectClose } from './support.js';

// numpy: x = np.array([-2.0, -0.5, 0.0, 0.5, 3.0]); 1/(1+np.exp(-x)); np.maximum(0, x); np.where(x > 0, 1, 0); np.tanh(x)
const x = [-2, -0.5, 0, 0.5, 3];

describe('activation modules', () => {
  it('compute the course activations', () => {
    expectClose(new Sigmoid().forward(x), [0.11920292202211755, 0.3775406687981454, 0.5, 0.6224593312018546, 0.9525741268224334]);
    expectClose(new ReLU().forward(x), [0, 0, 0, 0.5, 3], 0);
    expectClose(new Step().forward(x), [0, 0, 0, 1, 1], 0);
    expectClose(new Tanh().forward(x), [-0.9640275800758169, -0.46211715726000974, 0, 0.46211715726000974, 0.9950547536867305]);
  });

  it('Identity returns its input itself, so the tape passes straight through', () => {
    const t = tensor([1, 2], { requiresGrad: true });
    expect(new Identity().forward(t)).toBe(t);
    expect(identity(t)).toBe(t);
  });

  it('Softmax and LogSoftmax work along the axis they are given, and say which in toString', () => {
    // numpy: softmax of [[1, 2, 3], [-1, 0, 4]] along axis 0 = columns
    const m = [[1, 2, 3], [-1, 0, 4]];
    const col = new Softmax(0).forward(m);
    expectClose(col, [[0.8807970779778823, 0.8807970779778823, 0.2689414213699951], [0.11920292202211755, 0.11920292202211755, 0.7310585786300049]]);
    expect(String(new Softmax(0))).toBe('Softmax(axis=0)');
    expectClose(new LogSoftmax().forward([[-1000, 1000]]), [[-2000, 0]], 0);
    expect(() => new Softmax(2).forward(m)).toThrow(IndexError);
  });
});
