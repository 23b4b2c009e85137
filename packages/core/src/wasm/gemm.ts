/**
 * Matrix multiply in WebAssembly SIMD, emitted from TypeScript at load time (encoder.ts) and
 * compiled synchronously — no build step, no binary of anyone else's.
 *
 * The structure is GotoBLAS/BLIS's, with the three outer loops in JavaScript and the rest in wasm:
 * for each block of NC columns, for each block of KC steps of the inner dimension, B's block is
 * packed into panels NR columns wide; for each block of MC rows A's block is packed into panels MR
 * rows tall; then the wasm `kernel` runs the register-tiled micro-kernel over every (A panel,
 * B panel) pair: MR×NR accumulators held as f64x2 / f32x4 values, one A value splatted per row,
 * one B row loaded as vectors, multiply then add (no FMA).
 *
 * Edges cost no special code: panels are padded with zeros to MR rows / NR columns and C lives in
 * wasm memory with its rows and columns padded to whole tiles; `compact` then squeezes out the
 * padding before one copy out. What padded lanes compute (zeros, or NaN from 0·Inf) is never copied
 * out. k is padded only when the step loop is unrolled, and a padded step adds 0·0 = +0, which
 * leaves every sum unchanged (a sum that starts at +0 is never −0).
 *
 * Numerics: C[i][j] is accumulated as ((0 + A[i,0]·B[0,j]) + A[i,1]·B[1,j]) + … in ascending p,
 * exactly as the JavaScript loop `for i, for p, for j: C[i,j] += A[i,p]*B[p,j]` does; k-blocks carry
 * the accumulators through C (stored, then loaded by the next block), which keeps that order. So
 * float64 results are bit-identical to that loop. In float32 every product and every partial sum
 * is rounded to float32, so C[i][j] is within (k + 1) ulps of Σ_p |A[i,p]·B[p,j]| of the loop run in
 * float64 and rounded (proved and tested: wasm.gemm.support.ts). That is "a few ulps" of C only
 * without cancellation; measured, for positive data, up to 6, 14, 22 and 50 ulps of C at k = 70,
 * 257, 784 and 4096 (about √k), and for mixed signs ≤ 3 ulps of Σ|A·B|.
 */
import { ArgumentError, DTypeError, ValueError } from '../errors.js';
import { encodeModule, F32, F64, FunctionBody, I32, Op, Simd, V128, type ValType } from './encoder.js';

type FloatArray = Float64Array | Float32Array;
type Precision = 'float64' | 'float32';

/** Tile and block sizes for one dtype (tuned by bench/gemm.ts). */
export interface GemmConfig {
  /** Rows of the register tile. */
  mr: number;
  /** Columns of the register tile, in 16-byte vectors (2 float64 or 4 float32 each). */
  nrVectors: number;
  /** Block sizes over k, m and n (mc a multiple of mr, nc a multiple of the tile width). */
  kc: number;
  mc: number;
  nc: number;
  /** Copies of the micro-kernel's step per loop iteration (k is padded with zeros to a multiple). */
  unroll: number;
  /** Below this many multiply-adds (m·k·n) gemmWasm declines and the JavaScript kernel runs. */
  minMacs: number;
}

export type GemmTuning = Record<Precision, GemmConfig>;

/**
 * NOTE: chosen by measurement (bench/gemm.ts --tune) on the target machine, a 2-core AVX-512 EPYC
 * with Node 20: a 4×(2 vectors) tile is the largest whose 8 accumulators, 2 B vectors and a splat
 * stay in V8's 15 usable xmm registers with room to spare (6×2 and 4×3 spill and run at half speed);
 * V8 unrolls the step loop itself, and unrolling it by hand is slower; the block sizes change
 * little (±3%). JavaScript's i-k-j loop is faster below about 5×5×5 multiply-adds.
 */
export const DEFAULT_TUNING: GemmTuning = {
  float64: { mr: 4, nrVectors: 2, unroll: 1, kc: 256, mc: 64, nc: 512, minMacs: 128 },
  float32: { mr: 4, nrVectors: 2, unroll: 1, kc: 256, mc: 64, nc: 512, minMacs: 128 },
};

/** How one dtype maps onto wasm instructions. */
interface Lane {
  size: 4 | 8;
  sizeLog2: 2 | 3;
  lanes: 4 | 2;
  scalar: typeof F32 | typeof F64;
  load: number;
  store: number;
  splat: number;
  add: number;
  mul: number;
}

