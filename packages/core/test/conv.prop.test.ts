import fc from 'fast-check';
import { describe, it } from 'vitest';
import {
  Generator, adaptiveAvgPool2d, avgPool1d, avgPool2d, batchNorm, conv1d, conv2d, convTranspose2d, dropout, embedding, fold,
  grad, layerNorm, maxPool1d, maxPool2d, tensor, unfold, type Tensor,
} from '../src/index.js';
import { expectGradOk, seedArb, values } from './support.js';

const RUNS = { numRuns: 25 };
const small = (max: number) => fc.integer({ min: 1, max });

function convOut(n: number, k: number, s: number, p: number, d: number): number {
  return Math.floor((n + 2 * p - d * (k - 1) - 1) / s) + 1;
}

/** A valid conv2d setting on small shapes: groups, strides, paddings, dilations, odd sizes. */
const conv2dCase = fc
  .record({
    n: small(2), groups: small(2), cg: small(2), fg: small(2), h: small(5), w: small(5), kh: small(3), kw: small(3),
    sh: small(2), sw: small(2), ph: fc.integer({ min: 0, max: 1 }), pw: fc.integer({ min: 0, max: 2 }), dh: small(2), dw: small(2),
    bias: fc.boolean(),
  })
  .filter((c) => convOut(c.h, c.kh, c.sh, c.ph, c.dh) >= 1 && convOut(c.w, c.kw, c.sw, c.pw, c.dw) >= 1);

const opts2 = (c: { sh: number; sw: number; ph: number; pw: number; dh: number; dw: number; groups: number }) => ({
  stride: [c.sh, c.sw] as [number, number], padding: [c.ph, c.pw] as [number, number], dilation: [c.dh, c.dw] as [number, number], groups: c.groups,
});

describe('convolutions: tape gradient = central difference', () => {
  it('conv2d over groups, strides, paddings and dilations (x, weight, bias)', () => {
    fc.assert(fc.property(conv2dCase, seedArb, (c, seed) => {
      const x = values([c.n, c.groups * c.cg, c.h, c.w], seed);
      const w = values([c.groups * c.fg, c.cg, c.kh, c.kw], seed + 1);
      const inputs = c.bias ? [x, w, values([c.groups * c.fg], seed + 2)] : [x, w];
      expectGradOk((a, b, bias) => conv2d(a, b, bias ?? null, opts2(c)), inputs);
    }), RUNS);
  });
  it("conv2d with padding 'same' (even kernels pad more after) and without the batch axis", () => {
    fc.assert(fc.property(small(4), small(4), small(4), small(2), seedArb, (h, k, w, d, seed) => {
      expectGradOk((a, b) => conv2d(a, b, null, { padding: 'same', dilation: d }), [values([2, h, w], seed), values([3, 2, k, 2], seed + 1)]);
    }), RUNS);
  });
  it('conv1d', () => {
    fc.assert(fc.property(small(6), small(3), small(2), fc.integer({ min: 0, max: 2 }), seedArb, (l, k, s, p, seed) => {
      fc.pre(convOut(l, k, s, p, 1) >= 1);
      expectGradOk((a, b, bias) => conv1d(a, b, bias, { stride: s, padding: p }), [values([2, 2, l], seed), values([3, 2, k], seed + 1), values([3], seed + 2)]);
    }), RUNS);
  });
  it('convTranspose2d with output padding and groups', () => {
    fc.assert(fc.property(conv2dCase, fc.integer({ min: 0, max: 1 }), seedArb, (c, op, seed) => {
      const outputPadding = [Math.min(op, Math.max(c.sh, c.dh) - 1), Math.min(op, Math.max(c.sw, c.dw) - 1)] as [number, number];
      const oh = (c.h - 1) * c.sh - 2 * c.ph + c.dh * (c.kh - 1) + outputPadding[0] + 1;
      const ow = (c.w - 1) * c.sw - 2 * c.pw + c.dw * (c.kw - 1) + outputPadding[1] + 1;
      fc.pre(oh >= 1 && ow >= 1);
      const x = values([c.n, c.groups * c.cg, c.h, c.w], seed);
      const w = values([c.groups * c.cg, c.fg, c.kh, c.kw], seed + 1);
      expectGradOk((a, b, bias) => convTranspose2d(a, b, bias, { ...opts2(c), outputPadding }), [x, w, values([c.groups * c.fg], seed + 2)]);
    }), RUNS);
  });
  it('unfold and fold', () => {
    fc.assert(fc.property(small(4), small(4), small(2), small(2), seedArb, (h, w, k, s, seed) => {
      fc.pre(convOut(h, k, s, 1, 1) >= 1 && convOut(w, k, s, 1, 1) >= 1);
      const x = values([2, 2, h, w], seed);
      expectGradOk((a) => unfold(a, k, { stride: s, padding: 1 }), [x]);
      const cols = unfold(x, k, { stride: s, padding: 1 });
      expectGradOk((a) => fold(a, [h, w], k, { stride: s, padding: 1 }), [values(cols.shape.slice(), seed + 1)]);
    }), RUNS);
  });
});

