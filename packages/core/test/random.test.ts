import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  Generator, manualSeed, globalGenerator, getGlobalGenerator,
  rand, randn, randint, permutation, choice, uniform, normal,
  type RandomState,
} from '../src/numpy/random.js';
import { Tensor } from '../src/tape/tensor.js';
import { ValueError, ArgumentError, DTypeError } from '../src/tape/errors.js';

// Every reference number below was printed by numpy 2.4.6 (legacy RandomState, x86-64
// Linux) with the python3 one-liner in the comment above it.

const list = (t: Tensor): number[] => Array.from(t.data);

/** Sum of the IEEE bit patterns: equal only if (practically) every double is bit-identical. */
function bitSum(t: Tensor): bigint {
  const view = new DataView(new Float64Array(t.data).buffer);
  let s = 0n;
  for (let i = 0; i < t.data.length; i++) s += view.getBigUint64(i * 8, true);
  return s;
}

describe('rand / randn', () => {
  it('manualSeed(0); randn([2, 3]) is np.random.seed(0); np.random.randn(2, 3)', () => {
    // python3 -c "import numpy as np; np.random.seed(0); print(np.random.randn(2, 3).tolist())"
    manualSeed(0);
    const W = randn([2, 3]);
    expect(W).toBeInstanceOf(Tensor);
    expect(W.shape).toEqual([2, 3]);
    expect(W.dtype).toBe('float64');
    expect(list(W)).toEqual([
      1.764052345967664, 0.4001572083672233, 0.9787379841057392, 2.240893199201458, 1.8675579901499675, -0.977277879876411,
    ]);
  });

  it('rand([2, 3]) with seed 0', () => {
    // python3 -c "import numpy as np; np.random.seed(0); print(np.random.rand(2, 3).tolist())"
    manualSeed(0);
    expect(list(rand([2, 3]))).toEqual([
      0.5488135039273248, 0.7151893663724195, 0.6027633760716439, 0.5448831829968969, 0.4236547993389047, 0.6458941130666561,
    ]);
  });

  it('interleaved odd and even randn / rand calls keep numpy’s gauss cache (seed 42)', () => {
    // python3 -c "import numpy as np; np.random.seed(42); print(np.random.randn(3).tolist(), np.random.rand(2).tolist(), np.random.randn(2, 2).tolist(), np.random.randn(1).tolist())"
    const g = new Generator(42);
    expect(list(g.randn(3))).toEqual([0.4967141530112327, -0.13826430117118466, 0.6476885381006925]);
    expect(list(g.rand(2))).toEqual([0.15601864044243652, 0.15599452033620265]);
    expect(list(g.randn([2, 2]))).toEqual([1.5230298564080254, 1.5792128155073915, 0.7674347291529088, -0.4694743859349521]);
    expect(list(g.randn([1]))).toEqual([0.5425600435859647]);
  });

  it('seed 2**32 - 1, an odd count', () => {
    // python3 -c "import numpy as np; np.random.seed(2**32-1); print(np.random.randn(7).tolist())"
    expect(list(new Generator(2 ** 32 - 1).randn(7))).toEqual([
      0.6484086742306527, 0.6693235306338161, -1.0805437227474493, 0.2845010447986309, 0.11388773652167104,
      0.8676218937929382, -0.044026015448043285,
    ]);
  });

  it('long streams: rand(100000) and randn(600) checksums, randn after 999 draws', () => {
    // python3 -c "import numpy as np; np.random.seed(0); print(sum(int(x * 2**53) for x in np.random.rand(100000)))"
    const u = new Generator(0).rand(100000);
    let s = 0n;
    for (const x of u.data) s += BigInt(x * 2 ** 53);
    expect(s).toBe(449909632508422647720n);
    // python3 -c "import numpy as np; np.random.seed(0); print(sum(map(int, np.random.randn(600).view(np.uint64))))"
    expect(bitSum(new Generator(0).randn(600))).toBe(5657915162779139684934n);
    // python3 -c "import numpy as np; np.random.seed(1); np.random.randn(999); print(np.random.randn(3).tolist())"
    const g = new Generator(1);
    g.randn(999);
    expect(list(g.randn(3))).toEqual([-0.18695501653274957, -0.15323616176709168, -2.432508512647113]);
  });

  it('float32 holds the float64 numbers rounded; requiresGrad turns grad on', () => {
    // python3 -c "import numpy as np; np.random.seed(0); print(np.random.randn(2, 3).astype(np.float32).tolist(), np.random.rand(3).astype(np.float32).tolist())"
    manualSeed(0);
    const a = randn([2, 3], { dtype: 'float32', requiresGrad: true });
    expect(a.dtype).toBe('float32');
    expect(a.requiresGrad).toBe(true);
    expect(list(a)).toEqual([
      1.764052391052246, 0.40015721321105957, 0.978738009929657, 2.2408931255340576, 1.8675580024719238, -0.9772778749465942,
    ]);
    const b = rand(3, { dtype: 'float32' });
    expect(b.data).toBeInstanceOf(Float32Array);
    expect(b.requiresGrad).toBe(false);
    expect(list(b)).toEqual([0.4375872015953064, 0.891772985458374, 0.9636627435684204]);
    expect(rand([2, 2], { requiresGrad: true }).requiresGrad).toBe(true);
  });

  it('empty and 0-d shapes', () => {
    const g = new Generator(0);
    expect(g.randn([0, 3]).shape).toEqual([0, 3]);
    const scalar = g.rand([]);
    expect(scalar.shape).toEqual([]);
    expect(list(scalar)).toEqual([0.5488135039273248]);
  });
});

