/**
 * Matrix multiply in WebAssembly SIMD, emitted from TypeScript at load time (encoder.ts) and
 * compiled synchronously — no build step, no binary of anyone else's.
 *
 * The structure is GotoBLAS/BLIS's, all of it in wasm (the blocked loops, the packing and the
 * micro-kernel; JavaScript only copies the operands in and C out): for each block of NC columns, for each block of KC steps of the inner dimension, B's block is
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
 * without cancellation (what it is in practice: bench/results/design-measurements.md).
 */
import { ArgumentError, DTypeError, ValueError } from '../../tape/errors.js';
import { show } from '../../tape/messages.js';
import { encodeModule, F32, F64, FunctionBody, I32, Op, Simd, V128, type ValType } from './encoder.js';
import { defaultThreadCount, MAX_THREADS, Team, threadsSupported } from './threads.js';

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
  /** From this many multiply-adds on, a product is split between threads (when there are several)… */
  minMacsThreads: number;
  /** …if its C is at least this many rows and columns (a narrow product is mostly copying). */
  minSideThreads: number;
}

export type GemmTuning = Record<Precision, GemmConfig>;

/**
 * NOTE: chosen by measurement (bench/gemm.ts; the numbers: bench/results/design-measurements.md) on
 * the target machine, a 2-core AVX-512 EPYC with Node 20: the 4×(2 vectors) tile is the largest whose
 * accumulators, B vectors and splat stay in V8's 15 usable xmm registers (larger tiles spill); V8
 * unrolls the step loop better than we do by hand; the block sizes matter little. Small products run
 * faster in JavaScript's loop. A product is split between threads only from where the split paid
 * off: below it, the copies into shared memory and the hand-off cost more than half the product.
 * Narrow products stay on one thread: copies per multiply-add grow as 1/min(m, n), and inside a
 * training step with another process on the machine the split lost.
 */
export const DEFAULT_TUNING: GemmTuning = {
  float64: { mr: 4, nrVectors: 2, unroll: 1, kc: 256, mc: 64, nc: 512, minMacs: 128, minMacsThreads: 2_500_000, minSideThreads: 64 },
  float32: { mr: 4, nrVectors: 2, unroll: 1, kc: 256, mc: 64, nc: 512, minMacs: 128, minMacsThreads: 2_000_000, minSideThreads: 64 },
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

/** Function indices within one dtype's group in the module, in the order gemmModuleBytes lists them. */
const FN = { packA: 0, packB: 1, kernel: 2, compact: 3, gemm: 4 } as const;
const FNS_PER_DTYPE = 5;

/**
 * `gemm(a, b, c, aPacked, bPacked, m, k, n, aRow, aCol, bCol, bRow, ldc, accumulate)`: the blocked product of
 * operands already in memory (GotoBLAS's three outer loops around pack and kernel): for each block
 * of NC columns, for each block of KC steps, pack B's block; for each block of MC rows, pack A's
 * block and run the kernel into C (ldc bytes a row). Strides in bytes: op(A)[i][p] at
 * a + i·aRow + p·aCol, op(B)[p][j] at b + j·bCol + p·bRow. With `accumulate` (0 or 1) the first
 * k-block adds onto C too, so a product split along k into calls in ascending order sums as one
 * call does. `first` is this dtype's first function index.
 */
function gemmFunction(l: Lane, { kc: KC, mc: MC, nc: NC, unroll }: GemmConfig, first: number): FunctionBody {
  const f = new FunctionBody(i32Params(14));
  const [a, b, c, aPacked, bPacked, m, k, n, aRow, aCol, bCol, bRow, ldc, accumulate] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13];
  const [jc, pc, ic, nc, kc, kcPad, mc] = [f.local(I32), f.local(I32), f.local(I32), f.local(I32), f.local(I32), f.local(I32), f.local(I32)];
  /** local[dst] = min(block, local[total] − local[at]) */
  const blockSize = (dst: number, block: number, total: number, at: number) => {
    f.get(total).get(at).op(Op.i32Sub).set(dst);
    f.i32(block).get(dst).i32(block).get(dst).op(Op.i32LtS, Op.select).set(dst);
  };
  f.loop(() => {
    blockSize(nc, NC, n, jc);
    f.i32(0).set(pc);
    f.loop(() => {
      blockSize(kc, KC, k, pc);
      if (unroll === 1) f.get(kc).set(kcPad);
      else f.get(kc).i32(unroll - 1).op(Op.i32Add).i32(unroll).op(Op.i32DivU).i32(unroll).op(Op.i32Mul).set(kcPad);
      // packB(b + pc·bRow + jc·bCol, bPacked, nc, kc, kcPad, bCol, bRow)
      f.get(b).get(pc).get(bRow).op(Op.i32Mul, Op.i32Add).get(jc).get(bCol).op(Op.i32Mul, Op.i32Add);
      f.get(bPacked).get(nc).get(kc).get(kcPad).get(bCol).get(bRow).call(first + FN.packB);
      f.i32(0).set(ic);
      f.loop(() => {
        blockSize(mc, MC, m, ic);
        // packA(a + ic·aRow + pc·aCol, aPacked, mc, kc, kcPad, aRow, aCol)
        f.get(a).get(ic).get(aRow).op(Op.i32Mul, Op.i32Add).get(pc).get(aCol).op(Op.i32Mul, Op.i32Add);
        f.get(aPacked).get(mc).get(kc).get(kcPad).get(aRow).get(aCol).call(first + FN.packA);
        // kernel(aPacked, bPacked, c + ic·ldc + jc·size, mc, nc, kcPad, ldc, (pc > 0) | accumulate)
        f.get(aPacked).get(bPacked);
        f.get(c).get(ic).get(ldc).op(Op.i32Mul, Op.i32Add).get(jc).i32(l.sizeLog2).op(Op.i32Shl, Op.i32Add);
        f.get(mc).get(nc).get(kcPad).get(ldc).get(pc).i32(0).op(Op.i32GtS).get(accumulate).op(Op.i32Or).call(first + FN.kernel);
        f.addTo(ic, MC, true).get(ic).get(m).op(Op.i32LtS).brIf(0);
      });
      f.addTo(pc, KC, true).get(pc).get(k).op(Op.i32LtS).brIf(0);
    });
    f.addTo(jc, NC, true).get(jc).get(n).op(Op.i32LtS).brIf(0);
  });
  return f;
}