describe('second derivatives: conv2d is bilinear, its rules are again convolutions', () => {
  it('conv2d: d/dx and d/dw of the first derivatives (through a tanh, so they depend on both)', () => {
    fc.assert(fc.property(conv2dCase, seedArb, (c, seed) => {
      const x = values([c.n, c.groups * c.cg, c.h, c.w], seed, { lo: -1, hi: 1 });
      const w = values([c.groups * c.fg, c.cg, c.kh, c.kw], seed + 1, { lo: -1, hi: 1 });
      const f = (u: Tensor, v: Tensor) => conv2d(u, v, null, opts2(c)).tanh().sum();
      expectGradOk((a, b) => grad(f, 0)(a, b), [x, w]);
      expectGradOk((a, b) => grad(f, 1)(a, b), [x, w]);
    }), { numRuns: 12 });
  });
  it('convTranspose2d: the same through its own rules', () => {
    fc.assert(fc.property(small(3), small(3), small(2), small(2), seedArb, (h, w, k, s, seed) => {
      const f = (u: Tensor, v: Tensor) => convTranspose2d(u, v, null, { stride: s }).tanh().sum();
      const x = values([1, 2, h, w], seed, { lo: -1, hi: 1 });
      const wt = values([2, 2, k, k], seed + 1, { lo: -1, hi: 1 });
      expectGradOk((a, b) => grad(f, 0)(a, b), [x, wt]);
      expectGradOk((a, b) => grad(f, 1)(a, b), [x, wt]);
    }), { numRuns: 12 });
  });
  it('pooling, batchNorm and layerNorm', () => {
    fc.assert(fc.property(small(3), small(3), seedArb, (h, w, seed) => {
      const x = values([2, 2, h + 1, w + 1], seed);
      expectGradOk((a) => grad((u: Tensor) => maxPool2d(u, 2, { stride: 1 }).square().sum())(a), [x]);
      expectGradOk((a) => grad((u: Tensor) => avgPool2d(u, 2, { stride: 1 }).square().sum())(a), [x]);
      expectGradOk((a) => grad((u: Tensor) => batchNorm(u, null, null, null, null, { training: true }).tanh().sum())(a), [x]);
      expectGradOk((a) => grad((u: Tensor) => layerNorm(u, [h + 1, w + 1]).tanh().sum())(a), [x]);
    }), { numRuns: 10 });
  });
});

