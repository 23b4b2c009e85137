/**
 * Convolutions with PyTorch's semantics and weight layouts (NCHW, cross-correlation).
 * Forward is im2col + the wasm gemm; the three ops below — the convolution, its input gradient
 * (which is the transposed convolution) and its weight gradient — are each other's gradient
 * rules, so every order of derivative stays on the tape.
 */
import { record } from '../tape/autograd.js';
import { allocate, floatOf, promote, type DType } from '../tape/dtype.js';
import { sumTo } from './reduce.js';
import { ArgumentError, ShapeError, ValueError } from '../tape/errors.js';
import { col2im, convForward, convInputKernel, convWeightKernel, im2col, type ConvGeom } from '../kernels/conv.js';
import { fmt, show } from '../tape/messages.js';
import { checkResult } from '../tape/shapes.js';
import { Tensor, asTensor, type TensorLike } from '../tape/tensor.js';

/** A size per spatial axis: one number for all, or one each (`[h, w]`). */
export type Size2 = number | readonly [number, number];
/** A size for the one spatial axis of the 1-d ops. */
export type Size1 = number | readonly [number];

export interface Conv2dOptions {
  /** Default 1. */
  stride?: Size2;
  /** Zeros added on both sides, or `'valid'` (none) / `'same'` (output as large as the input; stride 1). Default 0. */
  padding?: Size2 | 'valid' | 'same';
  /** Spacing between kernel elements. Default 1. */
  dilation?: Size2;
  /** Channels split into this many independent groups. Default 1. */
  groups?: number;
}

export interface Conv1dOptions {
  stride?: Size1;
  padding?: Size1 | 'valid' | 'same';
  dilation?: Size1;
  groups?: number;
}

export interface ConvTranspose2dOptions {
  stride?: Size2;
  padding?: Size2;
  /** Extra rows/columns on one side of the output (smaller than the stride or the dilation). Default 0. */
  outputPadding?: Size2;
  dilation?: Size2;
  groups?: number;
}

export interface ConvTranspose1dOptions {
  stride?: Size1;
  padding?: Size1;
  outputPadding?: Size1;
  dilation?: Size1;
  groups?: number;
}

/** @internal `[h, w]` from a number or a pair, each a whole number ≥ `min`. */
export function pair(op: string, name: string, v: unknown, dflt: number, min: number, n = 2): number[] {
  const arr = v === undefined ? new Array<number>(n).fill(dflt) : typeof v === 'number' ? new Array<number>(n).fill(v) : v;
  if (!Array.isArray(arr) || arr.length !== n || arr.some((d) => typeof d !== 'number' || !Number.isInteger(d) || d < min)) {
    throw new ValueError(`${op}: ${name} must be ${n === 1 ? 'a whole number' : `a whole number or ${n} of them`} ≥ ${min}, got ${show(v)}`);
  }
  return arr.slice() as number[];
}

function checkGroups(op: string, groups: unknown): number {
  if (typeof groups !== 'number' || !Number.isInteger(groups) || groups < 1) {
    throw new ValueError(`${op}: groups must be a whole number ≥ 1, got ${show(groups)}`);
  }
  return groups;
}

/** Both operands in one float dtype (int32 becomes float64, as the other float ops). */
function floats(x: Tensor, w: Tensor): [Tensor, Tensor] {
  const dt = floatOf(promote(x.dtype, w.dtype));
  return [x.astype(dt), w.astype(dt)];
}

// ---------------------------------------------------------------------------
// The three ops: y = conv(x, w); convInput(dy, w) = ∂⟨dy, conv(x, w)⟩/∂x; convWeight(x, dy) = ∂⟨dy, conv(x, w)⟩/∂w.
// conv is bilinear, so each one's gradient rule is made of the other two (g: the incoming gradient).

function conv(x: Tensor, w: Tensor, geo: ConvGeom): Tensor {
  const out = Tensor._of(convForward(x._data, w._data, geo, x.dtype), [geo.N, geo.F, geo.oh, geo.ow]);
  return record('conv2d', [x, w], out, (g) => [
    x.requiresGrad ? convInput(g, w, geo, 'conv2dInputGrad') : null,
    w.requiresGrad ? convWeight(x, g, geo) : null,
  ], [x, w]);
}

/**
 * conv + bias (F) in one pass: the bias is added as each output row is written, which saves a
 * pass and an output-sized array; the values and gradients are those of `conv(x, w).add(b.reshape([F, 1, 1]))`.
 */
