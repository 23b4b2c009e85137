import { describe, expect, it } from 'vitest';
import { ValueError } from '@tapegrad/core';
import { loadIdxDigits, loadPackagedDigits, parseIdx } from '../../lib/mnist.js';
import { tempDir } from '../helpers.js';
import { idxBytes, writeIdxSet } from './idx.js';

describe('the mnist package\'s digits', () => {
  it('10,000 images of 784 pixels in [0, 1], labels 0–9 in the package\'s counts', () => {
    const { images, labels } = loadPackagedDigits();
    expect(images.shape).toEqual([10000, 784]);
    expect([images.min().item(), images.max().item()]).toEqual([0, 1]);
    const counts = Array.from({ length: 10 }, (_, k) => labels.eq(k).sum().item());
    expect(counts).toEqual([1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978]);
  });
});

describe('IDX files', () => {
  it('parses dims and data', () => {
    const { dims, data } = parseIdx(idxBytes([2, 3], Uint8Array.from([1, 2, 3, 4, 5, 6])), 'x');
    expect(dims).toEqual([2, 3]);
    expect(Array.from(data)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('rejects a file of another kind or size, naming it', () => {
    expect(() => parseIdx(Uint8Array.from([0x1f, 0x8b, 8, 0]), 'a.gz')).toThrow(ValueError);
    expect(() => parseIdx(idxBytes([2, 3], new Uint8Array(5)), 'short')).toThrow(
      'readIdx: short should hold 6 bytes of data for dims [2, 3], has 5',
    );
  });

  it('reads the four files of a folder, gzipped or not, pixels scaled to [0, 1]', () => {
    const dir = tempDir('idx-lib');
    writeIdxSet(dir, { train: 30, test: 10 });
    const { train, test } = loadIdxDigits(dir);
    expect(train.images.shape).toEqual([30, 784]);
    expect(Array.from(test.labels.data)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(train.images.max().item()).toBe(1);
    expect(train.images.sum().item()).toBe(30 * 28);
  });
});
