import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { main } from '../1_1_forward_propagation.js';
import { capture, expectAllClose } from './helpers.js';

interface FixedNetwork {
  u1: number[]; u2: number[]; y: number[]; loss: number; sumZ1: number;
  print: { d: string; y: string; loss: string };
}
/** numpy's run of the notebook's three fixed-weight networks: fixtures/make_1_1_fixed_networks.py. */
const fixed = (JSON.parse(readFileSync(new URL('./fixtures/1_1_fixed_networks.json', import.meta.url), 'utf8')) as {
  networks: Record<'multiClass' | 'regression' | 'binary', FixedNetwork>;
}).networks;

/*
 * numpy's numbers, from the course's code:
 *   relu = lambda x: np.maximum(0, x); sigmoid = lambda x: 1 / (1 + np.exp(-x))
 *   u = np.dot(np.array([2, 3]), np.array([[0.1], [0.2]])) + 0.5                      # single unit
 *   W = np.array([[0.1, 0.2, 0.3], [0.2, 0.3, 0.4], [0.3, 0.4, 0.5], [0.4, 0.5, 0.6]])
 *   u = np.dot(np.array([1., 5., 2., -1.]), W) + np.array([0.1, 0.2, 0.3]); sigmoid(u)  # single layer
 *   x = np.array([1., 2.]); W1 = np.array([[0.1, 0.3, 0.5], [0.2, 0.4, 0.6]])          # three layers
 *   W2 = np.array([[0.1, 0.4], [0.2, 0.5], [0.3, 0.6]]); W3 = np.array([[0.1, 0.3], [0.2, 0.4]])
 *   u1 = x @ W1 + [0.1, 0.2, 0.3]; u2 = relu(u1) @ W2 + [0.1, 0.2]; u3 = relu(u2) @ W3 + np.array([1, 2])
 *   print(u.tolist(), …)
 */
describe('1_1 forward propagation: the fixed-weight networks print numpy\'s numbers', () => {
  const r = main({ quiet: true, print: () => {} });

  it('single layer, single unit: u = z = [1.3]', () => {
    expect(r.singleUnit.u).toEqual([[1.3]]);
    expect(r.singleUnit.y).toEqual([1.3]);
  });

  it('single layer, several units (sigmoid)', () => {
    // NOTE: numpy's BLAS dot sums in another order than x0·W0 + x1·W1 + …: u0 differs in the last bit.
    expectAllClose(r.singleLayer.u[0]!, [1.4000000000000001, 2.2, 2.9999999999999996], 4e-16);
    expectAllClose(r.singleLayer.y, [0.8021838885585818, 0.9002495108803148, 0.9525741268224331], 4e-16);
  });

  it('three layers with the section-1 weights: u1, u2 and y = u3', () => {
    expect(r.threeLayer.u).toEqual([[0.6, 1.3, 2.0], [1.02, 2.29], [1.56, 3.222]]);
    expect(r.threeLayer.y).toEqual([1.56, 3.222]);
  });

  it.each(['multiClass', 'regression', 'binary'] as const)('the notebook\'s %s network with its fixed weights: u1, u2, y and the error', (name) => {
    const want = fixed[name];
    // NOTE: numpy's BLAS dot may sum in another order: the last bit can differ.
    expectAllClose(r[name].u[0]!, want.u1, 4e-16);
    expectAllClose(r[name].u[1]!, want.u2, 4e-16);
    expectAllClose(r[name].y, want.y, 4e-16);
    expectAllClose([r[name].loss!], [want.loss], 4e-16);
  });
});

/*
 * The random networks draw np.random.rand in the course's order (every W, then every b),
 * one generator for the whole notebook:
 *   np.random.seed(0)
 *   def net(sizes, x, acts):
 *       Ws = [np.random.rand(a, b) for a, b in zip(sizes, sizes[1:])]; bs = [np.random.rand(b) for b in sizes[1:]]
 *       z = x
 *       for W, b, f in zip(Ws, bs, acts): z = f(np.dot(z, W) + b)
 *       return z
 *   net([3, 10, 5, 4], np.array([1., 2., 3.]), [relu, relu, ident])
 *   y = net([3, 50, 6], np.array([1., 2., 3.]), [relu, softmax]); cross_entropy_error(np.array([0, 0, 0, 1, 0, 0]), y)
 *   y = net([3, 50, 2], np.array([1., 2., 3.]), [relu, ident]); mean_squared_error(np.array([2, 4]), y)
 *   y = net([5, 10, 20, 1], np.array([1., 2., 3., 4., 5.]), [relu, relu, sigmoid]); cross_entropy_error(np.array([1]), y)
 */