const PRECISIONS: readonly Precision[] = ['float64', 'float32'];
/** NOTE: we stay below 2 GiB so that every byte address is a non-negative i32 in the kernels' signed compares. */
const MAX_PAGES = 32767;

/**
 * The module's bytes: pack, kernel, compact and gemm for float64 then float32. Its memory is
 * imported (env.memory), shared between threads when `shared`.
 */
export function gemmModuleBytes(tuning: GemmTuning = DEFAULT_TUNING, shared = false): Uint8Array<ArrayBuffer> {
  return encodeModule({
    memory: { pages: 1, maximum: MAX_PAGES, shared, imported: true },
    functions: PRECISIONS.flatMap((d, i) => {
      const l = LANES[d];
      return [
        { name: `packA_${d}`, body: packFunction(l, tuning[d].mr) },
        { name: `packB_${d}`, body: packFunction(l, tuning[d].nrVectors * l.lanes) },
        { name: `kernel_${d}`, body: kernelFunction(l, tuning[d]) },
        { name: `compact_${d}`, body: compactFunction(l) },
        { name: `gemm_${d}`, body: gemmFunction(l, tuning[d], i * FNS_PER_DTYPE) },
      ];
    }),
  });
}

type GemmFn = (
  a: number, b: number, c: number, aPacked: number, bPacked: number, m: number, k: number, n: number,
  aRow: number, aCol: number, bCol: number, bRow: number, ldc: number, accumulate: number,
) => void;
type CompactFn = (c: number, m: number, n: number, ldc: number) => void;

