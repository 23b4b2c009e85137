/**
 * A tiny WebAssembly binary encoder: just enough of the format (LEB128 integers, the type,
 * function, memory, export and code sections, and the opcodes our kernels use, SIMD included)
 * to emit kernel modules from TypeScript at load time. Not a general assembler: there is no
 * validation here, `WebAssembly.validate` does that.
 * Reference: https://webassembly.github.io/spec/core/binary/index.html
 */

/** Value types. */
export const I32 = 0x7f;
export const F32 = 0x7d;
export const F64 = 0x7c;
export const V128 = 0x7b;
export type ValType = typeof I32 | typeof F32 | typeof F64 | typeof V128;

/** One-byte opcodes (the subset we emit). */
export const Op = {
  block: 0x02, loop: 0x03, if: 0x04, else: 0x05, end: 0x0b, br: 0x0c, brIf: 0x0d, return: 0x0f,
  call: 0x10, drop: 0x1a, select: 0x1b,
  localGet: 0x20, localSet: 0x21, localTee: 0x22,
  i32Load: 0x28, f32Load: 0x2a, f64Load: 0x2b, f32Store: 0x38, f64Store: 0x39,
  i32Const: 0x41, f32Const: 0x43, f64Const: 0x44,
  i32Eqz: 0x45, i32Eq: 0x46, i32Ne: 0x47, i32LtS: 0x48, i32LtU: 0x49, i32GtS: 0x4a, i32GtU: 0x4b,
  i32LeS: 0x4c, i32LeU: 0x4d, i32GeS: 0x4e, i32GeU: 0x4f,
  i32Add: 0x6a, i32Sub: 0x6b, i32Mul: 0x6c, i32DivU: 0x6e, i32And: 0x71, i32Or: 0x72, i32Shl: 0x74, i32ShrU: 0x76,
} as const;

/** SIMD opcodes: emitted as the 0xfd prefix followed by the LEB128 of these. */
export const Simd = {
  v128Load: 0x00, v128Load32Splat: 0x09, v128Load64Splat: 0x0a, v128Store: 0x0b, v128Const: 0x0c,
  f32x4Splat: 0x13, f64x2Splat: 0x14,
  f32x4Add: 0xe4, f32x4Sub: 0xe5, f32x4Mul: 0xe6,
  f64x2Add: 0xf0, f64x2Sub: 0xf1, f64x2Mul: 0xf2,
} as const;

const SIMD_PREFIX = 0xfd;
const BLOCK_EMPTY = 0x40;

/** Unsigned LEB128 of a non-negative integer below 2^32. */
export function unsignedLeb(value: number): number[] {
  const out: number[] = [];
  let v = value >>> 0;
  do {
    const byte = v & 0x7f;
    v >>>= 7;
    out.push(v === 0 ? byte : byte | 0x80);
  } while (v !== 0);
  return out;
}

