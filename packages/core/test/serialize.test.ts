import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ArgumentError, decodeSafetensors, encodeSafetensors, FormatError, Tensor, tensor, TapegradError, type DType,
} from '../src/index.js';

// fixtures/numpy.safetensors was written by python3 fixtures/make_safetensors_fixtures.py (struct + json +
// numpy, laid out as the reference writer does); the .json beside it is what numpy read back from it.
const fixture = new Uint8Array(readFileSync(new URL('./fixtures/numpy.safetensors', import.meta.url)));
const expected = JSON.parse(readFileSync(new URL('./fixtures/numpy.safetensors.json', import.meta.url), 'utf8')) as {
  metadata: Record<string, string>;
  tensors: Record<string, { dtype: string; shape: number[]; data: (number | string)[] }>;
};
const DTYPES: Record<string, DType> = { F64: 'float64', F32: 'float32', I32: 'int32' };
const SPECIAL: Record<string, number> = { NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity, '-0': -0 };
const num = (v: number | string) => (typeof v === 'string' ? SPECIAL[v]! : v);

function fromExpected(e: { dtype: string; shape: number[]; data: (number | string)[] }): Tensor {
  return tensor(e.data.map(num), { dtype: DTYPES[e.dtype], shape: e.shape });
}

/** A file from a header (object, raw text or raw bytes), its data, and optionally a forged header length. */
function craft(header: object | string, data: Uint8Array = new Uint8Array(0), length?: number): Uint8Array {
  const text = header instanceof Uint8Array ? header : new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header));
  const out = new Uint8Array(8 + text.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(length ?? text.length), true);
  out.set(text, 8);
  out.set(data, 8 + text.length);
  return out;
}

const entry = (dtype: string, shape: unknown, offsets: unknown) => ({ dtype, shape, data_offsets: offsets });

function expectFormatError(bytes: Uint8Array, message: RegExp): void {
  expect(() => decodeSafetensors(bytes)).toThrow(FormatError);
  expect(() => decodeSafetensors(bytes)).toThrow(message);
}

describe('safetensors: the same bytes as numpy writes them', () => {
  it('reads every tensor and the metadata of the numpy-written file, bit for bit', () => {
    const { tensors, metadata } = decodeSafetensors(fixture);
    expect({ ...metadata }).toEqual(expected.metadata);
    expect(Object.keys(tensors).sort()).toEqual(Object.keys(expected.tensors).sort());
    for (const [name, e] of Object.entries(expected.tensors)) {
      const t = tensors[name]!;
      const want = fromExpected(e);
      expect([name, t.dtype, t.shape]).toEqual([name, want.dtype, want.shape]);
      // bitwise: NaN and -0 included
      expect(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength)).toEqual(
        new Uint8Array(want.data.buffer, want.data.byteOffset, want.data.byteLength),
      );
    }
  });

  it('writes exactly the bytes numpy wrote for the same tensors (dtype order, names by UTF-8, space padding)', () => {
    const tensors = Object.fromEntries(Object.entries(expected.tensors).map(([name, e]) => [name, fromExpected(e)]));
    expect(encodeSafetensors(tensors, expected.metadata)).toEqual(fixture);
  });

  it('an empty file is {} padded to 8 bytes; metadata keys keep their order, even "0"', () => {
    expect(Array.from(encodeSafetensors({}))).toEqual([8, 0, 0, 0, 0, 0, 0, 0, 123, 125, 32, 32, 32, 32, 32, 32]);
    const bytes = encodeSafetensors({}, { b: '1', 0: '2' });
    expect(new TextDecoder().decode(bytes.subarray(8)).trimEnd()).toBe('{"__metadata__":{"0":"2","b":"1"}}');
    expect(bytes.length % 8).toBe(0);
  });

  it('round-trips any F64/F32/I32 tensors exactly (property)', () => {
    const value = fc.oneof(fc.double(), fc.constantFrom(NaN, -0, Infinity, -Infinity, 5e-324));
    const arb = fc.dictionary(
      fc.string({ minLength: 1, maxLength: 6 }).filter((k) => k !== '__proto__' && k !== '__metadata__'),
      fc.tuple(fc.constantFrom<DType>('float64', 'float32', 'int32'), fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 3 }), fc.array(value, { minLength: 27, maxLength: 27 })),
      { maxKeys: 5 },
    );
    fc.assert(
      fc.property(arb, (spec) => {
        const tensors = Object.fromEntries(Object.entries(spec).map(([k, [dtype, shape, vals]]) => {
          const n = shape.reduce((a, b) => a * b, 1);
          const data = vals.slice(0, n).map((v) => (dtype === 'int32' ? (Number.isFinite(v) ? Math.trunc(v) | 0 : 0) : v));
          return [k, tensor(data, { dtype, shape })];
        }));
        const back = decodeSafetensors(encodeSafetensors(tensors)).tensors;
        for (const [k, t] of Object.entries(tensors)) {
          expect([back[k]!.dtype, back[k]!.shape]).toEqual([t.dtype, t.shape]);
          expect(new Uint8Array(back[k]!.data.buffer)).toEqual(new Uint8Array(t.data.slice().buffer));
        }
      }),
      { numRuns: 60 },
    );
  });

  it('refuses what it cannot write, naming it', () => {
    expect(() => encodeSafetensors({ w: [1, 2] as unknown as Tensor })).toThrow(ArgumentError);
    expect(() => encodeSafetensors({ __metadata__: tensor([1]) })).toThrow(/"__metadata__" cannot name a tensor/);
    expect(() => encodeSafetensors({ w: tensor([1]) }, { epoch: 3 as unknown as string })).toThrow(/'epoch' is 3/);
    expect(() => encodeSafetensors(null as unknown as Record<string, Tensor>)).toThrow(ArgumentError);
  });
});

