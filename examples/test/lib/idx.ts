/** Small MNIST-shaped IDX files for the tests of `--data DIR`. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

/** An IDX file of unsigned bytes: magic 00 00 08 <ndim>, the dims as big-endian uint32, the data. */
export function idxBytes(dims: number[], data: Uint8Array): Buffer {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header.writeUInt8(0x08, 2);
  header.writeUInt8(dims.length, 3);
  dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([header, data]);
}

/** n 28×28 images (digit k lights row 2k) and their labels k = i mod 10. */
function digits(n: number): { images: Uint8Array; labels: Uint8Array } {
  const images = new Uint8Array(n * 784);
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    labels[i] = i % 10;
    images.fill(255, i * 784 + 2 * labels[i]! * 28, i * 784 + (2 * labels[i]! + 1) * 28);
  }
  return { images, labels };
}

/** Writes the four MNIST files (gzipped) to dir; the test labels unzipped, as some mirrors ship them. */
export function writeIdxSet(dir: string, sizes: { train: number; test: number }): void {
  const train = digits(sizes.train);
  const test = digits(sizes.test);
  writeFileSync(join(dir, 'train-images-idx3-ubyte.gz'), gzipSync(idxBytes([sizes.train, 28, 28], train.images)));
  writeFileSync(join(dir, 'train-labels-idx1-ubyte.gz'), gzipSync(idxBytes([sizes.train], train.labels)));
  writeFileSync(join(dir, 't10k-images-idx3-ubyte.gz'), gzipSync(idxBytes([sizes.test, 28, 28], test.images)));
  writeFileSync(join(dir, 't10k-labels-idx1-ubyte'), idxBytes([sizes.test], test.labels));
}