function convBias(x: Tensor, w: Tensor, b: Tensor, geo: ConvGeom): Tensor {
  const out = Tensor._of(convForward(x._data, w._data, geo, x.dtype, b._data), [geo.N, geo.F, geo.oh, geo.ow]);
  return record('conv2d', [x, w, b], out, (g) => [
    x.requiresGrad ? convInput(g, w, geo, 'conv2dInputGrad') : null,
    w.requiresGrad ? convWeight(x, g, geo) : null,
    b.requiresGrad ? sumTo(g, [geo.F, 1, 1]).reshape([geo.F]) : null,
  ], [x, w]);
}

/** Also the transposed convolution (`op` names it on the tape). */
function convInput(dy: Tensor, w: Tensor, geo: ConvGeom, op: string): Tensor {
  const out = Tensor._of(convInputKernel(dy._data, w._data, geo, dy.dtype), [geo.N, geo.C, geo.H, geo.W]);
  return record(op, [dy, w], out, (g) => [
    dy.requiresGrad ? conv(g, w, geo) : null,
    w.requiresGrad ? convWeight(g, dy, geo) : null,
  ], [dy, w]);
}

function convWeight(x: Tensor, dy: Tensor, geo: ConvGeom): Tensor {
  const out = Tensor._of(convWeightKernel(x._data, dy._data, geo, x.dtype), [geo.F, geo.C / geo.groups, geo.kh, geo.kw]);
  return record('conv2dWeightGrad', [x, dy], out, (g) => [
    x.requiresGrad ? convInput(dy, g, geo, 'conv2dInputGrad') : null,
    dy.requiresGrad ? conv(x, g, geo) : null,
  ], [x, dy]);
}

// ---------------------------------------------------------------------------
// Public entries

/** The bias (F) as a tensor of `dtype`, or null. */
function checkBias(op: string, bias: TensorLike | null | undefined, dtype: DType, F: number): Tensor | null {
  if (bias === undefined || bias === null) return null;
  const b = asTensor(bias, dtype);
  if (b.ndim !== 1 || b.shape[0] !== F) throw new ShapeError(`${op}: bias of shape ${fmt(b.shape)} must have shape [${F}] (one per output channel)`);
  return b;
}

/** Adds the bias (F) along axis 1. */
function withBias(op: string, y: Tensor, bias: TensorLike | null | undefined, F: number): Tensor {
  const b = checkBias(op, bias, y.dtype, F);
  return b === null ? y : y.add(b.reshape([F, ...new Array<number>(y.ndim - 2).fill(1)]));
}

/** Spatial axes of the shown (user) shapes: `[h, w]` for 2-d, `[l]` for 1-d. */
interface Shown { op: string; x: readonly number[]; w: readonly number[]; dims: 1 | 2 }

/** The output's shape as the user will see it (no batch axis when the input had none; 1-d convolutions have no height). */
function outShape(s: Shown, N: number, F: number, oh: number, ow: number): number[] {
  const spatial = s.dims === 1 ? [ow] : [oh, ow];
  return s.x.length === s.dims + 2 ? [N, F, ...spatial] : [F, ...spatial];
}

function showParams(s: Shown, v: number[]): string {
  return s.dims === 1 ? String(v[1]) : `[${v.join(',')}]`;
}

/**
 * The convolution of x (N, C, H, W) with w (F, C/groups, kh, kw) — all internal callers pass
 * 4-d tensors; `shown` carries what the user passed for the messages.
 */