interface Entry {
  gemm: GemmFn;
  compact: CompactFn;
  /** Index of `gemm_<dtype>` in Team's function list. */
  teamFn: number;
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
const MAX_BYTES = MAX_PAGES * PAGE;

/** Byte offsets in wasm memory of one call's regions, C's row pitch, and the bytes needed. */
interface Layout {
  a: number;
  b: number;
  c: number;
  /** The first part's packed A block; part t's is at packed + t·packedStride, its packed B block after it. */
  packed: number;
  packedStride: number;
  bPackedOffset: number;
  end: number;
  ldc: number;
}

/**
 * From `start` (after the resident operand): A as given | B as given | C with rows and columns padded
 * to whole tiles | then for each of `parts` threads: packed A block | packed B block.
 */
function layout({ config, mr, nr, lane: { size } }: Entry, m: number, k: number, n: number, parts: number, start: number): Layout {
  // NOTE: no closures on this path: tsx/esbuild's keepNames wraps each one in a costly __name call.
  const kc = roundUp(Math.min(k, config.kc), config.unroll);
  const nPad = roundUp(n, nr);
  const b = start + roundUp(m * k * size, REGION_ALIGN);
  const c = b + roundUp(k * n * size, REGION_ALIGN);
  const packed = c + roundUp(roundUp(m, mr) * nPad * size, REGION_ALIGN);
  const bPackedOffset = roundUp(roundUp(Math.min(m, config.mc), mr) * kc * size, REGION_ALIGN);
  const packedStride = bPackedOffset + roundUp(kc * roundUp(Math.min(n, config.nc), nr) * size, REGION_ALIGN);
  return { a: start, b, c, packed, packedStride, bPackedOffset, end: packed + parts * packedStride, ldc: nPad * size };
}

/** Options of createGemm. */
export interface GemmOptions {
  /**
   * Threads for one product (the caller's and `threads − 1` workers), where workers can run
   * (Node); default 1. Products of at least `minMacsThreads` multiply-adds are split between them.
   */
  threads?: number;
  /** Run on one thread for a while after workers were found slow (their cores busy); default true. */
  adaptive?: boolean;
}

/** Products run on one thread after a split found the workers' cores busy. */
const BACKOFF = 64;

/** Operands of at least this many bytes with a stamp are kept in wasm memory for the next products. */
export const RESIDENT_MIN_BYTES = 64 * 1024;

/**
 * One instance of the module on its own memory, with views of that memory, and the resident
 * operand: a copy of elements [offset, offset + length) of `array`, taken when its stamp was `stamp`,
 * at the start of memory (`capacity` bytes are kept for it; each product's regions follow).
 */
class Space {
  readonly module: WebAssembly.Module;
  readonly memory: WebAssembly.Memory;
  readonly entries: Record<Precision, Entry>;
  f64: Float64Array;
  f32: Float32Array;
  resident: FloatArray | null = null;
  residentOffset = 0;
  residentLength = 0;
  residentStamp = -1;
  capacity = 0;

  constructor(bytes: Uint8Array<ArrayBuffer>, tuning: GemmTuning, shared: boolean) {
    this.module = new WebAssembly.Module(bytes);
    this.memory = new WebAssembly.Memory({ initial: 1, maximum: MAX_PAGES, shared });
    const ex = new WebAssembly.Instance(this.module, { env: { memory: this.memory } }).exports;
    this.f64 = new Float64Array(this.memory.buffer);
    this.f32 = new Float32Array(this.memory.buffer);
    const entry = (d: Precision, teamFn: number): Entry => {
      const lane = LANES[d];
      const config = tuning[d];
      return {
        gemm: ex[`gemm_${d}`] as GemmFn, compact: ex[`compact_${d}`] as CompactFn, teamFn,
        config, lane, mr: config.mr, nr: config.nrVectors * lane.lanes,
      };
    };
    this.entries = { float64: entry('float64', 0), float32: entry('float32', 1) };
  }

