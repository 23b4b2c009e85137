/**
 * Raw loops of convolution and pooling (NCHW, contiguous): im2col / col2im around the wasm
 * gemm, and the window loops of pooling. No Tensor objects here; ops/conv.ts and ops/pool.ts
 * record them on the tape.
 */
import { allocate, type DType, type TypedArray } from '../tape/dtype.js';
import { gemm } from './loops.js';
import { gemmInPlace, type InPlaceProduct } from './wasm/gemm.js';

/**
 * Where a convolution's windows sit: input (N, C, H, W), output (N, F, oh, ow), kernel kh×kw
 * with stride, dilation and the padding before the first row/column (`ph`, `pw`). Padding after
 * the last row is implied by `oh`/`ow` (so 'same' padding may be asymmetric, as PyTorch's).
 */
export interface ConvGeom {
  readonly N: number; readonly C: number; readonly H: number; readonly W: number;
  readonly F: number; readonly groups: number;
  readonly kh: number; readonly kw: number;
  readonly sh: number; readonly sw: number;
  readonly ph: number; readonly pw: number;
  readonly dh: number; readonly dw: number;
  readonly oh: number; readonly ow: number;
}

/**
 * Copies the windows of channels [c0, c0 + cn) of x into columns: element (r, n, l) — r over
 * (c, ky, kx) with kx fastest, l over (oy, ox) — goes to `cols[r·rs + n·ns + l]`; positions in
 * the padding give 0.
 */
export function im2col(x: TypedArray, g: ConvGeom, c0: number, cn: number, cols: TypedArray, rs: number, ns: number): void {
  const plane = g.C * g.H * g.W;
  for (let n = 0; n < g.N; n++) im2colSample(x, n * plane, g, c0, cn, cols, n * ns, rs);
}

/** im2col of the one sample at `xo` in x: element (r, l) goes to `cols[co + r·rs + l]`. */
function im2colSample(x: TypedArray, xo: number, g: ConvGeom, c0: number, cn: number, cols: TypedArray, co: number, rs: number): void {
  const { H, W, kh, kw, sh, sw, ph, pw, dh, dw, oh, ow } = g;
  for (let c = 0; c < cn; c++) {
    const plane = xo + (c0 + c) * H * W;
    for (let ky = 0; ky < kh; ky++) {
      for (let kx = 0; kx < kw; kx++) {
        const r = (c * kh + ky) * kw + kx;
        // The output columns whose input column ix = ox·sw − pw + kx·dw lies inside [0, W).
        const off = kx * dw - pw;
        const lo = Math.min(ow, Math.max(0, Math.ceil(-off / sw)));
        const hi = Math.max(lo, Math.min(ow, Math.floor((W - 1 - off) / sw) + 1));
        let o = co + r * rs;
        for (let oy = 0; oy < oh; oy++, o += ow) {
          const iy = oy * sh - ph + ky * dh;
          if (iy < 0 || iy >= H) {
            for (let ox = 0; ox < ow; ox++) cols[o + ox] = 0;
            continue;
          }
          const row = plane + iy * W + off;
          for (let ox = 0; ox < lo; ox++) cols[o + ox] = 0;
          if (sw === 1) for (let ox = lo; ox < hi; ox++) cols[o + ox] = x[row + ox]!;
          else for (let ox = lo; ox < hi; ox++) cols[o + ox] = x[row + ox * sw]!;
          for (let ox = hi; ox < ow; ox++) cols[o + ox] = 0;
        }
      }
    }
  }
}

/** The adjoint of `im2col`: adds each column element back onto its input position in `x` (padding dropped). */
export function col2im(cols: TypedArray, rs: number, ns: number, g: ConvGeom, c0: number, cn: number, x: TypedArray): void {
  const plane = g.C * g.H * g.W;
  for (let n = 0; n < g.N; n++) col2imSample(cols, n * ns, rs, g, c0, cn, x, n * plane);
}

/**
 * col2im of one sample's columns at `co` onto the sample at `xo` in x. NOTE: each element of x
 * receives its terms in the same order (ky, kx, oy, ox) as over the whole batch: the bits do not
 * depend on how the batch is cut.
 */
