import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ShapeError, gradcheck, tensor } from '@tapegrad/core';
import { course } from '../src/index.js';

/** fixtures/course-conv.json: the course's own im2col / col2im run by numpy (see make_course_conv_fixtures.py). */
interface Values { shape: number[]; data: number[] }
interface Case { x: Values; filterH: number; filterW: number; stride: number; pad: number; im2col: Values; col: number[]; col2im: Values }
const fixture = JSON.parse(readFileSync(new URL('./fixtures/course-conv.json', import.meta.url), 'utf8')) as { cases: Case[] };

describe("course.im2col / course.col2im: the course's layout and numbers", () => {
  fixture.cases.forEach((c, i) => {
    it(`case ${i}: x ${JSON.stringify(c.x.shape)}, filter ${c.filterH}×${c.filterW}, stride ${c.stride}, pad ${c.pad}`, () => {
      const x = tensor(c.x.data, { shape: c.x.shape });
      const col = course.im2col(x, c.filterH, c.filterW, c.stride, c.pad);
      expect(col.shape).toEqual(c.im2col.shape);
      expect(Array.from(col.data)).toEqual(c.im2col.data); // copies: exact
      const img = course.col2im(tensor(c.col, { shape: c.im2col.shape }), c.x.shape, c.filterH, c.filterW, c.stride, c.pad);
      expect(img.shape).toEqual(c.col2im.shape);
      c.col2im.data.forEach((e, k) => expect(Math.abs(img.data[k]! - e)).toBeLessThanOrEqual(1e-12 * (1 + Math.abs(e))));
    });
  });
  it('the 2_6 demo: im2col of a (2, 1, 4, 4) image with a 3×3 filter is 8×9', () => {
    expect(fixture.cases[0]!.im2col.shape).toEqual([8, 9]);
  });
  it('both are on the tape and each is the other’s gradient', () => {
    const x = tensor(fixture.cases[1]!.x.data, { shape: fixture.cases[1]!.x.shape });
    expect(gradcheck((a) => course.im2col(a, 3, 2, 2, 1).square(), [x]).passed).toBe(true);
    const c = tensor(fixture.cases[1]!.col, { shape: fixture.cases[1]!.im2col.shape });
    expect(gradcheck((a) => course.col2im(a, x.shape, 3, 2, 2, 1).square(), [c]).passed).toBe(true);
  });
  it('bad shapes name the function', () => {
    expect(() => course.im2col(tensor([1, 2, 3]), 1, 1)).toThrow('course.im2col: input_data must be 4-d (N, C, H, W), got shape [3]');
    expect(() => course.col2im(tensor([[1, 2]]), [1, 1, 3, 3], 2, 2)).toThrow(ShapeError);
  });
});