const LANES: Record<Precision, Lane> = {
  float64: {
    size: 8, sizeLog2: 3, lanes: 2, scalar: F64, load: Op.f64Load, store: Op.f64Store,
    splat: Simd.v128Load64Splat, add: Simd.f64x2Add, mul: Simd.f64x2Mul,
  },
  float32: {
    size: 4, sizeLog2: 2, lanes: 4, scalar: F32, load: Op.f32Load, store: Op.f32Store,
    splat: Simd.v128Load32Splat, add: Simd.f32x4Add, mul: Simd.f32x4Mul,
  },
};

const V128_ALIGN = 4; // log2(16)
const i32Params = (count: number): ValType[] => new Array<ValType>(count).fill(I32);

/**
 * `pack(src, dst, width, len, padTo, widthStride, lenStride)` (pointers and strides in bytes), for a
 * panel width fixed when the module is emitted (mr for A, nr for B):
 * dst[q][p][c] = src[(q·panel + c)·widthStride + p·lenStride] for p < len, c < panel — zero where
 * q·panel + c ≥ width or p ≥ len (up to padTo). A with (width, len) = (rows, k), B with (cols, k).
 * Full panels are copied unrolled: a vector at a time when their elements are adjacent in src
 * (B as stored, or A with transA), else one element at a time.
 */
function packFunction(l: Lane, panel: number): FunctionBody {
  const f = new FunctionBody(i32Params(7));
  const [src, dst, width, len, padTo, widthStride, lenStride] = [0, 1, 2, 3, 4, 5, 6];
  const [col, valid, row, s, p, c] = [f.local(I32), f.local(I32), f.local(I32), f.local(I32), f.local(I32), f.local(I32)];
  const rowBytes = panel * l.size;
  const zeroFill = (count: () => void) => {
    f.block(() => {
      count();
      f.tee(c).op(Op.i32Eqz).brIf(0);
      f.loop(() => {
        f.get(dst).zero(l.scalar).mem(l.store, l.sizeLog2);
        f.addTo(dst, l.size, true);
        f.get(c).i32(1).op(Op.i32Sub).tee(c).brIf(0);
      });
    });
  };
  /** Runs `copyRow` for each p < len, with s at the row's first element. */
  const overRows = (copyRow: () => void) => {
    f.get(src).set(row).get(len).set(p);
    f.loop(() => {
      f.get(row).set(s);
      copyRow();
      f.addTo(row, lenStride);
      f.get(p).i32(1).op(Op.i32Sub).tee(p).brIf(0);
    });
  };
  const adjacentRow = () => {
    for (let q = 0; q < rowBytes; q += 16) {
      f.get(dst).get(s).simd(Simd.v128Load, { alignLog2: 0, offset: q }).simd(Simd.v128Store, { alignLog2: 0, offset: q });
    }
    f.addTo(dst, rowBytes, true);
  };
  const stridedRow = () => {
    for (let q = 0; q < panel; q++) {
      f.get(dst).get(s).mem(l.load, l.sizeLog2).mem(l.store, l.sizeLog2, q * l.size);
      if (q < panel - 1) f.addTo(s, widthStride);
    }
    f.addTo(dst, rowBytes, true);
  };
  const edgeRow = () => {
    f.i32(0).set(c);
    f.loop(() => {
      f.get(dst).get(s).mem(l.load, l.sizeLog2).mem(l.store, l.sizeLog2);
      f.addTo(dst, l.size, true).addTo(s, widthStride).addTo(c, 1, true);
      f.get(c).get(valid).op(Op.i32LtS).brIf(0);
    });
    zeroFill(() => f.i32(panel).get(valid).op(Op.i32Sub));
  };
  f.loop(() => {
    // valid = min(panel, width - col): the real columns of this panel
    f.get(width).get(col).op(Op.i32Sub).set(valid);
    f.i32(panel).get(valid).i32(panel).get(valid).op(Op.i32LtS, Op.select).set(valid);
    f.get(valid).i32(panel).op(Op.i32Eq).if(
      () => {
        if (rowBytes % 16 !== 0) overRows(stridedRow);
        else f.get(widthStride).i32(l.size).op(Op.i32Eq).if(() => overRows(adjacentRow), () => overRows(stridedRow));
      },
      () => overRows(edgeRow),
    );
    zeroFill(() => f.get(padTo).get(len).op(Op.i32Sub).i32(panel).op(Op.i32Mul));
    f.get(src).i32(panel).get(widthStride).op(Op.i32Mul, Op.i32Add).set(src);
    f.addTo(col, panel, true);
    f.get(col).get(width).op(Op.i32LtS).brIf(0);
  });
  return f;
}