function col2imSample(cols: TypedArray, co: number, rs: number, g: ConvGeom, c0: number, cn: number, x: TypedArray, xo: number): void {
  const { H, W, kh, kw, sh, sw, ph, pw, dh, dw, oh, ow } = g;
  for (let c = 0; c < cn; c++) {
    const plane = xo + (c0 + c) * H * W;
    for (let ky = 0; ky < kh; ky++) {
      for (let kx = 0; kx < kw; kx++) {
        const r = (c * kh + ky) * kw + kx;
        const off = kx * dw - pw;
        const lo = Math.min(ow, Math.max(0, Math.ceil(-off / sw)));
        const hi = Math.max(lo, Math.min(ow, Math.floor((W - 1 - off) / sw) + 1));
        let o = co + r * rs;
        for (let oy = 0; oy < oh; oy++, o += ow) {
          const iy = oy * sh - ph + ky * dh;
          if (iy < 0 || iy >= H) continue;
          const row = plane + iy * W + off;
          if (sw === 1) for (let ox = lo; ox < hi; ox++) x[row + ox] = x[row + ox]! + cols[o + ox]!;
          else for (let ox = lo; ox < hi; ox++) x[row + ox * sw] = x[row + ox * sw]! + cols[o + ox]!;
        }
      }
    }
  }
}

/** Channels [f0, f0 + fn) of y (N, F, L) as one matrix (fn, N·L): the layout the gemm wants. */
function gatherChannels(y: TypedArray, N: number, F: number, L: number, f0: number, fn: number, out: TypedArray): void {
  for (let n = 0; n < N; n++) {
    for (let f = 0; f < fn; f++) {
      const src = (n * F + f0 + f) * L;
      out.set(y.subarray(src, src + L) as ArrayLike<number>, f * N * L + n * L);
    }
  }
}

/** The inverse of `gatherChannels`: the matrix (fn, N·L) written into channels [f0, f0 + fn) of y. */
function scatterChannels(m: TypedArray, N: number, F: number, L: number, f0: number, fn: number, y: TypedArray): void {
  for (let f = 0; f < fn; f++) {
    for (let n = 0; n < N; n++) {
      const src = f * N * L + n * L;
      y.set(m.subarray(src, src + L) as ArrayLike<number>, (n * F + f0 + f) * L);
    }
  }
}

/** `count` elements from `src` at `so` to `dst` at `d`. */
function copy(src: TypedArray, so: number, dst: TypedArray, d: number, count: number): void {
  for (let i = 0; i < count; i++) dst[d + i] = src[so + i]!;
}

/** rows×cols from `src` (row pitch `sp`) to `dst` (row pitch `dp`). */
function copyRows(src: TypedArray, so: number, sp: number, dst: TypedArray, d: number, dp: number, rows: number, cols: number): void {
  for (let r = 0; r < rows; r++, so += sp, d += dp) for (let i = 0; i < cols; i++) dst[d + i] = src[so + i]!;
}

/** copyRows adding `bias[bo + r]` to row r: the sum a separate `add` of the bias would give. */
function copyRowsBias(src: TypedArray, so: number, sp: number, dst: TypedArray, d: number, dp: number, rows: number, cols: number, bias: TypedArray, bo: number): void {
  for (let r = 0; r < rows; r++, so += sp, d += dp) {
    const b = bias[bo + r]!;
    for (let i = 0; i < cols; i++) dst[d + i] = src[so + i]! + b;
  }
}

/**
 * The per-sample product in wasm memory, or null (no wasm kernel, int dtypes, an empty product such as
 * zero input channels, whose sums are empty): then the batched path runs.
 */
function inPlace(dtype: DType, m: number, k: number, n: number, tA: boolean, tB: boolean): InPlaceProduct | null {
  if (m === 0 || k === 0 || n === 0) return null;
  return dtype === 'float64' || dtype === 'float32' ? gemmInPlace(dtype, m, k, n, tA, tB) : null;
}

/** Per group: L output positions per plane, cg input channels, fg filters, K = cg·kh·kw rows of columns. */
function sizes(g: ConvGeom): { L: number; cg: number; fg: number; K: number } {
  const cg = g.C / g.groups;
  return { L: g.oh * g.ow, cg, fg: g.F / g.groups, K: cg * g.kh * g.kw };
}

/**
 * The convolution (a cross-correlation, as PyTorch): y (N, F, oh, ow) from x (N, C, H, W) and
 * w (F, C/groups, kh, kw). Per group and sample one product W_g (F/g, K) · cols (K, L), K = C/g·kh·kw,
 * L = oh·ow, built in wasm memory and written straight into y's (N, F, L) layout.
 * NOTE: per sample rather than one product over the batch: the batch's columns (K × N·L) are
 * tens of MB, and fresh memory costs more than the arithmetic (bench/results/convspeed-*.md); each
 * y element is still one sum over K in ascending order, so the bits are those of the batched product.
 */
