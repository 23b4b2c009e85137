/**
 * Normalisation and dropout, PyTorch's functional forms. These are compositions of tensor ops
 * (mean, sub, div, sqrt, mul), so their gradients — of every order — come from those ops.
 */
import { bumpVersion, noGrad, record } from '../tape/autograd.js';
import { allocate, floatOf } from '../tape/dtype.js';
import { ArgumentError, ShapeError, ValueError } from '../tape/errors.js';
import { getGlobalGenerator, type Generator } from '../numpy/random.js';
import { fmt, show } from '../tape/messages.js';
import { Tensor, asTensor, type TensorLike } from '../tape/tensor.js';

export interface BatchNormOptions {
  /** Normalise with the batch's statistics (and update the running ones). Default false, as `F.batch_norm`. */
  training?: boolean;
  /** Weight of the new batch statistic in the running average. Default 0.1. */
  momentum?: number;
  /** Added to the variance under the root. Default 1e-5. */
  eps?: number;
}

function checkNumber(op: string, name: string, v: unknown, ok: (v: number) => boolean, what: string): number {
  if (typeof v !== 'number' || !ok(v)) throw new ValueError(`${op}: ${name} must be ${what}, got ${show(v)}`);
  return v;
}

function channelVector(op: string, name: string, v: TensorLike | null | undefined, C: number, dtype: Tensor['dtype']): Tensor | null {
  if (v === undefined || v === null) return null;
  const t = asTensor(v, dtype);
  if (t.ndim !== 1 || t.shape[0] !== C) throw new ShapeError(`${op}: ${name} of shape ${fmt(t.shape)} must have shape [${C}] (one per channel)`);
  return t;
}

/**
 * Batch normalisation, PyTorch's `F.batch_norm`: x (N, C, …) normalised per channel over every
 * axis but 1, then scaled by weight (C) and shifted by bias (C). In training the batch's mean and
 * biased variance are used and the running statistics (C) are updated in place,
 * `run = (1 − momentum)·run + momentum·stat`, with the unbiased variance; otherwise the running
 * statistics are used.
 * @example
 *   const rm = zeros([3]), rv = ones([3]);
 *   batchNorm(randn([8, 3]), rm, rv, null, null, { training: true }); // rm, rv moved toward the batch's
 */
export function batchNorm(
  input: TensorLike, runningMean: Tensor | null, runningVar: Tensor | null,
  weight?: TensorLike | null, bias?: TensorLike | null, options: BatchNormOptions = {},
): Tensor {
  const op = 'batchNorm';
  if (options === null || typeof options !== 'object') throw new ArgumentError(`${op}: options must be an object, got ${show(options)}`);
  const training = Boolean(options.training ?? false);
  const momentum = checkNumber(op, 'momentum', options.momentum ?? 0.1, (v) => Number.isFinite(v), 'a finite number');
  const eps = checkNumber(op, 'eps', options.eps ?? 1e-5, (v) => v >= 0 && Number.isFinite(v), 'a finite number ≥ 0');
  const x0 = asTensor(input);
  const x = x0.astype(floatOf(x0.dtype));
  if (x.ndim < 2) throw new ShapeError(`${op}: input must have at least 2 axes (N, C, …), got shape ${fmt(x.shape)}`);
  const C = x.shape[1]!;
  const rm = channelVector(op, 'runningMean', runningMean, C, x.dtype);
  const rv = channelVector(op, 'runningVar', runningVar, C, x.dtype);
  const w = channelVector(op, 'weight', weight, C, x.dtype);
  const b = channelVector(op, 'bias', bias, C, x.dtype);
  const axes = x.shape.map((_, i) => i).filter((i) => i !== 1);
  const bshape = x.shape.map((d, i) => (i === 1 ? d : 1));
  let xhat: Tensor;
  if (training) {
    const n = x.size / Math.max(C, 1);
    if (n <= 1) throw new ValueError(`${op}: training needs more than 1 value per channel, got input of shape ${fmt(x.shape)}`);
    const mean = x.mean(axes, true);
    const xc = x.sub(mean);
    const variance = xc.square().mean(axes, true);
    xhat = xc.div(variance.add(eps).sqrt());
    if (rm !== null || rv !== null) {
      // NOTE: in place and off the tape, as PyTorch; the running variance is the unbiased one.
      noGrad(() => {
        const unbias = n / (n - 1);
        for (let c = 0; c < C; c++) {
          if (rm !== null) rm._data[c] = momentum * mean._data[c]! + (1 - momentum) * rm._data[c]!;
          if (rv !== null) rv._data[c] = momentum * variance._data[c]! * unbias + (1 - momentum) * rv._data[c]!;
        }
      });
      if (rm !== null) bumpVersion(rm);
      if (rv !== null) bumpVersion(rv);
    }
  } else {
    if (rm === null || rv === null) throw new ValueError(`${op}: outside training the running mean and variance are needed, got ${rm === null ? 'no runningMean' : 'no runningVar'}`);
    xhat = x.sub(rm.reshape(bshape)).div(rv.reshape(bshape).add(eps).sqrt());
  }
  const scaled = w === null ? xhat : xhat.mul(w.reshape(bshape));
  return b === null ? scaled : scaled.add(b.reshape(bshape));
}