function conv2dCore(
  x: Tensor, w: Tensor, stride: number[], padding: number[] | 'same', dilation: number[], groups: number, s: Shown, bias: Tensor | null = null,
): Tensor {
  const [N, C, H, W] = x.shape as [number, number, number, number];
  const [F, cg, kh, kw] = w.shape as [number, number, number, number];
  const { op } = s;
  if (C % groups !== 0 || F % groups !== 0 || cg * groups !== C) {
    throw new ShapeError(
      `${op}: input ${fmt(s.x)} and weight ${fmt(s.w)} do not fit with groups=${groups}: ` +
        `the input's ${C} channels and the weight's ${F} filters must divide by the groups, and the weight's axis 1 must be ${C}/${groups} = ${C / groups}`,
    );
  }
  let ph: number, pw: number, oh: number, ow: number;
  if (padding === 'same') {
    if (stride.some((d) => d !== 1)) throw new ValueError(`${op}: padding 'same' needs stride 1, got stride ${showParams(s, stride)}`);
    // NOTE: as PyTorch, an odd total padding puts the extra row/column after the input.
    ph = Math.floor((dilation[0]! * (kh - 1)) / 2);
    pw = Math.floor((dilation[1]! * (kw - 1)) / 2);
    oh = H;
    ow = W;
  } else {
    [ph, pw] = padding as [number, number];
    oh = Math.floor((H + 2 * ph - dilation[0]! * (kh - 1) - 1) / stride[0]!) + 1;
    ow = Math.floor((W + 2 * pw - dilation[1]! * (kw - 1) - 1) / stride[1]!) + 1;
  }
  if (oh < 1 || ow < 1 || kh < 1 || kw < 1) {
    const size = s.dims === 1 ? `${ow}` : `[${oh},${ow}]`;
    throw new ShapeError(
      `${op}: input ${fmt(s.x)} with weight ${fmt(s.w)} (padding ${padding === 'same' ? "'same'" : showParams(s, [ph, pw])}, ` +
        `dilation ${showParams(s, dilation)}, stride ${showParams(s, stride)}) gives output size ${size}: the dilated kernel is larger than the padded input`,
    );
  }
  checkResult(op, [s.x, s.w], outShape(s, N, F, oh, ow));
  const geom: ConvGeom = { N, C, H, W, F, groups, kh, kw, sh: stride[0]!, sw: stride[1]!, ph, pw, dh: dilation[0]!, dw: dilation[1]!, oh, ow };
  return bias === null ? conv(x, w, geom) : convBias(x, w, bias, geom);
}

function batched(op: string, x: Tensor, spatial: number, what: string): boolean {
  if (x.ndim === spatial + 2) return true;
  if (x.ndim === spatial + 1) return false;
  throw new ShapeError(`${op}: input must be ${spatial + 2}-d ${what} or ${spatial + 1}-d without the batch axis, got shape ${fmt(x.shape)}`);
}

/**
 * 2-d convolution (cross-correlation, as PyTorch's `F.conv2d`): x (N, C, H, W) or (C, H, W),
 * weight (F, C/groups, kh, kw), bias (F). Output (N, F, oh, ow), oh = ⌊(H + 2p − d(kh − 1) − 1)/s⌋ + 1.
 * @example
 *   conv2d(ones([1, 1, 4, 4]), ones([2, 1, 3, 3]), null, { padding: 1 }).shape; // [1, 2, 4, 4]
 */
export function conv2d(input: TensorLike, weight: TensorLike, bias?: TensorLike | null, options: Conv2dOptions = {}): Tensor {
  const op = 'conv2d';
  let [x, w] = floats(asTensor(input), asTensor(weight));
  const hasBatch = batched(op, x, 2, '(N, C, H, W)');
  if (w.ndim !== 4) throw new ShapeError(`${op}: weight must be 4-d (F, C/groups, kh, kw), got shape ${fmt(w.shape)}`);
  const shown: Shown = { op, x: x.shape, w: w.shape, dims: 2 };
  if (!hasBatch) x = x.reshape([1, ...x.shape]);
  const { stride, padding, dilation, groups } = convArgs(op, options, 2);
  const F = w.shape[0]!;
  const b = checkBias(op, bias, x.dtype, F);
  // NOTE: a bias of the output's dtype is added inside the convolution; another one after it, so that the
  // result takes the promoted dtype, as an add does.
  const y = b === null || b.dtype === x.dtype
    ? conv2dCore(x, w, stride, padding, dilation, groups, shown, b)
    : withBias(op, conv2dCore(x, w, stride, padding, dilation, groups, shown), b, F);
  return hasBatch ? y : y.reshape(y.shape.slice(1));
}

function convArgs(op: string, options: Conv2dOptions | Conv1dOptions, n: 1 | 2) {
  if (options === null || typeof options !== 'object') throw new ArgumentError(`${op}: options must be an object, got ${show(options)}`);
  const lift = (v: number[]) => (n === 1 ? [1, v[0]!] : v);
  const stride = lift(pair(op, 'stride', options.stride, 1, 1, n));
  const dilation = lift(pair(op, 'dilation', options.dilation, 1, 1, n));
  const p = options.padding;
  const padding = p === 'same' ? 'same' as const : p === 'valid' ? [0, 0] : n === 1 ? [0, pair(op, 'padding', p, 0, 0, 1)[0]!] : pair(op, 'padding', p, 0, 0);
  return { stride, padding, dilation, groups: checkGroups(op, options.groups ?? 1) };
}