describe('1_1 forward propagation, the extra section: the random networks follow np.random.seed(0)', () => {
  const r = main({ seed: 0, quiet: true, print: () => {} });

  it('3-10-5-4', () => {
    expectAllClose(r.deep.y, [39.778133412319654, 45.633532126847044, 36.570883594821375, 31.048324487071966], 1e-14);
  });

  it('multi-class 3-50-6: softmax output and cross entropy', () => {
    expectAllClose(r.randomMultiClass.y, [
      0.017327865885375066, 4.13715745942898e-6, 0.2996070661195329, 9.123380247963393e-6, 8.8337950270561e-10, 0.6830518065740051,
    ], 1e-14);
    expectAllClose([r.randomMultiClass.loss!], [11.593768966330758], 1e-14);
  });

  it('regression 3-50-2: identity output and squared error', () => {
    expectAllClose(r.randomRegression.y, [86.09412140527348, 86.85866349871098], 1e-14);
    expectAllClose([r.randomRegression.loss!], [3484.344842929374], 1e-14);
  });

  it('binary 5-10-20-1: sigmoid saturates at 1, and the course\'s + 1e-7 makes the error −1e-7', () => {
    expect(r.randomBinary.y).toEqual([1]);
    expect(r.randomBinary.loss).toBe(-9.999999505838704e-8);
  });

  it('another seed draws other weights; the fixed networks do not change', () => {
    const other = main({ seed: 1, quiet: true, print: () => {} });
    expect(other.deep.y).not.toEqual(r.deep.y);
    expect(other.threeLayer).toEqual(r.threeLayer);
    expect(other.binary).toEqual(r.binary);
  });
});

describe('1_1 forward propagation: output', () => {
  it('prints like the course\'s print_vec: label, numpy\'s str, shape, blank line', () => {
    const out = capture();
    main({ print: out.print });
    const text = out.text();
    expect(text).toContain('*** 総入力 (total input u) ***\n[1.4 2.2 3. ]\nshape: (3,)\n');
    expect(text).toContain('*** 入力 (input x) ***\n[2 3]\nshape: (2,)\n');
    expect(text).toContain('*** バイアス (bias b) ***\n0.5\nshape: ()\n');
    expect(text).toContain('*** 出力 (output y) ***\n[1.56  3.222]\nshape: (2,)\n');
    expect(text).toContain('出力合計 (sum of outputs): 4.782');
  });

  it('prints the fixed networks\' d, y and error as numpy prints them: the regression\'s d = np.array([2., 4.]) is [2. 4.]', () => {
    const out = capture();
    main({ print: out.print });
    const sections = out.text().split('======== ');
    const section = (title: string) => sections.find((t) => t.startsWith(title))!;
    for (const [name, title] of [['multiClass', '多クラス分類'], ['regression', '回帰'], ['binary', '2値分類']] as const) {
      const text = section(`${title} (`);
      expect(text).not.toContain('random');
      expect(text).toContain(`*** 出力 (output y) ***\n${fixed[name].print.y}\n`);
      expect(text).toContain(`*** 訓練データ (training data d) ***\n${fixed[name].print.d}\n`);
      expect(text).toMatch(new RegExp(`誤差 \\([a-z -]+ error\\) \\*\\*\\*\\n${fixed[name].print.loss}\\n`));
    }
    expect(fixed.regression.print.d).toBe('[2. 4.]');
    // The extra section is labelled as such.
    expect(out.text()).toContain('======== 回帰 (regression: identity, squared error) 3-50-2 (extra: random weights, not in the notebook) ========');
  });

  it('--quiet prints one summary line per network', () => {
    const out = capture();
    main({ quiet: true, print: out.print });
    expect(out.lines[2]).toBe('threeLayer: y = [1.56  3.222]');
    expect(out.lines.map((l) => l.split(':')[0])).toEqual([
      'singleUnit', 'singleLayer', 'threeLayer', 'multiClass', 'regression', 'binary', 'deep', 'randomMultiClass', 'randomRegression', 'randomBinary',
    ]);
  });
});