  /** Grows memory to at least `bytes` (it is kept for later calls); false if it cannot. */
  reserve(bytes: number): boolean {
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

/**
 * The module on a memory of its own for products on one thread and, once a product is split, on a
 * shared memory with a Team of workers; `gemm` is gemmWasm's contract.
 * NOTE: two memories because copying into a SharedArrayBuffer costs several times a plain copy (V8
 * copies word by word with relaxed atomics; bench/results/design-measurements.md).
 */
export class WasmGemm {
  readonly moduleBytes: number;
  private readonly local: Space;
  private shared: Space | null = null;
  private threadCount = 1;
  private team: Team | null = null;
  /** Arguments of the calls of one split product (reused: no allocation per call). */
  private readonly args: number[][] = [];
  /** Threads the last product ran on (0 if it was declined). */
  lastParts = 0;
  /** Products left to run on one thread after workers were found slow (their cores busy elsewhere). */
  private backoff = 0;

  private readonly adaptive: boolean;

  constructor(bytes: Uint8Array<ArrayBuffer>, private readonly tuning: GemmTuning, { threads = 1, adaptive = true }: GemmOptions = {}) {
    this.adaptive = adaptive;
    this.local = new Space(bytes, tuning, false);
    this.moduleBytes = bytes.length;
    this.setThreads(threads);
  }

  /** Threads a large product is split between (1 where workers cannot run). */
  get threads(): number {
    return this.threadCount;
  }

  /** Sets the thread count; workers start on the next product large enough to split. */
  setThreads(count: number): void {
    checkThreadCount(count);
    const effective = threadsSupported ? count : 1;
    if (effective === this.threadCount) return;
    this.team?.close();
    this.team = null;
    this.threadCount = effective;
  }

  /** See gemmWasm. */
  gemm(
    a: FloatArray, aOffset: number, b: FloatArray, bOffset: number, out: FloatArray, outOffset: number,
    m: number, k: number, n: number, transA: boolean, transB: boolean, aStamp = -1, bStamp = -1,
  ): boolean {
    checkOperands(a, aOffset, b, bOffset, out, outOffset, m, k, n, transA, transB);
    const precision = a instanceof Float64Array ? 'float64' : 'float32';
    const { config } = this.local.entries[precision];
    const macs = m * k * n;
    this.lastParts = 0;
    if (macs === 0 || macs < config.minMacs) return false;
    const parts = this.partsFor(this.local.entries[precision], macs, m, n);
    const space = parts > 1 ? this.shared! : this.local;
    const e = space.entries[precision];
    const size = e.lane.size;
    // Where A and B are read from: the resident copy when it holds them, else their regions.
    let aAt = resident(space, a, aOffset, m * k, aStamp, size);
    let bAt = resident(space, b, bOffset, k * n, bStamp, size);
    // NOTE: one resident operand: the larger of those with a stamp (the batch x, read by x·W1 and again by xᵀ·δ1).
    let keep = 0; // 1: A becomes resident, 2: B
    if (aAt < 0 && bAt < 0) {
      const aBytes = aStamp >= 0 ? m * k * size : 0;
      const bBytes = bStamp >= 0 ? k * n * size : 0;
      if (Math.max(aBytes, bBytes) >= RESIDENT_MIN_BYTES) keep = aBytes >= bBytes ? 1 : 2;
    }
    const keepBytes = keep === 1 ? m * k * size : keep === 2 ? k * n * size : 0;
    const start = Math.max(space.capacity, roundUp(keepBytes, REGION_ALIGN));
    const at = layout(e, m, k, n, parts, start);
    if (!space.reserve(at.end)) return false;
    const view = size === 8 ? space.f64 : space.f32;
    if (keep !== 0) {
      space.capacity = start;
      space.resident = keep === 1 ? a : b;
      space.residentOffset = keep === 1 ? aOffset : bOffset;
      space.residentLength = keep === 1 ? m * k : k * n;
      space.residentStamp = keep === 1 ? aStamp : bStamp;
      view.set(space.resident.subarray(space.residentOffset, space.residentOffset + space.residentLength), 0);
      if (keep === 1) aAt = 0;
      else bAt = 0;
      // The same array as both operands (x·xᵀ): B is the resident copy too.
      if (keep === 1 && b === a && bStamp === aStamp && bOffset === aOffset && k * n === m * k) bAt = 0;
    }
    if (aAt < 0) {
      aAt = at.a;
      view.set(a.subarray(aOffset, aOffset + m * k), at.a / size);
    }
    if (bAt < 0) {
      bAt = at.b;
      view.set(b.subarray(bOffset, bOffset + k * n), at.b / size);
    }
    // Byte strides of op(A)[i][p] along i and p, and of op(B)[p][j] along j and p.
    const aRow = (transA ? 1 : k) * size;
    const aCol = (transA ? m : 1) * size;
    const bCol = (transB ? k : 1) * size;
    const bRow = (transB ? 1 : n) * size;
    if (parts === 1) e.gemm(aAt, bAt, at.c, at.packed, at.packed + at.bPackedOffset, m, k, n, aRow, aCol, bCol, bRow, at.ldc, 0);
    else this.split(e, at, aAt, bAt, parts, m, k, n, aRow, aCol, bCol, bRow);
    if (at.ldc !== n * size) e.compact(at.c, m, n, at.ldc);
    out.set(view.subarray(at.c / size, at.c / size + m * n), outOffset);
    // Written without a new stamp: a resident copy of out is stale now.
    if (out === this.local.resident) this.local.resident = null;
    if (this.shared !== null && out === this.shared.resident) this.shared.resident = null;
    this.lastParts = parts;
    return true;
  }

  /**
   * A product whose operands the caller writes straight into this engine's (unshared) memory, for
   * kernels that build them there (im2col) and run many products of one shape: no copies in, and no
   * compaction (C keeps its padded row pitch; the caller reads what it needs). Null where the memory
   * cannot grow to fit. Valid until the next product of this engine (which reuses the memory).
   */
  inPlace(precision: Precision, m: number, k: number, n: number, transA: boolean, transB: boolean): InPlaceProduct | null {
    const e = this.local.entries[precision];
    // After the resident operand, which stays valid.
    const at = layout(e, m, k, n, 1, this.local.capacity);
    if (!this.local.reserve(at.end)) return null;
    return new InPlaceProduct(e, at, precision === 'float64' ? this.local.f64 : this.local.f32, m, k, n, transA, transB);
  }

  /**
   * Starts the workers now rather than on the first large product; resolves once `threads − 1`
   * are ready (false if they are not within `timeoutMs`, e.g. where workers cannot start).
   */
  async startThreads(timeoutMs = 10_000): Promise<boolean> {
    if (this.threadCount === 1 || !this.startTeam()) return false;
    const until = Date.now() + timeoutMs;
    while (this.team!.ready() < this.threadCount - 1) {
      if (Date.now() > until) return false;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    return true;
  }

  /** Creates the shared memory and the workers once; false where a shared memory is refused. */
  private startTeam(): boolean {
    if (this.team !== null) return true;
    try {
      this.shared ??= new Space(gemmModuleBytes(this.tuning, true), this.tuning, true);
    } catch {
      this.threadCount = 1; // no shared memory here (a browser without cross-origin isolation)
      return false;
    }
    this.team = new Team(this.shared.module, this.shared.memory, this.threadCount - 1, ['gemm_float64', 'gemm_float32']);
    return true;
  }

  /**
   * How many threads this product is split between: 1 below the threshold, while no worker is
   * ready (they start in the background on the first product that could be split), or where a
   * shared memory is refused.
   */
  private partsFor({ config, mr, nr }: Entry, macs: number, m: number, n: number): number {
    if (this.threadCount === 1 || macs < config.minMacsThreads || Math.min(m, n) < config.minSideThreads) return 1;
    if (this.backoff > 0) {
      this.backoff--;
      return 1;
    }
    // Each part takes whole tiles of the longer of m and n.
    const tiles = m >= n ? Math.ceil(m / mr) : Math.ceil(n / nr);
    if (tiles < 2 || !this.startTeam()) return 1;
    return Math.min(tiles, 1 + this.team!.ready());
  }

  /**
   * Splits C between `parts` threads along its longer side, in whole tiles: rows (each part packs
   * its rows of A and all of B) or columns (its columns of B, all of A). Every C[i][j] is still
   * summed by one thread in ascending p, so results are bit-identical to one thread's.
   */
  private split(e: Entry, at: Layout, aAt: number, bAt: number, parts: number, m: number, k: number, n: number, aRow: number, aCol: number, bCol: number, bRow: number): void {
    const byRows = m >= n;
    const step = byRows ? e.mr : e.nr;
    const length = byRows ? m : n;
    const chunk = roundUp(Math.ceil(length / parts), step);
    let posted = 0;
    for (let t = 0; t * chunk < length; t++) {
      const start = t * chunk;
      const count = Math.min(chunk, length - start);
      const args = (this.args[t] ??= new Array<number>(14));
      args[0] = byRows ? aAt + start * aRow : aAt;
      args[1] = byRows ? bAt : bAt + start * bCol;
      args[2] = at.c + (byRows ? start * at.ldc : start * e.lane.size);
      args[3] = at.packed + t * at.packedStride;
      args[4] = args[3] + at.bPackedOffset;
      args[5] = byRows ? count : m;
      args[6] = k;
      args[7] = byRows ? n : count;
      args[8] = aRow; args[9] = aCol; args[10] = bCol; args[11] = bRow; args[12] = at.ldc; args[13] = 0;
      if (t > 0) this.team!.post(posted++, e.teamFn, args);
    }
    const [a, b, c, ap, bp, mm, kk, nn, ar, ac, bc, br, ldc] = this.args[0]!;
    const started = this.clock();
    e.gemm(a!, b!, c!, ap!, bp!, mm!, kk!, nn!, ar!, ac!, bc!, br!, ldc!, 0);
    const ownShare = this.clock() - started;
    if (!this.team!.join()) throw new RangeError('gemmWasm: a worker thread trapped');
    // NOTE: on a shared machine another process may hold the workers' cores; a worker that finishes
    // its equal share more than 50% later than we finished ours is not running in parallel, and
    // splitting then costs more than it saves (the MNIST step got slower). So the next
    // BACKOFF products run here alone, then splitting is tried again.
    if (this.adaptive && this.clock() - started > 1.5 * ownShare) this.backoff = BACKOFF;
  }

  /** Milliseconds, for the adaptive check (a method, so that a test can script it). */
  private clock(): number {
    return performance.now();
  }
}

/**
 * The byte address in `space` of elements [offset, offset + length) of `array` when the resident
 * copy holds them and was taken at the same stamp, else −1. A stamp of −1 never matches.
 */
function resident(space: Space, array: FloatArray, offset: number, length: number, stamp: number, size: number): number {
  if (stamp < 0 || space.resident !== array || space.residentStamp !== stamp) return -1;
  if (offset < space.residentOffset || offset + length > space.residentOffset + space.residentLength) return -1;
  return (offset - space.residentOffset) * size;
}

/**
 * One product's regions in wasm memory, as element offsets into `view`: A (m×k, or k×m stored with
 * transA) at `a`, B (k×n, or n×k with transB) at `b`, C at `c` with `ldc` elements a row. `run`
 * writes C = op(A)·op(B), or adds it onto C (`accumulate`): calls over consecutive slices of k in
 * ascending order give the bits of one call over all of k (each C[i][j] summed in ascending p).
 */
export class InPlaceProduct {
  readonly a: number;
  readonly b: number;
  readonly c: number;
  readonly ldc: number;
  private readonly strides: [number, number, number, number];

  constructor(
    private readonly e: Entry, private readonly at: Layout, readonly view: FloatArray,
    private readonly m: number, private readonly k: number, private readonly n: number, transA: boolean, transB: boolean,
  ) {
    const size = e.lane.size;
    this.a = at.a / size;
    this.b = at.b / size;
    this.c = at.c / size;
    this.ldc = at.ldc / size;
    this.strides = [(transA ? 1 : k) * size, (transA ? m : 1) * size, (transB ? k : 1) * size, (transB ? 1 : n) * size];
  }

  run(accumulate: boolean): void {
    const { e, at, strides: [aRow, aCol, bCol, bRow] } = this;
    e.gemm(at.a, at.b, at.c, at.packed, at.packed + at.bPackedOffset, this.m, this.k, this.n, aRow, aCol, bCol, bRow, at.ldc, accumulate ? 1 : 0);
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
    if (!sizes.every((v) => Number.isInteger(v) && v >= 1) || c.mc % c.mr !== 0 || c.nc % nr !== 0 || !(c.minMacs >= 0) || !(c.minMacsThreads >= 0) || !(c.minSideThreads >= 0)) {
      throw new ValueError(`createGemm: bad ${d} tuning ${JSON.stringify(c)} (sizes are positive integers, mc a multiple of mr, nc of nrVectors·${LANES[d].lanes})`);
    }
  }
}

/**
 * An engine built with `tuning` (bench/gemm.ts tries variants), or null where WebAssembly SIMD is
 * unavailable or refused; `threads` is honoured where workers can run.
 * @example
 *   const engine = createGemm({ ...DEFAULT_TUNING, float64: { ...DEFAULT_TUNING.float64, kc: 128 } });
 *   engine?.gemm(a, 0, b, 0, c, 0, m, k, n, false, false);
 */
export function createGemm(tuning: GemmTuning = DEFAULT_TUNING, options: GemmOptions = {}): WasmGemm | null {
  checkTuning(tuning);
  if (typeof WebAssembly !== 'object') return null;
  try {
    const bytes = gemmModuleBytes(tuning);
    // NOTE: validate first — an engine without SIMD128 rejects the module here rather than throwing.
    if (!WebAssembly.validate(bytes)) return null;
    return new WasmGemm(bytes, tuning, options);
  } catch {
    // A CompileError (no SIMD), a CSP without 'wasm-unsafe-eval', or a browser's limit on synchronous compiles.
    return null;
  }
}

const engine = createGemm(DEFAULT_TUNING, { threads: defaultThreadCount() });

/** True when the WebAssembly SIMD kernel is compiled and gemmWasm can run. */
export const wasmAvailable: boolean = engine !== null;

/**
 * Sets how many threads a large matrix product is split between (the calling thread and
 * `count − 1` workers). The default is TAPEGRAD_NUM_THREADS if set, else the machine's cores (at
 * most 8). Products below about 2.5 million multiply-adds (float64; 2 million float32, about
 * 130³) run on one thread, where splitting costs more than it saves; results are
 * bit-identical whatever the count; at most 64 (MAX_THREADS), else an ArgumentError. Workers need Node
 * (≥ 20.16); in browsers this stays 1.
 * @example
 *   setNumThreads(1); // one thread: e.g. when several processes share the cores
 *   getNumThreads();  // 1
 */
export function setNumThreads(count: number): void {
  if (engine === null) {
    checkThreadCount(count);
    return;
  }
  engine.setThreads(count);
}

function checkThreadCount(count: unknown): void {
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 1 || count > MAX_THREADS) {
    throw new ArgumentError(`setNumThreads: the count must be a whole number from 1 to ${MAX_THREADS}, got ${show(count)}`);
  }
}

/**
 * Threads a large matrix product is split between: 1 where workers cannot run.
 * @example
 *   getNumThreads(); // 2 on a 2-core machine under Node
 */
export function getNumThreads(): number {
  return engine?.threads ?? 1;
}

/**
 * @internal See WasmGemm.inPlace; null where the wasm kernel is unavailable or the memory cannot grow.
 */
export function gemmInPlace(
  dtype: 'float64' | 'float32', m: number, k: number, n: number, transA: boolean, transB: boolean,
): InPlaceProduct | null {
  return engine === null ? null : engine.inPlace(dtype, m, k, n, transA, transB);
}

/**
 * C (m×n, row-major, freshly written, not accumulated) = op(A)·op(B); op(A) is A (m×k) or, with
 * transA, Aᵀ where A is stored k×m; likewise B (k×n, or n×k stored with transB). a, b and out are
 * all Float64Array or all Float32Array; the offsets select one matrix of a batch. Returns false
 * when the wasm path is unavailable or not worth it for this size (the caller then runs the
 * JavaScript kernel). float64 results are bit-identical to the i-p-j JavaScript loop. out may share
 * its array with a or b: both are copied into wasm memory before anything is written. That memory
 * grows to fit the largest product so far and is kept (wasm memory cannot shrink).
 * `aStamp`/`bStamp` (default −1: none) let a large operand stay in wasm memory for later products:
 * a non-negative stamp promises that the array's elements have not changed while the array and its
 * stamp are the same (the tape's version counter of storage no user holds; see ops/matmul.ts), so a
 * later call with the same array, span and stamp reads the copy already there instead of copying again.
 * @example
 *   const c = new Float64Array(m * n);
 *   if (!gemmWasm(a, 0, b, 0, c, 0, m, k, n, false, false)) jsMatmul(a, b, c, m, k, n);
 */
export function gemmWasm(
  a: FloatArray, aOffset: number, b: FloatArray, bOffset: number, out: FloatArray, outOffset: number,
  m: number, k: number, n: number, transA: boolean, transB: boolean, aStamp = -1, bStamp = -1,
): boolean {
  if (engine === null) return false;
  return engine.gemm(a, aOffset, b, bOffset, out, outOffset, m, k, n, transA, transB, aStamp, bStamp);
}