/**
 * 1-d convolution (PyTorch's `F.conv1d`): x (N, C, L) or (C, L), weight (F, C/groups, k), bias (F).
 * @example
 *   conv1d(ones([1, 2, 5]), ones([3, 2, 3])).shape; // [1, 3, 3]
 */
export function conv1d(input: TensorLike, weight: TensorLike, bias?: TensorLike | null, options: Conv1dOptions = {}): Tensor {
  const op = 'conv1d';
  let [x, w] = floats(asTensor(input), asTensor(weight));
  const hasBatch = batched(op, x, 1, '(N, C, L)');
  if (w.ndim !== 3) throw new ShapeError(`${op}: weight must be 3-d (F, C/groups, k), got shape ${fmt(w.shape)}`);
  const shown: Shown = { op, x: x.shape, w: w.shape, dims: 1 };
  if (!hasBatch) x = x.reshape([1, ...x.shape]);
  const { stride, padding, dilation, groups } = convArgs(op, options, 1);
  const [N, C, L] = x.shape as [number, number, number];
  const y = conv2dCore(x.reshape([N, C, 1, L]), w.reshape([w.shape[0]!, w.shape[1]!, 1, w.shape[2]!]), stride, padding, dilation, groups, shown);
  const y1 = withBias(op, y.reshape([N, y.shape[1]!, y.shape[3]!]), bias, w.shape[0]!);
  return hasBatch ? y1 : y1.reshape(y1.shape.slice(1));
}

function convTransposeCore(
  x: Tensor, w: Tensor, stride: number[], padding: number[], outputPadding: number[], dilation: number[], groups: number, s: Shown,
): Tensor {
  const { op } = s;
  const [N, Cin, H, W] = x.shape as [number, number, number, number];
  const [F, cg, kh, kw] = w.shape as [number, number, number, number];
  if (F !== Cin || Cin % groups !== 0) {
    throw new ShapeError(
      `${op}: input ${fmt(s.x)} and weight ${fmt(s.w)} do not fit with groups=${groups}: the weight's axis 0 must equal the input's ${Cin} channels, divisible by the groups`,
    );
  }
  for (let i = 0; i < 2; i++) {
    if (outputPadding[i]! >= stride[i]! && outputPadding[i]! >= dilation[i]!) {
      throw new ValueError(`${op}: outputPadding ${showParams(s, outputPadding)} must be smaller than the stride ${showParams(s, stride)} or the dilation ${showParams(s, dilation)}`);
    }
  }
  const oh = (H - 1) * stride[0]! - 2 * padding[0]! + dilation[0]! * (kh - 1) + outputPadding[0]! + 1;
  const ow = (W - 1) * stride[1]! - 2 * padding[1]! + dilation[1]! * (kw - 1) + outputPadding[1]! + 1;
  if (oh < 1 || ow < 1) {
    throw new ShapeError(
      `${op}: input ${fmt(s.x)} with weight ${fmt(s.w)} (padding ${showParams(s, padding)}, stride ${showParams(s, stride)}, ` +
        `dilation ${showParams(s, dilation)}, outputPadding ${showParams(s, outputPadding)}) gives output size ${s.dims === 1 ? ow : `[${oh},${ow}]`}, which is not positive`,
    );
  }
  checkResult(op, [s.x, s.w], outShape(s, N, cg * groups, oh, ow));
  // The transposed convolution is the input gradient of the convolution that maps its output back to x.
  const geom: ConvGeom = {
    N, C: cg * groups, H: oh, W: ow, F: Cin, groups, kh, kw, sh: stride[0]!, sw: stride[1]!,
    ph: padding[0]!, pw: padding[1]!, dh: dilation[0]!, dw: dilation[1]!, oh: H, ow: W,
  };
  return convInput(x, w, geom, 'convTranspose2d');
}