describe('uniform / normal', () => {
  it('as numpy legacy uniform and normal (seed 3), including high < low', () => {
    // python3 -c "import numpy as np; np.random.seed(3); print(np.random.uniform(-1, 1, 4).tolist(), np.random.normal(5, 2, 3).tolist(), np.random.uniform(2, -3, 2).tolist(), np.random.normal(0, 0.01, 2).tolist())"
    manualSeed(3);
    expect(list(uniform(-1, 1, 4))).toEqual([0.10159580514915101, 0.41629564523620965, -0.41819052217411135, 0.02165521039532603]);
    expect(list(normal(5, 2, 3))).toEqual([4.445223594971202, 4.290482041462027, 4.834517037035081]);
    expect(list(uniform(2, -3, [2]))).toEqual([1.8506189456071653, -0.2841661219735556]);
    expect(list(normal(0, 0.01, [2]))).toEqual([-0.0062700067682384735, -0.013138647533626821]);
  });

  it('options', () => {
    const t = new Generator(0).normal(0, 1, [2, 2], { dtype: 'float32', requiresGrad: true });
    expect(t.dtype).toBe('float32');
    expect(t.requiresGrad).toBe(true);
    expect(new Generator(0).uniform(0, 1, 3, { dtype: 'float32' }).dtype).toBe('float32');
  });
});

describe('randint', () => {
  it('several ranges, in order, on one stream (seed 0)', () => {
    // python3 -c "import numpy as np; np.random.seed(0); print(np.random.randint(0, 10, (2, 3)).tolist(), np.random.randint(-5, 5, 6).tolist(), np.random.randint(0, 64, 6).tolist(), np.random.randint(0, 1000000000, 4).tolist(), np.random.randint(-2**31, 2**31, 3).tolist(), np.random.randint(3, 4, 2).tolist(), np.random.rand(1).tolist())"
    manualSeed(0);
    const a = randint(0, 10, [2, 3]);
    expect(a.dtype).toBe('int32');
    expect(a.shape).toEqual([2, 3]);
    expect(list(a)).toEqual([5, 0, 3, 3, 7, 9]);
    expect(list(randint(-5, 5, 6))).toEqual([-2, 0, -3, -1, 2, 1]);
    expect(list(randint(0, 64, 6))).toEqual([24, 24, 12, 58, 1, 38]); // a power of two: no rejection
    expect(list(randint(0, 1e9, 4))).toEqual([267012647, 124102743, 987744430, 292249176]);
    expect(list(randint(-(2 ** 31), 2 ** 31, 3))).toEqual([-460485807, 1827923621, 1443447321]); // the full int32 range
    expect(list(randint(3, 4, 2))).toEqual([3, 3]); // a single value draws nothing
    expect(list(rand(1))).toEqual([0.07103605819788694]);
  });
});