/** Signed LEB128 of a 32-bit integer. */
export function signedLeb(value: number): number[] {
  const out: number[] = [];
  let v = value | 0;
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    const done = (v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
}

/** A length-prefixed vector of already-encoded items. */
function vector(items: readonly (readonly number[])[]): number[] {
  return [...unsignedLeb(items.length), ...items.flat()];
}

function utf8Name(name: string): number[] {
  const bytes = new TextEncoder().encode(name);
  return [...unsignedLeb(bytes.length), ...bytes];
}

/**
 * The body of one function, written instruction by instruction. Parameters are locals
 * 0..params.length-1; `local(type)` declares more. Methods return `this` so code reads as a sequence.
 * @example
 *   const f = new FunctionBody([I32, I32], [I32]);
 *   f.get(0).get(1).op(Op.i32Add);
 */
export class FunctionBody {
  readonly code: number[] = [];
  private readonly locals: ValType[] = [];

  constructor(readonly params: readonly ValType[], readonly results: readonly ValType[] = []) {}

  /** Declares a new local of `type` and returns its index. */
  local(type: ValType): number {
    this.locals.push(type);
    return this.params.length + this.locals.length - 1;
  }

  op(...opcodes: number[]): this {
    this.code.push(...opcodes);
    return this;
  }

  get(index: number): this {
    return this.op(Op.localGet, ...unsignedLeb(index));
  }

  set(index: number): this {
    return this.op(Op.localSet, ...unsignedLeb(index));
  }

  tee(index: number): this {
    return this.op(Op.localTee, ...unsignedLeb(index));
  }

  i32(value: number): this {
    return this.op(Op.i32Const, ...signedLeb(value));
  }

  /** `local[index] += step` for an i32 local; `step` is a local index or, with `constant`, a value. */
  addTo(index: number, step: number, constant = false): this {
    this.get(index);
    if (constant) this.i32(step);
    else this.get(step);
    return this.op(Op.i32Add).set(index);
  }

  /** A memory instruction (`opcode` from Op) with its memarg: log2 of the alignment and a byte offset. */
  mem(opcode: number, alignLog2: number, offset = 0): this {
    return this.op(opcode, ...unsignedLeb(alignLog2), ...unsignedLeb(offset));
  }

  /** A SIMD instruction (`opcode` from Simd), with a memarg when it touches memory. */
  simd(opcode: number, memarg?: { alignLog2: number; offset?: number }): this {
    this.op(SIMD_PREFIX, ...unsignedLeb(opcode));
    if (memarg !== undefined) this.op(...unsignedLeb(memarg.alignLog2), ...unsignedLeb(memarg.offset ?? 0));
    return this;
  }

  /** A zero of `type` (f32, f64 or v128) on the stack. */
  zero(type: typeof F32 | typeof F64 | typeof V128): this {
    if (type === F32) return this.op(Op.f32Const, 0, 0, 0, 0);
    if (type === F64) return this.op(Op.f64Const, 0, 0, 0, 0, 0, 0, 0, 0);
    return this.zeroV128();
  }

  /** `v128.const` of sixteen zero bytes. */
  zeroV128(): this {
    return this.simd(Simd.v128Const).op(...new Array<number>(16).fill(0));
  }

  block(body: () => void): this {
    return this.structured(Op.block, body);
  }

  /** A loop: `br 0` / `br_if 0` inside continues it (put the test at the end for a do-while). */
  loop(body: () => void): this {
    return this.structured(Op.loop, body);
  }

  /** `if … end` on the i32 on the stack; `otherwise` adds an else arm. */
  if(then: () => void, otherwise?: () => void): this {
    this.op(Op.if, BLOCK_EMPTY);
    then();
    if (otherwise !== undefined) {
      this.op(Op.else);
      otherwise();
    }
    return this.op(Op.end);
  }

  brIf(depth: number): this {
    return this.op(Op.brIf, ...unsignedLeb(depth));
  }

  /** Calls function `index` of the module (its arguments on the stack). */
  call(index: number): this {
    return this.op(Op.call, ...unsignedLeb(index));
  }

  private structured(opcode: number, body: () => void): this {
    this.op(opcode, BLOCK_EMPTY);
    body();
    return this.op(Op.end);
  }

  /** The code-section entry: locals grouped by runs of one type, the instructions, `end`; size-prefixed. */
  encode(): number[] {
    const groups: number[][] = [];
    for (let i = 0; i < this.locals.length; ) {
      let j = i;
      while (j < this.locals.length && this.locals[j] === this.locals[i]) j++;
      groups.push([...unsignedLeb(j - i), this.locals[i]!]);
      i = j;
    }
    const body = [...vector(groups), ...this.code, Op.end];
    return [...unsignedLeb(body.length), ...body];
  }
}

/** The module's one memory: imported as env.memory when `imported`, else its own, exported as "memory". */
export interface MemorySpec {
  /** Initial size in 64 KiB pages. */
  pages: number;
  /** Largest size in pages (required by a shared memory). */
  maximum?: number;
  /** A memory that threads share (its buffer a SharedArrayBuffer); needs `maximum` and `imported`. */
  shared?: boolean;
  imported?: boolean;
}

export interface ModuleSpec {
  /** Exported functions, in index order (a body calls another by its index here). */
  functions: readonly { name: string; body: FunctionBody }[];
  memory: MemorySpec;
}

function section(id: number, contents: number[]): number[] {
  return [id, ...unsignedLeb(contents.length), ...contents];
}

function limits({ pages, maximum, shared }: MemorySpec): number[] {
  if (maximum === undefined) return [0x00, ...unsignedLeb(pages)];
  return [shared === true ? 0x03 : 0x01, ...unsignedLeb(pages), ...unsignedLeb(maximum)];
}

/** The bytes of a module holding `spec`'s functions (each with its own type entry) and one memory. */
export function encodeModule(spec: ModuleSpec): Uint8Array<ArrayBuffer> {
  const { functions, memory } = spec;
  const types = functions.map(({ body }) => [0x60, ...vector(body.params.map((t) => [t])), ...vector(body.results.map((t) => [t]))]);
  const kindFunc = 0x00;
  const kindMemory = 0x02;
  const exports = functions.map(({ name }, i) => [...utf8Name(name), kindFunc, ...unsignedLeb(i)]);
  const memorySections = memory.imported === true
    ? [...section(2, vector([[...utf8Name('env'), ...utf8Name('memory'), kindMemory, ...limits(memory)]]))]
    : [];
  if (memory.imported !== true) exports.push([...utf8Name('memory'), kindMemory, 0]);
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // "\0asm", version 1
    ...section(1, vector(types)),
    ...memorySections, // the import section (2) comes before the function section (3)
    ...section(3, vector(functions.map((_, i) => unsignedLeb(i)))),
    ...(memory.imported === true ? [] : section(5, vector([limits(memory)]))),
    ...section(7, vector(exports)),
    ...section(10, vector(functions.map(({ body }) => body.encode()))),
  ]);
}
