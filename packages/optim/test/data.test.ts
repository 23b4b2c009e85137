import { describe, expect, it } from 'vitest';
import { ArgumentError, arange, Generator, manualSeed, ShapeError, tensor, ValueError, type Tensor } from '@tapegrad/core';
import { DataLoader, sampleBatch, trainTestSplit } from '../src/index.js';

/** x row i = [10i, 10i + 1]; d[i] = i (int32): a batch's d names the rows it holds. */
function data(n: number): { x: Tensor; d: Tensor } {
  return { x: arange(n).reshape(n, 1).mul(10).add(tensor([0, 1])), d: arange(n, { dtype: 'int32' }) };
}
const rows = (t: Tensor) => t.toArray();

describe('DataLoader', () => {
  it('yields the rows in order in batches, the last one short', () => {
    const { x, d } = data(5);
    const loader = new DataLoader(x, d, { batchSize: 2 });
    const batches = [...loader];
    expect(loader.length).toBe(3);
    expect(batches.map(([, db]) => rows(db))).toEqual([[0, 1], [2, 3], [4]]);
    expect(batches.map(([xb]) => xb.shape)).toEqual([[2, 2], [2, 2], [1, 2]]);
    expect(rows(batches[2]![0])).toEqual([[40, 41]]);
    expect(batches[0]![1].dtype).toBe('int32');
  });

  it('drops the short last batch with dropLast', () => {
    const { x, d } = data(5);
    const loader = new DataLoader(x, d, { batchSize: 2, dropLast: true });
    expect([loader.length, [...loader].map(([, db]) => rows(db))]).toEqual([2, [[0, 1], [2, 3]]]);
  });

  it('shuffles each epoch with the generator, as np.random.permutation', () => {
    // rs = np.random.RandomState(0); rs.permutation(5), rs.permutation(5)
    const { x, d } = data(5);
    const loader = new DataLoader(x, d, { batchSize: 5, shuffle: true, generator: new Generator(0) });
    const epochs = [0, 1].map(() => [...loader].map(([xb, db]) => [rows(db), rows(xb.slice(1, 0, 1))]));
    expect(epochs).toEqual([
      [[[2, 0, 1, 3, 4], [[20], [0], [10], [30], [40]]]],
      [[[0, 2, 1, 4, 3], [[0], [20], [10], [40], [30]]]],
    ]);
  });

  it('uses the global generator without one (manualSeed)', () => {
    const { x, d } = data(5);
    manualSeed(0);
    const [, db] = [...new DataLoader(x, d, { batchSize: 5, shuffle: true })][0]!;
    expect(rows(db)).toEqual([2, 0, 1, 3, 4]);
  });

  it('accepts nested arrays; rejects mismatched samples and bad options', () => {
    expect([...new DataLoader([[1], [2]], [3, 4])].map(([xb]) => rows(xb))).toEqual([[[1]], [[2]]]);
    const { x } = data(4);
    expect(() => new DataLoader(x, arange(3))).toThrow(new ShapeError('DataLoader: x has 4 samples (shape [4,2]) but d has 3 (shape [3])'));
    expect(() => new DataLoader(x, arange(4), { batchSize: 1.5 })).toThrow(new ValueError('DataLoader: batchSize must be a whole number ≥ 1, got 1.5'));
    expect(() => new DataLoader(x, arange(4), { shuffle: 1 as never })).toThrow(new ArgumentError('DataLoader: shuffle must be true or false, got 1'));
    expect(() => new DataLoader(x, arange(4), { generator: 42 as never })).toThrow(/DataLoader: generator must be a Generator from @tapegrad\/core/);
    expect(() => new DataLoader(tensor(1), tensor(2))).toThrow(/DataLoader: x must have a sample axis/);
  });
});

describe('sampleBatch', () => {
  it('draws rows with replacement, as np.random.choice(n, batch_size)', () => {
    // np.random.seed(0); np.random.choice(10, 4) -> [5, 0, 3, 3]
    const { x, d } = data(10);
    const [xb, db] = sampleBatch(x, d, 4, new Generator(0));
    expect(rows(db)).toEqual([5, 0, 3, 3]);
    expect(rows(xb)).toEqual([[50, 51], [0, 1], [30, 31], [30, 31]]);
  });

  it('rejects an empty data set and a bad batch size', () => {
    expect(() => sampleBatch(tensor([[1]]).slice(0, 0, 0), tensor([1]).slice(0, 0, 0), 2)).toThrow(new ValueError('sampleBatch: x has no samples to draw from'));
    expect(() => sampleBatch([1, 2], [1, 2], 0)).toThrow(/sampleBatch: batchSize must be a whole number ≥ 1, got 0/);
  });
});

describe('trainTestSplit', () => {
  it('with a seed, splits as scikit-learn’s train_test_split(…, random_state=seed)', () => {
    // p = np.random.RandomState(0).permutation(10); test = p[:3] = [2, 8, 4]; train = p[3:]
    const { x, d } = data(10);
    const s = trainTestSplit(x, d, { testSize: 0.3, seed: 0 });
    expect(rows(s.dTest)).toEqual([2, 8, 4]);
    expect(rows(s.dTrain)).toEqual([9, 1, 6, 7, 3, 0, 5]);
    expect(rows(s.xTest)).toEqual([[20, 21], [80, 81], [40, 41]]);
  });

  it('takes a count, a generator, or the last samples without shuffling; the default test size is 25 %', () => {
    const { x, d } = data(10);
    expect(rows(trainTestSplit(x, d, { testSize: 3, generator: new Generator(0) }).dTest)).toEqual([2, 8, 4]);
    const plain = trainTestSplit(x, d, { testSize: 2, shuffle: false });
    expect([rows(plain.dTrain), rows(plain.dTest)]).toEqual([[0, 1, 2, 3, 4, 5, 6, 7], [8, 9]]);
    expect(trainTestSplit(x, d, { seed: 1 }).dTest.shape).toEqual([3]); // ceil(0.25 · 10)
  });

  it('rejects a test size that leaves no training data, and seed with generator', () => {
    const { x, d } = data(4);
    expect(() => trainTestSplit(x, d, { testSize: 4 })).toThrow(
      new ValueError('trainTestSplit: testSize 4 leaves no training samples out of 4; give a fraction in (0, 1) or a count < 4'),
    );
    expect(() => trainTestSplit(x, d, { testSize: 1.5 })).toThrow(/testSize must be a whole number ≥ 1, got 1.5/);
    expect(() => trainTestSplit(x, d, { seed: 1, generator: new Generator(1) })).toThrow(new ArgumentError('trainTestSplit: give seed or generator, not both'));
  });
});