describe('permutation / choice', () => {
  it('permutation(10) with seed 0', () => {
    // python3 -c "import numpy as np; np.random.seed(0); print(np.random.permutation(10).tolist())"
    manualSeed(0);
    const p = permutation(10);
    expect(p.dtype).toBe('int32');
    expect(p.shape).toEqual([10]);
    expect(list(p)).toEqual([2, 8, 4, 9, 1, 6, 7, 3, 0, 5]);
  });

  it('permutation(1000) with seed 42', () => {
    // python3 -c "import numpy as np; np.random.seed(42); p = np.random.permutation(1000); print(int((p * np.arange(1000)).sum()), p[:10].tolist(), p[-3:].tolist())"
    const p = list(new Generator(42).permutation(1000));
    expect(p.reduce((s, v, i) => s + v * i, 0)).toBe(251374799);
    expect(p.slice(0, 10)).toEqual([521, 737, 740, 660, 411, 678, 626, 513, 859, 136]);
    expect(p.slice(-3)).toEqual([860, 435, 102]);
  });

  it('permutation of 0 and 1 items', () => {
    const g = new Generator(0);
    expect(list(g.permutation(0))).toEqual([]);
    expect(list(g.permutation(1))).toEqual([0]);
    expect(g.nextDouble()).toBe(0.5488135039273248); // neither drew anything
  });

  it('choice with and without replacement, sizes as counts and shapes (seed 0)', () => {
    // python3 -c "import numpy as np; np.random.seed(0); print(np.random.choice(10, 5).tolist(), np.random.choice(10, 5, replace=False).tolist(), np.random.choice(100, (2, 2), replace=False).tolist(), np.random.choice(7, (2, 3)).tolist())"
    manualSeed(0);
    expect(list(choice(10, 5))).toEqual([5, 0, 3, 3, 7]);
    expect(list(choice(10, 5, false))).toEqual([1, 6, 8, 7, 0]);
    const c = choice(100, [2, 2], false);
    expect(c.shape).toEqual([2, 2]);
    expect(c.dtype).toBe('int32');
    expect(list(c)).toEqual([10, 74, 66, 51]);
    expect(list(choice(7, [2, 3]))).toEqual([5, 1, 0, 2, 2, 3]);
  });

  it('a mini-batch of distinct indices', () => {
    // python3 -c "import numpy as np; np.random.seed(5); print(np.random.choice(60000, 32, replace=False)[:5].tolist())"
    const idx = list(new Generator(5).choice(60000, 32, false));
    expect(idx.slice(0, 5)).toEqual([22141, 38496, 30738, 15418, 13266]);
    expect(new Set(idx).size).toBe(32);
  });

  it('empty samples are allowed, also from n = 0', () => {
    const g = new Generator(0);
    expect(list(g.choice(0, 0))).toEqual([]);
    expect(list(g.choice(0, [0], false))).toEqual([]);
    expect(list(g.choice(3, [0, 2]))).toEqual([]);
  });
});

