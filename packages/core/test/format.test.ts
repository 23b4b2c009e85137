import { describe, it, expect, afterEach } from 'vitest';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import type { DType, TypedArray } from '../src/tape/dtype.js';
import { ValueError } from '../src/tape/errors.js';
import {
  formatRepr,
  formatTensor,
  getPrintOptions,
  setPrintOptions,
  type PrintOptions,
} from '../src/numpy/print.js';

/** One case of fixtures/format.json, written by fixtures/make_format_fixtures.py from numpy. */
interface FixtureCase {
  name: string;
  dtype: DType;
  shape: number[];
  /** Flat row-major values; nan, ±inf and -0 come as strings since JSON lacks them. */
  data: (number | string | boolean)[];
  options?: Partial<PrintOptions>;
  str: string;
  repr: string;
}

const fixture = JSON.parse(readFileSync(new URL('./fixtures/format.json', import.meta.url), 'utf8')) as {
  numpy: string;
  cases: FixtureCase[];
};

const SPECIAL: Record<string, number> = { nan: NaN, inf: Infinity, '-inf': -Infinity, '-0': -0 };

function decode(values: (number | string | boolean)[], dtype: DType): TypedArray {
  const nums = values.map((v) => (typeof v === 'string' ? SPECIAL[v]! : Number(v)));
  if (dtype === 'bool') return Uint8Array.from(nums);
  if (dtype === 'float64') return Float64Array.from(nums);
  if (dtype === 'float32') return Float32Array.from(nums);
  return Int32Array.from(nums);
}

const defaults = getPrintOptions();
afterEach(() => {
  setPrintOptions(defaults);
});

/** Runs fn with the case's print options, as the fixture script did with np.printoptions. */
function withOptions<T>(opts: Partial<PrintOptions> | undefined, fn: () => T): T {
  const previous = setPrintOptions(opts ?? {});
  try {
    return fn();
  } finally {
    setPrintOptions(previous);
  }
}

describe(`formatTensor / formatRepr match numpy ${fixture.numpy}`, () => {
  it('has the whole fixture', () => {
    expect(fixture.cases.length).toBeGreaterThanOrEqual(150);
  });

  for (const c of fixture.cases) {
    const data = decode(c.data, c.dtype);
    it(`str: ${c.name}`, () => {
      expect(withOptions(c.options, () => formatTensor(data, c.shape, c.dtype))).toBe(c.str);
    });
    it(`repr: ${c.name}`, () => {
      expect(withOptions(c.options, () => formatRepr(data, c.shape, c.dtype))).toBe(c.repr);
    });
  }
});

describe('formatTensor, readable cases', () => {
  const f64 = (...v: number[]) => Float64Array.from(v);

  it('aligns on the decimal point and keeps the point of whole numbers', () => {
    expect(formatTensor(f64(1.4, 2.2, 3), [3], 'float64')).toBe('[1.4 2.2 3. ]');
    expect(formatTensor(f64(1, 2, 3), [3], 'float64')).toBe('[1. 2. 3.]');
  });

  it('prints the shortest digits, at most 8 after the point', () => {
    expect(formatTensor(f64(1 / 3, 2 / 3), [2], 'float64')).toBe('[0.33333333 0.66666667]');
    expect(formatTensor(Float32Array.from([0.1]), [1], 'float32')).toBe('[0.1]');
  });

  it('switches to scientific notation like numpy', () => {
    expect(formatTensor(f64(1e-5, 1), [2], 'float64')).toBe('[1.e-05 1.e+00]');
    expect(formatTensor(f64(1.23456789e10), [1], 'float64')).toBe('[1.23456789e+10]');
  });

  it('prints nan, inf, -0 and 0-d tensors', () => {
    expect(formatTensor(f64(NaN, -Infinity, 1), [3], 'float64')).toBe('[ nan -inf   1.]');
    expect(formatTensor(f64(-0), [1], 'float64')).toBe('[-0.]');
    expect(formatTensor(f64(1.5), [], 'float64')).toBe('1.5');
  });

  it('nests brackets with blank lines between blocks', () => {
    const data = Int32Array.from({ length: 8 }, (_, i) => i);
    expect(formatTensor(data, [2, 2, 2], 'int32')).toBe('[[[0 1]\n  [2 3]]\n\n [[4 5]\n  [6 7]]]');
  });

  it('summarises large tensors', () => {
    const data = Float64Array.from({ length: 2000 }, (_, i) => i);
    expect(formatTensor(data, [2000], 'float64')).toBe('[0.000e+00 1.000e+00 2.000e+00 ... 1.997e+03 1.998e+03 1.999e+03]');
  });

  it('prints empty tensors as []', () => {
    expect(formatTensor(new Float64Array(0), [2, 0], 'float64')).toBe('[]');
  });
});

describe('formatRepr, readable cases', () => {
  it('names the dtype unless it is float64', () => {
    expect(formatRepr(Float64Array.from([1, 2]), [2], 'float64')).toBe('tensor([1., 2.])');
    expect(formatRepr(Float32Array.from([1, 2]), [2], 'float32')).toBe('tensor([1., 2.], dtype=float32)');
    expect(formatRepr(Int32Array.from([1, 2]), [2], 'int32')).toBe('tensor([1, 2], dtype=int32)');
  });

  it('indents continuation rows under the first bracket', () => {
    expect(formatRepr(Float64Array.from([1, 2, 3, 4]), [2, 2], 'float64')).toBe('tensor([[1., 2.],\n        [3., 4.]])');
  });

  it('shows the shape of empty tensors', () => {
    expect(formatRepr(new Float64Array(0), [2, 0], 'float64')).toBe('tensor([], shape=(2, 0), dtype=float64)');
  });
});

describe('print options', () => {
  it('setPrintOptions returns the previous options', () => {
    const old = setPrintOptions({ precision: 3 });
    expect(old.precision).toBe(8);
    expect(getPrintOptions().precision).toBe(3);
    expect(formatTensor(Float64Array.from([1 / 3]), [1], 'float64')).toBe('[0.333]');
  });

  it('rejects bad values', () => {
    expect(() => setPrintOptions({ precision: -1 })).toThrow(ValueError);
    expect(() => setPrintOptions({ linewidth: 1.5 })).toThrow(ValueError);
    expect(getPrintOptions()).toEqual(defaults);
  });
});

describe('0-d tensors print the shortest digits that read back exactly', () => {
  it('float64', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => {
        expect(Object.is(Number(formatTensor(Float64Array.of(x), [], 'float64')), x)).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  it('float32', () => {
    fc.assert(
      fc.property(fc.float({ noNaN: true, noDefaultInfinity: true }), (x) => {
        const text = formatTensor(Float32Array.of(x), [], 'float32');
        expect(Object.is(Math.fround(Number(text)), x)).toBe(true);
        // Shortest: one digit fewer, rounded either way, would not read back as x.
        const digits = text.replace(/^-|e.*$/g, '').replace('.', '').replace(/^0+|0+$/g, '');
        if (digits.length > 1) {
          const shorter = Number(Math.abs(x).toPrecision(digits.length - 1));
          expect(Math.fround(shorter)).not.toBe(Math.abs(x));
        }
      }),
      { numRuns: 60 },
    );
  });
});
