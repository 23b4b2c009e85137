/**
 * Forward values of the indexing, rearranging, sorting, einsum and closeness ops against
 * PyTorch 1.13 (float64) and numpy, from fixtures/index.json (written by
 * fixtures/make_index_fixtures.py). Ops that only move values must match exactly (−0 and NaN
 * included); ops that add (indexAdd, einsum, trace, outer) within 1e-12, as the summation
 * order may differ from PyTorch's.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as core from '../src/index.js';
import { Tensor, tensor, type DType } from '../src/index.js';

type Value = number | 'nan' | 'inf' | '-inf' | '-0';
interface Entry { dtype: DType | 'bool'; shape: number[]; data: Value[] }
interface Case { op: string; inputs: Entry[]; args: unknown[]; out: Entry | Entry[] | boolean }

const fixture = JSON.parse(readFileSync(new URL('./fixtures/index.json', import.meta.url), 'utf8')) as { torch: string; numpy: string; cases: Case[] };

const decode = (v: Value): number => (v === 'nan' ? NaN : v === 'inf' ? Infinity : v === '-inf' ? -Infinity : v === '-0' ? -0 : v);
const toTensor = (e: Entry): Tensor => tensor(e.data.map(decode), { dtype: e.dtype as DType, shape: e.shape });

const COMPARISON_DTYPE = tensor(1).eq(1).dtype;
const SUMS = new Set(['indexAdd', 'einsum', 'trace', 'outer']);

function resolve(arg: unknown, inputs: Tensor[]): unknown {
  if (arg !== null && typeof arg === 'object' && '$t' in arg) return inputs[(arg as { $t: number }).$t];
  if (arg !== null && typeof arg === 'object' && '$n' in arg) return decode((arg as { $n: Value }).$n);
  return arg;
}

function check(got: Tensor, want: Entry, rtol: number): void {
  expect(got.shape).toEqual(want.shape);
  // Index results are int32; values keep x's dtype (float64 in every case); isclose has the comparisons' dtype.
  expect(got.dtype).toBe(want.dtype === 'bool' ? COMPARISON_DTYPE : want.dtype);
  const expected = want.data.map(decode);
  const wrong = expected.flatMap((w, i) => {
    const g = got.data[i]!;
    const ok = Object.is(g, w) || (rtol > 0 && Number.isFinite(w) && Math.abs(g - w) <= rtol * Math.max(1, Math.abs(w)));
    return ok ? [] : [{ index: i, got: g, want: w }];
  });
  expect(wrong).toEqual([]);
}

describe(`forward values against PyTorch ${fixture.torch} and numpy ${fixture.numpy} (fixtures/index.json)`, () => {
  it('covers every op', () => {
    expect(new Set(fixture.cases.map((c) => c.op)).size).toBe(26);
  });
  it.each(fixture.cases.map((c, i) => [`${c.op} #${i} ${JSON.stringify(c.args.map((a) => (a && typeof a === 'object' && '$t' in a ? `[${c.inputs[(a as { $t: number }).$t]!.shape}]` : a)))}`, c] as const))('%s', (_name, c) => {
    const inputs = c.inputs.map(toTensor);
    const fn = (core as unknown as Record<string, (...a: unknown[]) => unknown>)[c.op]!;
    let got = fn(...c.args.map((a) => resolve(a, inputs)));
    if (c.op === 'topk') got = [(got as { values: Tensor }).values, (got as { indices: Tensor }).indices];
    const rtol = SUMS.has(c.op) ? 1e-12 : 0;
    if (typeof c.out === 'boolean') expect(got).toBe(c.out);
    else if (Array.isArray(c.out)) {
      expect((got as Tensor[]).length).toBe(c.out.length);
      c.out.forEach((w, i) => check((got as Tensor[])[i]!, w, rtol));
    } else check(got as Tensor, c.out, rtol);
  });
});