function convTransposeArgs(op: string, options: ConvTranspose2dOptions | ConvTranspose1dOptions, n: 1 | 2) {
  if (options === null || typeof options !== 'object') throw new ArgumentError(`${op}: options must be an object, got ${show(options)}`);
  const lift = (v: number[], d: number) => (n === 1 ? [d, v[0]!] : v);
  return {
    stride: lift(pair(op, 'stride', options.stride, 1, 1, n), 1),
    padding: lift(pair(op, 'padding', options.padding, 0, 0, n), 0),
    outputPadding: lift(pair(op, 'outputPadding', options.outputPadding, 0, 0, n), 0),
    dilation: lift(pair(op, 'dilation', options.dilation, 1, 1, n), 1),
    groups: checkGroups(op, options.groups ?? 1),
  };
}

/**
 * 2-d transposed convolution (PyTorch's `F.conv_transpose2d`, the gradient of conv2d for its
 * input): x (N, C, H, W) or (C, H, W), weight (C, F/groups, kh, kw), bias (F).
 * Output size (H − 1)·s − 2p + d(kh − 1) + outputPadding + 1.
 * @example
 *   convTranspose2d(ones([1, 2, 3, 3]), ones([2, 4, 2, 2]), null, { stride: 2 }).shape; // [1, 4, 6, 6]
 */
export function convTranspose2d(input: TensorLike, weight: TensorLike, bias?: TensorLike | null, options: ConvTranspose2dOptions = {}): Tensor {
  const op = 'convTranspose2d';
  let [x, w] = floats(asTensor(input), asTensor(weight));
  const hasBatch = batched(op, x, 2, '(N, C, H, W)');
  if (w.ndim !== 4) throw new ShapeError(`${op}: weight must be 4-d (C, F/groups, kh, kw), got shape ${fmt(w.shape)}`);
  const shown: Shown = { op, x: x.shape, w: w.shape, dims: 2 };
  if (!hasBatch) x = x.reshape([1, ...x.shape]);
  const a = convTransposeArgs(op, options, 2);
  const y = convTransposeCore(x, w, a.stride, a.padding, a.outputPadding, a.dilation, a.groups, shown);
  const out = withBias(op, y, bias, w.shape[1]! * a.groups);
  return hasBatch ? out : out.reshape(out.shape.slice(1));
}

/**
 * 1-d transposed convolution (PyTorch's `F.conv_transpose1d`): x (N, C, L) or (C, L), weight (C, F/groups, k).
 * @example
 *   convTranspose1d(ones([1, 2, 4]), ones([2, 3, 3]), null, { stride: 2 }).shape; // [1, 3, 9]
 */
export function convTranspose1d(input: TensorLike, weight: TensorLike, bias?: TensorLike | null, options: ConvTranspose1dOptions = {}): Tensor {
  const op = 'convTranspose1d';
  let [x, w] = floats(asTensor(input), asTensor(weight));
  const hasBatch = batched(op, x, 1, '(N, C, L)');
  if (w.ndim !== 3) throw new ShapeError(`${op}: weight must be 3-d (C, F/groups, k), got shape ${fmt(w.shape)}`);
  const shown: Shown = { op, x: x.shape, w: w.shape, dims: 1 };
  if (!hasBatch) x = x.reshape([1, ...x.shape]);
  const a = convTransposeArgs(op, options, 1);
  const [N, C, L] = x.shape as [number, number, number];
  const y = convTransposeCore(x.reshape([N, C, 1, L]), w.reshape([w.shape[0]!, w.shape[1]!, 1, w.shape[2]!]),
    a.stride, a.padding, a.outputPadding, a.dilation, a.groups, shown);
  const y1 = withBias(op, y.reshape([N, y.shape[1]!, y.shape[3]!]), bias, w.shape[1]! * a.groups);
  return hasBatch ? y1 : y1.reshape(y1.shape.slice(1));
}

// ---------------------------------------------------------------------------
// unfold / fold: im2col and col2im themselves, as PyTorch's F.unfold / F.fold (each the other's gradient)

export interface UnfoldOptions {
  dilation?: Size2;
  padding?: Size2;
  stride?: Size2;
}