export function convForward(x: TypedArray, w: TypedArray, g: ConvGeom, dtype: DType, bias: TypedArray | null = null): TypedArray {
  const { N, C, H, W, F, groups } = g;
  const { L, cg, fg, K } = sizes(g);
  const y = allocate(dtype, N * F * L);
  if (y.length === 0) return y;
  const p = inPlace(dtype, fg, K, L, false, false);
  if (p === null) {
    convForwardBatched(x, w, g, dtype, y);
    if (bias !== null) for (let n = 0; n < N; n++) copyRowsBias(y, n * F * L, L, y, n * F * L, L, F, L, bias, 0);
    return y;
  }
  const { view, ldc } = p;
  for (let gi = 0; gi < groups; gi++) {
    copy(w, gi * fg * K, view, p.a, fg * K);
    for (let n = 0; n < N; n++) {
      im2colSample(x, n * C * H * W, g, gi * cg, cg, view, p.b, L);
      p.run(false);
      if (bias === null) copyRows(view, p.c, ldc, y, (n * F + gi * fg) * L, L, fg, L);
      else copyRowsBias(view, p.c, ldc, y, (n * F + gi * fg) * L, L, fg, L, bias, gi * fg);
    }
  }
  return y;
}

function convForwardBatched(x: TypedArray, w: TypedArray, g: ConvGeom, dtype: DType, y: TypedArray): TypedArray {
  const { N, C, F, groups } = g;
  const { L, cg, fg, K } = sizes(g);
  const cols = allocate(dtype, K * N * L);
  const direct = N === 1 && groups === 1;
  const res = direct ? y : allocate(dtype, fg * N * L);
  for (let gi = 0; gi < groups; gi++) {
    im2col(x, g, gi * cg, cg, cols, N * L, L);
    gemm(w, gi * fg * K, cols, 0, res, 0, fg, K, N * L, false, false);
    if (!direct) scatterChannels(res, N, F, L, gi * fg, fg, y);
  }
  return y;
}

/**
 * The gradient of the convolution for its input: col2im(W_gᵀ · G_g) per group and sample, G_g the
 * output gradient's channels of the group (F/g, L), read in place from its (N, F, L) layout.
 */
export function convInputKernel(gy: TypedArray, w: TypedArray, g: ConvGeom, dtype: DType): TypedArray {
  const { N, C, H, W, F, groups } = g;
  const { L, cg, fg, K } = sizes(g);
  const x = allocate(dtype, N * C * H * W);
  if (x.length === 0 || L === 0) return x;
  const p = inPlace(dtype, K, fg, L, true, false);
  if (p === null) return convInputBatched(gy, w, g, dtype, x);
  const { view, ldc } = p;
  for (let gi = 0; gi < groups; gi++) {
    copy(w, gi * fg * K, view, p.a, fg * K);
    for (let n = 0; n < N; n++) {
      copy(gy, (n * F + gi * fg) * L, view, p.b, fg * L);
      p.run(false);
      col2imSample(view, p.c, ldc, g, gi * cg, cg, x, n * C * H * W);
    }
  }
  return x;
}

function convInputBatched(gy: TypedArray, w: TypedArray, g: ConvGeom, dtype: DType, x: TypedArray): TypedArray {
  const { N, C, F, groups } = g;
  const { L, cg, fg, K } = sizes(g);
  const gm = allocate(dtype, fg * N * L);
  const cols = allocate(dtype, K * N * L);
  for (let gi = 0; gi < groups; gi++) {
    gatherChannels(gy, N, F, L, gi * fg, fg, gm);
    gemm(w, gi * fg * K, gm, 0, cols, 0, K, fg, N * L, true, false);
    col2im(cols, N * L, L, g, gi * cg, cg, x);
  }
  return x;
}

/**
 * The gradient of the convolution for its weight: G_g (F/g, N·L) · cols_gᵀ per group, summed
 * sample by sample in wasm memory (the product accumulates along N·L in ascending order, as one
 * product over the batch does).
 */
export function convWeightKernel(x: TypedArray, gy: TypedArray, g: ConvGeom, dtype: DType): TypedArray {
  const { N, C, H, W, F, groups } = g;
  const { L, cg, fg, K } = sizes(g);
  const w = allocate(dtype, F * K);
  if (w.length === 0 || N * L === 0) return w;
  const p = inPlace(dtype, fg, L, K, false, true);
  if (p === null) return convWeightBatched(x, gy, g, dtype, w);
  const { view, ldc } = p;
  for (let gi = 0; gi < groups; gi++) {
    for (let n = 0; n < N; n++) {
      copy(gy, (n * F + gi * fg) * L, view, p.a, fg * L);
      im2colSample(x, n * C * H * W, g, gi * cg, cg, view, p.b, L);
      p.run(n > 0);
    }
    copyRows(view, p.c, ldc, w, gi * fg * K, K, fg, K);
  }
  return w;
}