describe('Generator, global generator, state', () => {
  it('generators are independent of each other and of the global one', () => {
    manualSeed(0);
    const g = new Generator(0);
    expect(list(g.rand(2))).toEqual(list(rand(2)));
    g.rand(5);
    expect(list(g.rand(1))).not.toEqual(list(rand(1)));
  });

  it('manualSeed returns the global generator; seed() chains', () => {
    expect(manualSeed(7)).toBe(globalGenerator);
    expect(getGlobalGenerator()).toBe(globalGenerator);
    const g = new Generator();
    expect(g.seed(0)).toBe(g);
    expect(g.nextDouble()).toBe(0.5488135039273248);
    expect(g.nextGauss()).toBeTypeOf('number');
  });

  it('unseeded generators differ', () => {
    const a = list(new Generator().rand(4));
    const b = list(new Generator().rand(4));
    expect(a).not.toEqual(b);
  });

  it('getState / setState through JSON continue identically, also mid gauss cache', () => {
    const g = new Generator(2024);
    g.rand(100);
    g.randn(3); // odd: a normal is cached
    const saved = JSON.stringify(g.getState());
    expect((JSON.parse(saved) as RandomState).has_gauss).toBe(1);
    const next = () => [...list(g.randn(5)), ...list(g.rand(3)), ...list(g.randint(0, 1000, 4)), ...list(g.permutation(5))];
    const a = next();
    g.setState(JSON.parse(saved) as RandomState);
    expect(next()).toEqual(a);
    const h = new Generator(1).setState(JSON.parse(saved) as RandomState);
    expect([...list(h.randn(5)), ...list(h.rand(3)), ...list(h.randint(0, 1000, 4)), ...list(h.permutation(5))]).toEqual(a);
  });

  it('checkpointing the global generator', () => {
    manualSeed(11);
    randn(1);
    const saved = getGlobalGenerator().getState();
    const a = list(randn(4));
    globalGenerator.setState(saved);
    expect(list(randn(4))).toEqual(a);
  });
});

