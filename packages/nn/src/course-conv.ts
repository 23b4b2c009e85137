/**
 * The course's `im2col` / `col2im` (in its `common/functions.py`), with its argument order and
 * its layout: rows over (n, oy, ox), ox fastest; columns over (c, ky, kx), kx fastest. Built on
 * core's `unfold` / `fold` (PyTorch's layout (N, C·kh·kw, L)), so both stay on the tape.
 */
import { ShapeError, fold, unfold, type Tensor, type TensorLike } from '@tapegrad/core';
import { toTensor } from './util.js';

function checkInts(op: string, v: Record<string, unknown>): void {
  for (const [name, x] of Object.entries(v)) {
    if (typeof x !== 'number' || !Number.isInteger(x) || x < (name === 'pad' ? 0 : 1)) {
      throw new ShapeError(`${op}: ${name} must be a whole number ≥ ${name === 'pad' ? 0 : 1}, got ${String(x)}`);
    }
  }
}

/**
 * The course's `im2col(input_data, filter_h, filter_w, stride, pad)`: x (N, C, H, W) zero-padded,
 * every filter window as one row of a matrix (N·oh·ow, C·fh·fw), oh = (H + 2·pad − fh) // stride + 1.
 * @example
 *   course.im2col(x, 3, 3).shape; // [8, 9] for x of shape [2, 1, 4, 4], as the course's demo
 */
export function im2col(inputData: TensorLike, filterH: number, filterW: number, stride = 1, pad = 0): Tensor {
  const op = 'course.im2col';
  const x = toTensor(inputData);
  checkInts(op, { filterH, filterW, stride, pad });
  if (x.ndim !== 4) throw new ShapeError(`${op}: input_data must be 4-d (N, C, H, W), got shape [${x.shape.join(',')}]`);
  const cols = unfold(x, [filterH, filterW], { stride, padding: pad }); // (N, K, L)
  const [N, K, L] = cols.shape as [number, number, number];
  return cols.transpose([0, 2, 1]).reshape([N * L, K]);
}

/**
 * The course's `col2im(col, input_shape, filter_h, filter_w, stride, pad)`: the adjoint of `im2col`
 * — each row's values are added back onto the pixels of its window (overlaps add up, so it is
 * not an inverse) and the padding is cropped. Returns (N, C, H, W).
 * @example
 *   course.col2im(course.im2col(x, 3, 3), x.shape, 3, 3); // x times how many windows cover each pixel
 */
export function col2im(col: TensorLike, inputShape: readonly number[], filterH: number, filterW: number, stride = 1, pad = 0): Tensor {
  const op = 'course.col2im';
  const c = toTensor(col);
  checkInts(op, { filterH, filterW, stride, pad });
  if (!Array.isArray(inputShape) || inputShape.length !== 4) throw new ShapeError(`${op}: input_shape must be (N, C, H, W), got ${JSON.stringify(inputShape)}`);
  const [N, C, H, W] = inputShape as [number, number, number, number];
  const oh = Math.floor((H + 2 * pad - filterH) / stride) + 1;
  const ow = Math.floor((W + 2 * pad - filterW) / stride) + 1;
  const K = C * filterH * filterW;
  if (c.ndim !== 2 || c.shape[0] !== N * oh * ow || c.shape[1] !== K) {
    throw new ShapeError(`${op}: col of shape [${c.shape.join(',')}] must be (N·oh·ow, C·fh·fw) = [${N * oh * ow},${K}] for input_shape [${inputShape.join(',')}]`);
  }
  return fold(c.reshape([N, oh * ow, K]).transpose([0, 2, 1]), [H, W], [filterH, filterW], { stride, padding: pad });
}