function convWeightBatched(x: TypedArray, gy: TypedArray, g: ConvGeom, dtype: DType, w: TypedArray): TypedArray {
  const { N, C, F, groups } = g;
  const { L, cg, fg, K } = sizes(g);
  const gm = allocate(dtype, fg * N * L);
  const cols = allocate(dtype, K * N * L);
  for (let gi = 0; gi < groups; gi++) {
    gatherChannels(gy, N, F, L, gi * fg, fg, gm);
    im2col(x, g, gi * cg, cg, cols, N * L, L);
    gemm(gm, 0, cols, 0, w, gi * fg * K, fg, N * L, K, false, true);
  }
  return w;
}

/** @internal The batched kernels (one product over the whole batch), kept as the fallback; tests compare bits against them. */
export const batchedKernels = {
  forward: (x: TypedArray, w: TypedArray, g: ConvGeom, dtype: DType): TypedArray => convForwardBatched(x, w, g, dtype, allocate(dtype, g.N * g.F * g.oh * g.ow)),
  input: (gy: TypedArray, w: TypedArray, g: ConvGeom, dtype: DType): TypedArray => convInputBatched(gy, w, g, dtype, allocate(dtype, g.N * g.C * g.H * g.W)),
  weight: (x: TypedArray, gy: TypedArray, g: ConvGeom, dtype: DType): TypedArray =>
    convWeightBatched(x, gy, g, dtype, allocate(dtype, g.F * (g.C / g.groups) * g.kh * g.kw)),
};

// ---------------------------------------------------------------------------
// Pooling

/**
 * For each output of max pooling over `planes` planes of H×W, the flat index (into the whole
 * input) of its window's maximum. As PyTorch's CPU loop: windows clipped to the input, scanned
 * row by row, a value replaces the best when larger or NaN — so the first maximum wins ties.
 */
export function maxPoolIndices(
  x: TypedArray, planes: number, H: number, W: number, oh: number, ow: number,
  kh: number, kw: number, sh: number, sw: number, ph: number, pw: number, dh: number, dw: number,
): Int32Array {
  const idx = new Int32Array(planes * oh * ow);
  let o = 0;
  for (let p = 0; p < planes; p++) {
    const base = p * H * W;
    for (let oy = 0; oy < oh; oy++) {
      let y0 = oy * sh - ph;
      const y1 = Math.min(y0 + (kh - 1) * dh + 1, H);
      while (y0 < 0) y0 += dh;
      for (let ox = 0; ox < ow; ox++, o++) {
        let x0 = ox * sw - pw;
        const x1 = Math.min(x0 + (kw - 1) * dw + 1, W);
        while (x0 < 0) x0 += dw;
        // NOTE: a window that dilation and padding leave without any input element gives −∞ (as
        // PyTorch) and index −1: its gradient goes nowhere (PyTorch's index points outside the window).
        let arg = -1;
        let best = -Infinity;
        for (let iy = y0; iy < y1; iy += dh) {
          for (let ix = x0; ix < x1; ix += dw) {
            const i = base + iy * W + ix;
            const v = x[i]!;
            if (v > best || v !== v || arg < 0) { best = v; arg = i; }
          }
        }
        idx[o] = arg;
      }
    }
  }
  return idx;
}

/** The windows of average pooling along one axis: clipped [start, end) per output position. */
export interface Windows {
  readonly start: Int32Array;
  readonly end: Int32Array;
}

/**
 * out[p, oy, ox] = Σ x[p, iy, ix] over the window / divisor[oy·ow + ox] (`spread` false), or its
 * adjoint, x[p, iy, ix] += g[p, oy, ox] / divisor (`spread` true; `src` is g, `dst` the gradient).
 */
export function windowMean(
  src: TypedArray, dst: TypedArray, planes: number, H: number, W: number,
  rows: Windows, colsW: Windows, divisor: Float64Array, spread: boolean,
): void {
  const oh = rows.start.length;
  const ow = colsW.start.length;
  for (let p = 0; p < planes; p++) {
    const base = p * H * W;
    const obase = p * oh * ow;
    for (let oy = 0; oy < oh; oy++) {
      const y0 = rows.start[oy]!;
      const y1 = rows.end[oy]!;
      for (let ox = 0; ox < ow; ox++) {
        const x0 = colsW.start[ox]!;
        const x1 = colsW.end[ox]!;
        const o = obase + oy * ow + ox;
        const d = divisor[oy * ow + ox]!;
        if (spread) {
          const v = src[o]! / d;
          for (let iy = y0; iy < y1; iy++) for (let ix = x0; ix < x1; ix++) dst[base + iy * W + ix] = dst[base + iy * W + ix]! + v;
        } else {
          let acc = 0;
          for (let iy = y0; iy < y1; iy++) for (let ix = x0; ix < x1; ix++) acc += src[base + iy * W + ix]!;
          dst[o] = acc / d;
        }
      }
    }
  }
}
