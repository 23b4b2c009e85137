/**
 * The course's Day-2 layers against its own numpy classes (common/layers.py of the course,
 * run as in each comment; values printed with `.tolist()`), and the L1/L2 penalties' gradients.
 */
import { describe, expect, it } from 'vitest';
import { ArgumentError, Generator, ShapeError, tensor } from '@tapegrad/core';
import { course } from '../src/index.js';
import { expectClose, expectGradOk, values } from './support.js';

// x = np.array([[1., 2, -1], [3, 6, 0.5], [0.2, -4, 2], [1.5, 1, 1]]); w = np.array([[1., 2, 3], [4, 5, 6], [7, 8, 9], [1, -1, 2]])
const x = [[1, 2, -1], [3, 6, 0.5], [0.2, -4, 2], [1.5, 1, 1]];
const w = [[1, 2, 3], [4, 5, 6], [7, 8, 9], [1, -1, 2]];

describe('course.BatchNormalization: the course\'s BatchNormalization(np.ones(3), np.zeros(3))', () => {
  it('training forward, backward and running statistics; then evaluation with them', () => {
    const bn = new course.BatchNormalization(3);
    const input = tensor(x).requiresGrad_();
    const out = bn.forward(input);
    // bn.forward(x, True).tolist()
    expectClose(out, [[-0.41637142137440036, 0.21055871360519876, -1.5011100594195383], [1.5430235027404247, 1.3335385194995921, -0.11547000457073373],
      [-1.2001293910203303, -1.4739109952363914, 1.270170050278071], [0.07347730965430589, -0.07018623786839959, 0.3464100137122012]], 1e-14);
    out.mul(w).sum().backward();
    // bn.backward(w.copy()).tolist(): the course's closed form
    expectClose(input.grad!, [[-2.466580581065923, -0.3526599198083138, 0.5542539724256699], [1.7066825883380563, 0.8546816407569277, 1.1085118862241314],
      [2.9179358779858555, 0.7841497298166064, 1.662769800022593], [-2.158037885257987, -1.2861714507652207, -3.3255356586723974]], 1e-13);
    // running_mean, running_var after one forward: 0.9·0 + 0.1·batch
    expectClose(bn.runningMean!, [0.14249999999999996, 0.12499999999999997, 0.062499999999999986], 0);
    expectClose(bn.runningVar!, [0.10418749999999999, 1.2687499999999998, 0.11718749999999997], 0);
    bn.forward(tensor(x).mul(2)); // bn.forward(x * 2, True)
    expectClose(bn.runningMean!, [0.4132499999999999, 0.36249999999999993, 0.18124999999999997], 0);
    expectClose(bn.runningVar!, [0.5105187499999999, 6.216874999999999, 0.5742187499999999], 0);
    bn.eval();
    // bn.forward(x, False).tolist()
    expectClose(bn.forward(x), [[0.8211959981942679, 0.6567426274021576, -1.5588443694514968], [3.6203302059293097, 2.2609994271631533, 0.4206405441377056],
      [-0.29845768489974867, -1.7496425722393356, 2.4001254577269084], [1.5209795501280283, 0.25567842746190866, 1.0804688486674399]], 1e-14);
  });

  it('normalises a 4-d input per element (C·H·W features) and keeps its shape', () => {
    const bn = new course.BatchNormalization(2 * 2 * 1);
    const t = values([3, 2, 2, 1], 5);
    const out = bn.forward(t);
    expect(out.shape).toEqual([3, 2, 2, 1]);
    const flat = bn.forward(t.reshape([3, 4]));
    expectClose(out.reshape([3, 4]), flat, 0);
  });

  it('gradients of input, gamma and beta equal the central difference', () => {
    const bn = new course.BatchNormalization(3);
    bn.gamma.data.set([0.5, 2, -1]);
    bn.beta.data.set([0.1, 0, 0.3]);
    expectGradOk((input, gamma, beta) => {
      bn.gamma = gamma as typeof bn.gamma;
      bn.beta = beta as typeof bn.beta;
      return bn.forward(input!);
    }, [values([4, 3], 1), tensor([0.5, 2, -1]), tensor([0.1, 0, 0.3])]);
  });

  it('rejects inputs with the wrong number of elements per sample, and bad options', () => {
    expect(() => new course.BatchNormalization(3).forward([[1, 2]])).toThrow(ShapeError);
    expect(() => new course.BatchNormalization(3).forward([[1, 2]])).toThrow('course.BatchNormalization(3): input of shape [1,2] must be (N, …) with 3 elements per sample');
    expect(() => new course.BatchNormalization(0)).toThrow(ArgumentError);
    expect(() => new course.BatchNormalization(2, { eps: 0 })).toThrow('course.BatchNormalization: eps must be > 0, got 0');
  });
});

