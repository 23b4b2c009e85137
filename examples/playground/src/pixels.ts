/**
 * A drawing on the digit pad as MNIST's network expects a digit: 28×28 values in [0, 1],
 * the digit scaled so that its longer side is 20 pixels and moved so that its centre of mass
 * is the image's centre — how MNIST's own digits were made.
 */

export const SIZE = 28;
/** MNIST's digits fit a 20×20 box inside the 28×28 image. */
const BOX = 20;
/** Samples per pixel along each axis when resampling (5×5 = 25 per target pixel). */
const SAMPLES = 5;
/** Below this a pad pixel counts as background. */
const INK = 0.02;

interface Ink {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  cx: number;
  cy: number;
}

/** The bounding box and centre of mass of the ink, or null for an empty pad. */
function inkOf(gray: ArrayLike<number>, width: number, height: number): Ink | null {
  let [x0, y0, x1, y1, mass, mx, my] = [width, height, -1, -1, 0, 0, 0];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const v = gray[y * width + x]!;
      if (v < INK) continue;
      [x0, y0, x1, y1] = [Math.min(x0, x), Math.min(y0, y), Math.max(x1, x), Math.max(y1, y)];
      mass += v;
      mx += v * (x + 0.5);
      my += v * (y + 0.5);
    }
  }
  return mass === 0 ? null : { x0, y0, x1, y1, cx: mx / mass, cy: my / mass };
}

/**
 * The pad's grey levels (row-major, `width`×`height`, 0 background … 1 ink) as a row of 784
 * MNIST pixels, or null when nothing is drawn.
 * @example
 *   const pixels = toMnistPixels(gray, 280, 280); // Float64Array(784) or null
 */
export function toMnistPixels(gray: ArrayLike<number>, width: number, height: number): Float64Array | null {
  const ink = inkOf(gray, width, height);
  if (ink === null) return null;
  const scale = BOX / Math.max(ink.x1 - ink.x0 + 1, ink.y1 - ink.y0 + 1);
  const out = new Float64Array(SIZE * SIZE);
  for (let ty = 0; ty < SIZE; ty++) {
    for (let tx = 0; tx < SIZE; tx++) {
      let sum = 0;
      for (let j = 0; j < SAMPLES; j++) {
        for (let i = 0; i < SAMPLES; i++) {
          // Where this sample of the target pixel falls on the pad: the centre of mass lands at (14, 14).
          const sx = Math.floor(ink.cx + (tx + (i + 0.5) / SAMPLES - SIZE / 2) / scale);
          const sy = Math.floor(ink.cy + (ty + (j + 0.5) / SAMPLES - SIZE / 2) / scale);
          if (sx >= 0 && sx < width && sy >= 0 && sy < height) sum += gray[sy * width + sx]!;
        }
      }
      out[ty * SIZE + tx] = Math.min(1, sum / (SAMPLES * SAMPLES));
    }
  }
  return out;
}