/**
 * Layer normalisation, PyTorch's `F.layer_norm`: normalises over the last axes (those of
 * `normalizedShape`) with the biased variance, then weight·x̂ + bias (both of `normalizedShape`).
 * @example
 *   layerNorm(tensor([[1, 2, 3]]), [3]); // [[-1.2247, 0, 1.2247]]
 */
export function layerNorm(input: TensorLike, normalizedShape: number | readonly number[], weight?: TensorLike | null, bias?: TensorLike | null, eps = 1e-5): Tensor {
  const op = 'layerNorm';
  const x0 = asTensor(input);
  const x = x0.astype(floatOf(x0.dtype));
  const ns = typeof normalizedShape === 'number' ? [normalizedShape] : normalizedShape;
  if (!Array.isArray(ns) || ns.length === 0 || ns.some((d) => typeof d !== 'number' || !Number.isInteger(d) || d < 1)) {
    throw new ValueError(`${op}: normalizedShape must be a whole number ≥ 1 or a non-empty array of them, got ${show(normalizedShape)}`);
  }
  checkNumber(op, 'eps', eps, (v) => v >= 0 && Number.isFinite(v), 'a finite number ≥ 0');
  const k = ns.length;
  if (x.ndim < k || x.shape.slice(x.ndim - k).some((d, i) => d !== ns[i])) {
    throw new ShapeError(`${op}: input of shape ${fmt(x.shape)} must end in the normalized shape ${fmt(ns)}`);
  }
  const check = (name: string, v: TensorLike | null | undefined): Tensor | null => {
    if (v === undefined || v === null) return null;
    const t = asTensor(v, x.dtype);
    if (t.ndim !== k || t.shape.some((d, i) => d !== ns[i])) throw new ShapeError(`${op}: ${name} of shape ${fmt(t.shape)} must have the normalized shape ${fmt(ns)}`);
    return t;
  };
  const w = check('weight', weight);
  const b = check('bias', bias);
  const axes = ns.map((_, i) => x.ndim - k + i);
  const mean = x.mean(axes, true);
  const xc = x.sub(mean);
  const xhat = xc.div(xc.square().mean(axes, true).add(eps).sqrt());
  const scaled = w === null ? xhat : xhat.mul(w);
  return b === null ? scaled : scaled.add(b);
}

export interface DropoutOptions {
  /** Off: the input is returned as it is. Default true, as `F.dropout`. */
  training?: boolean;
  /** Where the mask's uniform numbers come from. Default: the global generator. */
  generator?: Pick<Generator, 'rand'>;
}

/**
 * Inverted dropout, PyTorch's `F.dropout`: each element is zeroed with probability p and the
 * rest are scaled by 1/(1 − p), so nothing changes at inference. The keep mask is
 * `generator.rand(shape) >= p` (one uniform draw per element).
 * @example
 *   dropout(ones([2, 4]), 0.5, { generator: new Generator(0) }); // zeros and 2s
 */
export function dropout(input: TensorLike, p = 0.5, options: DropoutOptions = {}): Tensor {
  const op = 'dropout';
  if (options === null || typeof options !== 'object') throw new ArgumentError(`${op}: options must be an object, got ${show(options)}`);
  checkNumber(op, 'p', p, (v) => v >= 0 && v <= 1, 'a probability in [0, 1]');
  const x0 = asTensor(input);
  const x = x0.astype(floatOf(x0.dtype));
  if (!(options.training ?? true) || p === 0) return x;
  const u = (options.generator ?? getGlobalGenerator()).rand(x.shape);
  const mask = allocate(x.dtype, x.size);
  // NOTE: p = 1 drops everything (a zero gradient, no division by 0), as PyTorch.
  const scale = p === 1 ? 0 : 1 / (1 - p);
  for (let i = 0; i < mask.length; i++) mask[i] = u._data[i]! >= p ? scale : 0;
  const keep = Tensor._of(mask, x.shape);
  const data = allocate(x.dtype, x.size);
  for (let i = 0; i < data.length; i++) data[i] = x._data[i]! * mask[i]!;
  // The rule reads only the mask (its own, never exposed), so nothing of the caller's is saved.
  return record('dropout', [x], Tensor._of(data, x.shape), (g) => [g.mul(keep)], []);
}
