/**
 * Raw loops over typed arrays. No tape, no Tensor objects, no per-element closures:
 * each kernel writes into one preallocated output. Broadcasting is stride arithmetic
 * (a stride of 0 re-reads the same element).
 */
import { allocate, type DType, type TypedArray } from '../tape/dtype.js';
import { broadcastStrides, sameShape, sizeOf, stridesOf, type Shape } from '../tape/shapes.js';
import { gemmWasm } from './wasm/gemm.js';

/** The inner loop of a binary op: `n` outputs from x and y read with strides xs, ys. */
export type BinaryRow = (
  x: TypedArray, xi: number, xs: number,
  y: TypedArray, yi: number, ys: number,
  out: TypedArray, oi: number, n: number,
) => void;

/** Applies `row` over `outShape`, reading x and y with broadcast strides. */
export function binaryKernel(
  x: TypedArray, xShape: Shape, y: TypedArray, yShape: Shape,
  outShape: Shape, dtype: DType, row: BinaryRow,
): TypedArray {
  const size = sizeOf(outShape);
  const out = allocate(dtype, size);
  if (size === 0) return out;
  // Fast paths: same shapes, or one side a single element.
  if (x.length === size && y.length === size) {
    row(x, 0, 1, y, 0, 1, out, 0, size);
    return out;
  }
  if (y.length === 1 && x.length === size) {
    row(x, 0, 1, y, 0, 0, out, 0, size);
    return out;
  }
  if (x.length === 1 && y.length === size) {
    row(x, 0, 0, y, 0, 1, out, 0, size);
    return out;
  }
  const nd = outShape.length;
  const xs = broadcastStrides(xShape, outShape);
  const ys = broadcastStrides(yShape, outShape);
  const inner = outShape[nd - 1]!;
  const xsi = xs[nd - 1]!;
  const ysi = ys[nd - 1]!;
  const idx = new Array<number>(nd).fill(0);
  let xo = 0;
  let yo = 0;
  for (let oi = 0; oi < size; oi += inner) {
    row(x, xo, xsi, y, yo, ysi, out, oi, inner);
    for (let d = nd - 2; d >= 0; d--) {
      xo += xs[d]!;
      yo += ys[d]!;
      if (++idx[d]! < outShape[d]!) break;
      xo -= xs[d]! * outShape[d]!;
      yo -= ys[d]! * outShape[d]!;
      idx[d] = 0;
    }
  }
  return out;
}

/** Copies `x` of `shape` into the larger `target` shape it broadcasts to. */
export function expandKernel(x: TypedArray, shape: Shape, target: Shape, dtype: DType): TypedArray {
  return binaryKernel(x, shape, x, shape, target, dtype, copyRow);
}

const copyRow: BinaryRow = (x, xi, xs, _y, _yi, _ys, out, oi, n) => {
  for (let k = 0; k < n; k++, xi += xs) out[oi + k] = x[xi]!;
};

/** Reads `x` of `shape` in the order of `perm` (out.shape[i] = shape[perm[i]]). */
export function transposeKernel(x: TypedArray, shape: Shape, perm: readonly number[], dtype: DType): TypedArray {
  const nd = shape.length;
  const size = x.length;
  const out = allocate(dtype, size);
  if (size === 0) return out;
  const inStrides = stridesOf(shape);
  const outShape = perm.map((p) => shape[p]!);
  const st = perm.map((p) => inStrides[p]!);
  const idx = new Array<number>(nd).fill(0);
  const inner = outShape[nd - 1] ?? 1;
  const sInner = st[nd - 1] ?? 0;
  let xo = 0;
  for (let oi = 0; oi < size; oi += inner) {
    for (let k = 0, xi = xo; k < inner; k++, xi += sInner) out[oi + k] = x[xi]!;
    for (let d = nd - 2; d >= 0; d--) {
      xo += st[d]!;
      if (++idx[d]! < outShape[d]!) break;
      xo -= st[d]! * outShape[d]!;
      idx[d] = 0;
    }
  }
  return out;
}

export type ReduceKind = 'sum' | 'max' | 'min';

/**
 * Reduces `x` of `shape` over the sorted `axes`; returns data in the keepdims shape.
 * NaN propagates through max and min, as in numpy.
 */
export function reduceKernel(x: TypedArray, shape: Shape, axes: readonly number[], kind: ReduceKind, dtype: DType): TypedArray {
  const nd = shape.length;
  const keepShape = shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const out = allocate(dtype, sizeOf(keepShape));
  // NOTE: ±∞ stored in an Int32Array is 0: int32 starts from its own extremes.
  const int = dtype === 'int32';
  if (kind === 'max') out.fill(int ? -0x80000000 : -Infinity);
  else if (kind === 'min') out.fill(int ? 0x7fffffff : Infinity);
  const size = x.length;
  if (size === 0) return out;
  if (nd === 0) {
    out[0] = x[0]!;
    return out;
  }
  const os = broadcastStrides(keepShape, shape); // 0 on reduced axes
  const inner = shape[nd - 1]!;
  const osi = os[nd - 1]!;
  const idx = new Array<number>(nd).fill(0);
  let o = 0;
  for (let i = 0; i < size; i += inner) {
    if (kind === 'sum') {
      if (osi === 0) {
        let acc = 0;
        for (let k = 0; k < inner; k++) acc += x[i + k]!;
        out[o] = out[o]! + acc;
      } else {
        for (let k = 0; k < inner; k++) out[o + k] = out[o + k]! + x[i + k]!;
      }
    } else {
      const isMax = kind === 'max';
      for (let k = 0, oo = o; k < inner; k++, oo += osi) {
        const v = x[i + k]!;
        const cur = out[oo]!;
        if (isMax ? v > cur || v !== v : v < cur || v !== v) out[oo] = v;
        else if (cur !== cur) out[oo] = cur;
      }
    }
    for (let d = nd - 2; d >= 0; d--) {
      o += os[d]!;
      if (++idx[d]! < shape[d]!) break;
      o -= os[d]! * shape[d]!;
      idx[d] = 0;
    }
  }
  return out;
}