/**
 * `kernel(aPacked, bPacked, c, mc, nc, kc, ldc, accumulate)`: for every B panel (outer) and A panel
 * (inner), C tile (ldc bytes per row) = [C tile if accumulate, else 0] + A panel · B panel.
 */
function kernelFunction(l: Lane, { mr, nrVectors, unroll }: GemmConfig): FunctionBody {
  const f = new FunctionBody(i32Params(8));
  const [ap, bp, c, mc, nc, kc, ldc, accumulate] = [0, 1, 2, 3, 4, 5, 6, 7];
  const nr = nrVectors * l.lanes;
  const [i, j, a, b, bEnd, tile, rowPtr, panelBytes, tileStep] =
    [f.local(I32), f.local(I32), f.local(I32), f.local(I32), f.local(I32), f.local(I32), f.local(I32), f.local(I32), f.local(I32)];
  const acc = Array.from({ length: mr }, () => Array.from({ length: nrVectors }, () => f.local(V128)));
  const bRow = Array.from({ length: nrVectors }, () => f.local(V128));
  const aSplat = f.local(V128);
  const vec = (v: number) => ({ alignLog2: V128_ALIGN, offset: v * 16 });
  /** Runs `each(r, v)` over the tile with rowPtr at C's row r. */
  const overTile = (each: (r: number, v: number) => void) => {
    f.get(tile).set(rowPtr);
    for (let r = 0; r < mr; r++) {
      for (let v = 0; v < nrVectors; v++) each(r, v);
      if (r < mr - 1) f.addTo(rowPtr, ldc);
    }
  };

  f.get(kc).i32(nr * l.size).op(Op.i32Mul).set(panelBytes);
  f.get(ldc).i32(mr).op(Op.i32Mul).set(tileStep);
  f.loop(() => {
    f.get(bp).get(panelBytes).op(Op.i32Add).set(bEnd);
    f.get(ap).set(a).get(c).set(tile).i32(0).set(i);
    f.loop(() => {
      f.get(accumulate).if(
        () => overTile((r, v) => f.get(rowPtr).simd(Simd.v128Load, vec(v)).set(acc[r]![v]!)),
        () => acc.flat().forEach((x) => f.zeroV128().set(x)),
      );
      f.get(bp).set(b);
      f.loop(() => {
        for (let u = 0; u < unroll; u++) {
          bRow.forEach((x, v) => f.get(b).simd(Simd.v128Load, vec(u * nrVectors + v)).set(x));
          for (let r = 0; r < mr; r++) {
            f.get(a).simd(l.splat, { alignLog2: l.sizeLog2, offset: (u * mr + r) * l.size }).set(aSplat);
            for (let v = 0; v < nrVectors; v++) {
              f.get(acc[r]![v]!).get(aSplat).get(bRow[v]!).simd(l.mul).simd(l.add).set(acc[r]![v]!);
            }
          }
        }
        f.addTo(a, unroll * mr * l.size, true).addTo(b, unroll * nr * l.size, true);
        f.get(b).get(bEnd).op(Op.i32Ne).brIf(0);
      });
      overTile((r, v) => f.get(rowPtr).get(acc[r]![v]!).simd(Simd.v128Store, vec(v)));
      f.addTo(tile, tileStep).addTo(i, mr, true);
      f.get(i).get(mc).op(Op.i32LtS).brIf(0);
    });
    f.get(bEnd).set(bp);
    f.addTo(c, nr * l.size, true).addTo(j, nr, true);
    f.get(j).get(nc).op(Op.i32LtS).brIf(0);
  });
  return f;
}

