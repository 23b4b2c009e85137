import { describe, expect, it } from 'vitest';
import { ArgumentError, Generator, IndexError, TapegradError, tensor, type Tensor } from '@tapegrad/core';
import { Linear, Module, ModuleDict, ModuleError, ModuleList, Parameter, ReLU } from '../src/index.js';

const gen = () => new Generator(0);

describe('a Module or Parameter kept where the walk does not look is an error naming the field', () => {
  class InObject extends Module<[Tensor], Tensor> {
    heads = { a: new Linear(2, 2, { generator: gen() }) };
    forward(x: Tensor) { return this.heads.a.forward(x); }
  }
  class InMap extends Module<[Tensor], Tensor> {
    heads = new Map([['digits', new Linear(2, 2, { generator: gen() })]]);
    forward(x: Tensor) { return x; }
  }
  class InNestedArrays extends Module<[Tensor], Tensor> {
    fc = new Linear(2, 2, { generator: gen() });
    grid = [[new Linear(2, 2, { generator: gen() })]];
    forward(x: Tensor) { return x; }
  }
  class ParamInObject extends Module<[Tensor], Tensor> {
    weights = { scale: new Parameter([1, 2]) };
    forward(x: Tensor) { return x; }
  }

  it('a plain object: parameters() throws instead of leaving the Linear out', () => {
    expect(() => new InObject().parameters()).toThrow(ModuleError);
    expect(() => new InObject().parameters()).toThrow(
      "InObject: field 'heads' holds a Linear at heads.a, inside a plain object, where parameters(), stateDict() and training do not look; " +
        'use ModuleList (an indexed list of modules) or ModuleDict (modules by name) instead, or assign it to a field of its own',
    );
  });

  it('a Map, and an array of arrays: stateDict() throws too', () => {
    expect(() => new InMap().stateDict()).toThrow(/^InMap: field 'heads' holds a Linear at heads\.get\("digits"\), inside a Map, .*ModuleDict/);
    expect(() => new InNestedArrays().stateDict()).toThrow(/^InNestedArrays: field 'grid' holds a Linear at grid\[0\]\[0\], inside nested arrays, .*ModuleList/);
  });

  it('a Parameter in a plain object, and a module deeper in the tree', () => {
    expect(() => new ParamInObject().parameters()).toThrow(/field 'weights' holds a Parameter at weights\.scale, inside a plain object, .*registerParameter/);
    class Outer extends Module<[Tensor], Tensor> {
      inner = new InMap();
      forward(x: Tensor) { return x; }
    }
    const e = (() => { try { new Outer().parameters(); } catch (err) { return err; } })();
    expect(e).toBeInstanceOf(TapegradError);
    expect((e as Error).message).toMatch(/^InMap: field 'heads'/);
  });

  it('what the walk follows, and containers without modules, are fine', () => {
    class Fine extends Module<[Tensor], Tensor> {
      layers = [new Linear(2, 2, { generator: gen() }), new ReLU()];
      scales = [new Parameter([1])];
      config = { sizes: [2, 2], name: 'fine', nested: [[1, 2]] };
      cache = new Map([['x', tensor([1])]]);
      byName = { first: this.layers[0] }; // another way to reach a module a field already holds
      forward(x: Tensor) { return x; }
    }
    expect(new Fine().namedParameters().map(([n]) => n)).toEqual(['scales.0', 'layers.0.weight', 'layers.0.bias']);
  });
});

describe('ModuleList', () => {
  class Stack extends Module<[Tensor], Tensor> {
    blocks = new ModuleList([new Linear(2, 3, { generator: gen() }), new ReLU()]);
    forward(x: Tensor) {
      for (const block of this.blocks) x = block.forward(x) as Tensor;
      return x;
    }
  }

  it('names parameters blocks.0.weight, …, and stateDict round-trips', () => {
    const m = new Stack();
    m.blocks.append(new Linear(3, 1, { generator: gen() }));
    expect(m.namedParameters().map(([n]) => n)).toEqual(['blocks.0.weight', 'blocks.0.bias', 'blocks.2.weight', 'blocks.2.bias']);
    const other = new Stack();
    other.blocks.append(new Linear(3, 1, { generator: new Generator(5) }));
    other.loadStateDict(m.stateDict());
    expect(other.forward(tensor([[1, 2]])).toArray()).toEqual(m.forward(tensor([[1, 2]])).toArray());
    expect(String(m).split('\n')).toEqual([
      'Stack() — 13 parameters',
      '  (blocks): ModuleList() — 13 parameters',
      '    (0): Linear(in=2, out=3) weight [2,3], bias [3] — 9 parameters',
      '    (1): ReLU()',
      '    (2): Linear(in=3, out=1) weight [3,1], bias [1] — 4 parameters',
    ]);
  });

  it('indexes, inserts, iterates; eval() reaches its modules', () => {
    const list = new ModuleList<Module<[Tensor], Tensor>>([new ReLU()]);
    const first = new Linear(2, 2, { generator: gen() });
    list.insert(0, first);
    expect(list.length).toBe(2);
    expect(list[0]).toBe(first);
    expect(list.at(-1)).toBeInstanceOf(ReLU);
    expect([...list].map((m) => m.constructor.name)).toEqual(['Linear', 'ReLU']);
    list.eval();
    expect(first.training).toBe(false);
    expect(() => list.at(2)).toThrow(IndexError);
    expect(() => list.append(3 as never)).toThrow(ArgumentError);
    expect(() => list.forward()).toThrow("ModuleList has no forward: call its modules from your module's forward");
  });
});

describe('ModuleDict', () => {
  it('names parameters by key, in insertion order; get, set, has, delete', () => {
    class Heads extends Module<[Tensor], Tensor> {
      heads = new ModuleDict<Module<[Tensor], Tensor>>({ digits: new Linear(2, 3, { generator: gen() }), parity: new Linear(2, 1, { generator: gen() }) });
      forward(x: Tensor) { return this.heads.get('digits')!.forward(x); }
    }
    const m = new Heads();
    expect(m.namedParameters().map(([n]) => n)).toEqual(['heads.digits.weight', 'heads.digits.bias', 'heads.parity.weight', 'heads.parity.bias']);
    expect(Object.keys(m.stateDict())).toHaveLength(4);
    expect([m.heads.size, m.heads.has('parity'), [...m.heads.keys()]]).toEqual([2, true, ['digits', 'parity']]);
    m.heads.delete('parity');
    m.heads.set('train', new ReLU()); // a name that is also a method stays a name
    expect(m.namedChildren().map(([n]) => n)).toEqual(['heads']);
    expect(m.heads.namedChildren().map(([n]) => n)).toEqual(['digits', 'train']);
    expect(() => m.heads.set('a.b', new ReLU())).toThrow(ArgumentError);
    expect(() => m.heads.forward()).toThrow(ModuleError);
  });
});
