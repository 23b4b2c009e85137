import { describe, expect, it } from 'vitest';
import { ShapeError, tensor } from '@tapegrad/core';
import { accuracy } from '../src/index.js';

describe('accuracy', () => {
  const y = tensor([[0.1, 0.7, 0.2], [0.5, 0.3, 0.2], [0.2, 0.2, 0.6], [0.3, 0.3, 0.4]]);
  it('compares the argmax of each row with class indices or one-hot rows', () => {
    // np.argmax(y, axis=1) = [1, 0, 2, 2]; d = [1, 0, 1, 2] -> 3 of 4
    expect(accuracy(y, tensor([1, 0, 1, 2], { dtype: 'int32' }))).toBe(0.75);
    expect(accuracy(y, tensor([[0, 1, 0], [1, 0, 0], [0, 1, 0], [0, 0, 1]]))).toBe(0.75);
  });
  it('takes the first of tied scores, as np.argmax', () => {
    expect(accuracy(tensor([[0.5, 0.5]]), tensor([0]))).toBe(1);
  });
  it('rejects shapes that do not fit', () => {
    expect(() => accuracy(tensor([0.1, 0.9]), tensor([1]))).toThrow(
      new ShapeError('accuracy: y must be (samples, classes) with at least 2 classes, got shape [2]'),
    );
    expect(() => accuracy(y, tensor([1, 0]))).toThrow(
      new ShapeError('accuracy: d must be (4) class indices or (4, 3) one-hot rows for y of shape [4,3], got shape [2]'),
    );
  });
});