/** `compact(c, m, n, ldc)`: moves rows 1..m-1 from a pitch of ldc bytes to n elements (forward, in place). */
function compactFunction(l: Lane): FunctionBody {
  const f = new FunctionBody(i32Params(4));
  const [c, m, n, ldc] = [0, 1, 2, 3];
  const [dst, row, s, end, i] = [f.local(I32), f.local(I32), f.local(I32), f.local(I32), f.local(I32)];
  f.block(() => {
    f.get(m).i32(2).op(Op.i32LtS).brIf(0);
    f.get(n).i32(l.sizeLog2).op(Op.i32Shl).set(n); // n is in bytes from here on
    f.get(c).get(n).op(Op.i32Add).set(dst);
    f.get(c).get(ldc).op(Op.i32Add).set(row);
    f.i32(1).set(i);
    f.loop(() => {
      f.get(row).tee(s).get(n).op(Op.i32Add).set(end);
      f.loop(() => {
        f.get(dst).get(s).mem(l.load, l.sizeLog2).mem(l.store, l.sizeLog2);
        f.addTo(dst, l.size, true).addTo(s, l.size, true);
        f.get(s).get(end).op(Op.i32Ne).brIf(0);
      });
      f.addTo(row, ldc).addTo(i, 1, true);
      f.get(i).get(m).op(Op.i32LtS).brIf(0);
    });
  });
  return f;
}

const PRECISIONS: readonly Precision[] = ['float64', 'float32'];

/** The module's bytes: pack, kernel and compact for float64 then float32, and one memory. */
export function gemmModuleBytes(tuning: GemmTuning = DEFAULT_TUNING): Uint8Array<ArrayBuffer> {
  return encodeModule({
    memoryPages: 1,
    functions: PRECISIONS.flatMap((d) => {
      const l = LANES[d];
      return [
        { name: `packA_${d}`, body: packFunction(l, tuning[d].mr) },
        { name: `packB_${d}`, body: packFunction(l, tuning[d].nrVectors * l.lanes) },
        { name: `kernel_${d}`, body: kernelFunction(l, tuning[d]) },
        { name: `compact_${d}`, body: compactFunction(l) },
      ];
    }),
  });
}

type PackFn = (src: number, dst: number, width: number, len: number, padTo: number, widthStride: number, lenStride: number) => void;
type KernelFn = (ap: number, bp: number, c: number, mc: number, nc: number, kc: number, ldc: number, accumulate: number) => void;
type CompactFn = (c: number, m: number, n: number, ldc: number) => void;

interface Entry {
  packA: PackFn;
  packB: PackFn;
  kernel: KernelFn;
  compact: CompactFn;
  config: GemmConfig;
  lane: Lane;
  mr: number;
  nr: number;
}

function roundUp(x: number, step: number): number {
  return Math.ceil(x / step) * step;
}
/** Region starts are multiples of 128 bytes: whole cache lines, and aligned vectors. */
const REGION_ALIGN = 128;
const PAGE = 65536;
/** NOTE: we stay below 2 GiB so that every byte address is a non-negative i32 in the kernels' signed compares. */
const MAX_BYTES = 2 ** 31 - PAGE;

/** Byte offsets in wasm memory of one call's regions, C's row pitch, and the bytes needed. */
interface Layout {
  a: number;
  b: number;
  c: number;
  aPacked: number;
  bPacked: number;
  end: number;
  ldc: number;
}

/** A as given | B as given | C with rows and columns padded to whole tiles | packed A block | packed B block. */
function layout({ config, mr, nr, lane: { size } }: Entry, m: number, k: number, n: number): Layout {
  // NOTE: no closures on this path: tsx/esbuild's keepNames wraps each one in a costly __name call.
  const kc = roundUp(Math.min(k, config.kc), config.unroll);
  const nPad = roundUp(n, nr);
  const b = roundUp(m * k * size, REGION_ALIGN);
  const c = b + roundUp(k * n * size, REGION_ALIGN);
  const aPacked = c + roundUp(roundUp(m, mr) * nPad * size, REGION_ALIGN);
  const bPacked = aPacked + roundUp(roundUp(Math.min(m, config.mc), mr) * kc * size, REGION_ALIGN);
  const end = bPacked + roundUp(kc * roundUp(Math.min(n, config.nc), nr) * size, REGION_ALIGN);
  return { a: 0, b, c, aPacked, bPacked, end, ldc: nPad * size };
}

