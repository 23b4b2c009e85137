import { describe, expect, it } from 'vitest';
import { tensor } from '@tapegrad/core';
import { Printer, formatPair, formatVec, numpyShape } from '../../lib/print.js';

describe('print_vec', () => {
  it('numpy\'s shapes: (), (3,), (2, 3)', () => {
    expect([numpyShape([]), numpyShape([3]), numpyShape([2, 3])]).toEqual(['()', '(3,)', '(2, 3)']);
  });

  it('label, numpy\'s str of the value, shape, then a blank line once printed', () => {
    expect(formatVec('総入力 (total input u)', tensor([1.4, 2.2, 3]))).toBe('*** 総入力 (total input u) ***\n[1.4 2.2 3. ]\nshape: (3,)\n');
    expect(formatVec('バイアス (bias b)', 0.5)).toBe('*** バイアス (bias b) ***\n0.5\nshape: ()\n');
  });

  it('two values side by side with their largest difference', () => {
    const text = formatPair('g', ['tape', tensor([[1, 2], [3, 4]])], ['hand', tensor([[1, 2], [3, 4.5]])]);
    expect(text.split('\n')).toEqual([
      '*** g ***',
      'tape         hand',
      '[[1. 2.]     [[1.  2. ]',
      ' [3. 4.]]     [3.  4.5]]',
      'shape: (2, 2)',
      'largest difference: 0.5',
      '',
    ]);
  });
});

describe('Printer', () => {
  it('--quiet keeps only the summary lines', () => {
    const lines: string[] = [];
    const p = new Printer(true, (l) => lines.push(l));
    p.vec('x', tensor([1]));
    p.banner('順伝播開始');
    p.result('test accuracy: 0.9170');
    expect(lines).toEqual(['test accuracy: 0.9170']);
  });

  it('otherwise prints everything, banners as the course\'s ##### lines', () => {
    const lines: string[] = [];
    const p = new Printer(false, (l) => lines.push(l));
    p.banner('順伝播開始 (forward propagation)');
    p.vec('x', tensor([1, 2], { dtype: 'int32' }));
    expect(lines).toEqual(['##### 順伝播開始 (forward propagation) #####', '*** x ***\n[1 2]\nshape: (2,)\n']);
  });
});
