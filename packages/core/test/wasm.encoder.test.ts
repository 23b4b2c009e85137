/**
 * The WebAssembly encoder: LEB128 against the spec's and DWARF's worked examples and a decoder,
 * and modules it emits that V8 validates and runs — scalar, control flow, locals of mixed types, SIMD.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeModule, F64, FunctionBody, I32, Op, Simd, V128, signedLeb, unsignedLeb } from '../src/kernels/wasm/encoder.js';

/** Decodes one LEB128 number (signed or not) from the start of `bytes`. */
function decodeLeb(bytes: number[], signed: boolean): number {
  let result = 0;
  let shift = 0;
  for (const byte of bytes) {
    result += (byte & 0x7f) * 2 ** shift;
    shift += 7;
    if ((byte & 0x80) === 0) return signed && byte & 0x40 ? result - 2 ** shift : result;
  }
  throw new Error('unterminated LEB128');
}

function instantiate(functions: { name: string; body: FunctionBody }[]): WebAssembly.Exports {
  const bytes = encodeModule({ functions, memory: { pages: 1 } });
  expect(WebAssembly.validate(bytes)).toBe(true);
  return new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports;
}

describe('LEB128', () => {
  it('unsigned: the worked examples', () => {
    expect(unsignedLeb(0)).toEqual([0x00]);
    expect(unsignedLeb(127)).toEqual([0x7f]);
    expect(unsignedLeb(128)).toEqual([0x80, 0x01]);
    expect(unsignedLeb(624485)).toEqual([0xe5, 0x8e, 0x26]);
    expect(unsignedLeb(0xffffffff)).toEqual([0xff, 0xff, 0xff, 0xff, 0x0f]);
  });

  it('signed: the worked examples, sign bit in bit 6 of the last byte', () => {
    expect(signedLeb(0)).toEqual([0x00]);
    expect(signedLeb(-1)).toEqual([0x7f]);
    expect(signedLeb(63)).toEqual([0x3f]);
    expect(signedLeb(64)).toEqual([0xc0, 0x00]);
    expect(signedLeb(-64)).toEqual([0x40]);
    expect(signedLeb(-65)).toEqual([0xbf, 0x7f]);
    expect(signedLeb(-123456)).toEqual([0xc0, 0xbb, 0x78]);
    expect(signedLeb(2 ** 31 - 1)).toEqual([0xff, 0xff, 0xff, 0xff, 0x07]);
    expect(signedLeb(-(2 ** 31))).toEqual([0x80, 0x80, 0x80, 0x80, 0x78]);
  });

  it('round-trips every 32-bit value in the fewest bytes', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), (u, s) => {
        const ub = unsignedLeb(u);
        const sb = signedLeb(s);
        expect(decodeLeb(ub, false)).toBe(u);
        expect(decodeLeb(sb, true)).toBe(s);
        expect(ub.length).toBe(Math.max(1, Math.ceil(Math.log2(u + 1) / 7)));
        expect(sb.length).toBe(Math.ceil((Math.log2(s < 0 ? -s : s + 1) + 1) / 7));
      }),
      { numRuns: 200 },
    );
  });
});

