/** Metrics for `fit`'s evaluations: functions `(y, d) => number` of a batch. */
import { fmt, ShapeError, type Tensor } from '@tapegrad/core';

/** Index of the largest of `data[offset .. offset + k)` (the first one on ties, as numpy). */
function argmaxRow(data: ArrayLike<number>, offset: number, k: number): number {
  let best = 0;
  for (let j = 1; j < k; j++) if (data[offset + j]! > data[offset + best]!) best = j;
  return best;
}

/**
 * The fraction of rows whose largest score is the right class — the course's
 * `np.sum(np.argmax(y, axis=1) == d) / n`, with one-hot `d` turned into indices by argmax.
 * `y` is (n, k) scores or probabilities; `d` is (n) class indices or (n, k) one-hot rows.
 * @example
 *   accuracy(tensor([[0.1, 0.9], [0.8, 0.2]]), tensor([1, 1])); // 0.5
 *   fit({ ..., metric: accuracy });
 */
export function accuracy(y: Tensor, d: Tensor): number {
  const op = 'accuracy';
  if (y.ndim !== 2 || y.shape[1]! < 2) {
    throw new ShapeError(`accuracy: y must be (samples, classes) with at least 2 classes, got shape ${fmt(y.shape)}`);
  }
  const [n, k] = y.shape as [number, number];
  const oneHot = d.ndim === 2;
  if (d.shape[0] !== n || (oneHot ? d.shape[1] !== k : d.ndim !== 1)) {
    throw new ShapeError(`${op}: d must be (${n}) class indices or (${n}, ${k}) one-hot rows for y of shape ${fmt([n, k])}, got shape ${fmt(d.shape)}`);
  }
  let hits = 0;
  for (let i = 0; i < n; i++) {
    const label = oneHot ? argmaxRow(d._data, i * k, k) : d._data[i]!;
    if (argmaxRow(y._data, i * k, k) === label) hits++;
  }
  return n === 0 ? 0 : hits / n;
}