/** The blocked product on data already in memory at `at`: loops over n, k and m blocks around pack and kernel. */
function multiply(e: Entry, at: Layout, m: number, k: number, n: number, transA: boolean, transB: boolean): void {
  const { config, lane: { size } } = e;
  // Byte strides of op(A)[i][p] along i and p, and of op(B)[p][j] along j and p.
  const aRow = (transA ? 1 : k) * size;
  const aCol = (transA ? m : 1) * size;
  const bCol = (transB ? k : 1) * size;
  const bRow = (transB ? 1 : n) * size;
  for (let jc = 0; jc < n; jc += config.nc) {
    const nc = Math.min(config.nc, n - jc);
    for (let pc = 0; pc < k; pc += config.kc) {
      const kc = Math.min(config.kc, k - pc);
      const kcPad = roundUp(kc, config.unroll);
      e.packB(at.b + pc * bRow + jc * bCol, at.bPacked, nc, kc, kcPad, bCol, bRow);
      for (let ic = 0; ic < m; ic += config.mc) {
        const mc = Math.min(config.mc, m - ic);
        e.packA(at.a + ic * aRow + pc * aCol, at.aPacked, mc, kc, kcPad, aRow, aCol);
        e.kernel(at.aPacked, at.bPacked, at.c + ic * at.ldc + jc * size, mc, nc, kcPad, at.ldc, pc > 0 ? 1 : 0);
      }
    }
  }
}

/** A compiled module with its memory; `gemm` is gemmWasm's contract. */
export class WasmGemm {
  readonly moduleBytes: number;
  private readonly memory: WebAssembly.Memory;
  private readonly entries: Record<Precision, Entry>;
  private f64: Float64Array;
  private f32: Float32Array;

  constructor(bytes: Uint8Array<ArrayBuffer>, tuning: GemmTuning) {
    const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes));
    const ex = instance.exports;
    this.moduleBytes = bytes.length;
    this.memory = ex['memory'] as WebAssembly.Memory;
    this.f64 = new Float64Array(this.memory.buffer);
    this.f32 = new Float32Array(this.memory.buffer);
    const entry = (d: Precision): Entry => {
      const lane = LANES[d];
      const config = tuning[d];
      return {
        packA: ex[`packA_${d}`] as PackFn, packB: ex[`packB_${d}`] as PackFn, kernel: ex[`kernel_${d}`] as KernelFn, compact: ex[`compact_${d}`] as CompactFn,
        config, lane, mr: config.mr, nr: config.nrVectors * lane.lanes,
      };
    };
    this.entries = { float64: entry('float64'), float32: entry('float32') };
  }

  /** See gemmWasm. */
  gemm(
    a: FloatArray, aOffset: number, b: FloatArray, bOffset: number, out: FloatArray, outOffset: number,
    m: number, k: number, n: number, transA: boolean, transB: boolean,
  ): boolean {
    checkOperands(a, aOffset, b, bOffset, out, outOffset, m, k, n, transA, transB);
    const e = a instanceof Float64Array ? this.entries.float64 : this.entries.float32;
    const macs = m * k * n;
    if (macs === 0 || macs < e.config.minMacs) return false;
    const at = layout(e, m, k, n);
    if (!this.reserve(at.end)) return false;
    const size = e.lane.size;
    const view = size === 8 ? this.f64 : this.f32;
    view.set(a.subarray(aOffset, aOffset + m * k), at.a / size);
    view.set(b.subarray(bOffset, bOffset + k * n), at.b / size);
    multiply(e, at, m, k, n, transA, transB);
    if (at.ldc !== n * size) e.compact(at.c, m, n, at.ldc);
    out.set(view.subarray(at.c / size, at.c / size + m * n), outOffset);
    return true;
  }

  /** Grows memory to at least `bytes` (it is kept for later calls); false if it cannot. */
  private reserve(bytes: number): boolean {
    const have = this.memory.buffer.byteLength;
    if (bytes <= have) return true;
    if (bytes > MAX_BYTES) return false;
    try {
      this.memory.grow(Math.ceil((bytes - have) / PAGE));
    } catch {
      return false; // RangeError: the engine refused the memory
    }
    this.f64 = new Float64Array(this.memory.buffer);
    this.f32 = new Float32Array(this.memory.buffer);
    return true;
  }
}