describe('encodeModule', () => {
  it('emits the header, a memory and functions that run', () => {
    const add = new FunctionBody([I32, I32], [I32]);
    add.get(0).get(1).op(Op.i32Add);
    const bytes = encodeModule({ functions: [{ name: 'add', body: add }], memory: { pages: 2 } });
    expect([...bytes.subarray(0, 8)]).toEqual([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);
    const ex = new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports;
    expect((ex['add'] as (x: number, y: number) => number)(40, -2)).toBe(38);
    expect((ex['memory'] as WebAssembly.Memory).buffer.byteLength).toBe(2 * 65536);
  });

  it('loops, branches and mixed-type locals: sum of 1..n by a do-while, n ≤ 0 skipped by a block', () => {
    const f = new FunctionBody([I32], [I32]);
    const [sum, unusedVector, i] = [f.local(I32), f.local(V128), f.local(I32)];
    f.zeroV128().set(unusedVector);
    f.block(() => {
      f.get(0).i32(1).op(Op.i32LtS).brIf(0);
      f.i32(1).set(i);
      f.loop(() => {
        f.addTo(sum, i).addTo(i, 1, true);
        f.get(i).get(0).op(Op.i32LeS).brIf(0);
      });
    });
    f.get(0).i32(-1000).op(Op.i32Eq).if(() => f.i32(7).set(sum), () => f.addTo(sum, 0, true));
    f.get(sum);
    const triangle = instantiate([{ name: 'triangle', body: f }])['triangle'] as (n: number) => number;
    expect([triangle(0), triangle(1), triangle(4), triangle(100), triangle(-1000)]).toEqual([0, 1, 10, 5050, 7]);
  });

  it('SIMD: f64x2 multiply then add, a splatted load and vector loads and stores at offsets', () => {
    // out[0..1] = splat(x[0]) * y[0..1] + y[2..3], at byte addresses x = 0, y = 16, out = 64
    const f = new FunctionBody([]);
    f.i32(64);
    f.i32(0).simd(Simd.v128Load64Splat, { alignLog2: 3 });
    f.i32(16).simd(Simd.v128Load, { alignLog2: 4 }).simd(Simd.f64x2Mul);
    f.i32(16).simd(Simd.v128Load, { alignLog2: 4, offset: 16 }).simd(Simd.f64x2Add);
    f.simd(Simd.v128Store, { alignLog2: 4 });
    const ex = instantiate([{ name: 'fma2', body: f }]);
    const mem = new Float64Array((ex['memory'] as WebAssembly.Memory).buffer);
    mem.set([3, 0, 1.5, -2, 0.25, 10]);
    (ex['fma2'] as () => void)();
    expect([mem[8], mem[9]]).toEqual([3 * 1.5 + 0.25, 3 * -2 + 10]);
  });

  it('scalar f64 loads, stores and constants', () => {
    const f = new FunctionBody([I32]);
    f.get(0).zero(F64).mem(Op.f64Store, 3, 8);
    f.get(0).get(0).mem(Op.f64Load, 3).mem(Op.f64Store, 3, 16);
    const ex = instantiate([{ name: 'copy', body: f }]);
    const mem = new Float64Array((ex['memory'] as WebAssembly.Memory).buffer);
    mem.set([-2.5, 99], 4);
    (ex['copy'] as (p: number) => void)(32);
    expect([...mem.subarray(4, 7)]).toEqual([-2.5, 0, -2.5]);
  });

  it('call: a function calls another by its index', () => {
    const square = new FunctionBody([I32], [I32]);
    square.get(0).get(0).op(Op.i32Mul);
    const sumOfSquares = new FunctionBody([I32, I32], [I32]);
    sumOfSquares.get(0).call(0).get(1).call(0).op(Op.i32Add);
    const ex = instantiate([{ name: 'square', body: square }, { name: 'sumOfSquares', body: sumOfSquares }]);
    expect((ex['sumOfSquares'] as (x: number, y: number) => number)(3, -4)).toBe(25);
  });

  it('an imported memory: the module writes into the Memory given to it, and exports none', () => {
    const f = new FunctionBody([I32, I32]);
    f.get(0).get(1).op(Op.i32Add).get(1).op(Op.i32DivU).set(1).get(0).get(1).mem(0x36 /* i32.store */, 2);
    const bytes = encodeModule({ functions: [{ name: 'w', body: f }], memory: { pages: 1, maximum: 4, imported: true } });
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 4 });
    const ex = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } }).exports;
    expect(ex['memory']).toBeUndefined();
    (ex['w'] as (p: number, v: number) => void)(8, 5); // stores (8 + 5) / 5 = 2 at byte 8
    expect(new Int32Array(memory.buffer)[2]).toBe(2);
    expect(() => new WebAssembly.Instance(new WebAssembly.Module(bytes), {})).toThrow();
  });

  it('a shared memory: two instances see each other\'s writes, and growth keeps old views valid', () => {
    const put = new FunctionBody([I32, F64]);
    put.get(0).get(1).mem(Op.f64Store, 3);
    const bytes = encodeModule({ functions: [{ name: 'put', body: put }], memory: { pages: 1, maximum: 8, shared: true, imported: true } });
    expect(WebAssembly.validate(bytes)).toBe(true);
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 8, shared: true });
    expect(memory.buffer).toBeInstanceOf(SharedArrayBuffer);
    const module = new WebAssembly.Module(bytes);
    const [one, two] = [0, 1].map(() => new WebAssembly.Instance(module, { env: { memory } }).exports['put'] as (p: number, v: number) => void);
    const view = new Float64Array(memory.buffer);
    one!(0, 1.5);
    memory.grow(2);
    two!(65536 * 2, -3); // in the grown part
    expect(view[0]).toBe(1.5);
    expect(new Float64Array(memory.buffer)[65536 / 4]).toBe(-3);
    // A non-shared memory does not satisfy a shared import.
    expect(() => new WebAssembly.Instance(module, { env: { memory: new WebAssembly.Memory({ initial: 1, maximum: 8 }) } })).toThrow();
  });
});