/** Splits `shape` around `axis` into (outer, n, inner) so that element (o, j, i) is at (o*n + j)*inner + i. */
export function around(shape: Shape, axis: number): [number, number, number] {
  let outer = 1;
  let inner = 1;
  for (let i = 0; i < axis; i++) outer *= shape[i]!;
  for (let i = axis + 1; i < shape.length; i++) inner *= shape[i]!;
  return [outer, shape[axis]!, inner];
}

/** Index of the first largest (or smallest) value along `axis`; NaN wins, as in numpy. */
export function argKernel(x: TypedArray, shape: Shape, axis: number, isMax: boolean): Int32Array {
  const [outer, n, inner] = around(shape, axis);
  const out = new Int32Array(outer * inner);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * n * inner + i;
      let best = x[base]!;
      let arg = 0;
      if (best === best) {
        for (let j = 1; j < n; j++) {
          const v = x[base + j * inner]!;
          if (v !== v) { arg = j; break; }
          if (isMax ? v > best : v < best) { best = v; arg = j; }
        }
      }
      out[o * inner + i] = arg;
    }
  }
  return out;
}

/**
 * One matrix product C = op(A)·op(B) into `out` at `oo`, where op(A) is A (m×k, row-major
 * at `ao`) or, with `tA`, the transpose of A stored k×m; likewise B (k×n, or n×k with `tB`).
 * Every C[i,j] is summed in the same order, ((0 + A[i,0]B[0,j]) + A[i,1]B[1,j]) + …, whatever
 * the layout, so transposed operands give bit-identical results to materialised transposes.
 */
export function gemm(
  a: TypedArray, ao: number, b: TypedArray, bo: number, out: TypedArray, oo: number,
  m: number, k: number, n: number, tA: boolean, tB: boolean, aStamp = -1, bStamp = -1,
): void {
  // The WebAssembly SIMD kernel sums in the same order (bit-identical in float64); it declines
  // mixed dtypes, int32, sizes too small to pay, and engines without SIMD.
  if (sameFloatType(a, b, out) && gemmWasm(a as typeof out, ao, b as typeof out, bo, out, oo, m, k, n, tA, tB, aStamp, bStamp)) return;
  if (!tB) {
    // i-p-j: the inner loop runs along contiguous rows of B and C.
    const as = tA ? 1 : k; // step between rows i of op(A)
    const ap = tA ? m : 1; // step between columns p of op(A)
    for (let i = 0; i < m; i++) {
      const ci = oo + i * n;
      for (let j = 0; j < n; j++) out[ci + j] = 0;
      for (let p = 0; p < k; p++) {
        const av = a[ao + i * as + p * ap]!;
        const bp = bo + p * n;
        for (let j = 0; j < n; j++) out[ci + j] = out[ci + j]! + av * b[bp + j]!;
      }
    }
    return;
  }
  // B stored n×k: each C[i,j] is a dot product of a row of op(A) with a row of B.
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let acc = 0;
      const bj = bo + j * k;
      if (tA) for (let p = 0; p < k; p++) acc += a[ao + p * m + i]! * b[bj + p]!;
      else for (let p = 0, ai = ao + i * k; p < k; p++) acc += a[ai + p]! * b[bj + p]!;
      out[oo + i * n + j] = acc;
    }
  }
}

function sameFloatType(a: TypedArray, b: TypedArray, out: TypedArray): out is Float64Array | Float32Array {
  const T = out.constructor;
  return (T === Float64Array || T === Float32Array) && a.constructor === T && b.constructor === T;
}

/**
 * Batched C[t] = op(A[t])·op(B[t]) over `batchShape`, A and B read with batch strides
 * (0 where a batch axis is broadcast).
 */
export function matmulKernel(
  a: TypedArray, aBatchStrides: readonly number[],
  b: TypedArray, bBatchStrides: readonly number[],
  batchShape: Shape, m: number, k: number, n: number, dtype: DType,
  tA = false, tB = false, aStamp = -1, bStamp = -1,
): TypedArray {
  const batch = sizeOf(batchShape);
  const out = allocate(dtype, batch * m * n);
  if (out.length === 0) return out;
  const nb = batchShape.length;
  const idx = new Array<number>(nb).fill(0);
  let ao = 0;
  let bo = 0;
  for (let t = 0; t < batch; t++) {
    gemm(a, ao, b, bo, out, t * m * n, m, k, n, tA, tB, aStamp, bStamp);
    for (let d = nb - 1; d >= 0; d--) {
      ao += aBatchStrides[d]!;
      bo += bBatchStrides[d]!;
      if (++idx[d]! < batchShape[d]!) break;
      ao -= aBatchStrides[d]! * batchShape[d]!;
      bo -= bBatchStrides[d]! * batchShape[d]!;
      idx[d] = 0;
    }
  }
  return out;
}