function checkOperands(
  a: FloatArray, aOffset: number, b: FloatArray, bOffset: number, out: FloatArray, outOffset: number,
  m: number, k: number, n: number, transA: boolean, transB: boolean,
): void {
  const kind = a.constructor;
  if ((kind !== Float64Array && kind !== Float32Array) || b.constructor !== kind || out.constructor !== kind) {
    throw new DTypeError(`gemmWasm: a, b and out must be all Float64Array or all Float32Array, got ${a.constructor.name}, ${b.constructor.name}, ${out.constructor.name}`);
  }
  if (!isCount(m) || !isCount(k) || !isCount(n)) {
    throw new ArgumentError(`gemmWasm: m, k and n must be non-negative integers, got ${m}, ${k}, ${n}`);
  }
  checkSpan('a', a, aOffset, transA ? k : m, transA ? m : k, transA ? ' (transA)' : '');
  checkSpan('b', b, bOffset, transB ? n : k, transB ? k : n, transB ? ' (transB)' : '');
  checkSpan('out', out, outOffset, m, n, '');
}

function isCount(v: number): boolean {
  return Number.isInteger(v) && v >= 0;
}

function checkSpan(name: string, array: FloatArray, offset: number, rows: number, cols: number, note: string): void {
  if (!isCount(offset) || offset + rows * cols > array.length) {
    throw new ArgumentError(`gemmWasm: ${name} holds ${array.length} elements; a ${rows}×${cols}${note} matrix at offset ${offset} does not fit`);
  }
}

/** Throws a ValueError unless every size is a positive integer and the blocks hold whole tiles. */
function checkTuning(tuning: GemmTuning): void {
  for (const d of PRECISIONS) {
    const c = tuning[d];
    const nr = c.nrVectors * LANES[d].lanes;
    const sizes = [c.mr, c.nrVectors, c.unroll, c.kc, c.mc, c.nc];
    if (!sizes.every((v) => Number.isInteger(v) && v >= 1) || c.mc % c.mr !== 0 || c.nc % nr !== 0 || !(c.minMacs >= 0)) {
      throw new ValueError(`createGemm: bad ${d} tuning ${JSON.stringify(c)} (sizes are positive integers, mc a multiple of mr, nc of nrVectors·${LANES[d].lanes})`);
    }
  }
}

/**
 * An engine built with `tuning` (bench/gemm.ts tries variants), or null where WebAssembly SIMD is
 * unavailable or refused.
 * @example
 *   const engine = createGemm({ ...DEFAULT_TUNING, float64: { ...DEFAULT_TUNING.float64, kc: 128 } });
 *   engine?.gemm(a, 0, b, 0, c, 0, m, k, n, false, false);
 */
export function createGemm(tuning: GemmTuning = DEFAULT_TUNING): WasmGemm | null {
  checkTuning(tuning);
  if (typeof WebAssembly !== 'object') return null;
  try {
    const bytes = gemmModuleBytes(tuning);
    // NOTE: validate first — an engine without SIMD128 rejects the module here rather than throwing.
    if (!WebAssembly.validate(bytes)) return null;
    return new WasmGemm(bytes, tuning);
  } catch {
    // A CompileError (no SIMD), a CSP without 'wasm-unsafe-eval', or a browser's limit on synchronous compiles.
    return null;
  }
}

const engine = createGemm();

/** True when the WebAssembly SIMD kernel is compiled and gemmWasm can run. */
export const wasmAvailable: boolean = engine !== null;

/**
 * C (m×n, row-major, freshly written, not accumulated) = op(A)·op(B); op(A) is A (m×k) or, with
 * transA, Aᵀ where A is stored k×m; likewise B (k×n, or n×k stored with transB). a, b and out are
 * all Float64Array or all Float32Array; the offsets select one matrix of a batch. Returns false
 * when the wasm path is unavailable or not worth it for this size (the caller then runs the
 * JavaScript kernel). float64 results are bit-identical to the i-p-j JavaScript loop. out may share
 * its array with a or b: both are copied into wasm memory before anything is written. That memory
 * grows to fit the largest product so far and is kept (wasm memory cannot shrink).
 * @example
 *   const c = new Float64Array(m * n);
 *   if (!gemmWasm(a, 0, b, 0, c, 0, m, k, n, false, false)) jsMatmul(a, b, c, m, k, n);
 */
export function gemmWasm(
  a: FloatArray, aOffset: number, b: FloatArray, bOffset: number, out: FloatArray, outOffset: number,
  m: number, k: number, n: number, transA: boolean, transB: boolean,
): boolean {
  if (engine === null) return false;
  return engine.gemm(a, aOffset, b, bOffset, out, outOffset, m, k, n, transA, transB);
}