describe('course.Dropout: the course\'s non-inverted dropout', () => {
  it('keeps rand > ratio without rescaling (np.random.seed(0); Dropout(0.6).forward(x, True)); evaluation scales by 1 − ratio', () => {
    const drop = new course.Dropout(0.6, { generator: new Generator(0) });
    const input = tensor([[1, 2, 3], [4, 5, 6]]).requiresGrad_();
    const out = drop.forward(input);
    // rand(2, 3) after seed(0): 0.5488, 0.7152, 0.6028, 0.5449, 0.4237, 0.6459
    expectClose(out, [[0, 2, 3], [0, 0, 6]], 0);
    out.sum().backward();
    expectClose(input.grad!, [[0, 1, 1], [0, 0, 1]], 0); // backward: dout · mask
    expectClose(drop.eval().forward([2, 4]), [0.8, 1.6], 1e-16); // x * (1.0 - 0.6)
  });

  it('rejects a ratio outside [0, 1)', () => {
    expect(() => new course.Dropout(1)).toThrow(ArgumentError);
    expect(() => new course.Dropout(-0.1)).toThrow('course.Dropout: the ratio must be a number in [0, 1), got -0.1');
  });
});

describe('course.l1Penalty / l2Penalty: the course\'s weight decay terms', () => {
  it('values: ½λΣW² and λΣ|W| summed over the weights', () => {
    expectClose(course.l2Penalty([[[1, 2]], [3]], 0.1), 0.7, 1e-15); // 0.5·0.1·(1 + 4) + 0.5·0.1·9
    expectClose(course.l1Penalty([[[1, -2]], [0, 3]], 0.5), 3, 0);
  });

  it('gradients: λW and λ·sign(W) (0 at 0), exactly the course\'s added terms', () => {
    const W = tensor([[0.3, -1.7], [0, 2.5]]).requiresGrad_();
    course.l2Penalty([W], 0.1).backward();
    expectClose(W.grad!, [[0.1 * 0.3, 0.1 * -1.7], [0, 0.1 * 2.5]], 0);
    W.grad = null;
    course.l1Penalty([W], 0.005).backward();
    expectClose(W.grad!, [[0.005, -0.005], [0, 0.005]], 0);
  });

  it('rejects a negative lambda and an empty list', () => {
    expect(() => course.l2Penalty([[1]], -1)).toThrow('course.l2Penalty: lambda must be a finite number ≥ 0, got -1');
    expect(() => course.l1Penalty([], 0.1)).toThrow('course.l1Penalty: no weights given');
  });
});

describe('course.BatchNormalization state', () => {
  it('the running statistics are buffers: absent from stateDict before the first forward, saved and loaded after it', () => {
    const bn = new course.BatchNormalization(3);
    expect(Object.keys(bn.stateDict())).toEqual(['gamma', 'beta']);
    bn.forward(x);
    const saved = JSON.parse(JSON.stringify(bn.stateDict()));
    expect(Object.keys(saved)).toEqual(['gamma', 'beta', 'runningMean', 'runningVar']);
    const other = new course.BatchNormalization(3);
    other.forward(tensor(x).mul(3));
    other.loadStateDict(saved);
    expectClose(other.runningMean!, bn.runningMean!, 0);
    expectClose(other.eval().forward(x), bn.eval().forward(x), 0);
  });
});
