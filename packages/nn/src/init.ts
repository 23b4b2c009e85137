/**
 * Weight initialisation, drawn from a seeded `Generator` so that the same seed gives
 * numpy's numbers: `new Generator(0).randn([2, 3])` is `np.random.seed(0); np.random.randn(2, 3)`.
 */
import { fmt, isTensor, ArgumentError, ShapeError, Tensor, ValueError, getGlobalGenerator, zeros, type Generator } from '@tapegrad/core';

/** The random draws an init scheme needs; a core `Generator` has them. */
export type RandomSource = Pick<Generator, 'rand' | 'randn'>;

/**
 * How a weight of shape (in, out) is drawn:
 * - `'pytorch'` (the default): PyTorch's `nn.Linear` init, `kaiming_uniform_(a=√5)`, i.e. uniform on
 *   ±1/√in, and the bias uniform on ±1/√in too (`np.random.uniform(-k, k, (in, out))`, then `(out,)`);
 * - `'randn'`: the course's `weight_init_std * np.random.randn(in, out)` (scale `weightInit`, default 0.01);
 * - `'rand'`: `np.random.rand(in, out)`, uniform on [0, 1), as in the course's first notebook;
 * - `'xavier'`: `np.random.randn(in, out) / np.sqrt(in)`;
 * - `'he'`: `np.random.randn(in, out) * np.sqrt(2 / in)`;
 * - a function of the shape and the generator, returning the tensor.
 */
export type InitScheme = 'pytorch' | 'randn' | 'rand' | 'xavier' | 'he' | ((shape: [number, number], generator: RandomSource) => Tensor);

export interface InitOptions {
  /** Default `'pytorch'`; `'randn'` is the course's `0.01 * np.random.randn`. */
  init?: InitScheme;
  /** The scale of `'randn'` (the course's `weight_init_std`). Default 0.01. */
  weightInit?: number;
  /** Where the random numbers come from. Default: the global generator (seeded by `manualSeed`). */
  generator?: RandomSource;
}

const SCHEMES = ['pytorch', 'randn', 'rand', 'xavier', 'he'];

/**
 * A fresh (in, out) weight tensor drawn by `options.init`.
 * @example
 *   const W = initWeight(784, 40, { init: 'he', generator: new Generator(0) });
 */
export function initWeight(inFeatures: number, outFeatures: number, options: InitOptions = {}): Tensor {
  const { init = 'pytorch', weightInit = 0.01, generator = getGlobalGenerator() } = options;
  const shape: [number, number] = [inFeatures, outFeatures];
  if (typeof weightInit !== 'number' || !Number.isFinite(weightInit)) {
    throw new ValueError(`initWeight: weightInit must be a finite number, got ${String(weightInit)}`);
  }
  if (typeof init === 'function') return checkDrawn(init(shape, generator), shape);
  switch (init) {
    case 'pytorch':
      return uniformFanIn(generator, shape, inFeatures);
    case 'randn':
      // NOTE: scale × draw, in the course's order, so the float64 products match numpy's bit for bit.
      return generator.randn(shape).mul(weightInit);
    case 'rand':
      return generator.rand(shape);
    case 'xavier':
      return generator.randn(shape).div(Math.sqrt(inFeatures));
    case 'he':
      return generator.randn(shape).mul(Math.sqrt(2 / inFeatures));
    default:
      throw new ArgumentError(`initWeight: unknown init ${JSON.stringify(init)}; use one of ${SCHEMES.join(', ')} or a function`);
  }
}

/**
 * A fresh bias of shape (out): uniform on ±1/√in for `'pytorch'` (drawn after the weight, from the
 * same generator), zeros for the course's schemes and custom functions.
 * @example
 *   const b = initBias(784, 40, { generator: new Generator(0) }); // uniform on ±1/28
 */
export function initBias(inFeatures: number, outFeatures: number, options: InitOptions = {}): Tensor {
  const { init = 'pytorch', generator = getGlobalGenerator() } = options;
  return init === 'pytorch' ? uniformFanIn(generator, [outFeatures], inFeatures) : zeros([outFeatures]);
}

/**
 * Uniform on ±1/√fanIn: PyTorch's `kaiming_uniform_(a=√5)` bound, gain √(2/(1+a²)) · √(3/fanIn) = 1/√fanIn.
 * NOTE: `low + (high − low)·rand`, numpy's `uniform(-k, k, shape)` bit for bit.
 */
function uniformFanIn(generator: RandomSource, shape: readonly number[], fanIn: number): Tensor {
  const bound = 1 / Math.sqrt(fanIn);
  return generator.rand(shape).mul(2 * bound).add(-bound);
}

function checkDrawn(w: unknown, shape: [number, number]): Tensor {
  if (!isTensor(w)) throw new ArgumentError(`initWeight: a custom init must return a Tensor, got ${typeof w}`);
  if (w.ndim !== 2 || w.shape[0] !== shape[0] || w.shape[1] !== shape[1]) {
    throw new ShapeError(`initWeight: a custom init returned shape ${fmt(w.shape)}, expected ${fmt(shape)}`);
  }
  return w;
}
