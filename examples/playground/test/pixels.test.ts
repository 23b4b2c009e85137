import { describe, expect, it } from 'vitest';
import { SIZE, toMnistPixels } from '../src/pixels.js';

const PAD = 280;

/** A pad with the rectangle [x0, x1) × [y0, y1) inked at full strength. */
function pad(x0: number, x1: number, y0: number, y1: number): Float32Array {
  const gray = new Float32Array(PAD * PAD);
  for (let y = y0; y < y1; y++) gray.fill(1, y * PAD + x0, y * PAD + x1);
  return gray;
}

function moments(pixels: Float64Array): { mass: number; cx: number; cy: number; rows: number[]; columns: number[] } {
  let [mass, cx, cy] = [0, 0, 0];
  const [rows, columns] = [new Set<number>(), new Set<number>()];
  pixels.forEach((v, i) => {
    const [x, y] = [i % SIZE, Math.floor(i / SIZE)];
    mass += v;
    cx += v * (x + 0.5);
    cy += v * (y + 0.5);
    if (v > 0) [rows.add(y), columns.add(x)];
  });
  return { mass, cx: cx / mass, cy: cy / mass, rows: [...rows].sort((a, b) => a - b), columns: [...columns].sort((a, b) => a - b) };
}

describe('the pad as MNIST pixels', () => {
  it('is null for an empty pad', () => {
    expect(toMnistPixels(new Float32Array(PAD * PAD), PAD, PAD)).toBeNull();
  });

  it('scales a stroke to 20 pixels on its longer side and centres its mass at (14, 14)', () => {
    const pixels = toMnistPixels(pad(130, 150, 40, 240), PAD, PAD)!; // a "1": 20 × 200
    expect(pixels).toHaveLength(784);
    const m = moments(pixels);
    expect(m.cx).toBeCloseTo(14, 1);
    expect(m.cy).toBeCloseTo(14, 1);
    expect(m.rows).toEqual(Array.from({ length: 20 }, (_, i) => i + 4)); // rows 4 … 23
    expect(m.columns).toEqual([13, 14]); // 20 px of pad are 2 px of digit
    expect(m.mass).toBeCloseTo(20 * 2, 6); // the ink's area, scaled by (20 / 200)²
    expect(Math.max(...pixels)).toBe(1);
  });

  it('gives the same digit wherever it is drawn', () => {
    expect(toMnistPixels(pad(10, 30, 0, 200), PAD, PAD)).toEqual(toMnistPixels(pad(200, 220, 70, 270), PAD, PAD));
  });

  it('enlarges a small drawing', () => {
    const m = moments(toMnistPixels(pad(100, 110, 100, 110), PAD, PAD)!); // 10 × 10 → 20 × 20
    expect(m.rows).toHaveLength(20);
    expect(m.columns).toHaveLength(20);
    expect(m.mass).toBeCloseTo(400, 6);
  });
});