function unfoldGeom(op: string, N: number, C: number, H: number, W: number, k: number[], o: UnfoldOptions, shown: string): ConvGeom {
  if (o === null || typeof o !== 'object') throw new ArgumentError(`${op}: options must be an object, got ${show(o)}`);
  const [sh, sw] = pair(op, 'stride', o.stride, 1, 1) as [number, number];
  const [ph, pw] = pair(op, 'padding', o.padding, 0, 0) as [number, number];
  const [dh, dw] = pair(op, 'dilation', o.dilation, 1, 1) as [number, number];
  const [kh, kw] = k as [number, number];
  const oh = Math.floor((H + 2 * ph - dh * (kh - 1) - 1) / sh) + 1;
  const ow = Math.floor((W + 2 * pw - dw * (kw - 1) - 1) / sw) + 1;
  if (oh < 1 || ow < 1) {
    throw new ShapeError(`${op}: ${shown} with kernel [${kh},${kw}] (padding [${ph},${pw}], dilation [${dh},${dw}], stride [${sh},${sw}]) gives [${oh},${ow}] windows: the dilated kernel is larger than the padded input`);
  }
  return { N, C, H, W, F: 1, groups: 1, kh, kw, sh, sw, ph, pw, dh, dw, oh, ow };
}

function unfoldOp(x: Tensor, geo: ConvGeom): Tensor {
  const K = geo.C * geo.kh * geo.kw;
  const L = geo.oh * geo.ow;
  const data = allocate(x.dtype, geo.N * K * L);
  im2col(x._data, geo, 0, geo.C, data, L, K * L);
  return record('unfold', [x], Tensor._of(data, [geo.N, K, L]), (g) => [foldOp(g, geo)], []);
}

function foldOp(x: Tensor, geo: ConvGeom): Tensor {
  const data = allocate(x.dtype, geo.N * geo.C * geo.H * geo.W);
  col2im(x._data, geo.oh * geo.ow, geo.C * geo.kh * geo.kw * geo.oh * geo.ow, geo, 0, geo.C, data);
  return record('fold', [x], Tensor._of(data, [geo.N, geo.C, geo.H, geo.W]), (g) => [unfoldOp(g, geo)], []);
}

/**
 * The sliding windows of x (N, C, H, W) as columns, PyTorch's `F.unfold` (im2col): shape
 * (N, C·kh·kw, L), rows over (c, ky, kx) with kx fastest, columns over the L = oh·ow windows.
 * @example
 *   unfold(arange(16).reshape([1, 1, 4, 4]), 3).shape; // [1, 9, 4]
 */
export function unfold(input: TensorLike, kernelSize: Size2, options: UnfoldOptions = {}): Tensor {
  const op = 'unfold';
  const x = asTensor(input);
  if (x.ndim !== 4) throw new ShapeError(`${op}: input must be 4-d (N, C, H, W), got shape ${fmt(x.shape)}`);
  const [N, C, H, W] = x.shape as [number, number, number, number];
  const geo = unfoldGeom(op, N, C, H, W, pair(op, 'kernelSize', kernelSize, 1, 1), options, `input ${fmt(x.shape)}`);
  checkResult(op, [x.shape], [N, C * geo.kh * geo.kw, geo.oh * geo.ow]);
  return unfoldOp(x, geo);
}

/**
 * The adjoint of `unfold`, PyTorch's `F.fold` (col2im): columns (N, C·kh·kw, L) summed back
 * into an image (N, C, outputSize) — overlapping windows add up.
 * @example
 *   fold(ones([1, 9, 4]), [4, 4], 3).shape; // [1, 1, 4, 4]
 */
export function fold(input: TensorLike, outputSize: Size2, kernelSize: Size2, options: UnfoldOptions = {}): Tensor {
  const op = 'fold';
  const c = asTensor(input);
  if (c.ndim !== 3) throw new ShapeError(`${op}: input must be 3-d (N, C·kh·kw, L), got shape ${fmt(c.shape)}`);
  const [H, W] = pair(op, 'outputSize', outputSize, 1, 1) as [number, number];
  const k = pair(op, 'kernelSize', kernelSize, 1, 1);
  const kk = k[0]! * k[1]!;
  const [N, K, L] = c.shape as [number, number, number];
  if (K % kk !== 0) throw new ShapeError(`${op}: input ${fmt(c.shape)}: axis 1 (${K}) must be a multiple of kh·kw = ${kk}`);
  const geo = unfoldGeom(op, N, K / kk, H, W, k, options, `output size [${H},${W}]`);
  if (geo.oh * geo.ow !== L) {
    throw new ShapeError(`${op}: input ${fmt(c.shape)} has ${L} windows, but output size [${H},${W}] with kernel [${k.join(',')}] gives ${geo.oh}·${geo.ow} = ${geo.oh * geo.ow}`);
  }
  return foldOp(c, geo);
}
