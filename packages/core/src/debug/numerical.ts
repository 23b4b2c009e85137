/**
 * Numerical differentiation, the course's section 4: the central difference
 * (E(w + h) − E(w − h)) / 2h, and `gradcheck`, which holds the tape to it.
 */
import { gradients, noGrad, isTensor } from '../tape/autograd.js';
import { markSeen } from '../tape/dtype.js';
import { ArgumentError, ValueError } from '../tape/errors.js';
import { fmt } from '../tape/messages.js';
import { Tensor } from '../tape/tensor.js';

type ScalarFn = (x: Tensor) => Tensor | number;

function scalarOf(op: string, v: Tensor | number): number {
  if (typeof v === 'number') return v;
  if (!isTensor(v)) throw new ArgumentError(`${op}: f must return a number or a Tensor, got ${typeof v}`);
  if (v.size !== 1) throw new ValueError(`${op}: f must return a scalar, got shape ${fmt(v.shape)}`);
  return v._data[0]!;
}

/**
 * The course's `numerical_gradient`: for each element of `x`, nudges it by ±h **in place**
 * (so an `f` that closes over `x`, like the course's `lambda W: net.loss(x, d)`, sees it),
 * evaluates `f` without recording, and restores the element.
 * @example
 *   numericalGradient((w) => w.square().sum(), tensor([1, 2])); // ≈ [2, 4]
 */
export function numericalGradient(f: ScalarFn, x: Tensor, h = 1e-4): Tensor {
  if (!isTensor(x)) throw new ArgumentError('numericalGradient: x must be a Tensor');
  if (!(h > 0)) throw new ValueError(`numericalGradient: h must be positive, got ${h}`);
  const out = new Float64Array(x.size);
  const data = x._data;
  // NOTE: written in place without a version bump (a graph built on x stays usable, as the course's
  // code expects), so kernels must not key a copy of it by its version from here on.
  markSeen(data);
  noGrad(() => {
    for (let i = 0; i < data.length; i++) {
      const keep = data[i]!;
      data[i] = keep + h;
      const plus = scalarOf('numericalGradient', f(x));
      data[i] = keep - h;
      const minus = scalarOf('numericalGradient', f(x));
      data[i] = keep;
      out[i] = (plus - minus) / (2 * h);
    }
  });
  return new Tensor(out, x.shape);
}

export interface GradcheckOptions {
  /** Step of the central difference. Default 1e-6. */
  eps?: number;
  /** An element passes when |tape − numeric| ≤ atol + rtol·|numeric|. Defaults 1e-5 and 1e-3. */
  atol?: number;
  rtol?: number;
}

export interface GradcheckWorst {
  /** Which input (position in `inputs`). */
  input: number;
  /** Flat index into that input. */
  index: number;
  analytic: number;
  numeric: number;
}

export interface GradcheckReport {
  passed: boolean;
  maxAbsError: number;
  maxRelError: number;
  /** The element with the largest error relative to its tolerance (null when there are no elements). */
  worst: GradcheckWorst | null;
  /** Per input: the tape's and the numerical gradient. */
  analytic: Tensor[];
  numeric: Tensor[];
  toString(): string;
}

/**
 * Compares the tape's gradient of `f(...inputs)` with the central difference for every
 * element of every input. A non-scalar output is checked through Σ out·v with a fixed
 * random v, which tests every output's gradient at once.
 * @example
 *   const r = gradcheck((w) => w.sigmoid().sum(), [tensor([0.5, -1])]);
 *   r.passed; // true
 */
export function gradcheck(f: (...xs: Tensor[]) => Tensor, inputs: readonly Tensor[], options: GradcheckOptions = {}): GradcheckReport {
  const { eps = 1e-6, atol = 1e-5, rtol = 1e-3 } = options;
  if (!Array.isArray(inputs) || inputs.some((x) => !isTensor(x))) {
    throw new ArgumentError('gradcheck: inputs must be an array of Tensors');
  }
  // Differentiate with respect to float64 leaf copies so that the check is exact and leaves the user's tensors alone.
  const xs = inputs.map((x) => new Tensor(Float64Array.from(x._data), x.shape).requiresGrad_(true));
  const probe = noGrad(() => f(...xs));
  if (!isTensor(probe)) throw new ArgumentError('gradcheck: f must return a Tensor');
  const weights = probe.size === 1 ? null : fixedWeights(probe);
  const scalar = (...a: Tensor[]): Tensor => {
    const out = f(...a);
    return weights === null ? out.sum() : out.mul(weights).sum();
  };
  const y = scalar(...xs);
  const analytic = y.requiresGrad ? gradients(y, xs) : xs.map((x) => x._zerosLike());
  const numeric = xs.map((x) => numericalGradient(() => scalar(...xs), x, eps));
  let maxAbsError = 0;
  let maxRelError = 0;
  let worst: GradcheckWorst | null = null;
  let worstScore = -1;
  let passed = true;
  analytic.forEach((a, input) => {
    const n = numeric[input]!;
    for (let index = 0; index < a.size; index++) {
      const av = a._data[index]!;
      const nv = n._data[index]!;
      const abs = Math.abs(av - nv);
      const rel = abs / Math.max(Math.abs(nv), Number.MIN_VALUE);
      const score = abs / (atol + rtol * Math.abs(nv));
      if (!(score <= 1)) passed = false;
      maxAbsError = Math.max(maxAbsError, abs);
      if (nv !== 0 || av !== 0) maxRelError = Math.max(maxRelError, rel);
      if (score > worstScore || Number.isNaN(score)) {
        worstScore = Number.isNaN(score) ? Infinity : score;
        worst = { input, index, analytic: av, numeric: nv };
      }
    }
  });
  return {
    passed, maxAbsError, maxRelError, worst, analytic, numeric,
    toString() {
      const w = worst === null ? 'no elements' : `worst: input ${worst.input}[${worst.index}] tape ${worst.analytic} vs numeric ${worst.numeric}`;
      return `gradcheck ${passed ? 'passed' : 'FAILED'}: max abs error ${maxAbsError.toExponential(3)}, max rel error ${maxRelError.toExponential(3)}; ${w}`;
    },
  };
}

/** Deterministic weights in [0.5, 1.5) for reducing a non-scalar output. */
function fixedWeights(like: Tensor): Tensor {
  const w = new Float64Array(like.size);
  let s = 0x9e3779b9;
  for (let i = 0; i < w.length; i++) {
    s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    w[i] = 0.5 + s / 4294967296;
  }
  return new Tensor(w, like.shape);
}