describe('safetensors: untrusted bytes are a FormatError before any allocation', () => {
  const f64 = (n: number) => new Uint8Array(new Float64Array(n).buffer);

  it('every truncation of a valid file', () => {
    for (let len = 0; len < fixture.length; len++) {
      let error: unknown;
      try {
        decodeSafetensors(fixture.subarray(0, len));
      } catch (e) {
        error = e;
      }
      expect(error, `truncated to ${len} bytes`).toBeInstanceOf(FormatError);
    }
    expectFormatError(fixture.subarray(0, 5), /truncated: 5 bytes/);
    expectFormatError(fixture.subarray(0, 100), /truncated: the header claims 552 bytes but only 92 follow/);
    expectFormatError(fixture.subarray(0, fixture.length - 1), /outside the 95 bytes of data \(truncated file\?\)/);
  });

  it('wrong magic and implausible header lengths', () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]);
    expectFormatError(png, /the header length \d+ is implausible/);
    expectFormatError(craft('{}', undefined, 2 ** 40), /header length 1099511627776 is implausible/);
    expectFormatError(craft('{}', undefined, 0), /header length 0 is too short/);
    expectFormatError(craft('[1, 2]'), /does not start with '\{'/);
    expectFormatError(craft('{"a": '), /not valid JSON/);
    expectFormatError(craft(new Uint8Array([0x7b, 0xff, 0xfe, 0x7d])), /not valid UTF-8/);
  });

  it('a header claiming 10^12 elements (or more than exist), without allocating them', () => {
    expectFormatError(craft({ w: entry('F64', [1_000_000, 1_000_000], [0, 8]) }, f64(1)), /claims shape \[1000000,1000000\] F64, 1000000000000 elements \(8000000000000 bytes\), but its data_offsets span 8 bytes/);
    expectFormatError(craft({ w: entry('F64', [1_000_000, 1_000_000], [0, 8e12]) }, f64(1)), /outside the 8 bytes of data/);
    expectFormatError(craft({ w: entry('F32', [2 ** 31 - 1, 2 ** 31 - 1, 2 ** 31 - 1, 0], [0, 0]) }), /more elements than can exist/);
  });

  it('offsets out of range, overlapping, leaving gaps or trailing bytes', () => {
    const two = f64(2);
    expectFormatError(craft({ a: entry('F64', [1], [8, 16]), b: entry('F64', [2], [0, 16]) }, two), /overlaps/);
    expectFormatError(craft({ a: entry('F64', [1], [8, 16]) }, two), /bytes \[0,8\) of the data belong to no tensor/);
    expectFormatError(craft({ a: entry('F64', [1], [0, 8]) }, two), /cover 8 bytes of data but 16 follow/);
    expectFormatError(craft({ a: entry('F64', [1], [16, 8]) }, two), /data_offsets \[16,8\], outside/);
    expectFormatError(craft({ a: entry('F64', [1], [-8, 0]) }, two), /data_offsets \[-8,0\]/);
    expectFormatError(craft({ a: entry('F64', [1], [0]) }, two), /expected \[begin, end\]/);
  });

  it('keys like __proto__, bad shapes, unknown dtypes, bad metadata', () => {
    const one = f64(1);
    expectFormatError(craft('{"__proto__": {"dtype": "F64", "shape": [1], "data_offsets": [0, 8]}}', one), /"__proto__"/);
    expectFormatError(craft({ __metadata__: JSON.parse('{"__proto__": "x"}') }), /"__proto__"/);
    // An axis past 2**31 - 1 is refused even when another axis makes the tensor empty (as every shape in tapegrad).
    for (const shape of [['1'], [-1], [1.5], [null], 'x', [NaN], Array(65).fill(1), [0, 2 ** 31], [2 ** 40, 2 ** 40, 0]]) {
      expectFormatError(craft({ a: entry('F64', shape, [0, 8]) }, one), /has shape .* sizes must be whole numbers from 0 to 2\*\*31 - 1/);
    }
    expectFormatError(craft({ a: entry('BF16', [4], [0, 8]) }, one), /has dtype "BF16"; tapegrad reads F64, F32, I32 and BOOL/);
    expectFormatError(craft({ a: { shape: [1], data_offsets: [0, 8] } }, one), /has dtype undefined/);
    expectFormatError(craft({ a: 'F64' }, one), /must be an object \{ dtype, shape, data_offsets \}/);
    expectFormatError(craft({ __metadata__: { epoch: 3 } }), /'epoch' is 3/);
    expectFormatError(craft({ __metadata__: ['a'] }), /__metadata__ must be an object/);
  });

  it('decoded records have no prototype: a name like "constructor" is a plain key', () => {
    const { tensors } = decodeSafetensors(encodeSafetensors({ constructor: tensor([1]), toString: tensor([2]) }));
    expect(Object.getPrototypeOf(tensors)).toBeNull();
    expect((tensors['constructor'] as unknown as Tensor).item()).toBe(1);
    expect(() => decodeSafetensors('bytes' as unknown as Uint8Array)).toThrow(ArgumentError);
  });

  it('random corruptions of a valid file decode or throw a FormatError, nothing else (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(fixture.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }), (edits) => {
        const bytes = fixture.slice();
        for (const [at, v] of edits) bytes[at] = v;
        try {
          decodeSafetensors(bytes);
        } catch (e) {
          expect(e).toBeInstanceOf(FormatError);
          expect(e).toBeInstanceOf(TapegradError);
        }
      }),
      { numRuns: 300 },
    );
  });
});
