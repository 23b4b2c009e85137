import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ArgumentError, Generator, ShapeError, ValueError, ones, tensor, zeros, type Tensor } from '@tapegrad/core';
import {
  AdaptiveAvgPool2d, AvgPool2d, BatchNorm1d, BatchNorm2d, Conv1d, Conv2d, ConvTranspose2d, Dropout, Embedding, Flatten,
  LayerNorm, MaxPool1d, MaxPool2d, Module, ReLU, Sequential, Tanh, type Layer,
} from '../src/index.js';

/** fixtures/layers.json, written by fixtures/make_layer_fixtures.py with PyTorch 1.13 (float64). */
interface Values { shape: number[]; data: number[] }
interface Pipeline {
  name: string;
  layers: [string, unknown[], Record<string, unknown>][];
  state: Record<string, Values>;
  steps: { x: Values; y: Values; cot: number[]; grads: Record<string, number[]>; buffers: Record<string, number[]> }[];
  eval: { x: Values; y: Values };
}
const fixture = JSON.parse(readFileSync(new URL('./fixtures/layers.json', import.meta.url), 'utf8')) as { torch: string; pipelines: Pipeline[] };

const camel = (s: string) => s.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
/** PyTorch's state-dict key (`1.running_mean`) as ours (`layers.1.runningMean`). */
const ours = (key: string) => `layers.${key.split('.').map(camel).join('.')}`;

function build([kind, args, kw]: [string, unknown[], Record<string, unknown>]): Layer {
  const o = Object.fromEntries(Object.entries(kw).map(([k, v]) => [camel(k), v])) as never;
  const a = args as unknown as [never, never, never];
  switch (kind) {
    case 'Conv2d': return new Conv2d(a[0], a[1], a[2], o);
    case 'Conv1d': return new Conv1d(a[0], a[1], a[2], o);
    case 'ConvTranspose2d': return new ConvTranspose2d(a[0], a[1], a[2], o);
    case 'BatchNorm2d': return new BatchNorm2d(a[0], o);
    case 'BatchNorm1d': return new BatchNorm1d(a[0], o);
    case 'LayerNorm': return new LayerNorm(a[0]);
    case 'MaxPool2d': return new MaxPool2d(a[0], o);
    case 'MaxPool1d': return new MaxPool1d(a[0], o);
    case 'AvgPool2d': return new AvgPool2d(a[0], o);
    case 'AdaptiveAvgPool2d': return new AdaptiveAvgPool2d(a[0]);
    case 'Flatten': return new Flatten();
    case 'ReLU': return new ReLU();
    case 'Tanh': return new Tanh();
    case 'Embedding': return new Embedding(a[0], a[1]) as unknown as Layer;
    default: throw new Error(`no builder for ${kind}`);
  }
}

function expectClose(actual: ArrayLike<number>, expected: readonly number[], what: string): void {
  expect(actual.length, what).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i]!;
    if (!(Math.abs(actual[i]! - e) <= 1e-12 + 1e-12 * Math.abs(e))) expect.fail(`${what}[${i}]: ${actual[i]} vs PyTorch ${e}`);
  }
}

describe('layers against PyTorch 1.13 modules: training steps (buffers updated), then eval mode', () => {
  it('the fixture is PyTorch 1.13', () => expect(fixture.torch.startsWith('1.13')).toBe(true));
  for (const p of fixture.pipelines) {
    it(p.name, () => {
      const net = new Sequential(...p.layers.map(build));
      // The fixture's entries have no dtype; a state entry must say it (the model's own, as PyTorch's would).
      const own = net.stateDict();
      const state = Object.fromEntries(Object.entries(p.state).map(([k, v]) => [ours(k), { ...v, dtype: own[ours(k)]?.dtype }]));
      // The state dict holds the same entries as PyTorch's, buffers included, in the same order.
      expect(Object.keys(own)).toEqual(Object.keys(state));
      net.loadStateDict(state as never);
      const asInput = (v: Values) => tensor(v.data, { shape: v.shape, dtype: p.name.startsWith('embedding') ? 'int32' : 'float64' });
      p.steps.forEach((step, s) => {
        net.zeroGrad();
        const y = net.forward(asInput(step.x));
        expect(y.shape).toEqual(step.y.shape);
        expectClose(y.data, step.y.data, `step ${s} output`);
        y.mul(tensor(step.cot, { shape: step.y.shape })).sum().backward();
        const params = new Map(net.namedParameters());
        for (const [k, g] of Object.entries(step.grads)) expectClose(params.get(ours(k))!.grad!.data, g, `step ${s} gradient of ${k}`);
        const buffers = new Map(net.namedBuffers());
        expect(buffers.size).toBe(Object.keys(step.buffers).length);
        for (const [k, b] of Object.entries(step.buffers)) expectClose(buffers.get(ours(k))!.data, b, `step ${s} buffer ${k}`);
      });
      net.eval();
      const y = net.forward(asInput(p.eval.x));
      expectClose(y.data, p.eval.y.data, 'eval output');
    });
  }
});