describe('errors', () => {
  const g = new Generator(0);
  const cases: [string, () => unknown, typeof ValueError | typeof ArgumentError, string | RegExp][] = [
    ['seed', () => manualSeed(-1), ValueError, 'manualSeed: seed must be an integer between 0 and 2**32 - 1, got -1'],
    ['seed', () => manualSeed(2 ** 32), ValueError, /got 4294967296/],
    ['seed', () => new Generator(0.5), ValueError, /Generator: .*got 0\.5/],
    ['seed', () => g.seed(NaN), ValueError, /seed: .*got NaN/],
    ['randint', () => g.randint(5, 5, 3), ValueError, 'randint: low must be less than high, got low=5, high=5'],
    ['randint', () => g.randint(6, 5, 3), ValueError, /low=6, high=5/],
    ['randint', () => g.randint(0.5, 5, 3), ValueError, 'randint: low must be an integer, got 0.5'],
    ['randint', () => g.randint(0, 2 ** 31 + 1, 3), ValueError, /high must be at most 2\*\*31.*got 2147483649/],
    ['randint', () => g.randint(-(2 ** 31) - 1, 0, 3), ValueError, /low must be at least -2\*\*31/],
    ['randint', () => g.randint('0' as unknown as number, 5, 3), ArgumentError, /low must be a number, got "0"/],
    ['randint', () => g.randint(0, 5, [2.5]), ValueError, /randint: sizes must be whole numbers/],
    ['choice', () => g.choice(3, 4, false), ValueError, 'choice: cannot take 4 samples from 3 without replacement (replace=false)'],
    ['choice', () => g.choice(0, 1), ValueError, /choice: n must be greater than 0 unless no samples are taken/],
    ['choice', () => g.choice(-1, 1), ValueError, 'choice: n must be a whole number ≥ 0, got -1'],
    ['choice', () => g.choice(5, 1.5), ValueError, /choice: sizes must be whole numbers ≥ 0, got shape \[1.5\]/],
    ['choice', () => g.choice(5, 2, 'no' as unknown as boolean), ArgumentError, /replace must be true or false, got "no"/],
    ['permutation', () => g.permutation(-3), ValueError, 'permutation: n must be a whole number ≥ 0, got -3'],
    ['permutation', () => g.permutation(2.5), ValueError, /got 2\.5/],
    ['permutation', () => g.permutation(2 ** 31 + 1), ValueError, /at most 2\*\*31/],
    ['rand', () => g.rand([2, -1]), ValueError, /rand: sizes must be whole numbers ≥ 0, got shape \[2,-1\]/],
    ['rand', () => g.rand(2, { dtype: 'int32' as 'float32' }), DTypeError, `rand: dtype must be 'float64' or 'float32', got "int32"`],
    ['randn', () => g.randn(2, { dtype: 'float16' as 'float32' }), DTypeError, /randn: dtype .*got "float16"/],
    ['randn', () => g.randn(2, 'float32' as never), ArgumentError, /randn: options must be an object/],
    ['randn', () => g.randn(2, { requiresGrad: 1 as unknown as boolean }), ArgumentError, /requiresGrad must be true or false/],
    ['normal', () => g.normal(0, -1, 2), ValueError, 'normal: std must be ≥ 0, got -1'],
    ['normal', () => g.normal(NaN, 1, 2), ValueError, 'normal: mean must be finite, got NaN'],
    ['uniform', () => g.uniform(0, Infinity, 2), ValueError, 'uniform: high must be finite, got Infinity'],
    ['uniform', () => g.uniform(-1.7e308, 1.7e308, 2), ValueError, /uniform: high - low must be finite/],
    ['setState', () => g.setState({} as RandomState), ValueError, /setState/],
  ];
  for (const [name, f, cls, msg] of cases) {
    it(`${name}: ${String(msg)}`, () => {
      expect(f).toThrow(cls);
      expect(f).toThrow(msg);
    });
  }

  it('a rejected call draws nothing', () => {
    const h = new Generator(0);
    expect(() => h.choice(3, 4, false)).toThrow(ValueError);
    expect(() => h.rand(3, { dtype: 'int32' as 'float32' })).toThrow(DTypeError);
    expect(h.nextDouble()).toBe(0.5488135039273248);
  });
});

describe('properties', () => {
  const seed = fc.integer({ min: 0, max: 2 ** 32 - 1 });

  it('rand values are in [0, 1), in float64 and float32', () => {
    fc.assert(
      fc.property(seed, fc.integer({ min: 0, max: 300 }), fc.boolean(), (s, n, f32) => {
        const t = new Generator(s).rand(n, { dtype: f32 ? 'float32' : 'float64' });
        for (const x of t.data) expect(x >= 0 && x < 1).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  it('permutation(n) is a permutation of 0..n-1', () => {
    fc.assert(
      fc.property(seed, fc.integer({ min: 0, max: 500 }), (s, n) => {
        const p = list(new Generator(s).permutation(n));
        expect(p.slice().sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i));
      }),
      { numRuns: 60 },
    );
  });

  it('randint stays in [low, high)', () => {
    fc.assert(
      fc.property(
        seed,
        fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
        fc.integer({ min: 1, max: 2 ** 32 }),
        (s, low, span) => {
          const high = Math.min(low + span, 2 ** 31);
          for (const v of new Generator(s).randint(low, high, 50).data) expect(v >= low && v < high).toBe(true);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('choice without replacement gives distinct values below n', () => {
    fc.assert(
      fc.property(seed, fc.integer({ min: 1, max: 300 }), fc.integer({ min: 0, max: 300 }), (s, n, k) => {
        const size = Math.min(n, k);
        const c = list(new Generator(s).choice(n, size, false));
        expect(c.length).toBe(size);
        expect(new Set(c).size).toBe(size);
        for (const v of c) expect(v >= 0 && v < n).toBe(true);
      }),
      { numRuns: 60 },
    );
  });
});