describe('pooling, normalisation, dropout, embedding: tape gradient = central difference', () => {
  const poolCase = fc.record({
    h: small(6), w: small(6), kh: small(3), kw: small(3), sh: small(3), sw: small(3), dh: small(2), dw: small(2),
    ph: fc.integer({ min: 0, max: 1 }), pw: fc.integer({ min: 0, max: 1 }), ceilMode: fc.boolean(), countIncludePad: fc.boolean(),
  }).map((c) => ({ ...c, ph: Math.min(c.ph, c.kh >> 1), pw: Math.min(c.pw, c.kw >> 1) }));
  const fits = (c: { h: number; w: number; kh: number; kw: number; sh: number; sw: number; ph: number; pw: number }, dh = 1, dw = 1) =>
    convOut(c.h, c.kh, c.sh, c.ph, dh) >= 1 && convOut(c.w, c.kw, c.sw, c.pw, dw) >= 1;
  it('maxPool2d (distinct values: no ties) with padding, dilation and ceil mode', () => {
    fc.assert(fc.property(poolCase, seedArb, (c, seed) => {
      fc.pre(fits(c, c.dh, c.dw));
      const o = { stride: [c.sh, c.sw] as [number, number], padding: [c.ph, c.pw] as [number, number], dilation: [c.dh, c.dw] as [number, number], ceilMode: c.ceilMode };
      const x = values([2, 2, c.h, c.w], seed);
      // A window that padding and dilation leave empty gives −∞ (tested apart).
      fc.pre(maxPool2d(x, [c.kh, c.kw], o).data.every(Number.isFinite));
      expectGradOk((a) => maxPool2d(a, [c.kh, c.kw], o), [x]);
    }), RUNS);
  });
  it('avgPool2d with padding, ceil mode and countIncludePad', () => {
    fc.assert(fc.property(poolCase, seedArb, (c, seed) => {
      fc.pre(fits(c));
      const o = { stride: [c.sh, c.sw] as [number, number], padding: [c.ph, c.pw] as [number, number], ceilMode: c.ceilMode, countIncludePad: c.countIncludePad };
      expectGradOk((a) => avgPool2d(a, [c.kh, c.kw], o), [values([2, 2, c.h, c.w], seed)]);
    }), RUNS);
  });
  it('1-d pools and adaptiveAvgPool2d', () => {
    fc.assert(fc.property(small(7), small(3), small(4), small(4), seedArb, (l, k, oh, ow, seed) => {
      fc.pre(l >= k);
      const x = values([2, 2, l], seed);
      expectGradOk((a) => maxPool1d(a, k, { stride: 1 }), [x]);
      expectGradOk((a) => avgPool1d(a, k, { stride: 1, ceilMode: true }), [x]);
      expectGradOk((a) => adaptiveAvgPool2d(a, [oh, ow]), [values([2, 1, l, 3], seed + 1)]);
    }), RUNS);
  });
  it('batchNorm in training and in evaluation (x, weight, bias), 2-d to 4-d', () => {
    fc.assert(fc.property(fc.array(small(3), { minLength: 0, maxLength: 2 }), small(3), seedArb, (rest, ch, seed) => {
      const shape = [3, ch, ...rest];
      const w = values([ch], seed + 1);
      const b = values([ch], seed + 2);
      expectGradOk((a, g, h) => batchNorm(a, null, null, g, h, { training: true }), [values(shape, seed), w, b]);
      const rm = values([ch], seed + 3);
      const rv = values([ch], seed + 4, { lo: 0.5, hi: 2 });
      expectGradOk((a, g, h) => batchNorm(a, rm, rv, g, h), [values(shape, seed), w, b]);
    }), RUNS);
  });
  it('layerNorm over the last one or two axes', () => {
    fc.assert(fc.property(small(3), small(3), small(3), seedArb, (a, b, c, seed) => {
      expectGradOk((x, w, bias) => layerNorm(x, [c], w, bias), [values([a, b, c], seed), values([c], seed + 1), values([c], seed + 2)]);
      expectGradOk((x) => layerNorm(x, [b, c]), [values([a, b, c], seed)]);
    }), RUNS);
  });
  it('dropout (the same mask for every evaluation: one seeded generator per call) and embedding', () => {
    fc.assert(fc.property(fc.array(small(4), { minLength: 1, maxLength: 3 }), fc.double({ min: 0, max: 0.9, noNaN: true }), seedArb, (shape, p, seed) => {
      expectGradOk((x) => dropout(x, p, { generator: new Generator(seed) }), [values(shape, seed)]);
      const idx = tensor(values(shape, seed + 1, { lo: 0, hi: 4 }).data.map(Math.floor), { dtype: 'int32', shape });
      expectGradOk((w) => embedding(idx, w), [values([4, 3], seed + 2)]);
    }), RUNS);
  });
});