describe('buffers, train() and eval()', () => {
  it('running statistics are buffers: in stateDict, not in parameters, round-tripped by loadStateDict', () => {
    const bn = new BatchNorm1d(3);
    expect(bn.namedParameters().map(([n]) => n)).toEqual(['weight', 'bias']);
    expect(bn.namedBuffers().map(([n]) => n)).toEqual(['runningMean', 'runningVar', 'numBatchesTracked']);
    expect(Object.keys(bn.stateDict())).toEqual(['weight', 'bias', 'runningMean', 'runningVar', 'numBatchesTracked']);
    bn.forward(tensor([[1, 2, 3], [3, 2, 5]]));
    const saved = JSON.parse(JSON.stringify(bn.stateDict()));
    const other = new BatchNorm1d(3);
    other.loadStateDict(saved);
    expect(Array.from(other.runningMean!.data)).toEqual(Array.from(bn.runningMean!.data));
    expect(Array.from(other.runningVar!.data)).toEqual([1 * 0.9 + 0.1 * 2, 0.9, 0.9 + 0.1 * 2]);
    expect(other.numBatchesTracked!.item()).toBe(1);
    expect(() => other.loadStateDict({ weight: [1, 1, 1], bias: [0, 0, 0] })).toThrow(/missing 'runningMean', 'runningVar', 'numBatchesTracked'/);
  });
  it('eval() freezes batch norm statistics and turns dropout off; train() turns them back on', () => {
    const net = new Sequential(new BatchNorm1d(2), new Dropout(0.5, { generator: new Generator(0) }));
    const x = tensor([[1, 2], [3, 6], [5, 1]]);
    net.eval();
    const before = Array.from((net.layers[0] as BatchNorm1d).runningMean!.data);
    const y = net.forward(x);
    expect(Array.from((net.layers[0] as BatchNorm1d).runningMean!.data)).toEqual(before);
    expectClose(y.data, Array.from(x.data).map((v) => v / Math.sqrt(1 + 1e-5)), 'eval: (x − 0)/√(1 + eps)');
    net.train();
    const z = net.forward(x);
    expect(Array.from(z.data).some((v) => v === 0)).toBe(true);
    expectClose((net.layers[0] as BatchNorm1d).runningMean!.data, [0.3, 0.3], 'running mean after one step');
  });
  it('registerBuffer checks its arguments; a null buffer is declared but not saved', () => {
    class M extends Module<[Tensor], Tensor> {
      declare extra: Tensor | null;
      constructor() { super(); this.registerBuffer('extra', null); }
      forward(x: Tensor) { return x; }
    }
    expect(Object.keys(new M().stateDict())).toEqual([]);
    expect(() => new M().registerBuffer('a.b', zeros([1]))).toThrow(ArgumentError);
    expect(() => new M().registerBuffer('a', [1] as never)).toThrow(ArgumentError);
  });
});

describe('initialisation: PyTorch by default, the course one option away', () => {
  it("PyTorch's kaiming_uniform(a=√5): weight and bias uniform on ±1/√fan-in", () => {
    const conv = new Conv2d(3, 8, 5, { generator: new Generator(0) });
    const bound = 1 / Math.sqrt(3 * 25);
    for (const t of [conv.weight, conv.bias!]) expect(Array.from(t.data).every((v) => Math.abs(v) <= bound)).toBe(true);
    expect(Math.max(...Array.from(conv.weight.data).map(Math.abs))).toBeGreaterThan(0.9 * bound);
    // the draw: weight then bias, each low + (high − low)·rand
    const g = new Generator(0);
    const w = g.rand([8, 3, 5, 5]).mul(2 * bound).add(-bound);
    expect(Array.from(conv.weight.data)).toEqual(Array.from(w.data));
    const ct = new ConvTranspose2d(4, 6, 3, { groups: 2, generator: new Generator(1) });
    expect(ct.weight.shape).toEqual([4, 3, 3, 3]);
    expect(Array.from(ct.weight.data).every((v) => Math.abs(v) <= 1 / Math.sqrt(3 * 9))).toBe(true);
  });
  it("the course's schemes: weight_init_std·randn, Xavier, He on the fan-in in·kh·kw; zero biases", () => {
    const conv = new Conv2d(1, 30, 5, { init: 'randn', generator: new Generator(0) });
    expect(Array.from(conv.weight.data)).toEqual(Array.from(new Generator(0).randn([30, 1, 5, 5]).mul(0.01).data));
    expect(Array.from(conv.bias!.data).every((v) => v === 0)).toBe(true);
    const he = new Conv2d(16, 32, 3, { init: 'he', generator: new Generator(3) });
    expect(Array.from(he.weight.data)).toEqual(Array.from(new Generator(3).randn([32, 16, 3, 3]).mul(Math.sqrt(2 / 144)).data));
    const xavier = new Conv1d(2, 4, 3, { init: 'xavier', generator: new Generator(3) });
    expect(Array.from(xavier.weight.data)).toEqual(Array.from(new Generator(3).randn([4, 2, 3]).div(Math.sqrt(6)).data));
    expect(new Conv2d(1, 2, 3, { init: 'randn', weightInit: 0.5, bias: false }).bias).toBe(null);
  });
});

describe('layer shapes, defaults and errors', () => {
  it("the course's SimpleConvNet shapes", () => {
    const net = new Sequential(new Conv2d(1, 30, 5), new ReLU(), new MaxPool2d(2), new Flatten());
    expect(net.forward(zeros([2, 1, 28, 28])).shape).toEqual([2, 4320]);
    expect(String(net)).toContain('Conv2d(1, 30, kernelSize=[5, 5], stride=1) weight [30,1,5,5], bias [30] — 780 parameters');
  });
  it('Flatten, Embedding, LayerNorm', () => {
    expect(new Flatten(0).forward(ones([2, 3, 4])).shape).toEqual([24]);
    expect(new Flatten(1, 2).forward(ones([2, 3, 4, 5])).shape).toEqual([2, 12, 5]);
    expect(() => new Flatten(3).forward(ones([2, 3]))).toThrow(ArgumentError);
    const emb = new Embedding(10, 3, { generator: new Generator(0) });
    expect(Array.from(emb.weight.data)).toEqual(Array.from(new Generator(0).randn([10, 3]).data));
    expect(emb.forward(tensor([[1, 2], [4, 9]])).shape).toEqual([2, 2, 3]);
    expect(new LayerNorm([3]).forward([[1, 2, 3]]).shape).toEqual([1, 3]);
  });
  it('bad arguments and inputs name the layer', () => {
    expect(() => new Conv2d(3, 4, 3, { groups: 2 })).toThrow('Conv2d: inChannels (3) and outChannels (4) must both divide by groups (2)');
    expect(() => new Conv2d(0, 4, 3)).toThrow(ArgumentError);
    expect(() => new Conv2d(1, 4, 3, { init: 'bogus' as never })).toThrow(ArgumentError);
    expect(() => new BatchNorm2d(3).forward(ones([2, 3, 4]))).toThrow('BatchNorm2d: expected a 4-d (N, C, H, W) input, got shape [2,3,4]');
    expect(() => new BatchNorm1d(3).forward(ones([2, 4]))).toThrow(ShapeError);
    expect(() => new Dropout(2)).toThrow(ValueError);
    expect(() => new Conv2d(1, 2, 3).forward(ones([1, 2, 5, 5]))).toThrow(ShapeError);
  });
});

describe('buffers in checkpoint files', () => {
  it('an int32 buffer is saved as int32 and a BatchNorm round-trips through save/load', async () => {
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { save, load } = await import('@tapegrad/core/node');
    const bn = new BatchNorm2d(2);
    bn.forward(tensor([[[[1]], [[2]]], [[[3]], [[7]]]]));
    expect(bn.stateDict().numBatchesTracked).toEqual({ shape: [], dtype: 'int32', data: [1] });
    const dir = mkdtempSync(join(tmpdir(), 'tapegrad-bn-'));
    try {
      save(join(dir, 'bn.ckpt'), { model: bn.stateDict() });
      const copy = new BatchNorm2d(2);
      copy.loadStateDict(load(join(dir, 'bn.ckpt')).model!);
      expect(Array.from(copy.runningVar!.data)).toEqual(Array.from(bn.runningVar!.data));
      expect(copy.numBatchesTracked!.item()).toBe(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
