/**
 * The one checked list of ops. The list is derived, not kept: every function that a file of
 * src/ops/ exports and the package exports too. For each op this test checks that
 *
 * - it is a Tensor method of the same name, or on FUNCTION_ONLY below (with the reason);
 * - the fuzz test (fuzz.prop.test.ts) calls it: in METHODS, or for a function-only op in FUNCTIONS;
 * - it records itself on the tape (its output requires grad when its inputs do), or is on
 *   NOT_DIFFERENTIABLE below;
 * - it declares what its rule saves: after the forward, each input and the output in turn is
 *   modified in place; backward must refuse exactly when that tensor is one the rule reads (found
 *   out by modifying it without telling the tape and seeing whether the gradients change).
 *
 * A new op in src/ops/ that misses any of these makes this file fail with a message that says
 * what to add. Ops called as `op(x)` or `op(x, y)` on float64 [2,3] tensors need nothing more;
 * others need a sample call in SAMPLES.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import * as core from '../src/index.js';
import { AutogradError, Tensor, tensor } from '../src/index.js';
import { record } from '../src/tape/autograd.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const OPS_DIR = resolve(HERE, '../src/ops');
const FUZZ_FILE = join(HERE, 'fuzz.prop.test.ts');

/** Functions that op files export for other op files, not ops of the package. */
const INTERNAL: Record<string, string> = {
  operands: "binary ops' operand conversion (numpy's weak scalars), shared with matmul",
  unary: 'the builder of unary ops, shared with activation and math',
  binary: 'the builder of broadcasting binary ops, shared with math',
  fitTo: "sumTo without its argument checks, for the binary ops' gradients (summed to an input's own shape)",
  need: "a rule's guard (compute a gradient only for an input that requires grad), shared with math",
  matmulT: "matmul with transposed operands, for matmul's own rule and the nn layers' fast paths",
  pair: "the convolution and pooling ops' reading of a size given as a number or one per spatial axis",
};

/** Ops that are functions only, each with its reason. */
const FUNCTION_ONLY: Record<string, string> = {
  oneHot: 'builds a tensor from int32 class indices; not an operation on a tensor of values',
  sumTo: "the broadcasting rules' helper (a gradient summed back to an input's shape), exported for custom rules",
  variance: "the function name of the method `var` (`var` is a reserved word: `import { var }` cannot be written; the package also exports it as `var`)",
  ...Object.fromEntries([
    'conv2d', 'conv1d', 'convTranspose2d', 'convTranspose1d', 'maxPool2d', 'maxPool1d', 'avgPool2d', 'avgPool1d', 'adaptiveAvgPool2d',
    'batchNorm', 'layerNorm', 'dropout', 'embedding', 'fold',
  ].map((name) => [name, "PyTorch has it in torch.nn.functional only, not as a Tensor method"])),
  unfold: "PyTorch's Tensor.unfold is another operation (one axis' sliding windows); F.unfold is a function",
};

/** Ops whose output is off the tape, each with its reason. */
const NOT_DIFFERENTIABLE: Record<string, string> = {
  eq: 'a comparison: bool, no gradient',
  ne: 'a comparison: bool, no gradient',
  lt: 'a comparison: bool, no gradient',
  le: 'a comparison: bool, no gradient',
  gt: 'a comparison: bool, no gradient',
  ge: 'a comparison: bool, no gradient',
  logicalAnd: 'a logical op: bool, no gradient',
  logicalOr: 'a logical op: bool, no gradient',
  logicalXor: 'a logical op: bool, no gradient',
  logicalNot: 'a logical op: bool, no gradient',
  isNaN: 'a predicate: bool, no gradient',
  isFinite: 'a predicate: bool, no gradient',
  isInf: 'a predicate: bool, no gradient',
  argmax: 'int32 indices',
  argmin: 'int32 indices',
  oneHot: 'made from int32 indices',
  nonzero: 'int32 positions',
  argsort: 'int32 indices',
  isclose: 'a comparison: bool, no gradient',
  allclose: 'a JavaScript boolean',
  any: 'a bool reduction: no gradient',
  all: 'a bool reduction: no gradient',
  countNonzero: 'int32 counts',
};

interface Sample {
  /** Fresh inputs on every call: the float ones require grad. */
  inputs: () => Tensor[];
  call: (...xs: Tensor[]) => Tensor;
}

/** Distinct values away from 0 and from each other (no ties for max, no kinks for relu/abs). */
const grid = (shape: number[], offset = 0, scale = 1): Tensor => {
  const n = shape.reduce((a, b) => a * b, 1);
  return tensor(Array.from({ length: n }, (_, i) => scale * (0.35 + 0.23 * ((i * 7 + offset) % n) + 0.01 * offset)), { shape });
};
const leaf = (t: Tensor) => t.requiresGrad_();
const x23 = () => leaf(grid([2, 3]));
const y23 = () => leaf(grid([2, 3], 5, 1.3));
/** Indices whose reversal is a different set of indices (so modifying them in place shows). */
const idx = (data: number[], shape: number[]) => tensor(data, { dtype: 'int32', shape });

/** Sample calls for ops that are not simply `op(x)` or `op(x, y)` on float64 [2,3]. */
const SAMPLES: Record<string, Sample> = {
  where: { inputs: () => [tensor([[true, false, true], [false, false, true]]), x23(), y23()], call: (c, a, b) => core.where(c!, a!, b!) },
  clamp: { inputs: () => [x23()], call: (x) => core.clamp(x!, 0.6, 1.2) },
  matmul: { inputs: () => [x23(), leaf(grid([3, 2], 2))], call: (x, y) => core.matmul(x!, y!) },
  dot: { inputs: () => [x23(), leaf(grid([3, 2], 2))], call: (x, y) => core.dot(x!, y!) },
  reshape: { inputs: () => [x23()], call: (x) => core.reshape(x!, [3, 2]) },
  unsqueeze: { inputs: () => [x23()], call: (x) => core.unsqueeze(x!, 1) },
  squeeze: { inputs: () => [leaf(grid([2, 1, 3]))], call: (x) => core.squeeze(x!, 1) },
  broadcastTo: { inputs: () => [leaf(grid([1, 3]))], call: (x) => core.broadcastTo(x!, [2, 3]) },
  sumTo: { inputs: () => [x23()], call: (x) => core.sumTo(x!, [3]) },
  concat: { inputs: () => [x23(), y23()], call: (x, y) => core.concat([x!, y!], 1) },
  stack: { inputs: () => [x23(), y23()], call: (x, y) => core.stack([x!, y!], 0) },
  slice: { inputs: () => [x23()], call: (x) => core.slice(x!, 1, 0, 3, 2) },
  takeAlongAxis: { inputs: () => [x23(), idx([2, 0, 0, 1, 1, 2], [2, 3])], call: (x, i) => core.takeAlongAxis(x!, i!, 1) },
  oneHot: { inputs: () => [idx([2, 0, 1], [3])], call: (i) => core.oneHot(i!, 3) },
  astype: { inputs: () => [x23()], call: (x) => core.astype(x!, 'float32') },
  prelu: { inputs: () => [leaf(grid([2, 3]).sub(0.9)), leaf(grid([3], 1, 0.5))], call: (x, w) => core.prelu(x!, w!) }, // both signs
  // values that cross the bounds when modified, so that reading x shows in the gradient
  hardtanh: { inputs: () => [x23()], call: (x) => core.hardtanh(x!, 0.5, 1.2) },
  hardSigmoid: { inputs: () => [leaf(grid([2, 3], 0, 2.5))], call: (x) => core.hardSigmoid(x!) },
  conv2d: { inputs: () => [leaf(grid([2, 2, 4, 3])), leaf(grid([3, 2, 2, 2], 1)), leaf(grid([3], 2))], call: (x, w, b) => core.conv2d(x!, w!, b!, { padding: [1, 0] }) },
  conv1d: { inputs: () => [leaf(grid([2, 2, 5])), leaf(grid([3, 2, 2], 1))], call: (x, w) => core.conv1d(x!, w!, null, { stride: 2 }) },
  convTranspose2d: { inputs: () => [leaf(grid([1, 2, 3, 3])), leaf(grid([2, 3, 2, 2], 1))], call: (x, w) => core.convTranspose2d(x!, w!, null, { stride: 2 }) },
  convTranspose1d: { inputs: () => [leaf(grid([1, 2, 3])), leaf(grid([2, 3, 2], 1))], call: (x, w) => core.convTranspose1d(x!, w!) },
  unfold: { inputs: () => [leaf(grid([1, 2, 3, 3]))], call: (x) => core.unfold(x!, 2) },
  fold: { inputs: () => [leaf(grid([1, 8, 4]))], call: (x) => core.fold(x!, [3, 3], 2) },
  maxPool2d: { inputs: () => [leaf(grid([1, 2, 4, 4]))], call: (x) => core.maxPool2d(x!, 2) },
  avgPool2d: { inputs: () => [leaf(grid([1, 2, 4, 4]))], call: (x) => core.avgPool2d(x!, 2, { stride: 1 }) },
  adaptiveAvgPool2d: { inputs: () => [leaf(grid([1, 2, 4, 5]))], call: (x) => core.adaptiveAvgPool2d(x!, [3, 2]) },
  batchNorm: { inputs: () => [x23(), leaf(grid([3], 1)), leaf(grid([3], 2))], call: (x, w, b) => core.batchNorm(x!, null, null, w!, b!, { training: true }) },
  layerNorm: { inputs: () => [x23(), leaf(grid([3], 1)), leaf(grid([3], 2))], call: (x, w, b) => core.layerNorm(x!, [3], w!, b!) },
  dropout: { inputs: () => [x23()], call: (x) => core.dropout(x!, 0.5, { generator: new core.Generator(1) }) },
  embedding: { inputs: () => [idx([2, 0, 0, 1], [2, 2]), leaf(grid([3, 2]))], call: (i, w) => core.embedding(i!, w!) },
  take: { inputs: () => [x23(), idx([1, 0, 1], [3])], call: (x, i) => core.take(x!, i!, 0) },
  indexAdd: { inputs: () => [x23(), idx([2, 0], [2]), leaf(grid([2, 2], 4))], call: (x, i, s) => core.indexAdd(x!, 1, i!, s!) },
  putAlongAxis: { inputs: () => [x23(), idx([2, 0], [2, 1]), leaf(grid([2, 1], 4))], call: (x, i, v) => core.putAlongAxis(x!, i!, v!, 1) },
  maskedFill: { inputs: () => [x23(), idx([1, 0, 0, 0, 1, 1], [2, 3])], call: (x, m) => core.maskedFill(x!, m!, 0.5) },
  booleanMask: { inputs: () => [x23(), idx([1, 0], [2])], call: (x, m) => core.booleanMask(x!, m!) },
  tile: { inputs: () => [x23()], call: (x) => core.tile(x!, [2, 1]) },
  repeat: { inputs: () => [x23()], call: (x) => core.repeat(x!, [1, 0, 2], 1) },
  pad: { inputs: () => [x23()], call: (x) => core.pad(x!, [[0, 1], [2, 1]], { mode: 'reflect' }) },
  split: { inputs: () => [x23()], call: (x) => core.split(x!, [1], 1)[1]! },
  unstack: { inputs: () => [x23()], call: (x) => core.unstack(x!, 1)[2]! },
  roll: { inputs: () => [x23()], call: (x) => core.roll(x!, 1, 1) },
  swapaxes: { inputs: () => [x23()], call: (x) => core.swapaxes(x!, 0, 1) },
  moveaxis: { inputs: () => [x23()], call: (x) => core.moveaxis(x!, 0, -1) },
  topk: { inputs: () => [x23()], call: (x) => core.topk(x!, 2, 1).values },
  einsum: { inputs: () => [x23(), y23()], call: (x, y) => core.einsum('ij,kj->ik', x!, y!) },
  allclose: { inputs: () => [x23(), y23()], call: (x, y) => tensor(core.allclose(x!, y!) ? 1 : 0) },
};

// ---------------------------------------------------------------------------
// The list, derived

const opModules = await Promise.all(
  readdirSync(OPS_DIR).filter((f) => f.endsWith('.ts')).sort().map(async (f) => [f, (await import(join(OPS_DIR, f))) as Record<string, unknown>] as const),
);
const exported = core as unknown as Record<string, unknown>;
/** op name → the file of src/ops/ it lives in: every function an op file exports, but the helpers of INTERNAL. */
const OPS = new Map<string, string>();
/** Ops that src/index.ts does not export (each an error below). */
const UNEXPORTED: string[] = [];
for (const [file, mod] of opModules) {
  for (const [name, v] of Object.entries(mod)) {
    if (typeof v !== 'function' || INTERNAL[name] !== undefined) continue;
    OPS.set(name, `src/ops/${file}`);
    if (exported[name] !== v) UNEXPORTED.push(name);
  }
}

/** The string literals of `const NAME = [...]` in the fuzz test. */
function fuzzList(name: string): Set<string> {
  const ast = ts.createSourceFile(FUZZ_FILE, readFileSync(FUZZ_FILE, 'utf8'), ts.ScriptTarget.ES2022, true);
  const out = new Set<string>();
  const visit = (n: ts.Node): void => {
    if (ts.isVariableDeclaration(n) && ts.isIdentifier(n.name) && n.name.text === name && n.initializer) {
      const collect = (m: ts.Node): void => {
        if (ts.isStringLiteral(m)) out.add(m.text);
        ts.forEachChild(m, collect);
      };
      collect(n.initializer);
    }
    ts.forEachChild(n, visit);
  };
  visit(ast);
  return out;
}

function hasMethod(name: string): boolean {
  const d = Object.getOwnPropertyDescriptor(Tensor.prototype, name);
  return d !== undefined && (typeof d.value === 'function' || typeof d.get === 'function');
}

// ---------------------------------------------------------------------------
// Saves: modify each input and the output in place after the forward

/** A change that any rule reading the tensor would notice: floats flip sign and scale, indices reverse. */
function modify(t: Tensor): void {
  if (t.dtype === 'int32') t.data.reverse();
  else if (t.dtype === 'bool') for (let i = 0; i < t.data.length; i++) t.data[i] = 1 - t.data[i]!;
  else for (let i = 0; i < t.data.length; i++) t.data[i] = -1.3 * t.data[i]! + 0.1;
}

function sampleOf(name: string): Sample | string {
  if (SAMPLES[name] !== undefined) return SAMPLES[name]!;
  const f = opModules.find(([, m]) => typeof m[name] === 'function')![1][name] as (...a: unknown[]) => unknown;
  for (const inputs of [() => [x23()], () => [x23(), y23()]]) {
    try {
      const out = f(...inputs());
      if (out instanceof Tensor) return { inputs, call: (...xs) => f(...xs) as Tensor };
    } catch {
      // the next arity
    }
  }
  return `${name} cannot be called as ${name}(x) or ${name}(x, y) with float64 [2,3] tensors: ` +
    `add a sample call for it to SAMPLES in packages/core/test/ops.test.ts`;
}

function gradsOf(inputs: readonly Tensor[]): (number[] | null)[] {
  return inputs.map((x) => (x.grad === null ? null : Array.from(x.grad.data)));
}

/** Forward, `change` one tensor (index n: the output), backward; the gradients, or the error. */
function attempt(s: Sample, k: number | null, change: (t: Tensor) => void): { grads?: (number[] | null)[]; error?: unknown } {
  const inputs = s.inputs();
  const out = s.call(...inputs);
  const g = grid(out.shape.slice(), 3, 0.7).astype(out.dtype);
  if (k !== null) change(k < inputs.length ? inputs[k]! : out);
  try {
    out.backward(g);
    return { grads: gradsOf(inputs) };
  } catch (e) {
    return { error: e };
  }
}

function savesProblems(name: string, s: Sample): string[] {
  const problems: string[] = [];
  const ref = attempt(s, null, () => {});
  if (ref.error !== undefined) return [`${name}: backward failed without any modification: ${(ref.error as Error).message}`];
  const n = s.inputs().length;
  for (let k = 0; k <= n; k++) {
    const what = k < n ? `input ${k}` : 'the output';
    const silent = attempt(s, k, modify); // the tape is not told: does the rule read it?
    const reads = silent.error !== undefined || JSON.stringify(silent.grads) !== JSON.stringify(ref.grads);
    const told = attempt(s, k, (t) => { modify(t); t.bumpVersion(); });
    const refuses = told.error instanceof AutogradError && /modified in place/.test(told.error.message);
    if (told.error !== undefined && !refuses) problems.push(`${name}: backward after modifying ${what} threw ${String(told.error)}`);
    else if (reads && !refuses) problems.push(`${name}: its rule reads ${what} but does not save it: add it to the op's saves (backward gave a wrong gradient instead of refusing)`);
    else if (!reads && refuses) problems.push(`${name}: saves ${what} but its rule does not read it: take it out of the op's saves (backward refused for nothing)`);
  }
  return problems;
}

// ---------------------------------------------------------------------------

describe('the list of ops, derived from the exports', () => {
  it('finds the ops of every file of src/ops/', () => {
    expect(OPS.size).toBeGreaterThan(40);
    for (const op of ['add', 'relu', 'sum', 'matmul', 'reshape']) expect(OPS.has(op), op).toBe(true);
    for (const [file] of opModules) expect([...OPS.values()], `src/ops/${file} exports no op of the package`).toContain(`src/ops/${file}`);
  });

  it('every op is exported by the package (or is a helper on INTERNAL)', () => {
    expect(UNEXPORTED.map((name) => `${name} (${OPS.get(name)}) is not exported by the package: add it to the exports of ` +
      `src/index.ts, or to INTERNAL in packages/core/test/ops.test.ts if it is a helper for other op files`)).toEqual([]);
    expect(Object.keys(INTERNAL).filter((name) => !opModules.some(([, m]) => typeof m[name] === 'function'))
      .map((name) => `INTERNAL lists ${name}, which no op file exports: take it out`)).toEqual([]);
  });

  it('every op is a Tensor method of the same name, or on FUNCTION_ONLY', () => {
    const missing = [...OPS].filter(([name]) => !hasMethod(name) && FUNCTION_ONLY[name] === undefined).map(([name, file]) =>
      `${name} (${file}) has no Tensor method: add \`${name}(…): Tensor { return …(this, …); }\` to the Tensor class in src/tape/tensor.ts, ` +
      `or add it to FUNCTION_ONLY in packages/core/test/ops.test.ts with the reason`);
    const stale = Object.keys(FUNCTION_ONLY).filter((name) => !OPS.has(name) || hasMethod(name)).map((name) =>
      `FUNCTION_ONLY lists ${name}, which ${OPS.has(name) ? 'has a Tensor method' : 'is not an exported op'}: take it out`);
    expect([...missing, ...stale]).toEqual([]);
  });

  it('the fuzz test calls every op', () => {
    const methods = fuzzList('METHODS');
    const functions = fuzzList('FUNCTIONS');
    expect(methods.size).toBeGreaterThan(20); // the lists were found
    const missing = [...OPS].filter(([name]) => !(hasMethod(name) ? methods.has(name) : functions.has(name))).map(([name, file]) =>
      `${name} (${file}) is not fuzzed: add '${name}' to ` +
      (hasMethod(name) ? 'METHODS' : FUNCTION_ONLY[name] !== undefined ? 'FUNCTIONS' : 'METHODS (once it is a Tensor method; FUNCTIONS if it goes on FUNCTION_ONLY)') +
      ' in packages/core/test/fuzz.prop.test.ts');
    expect(missing).toEqual([]);
  });

  it('every op records itself on the tape, or is on NOT_DIFFERENTIABLE', () => {
    const problems: string[] = [];
    for (const [name] of OPS) {
      const s = sampleOf(name);
      if (typeof s === 'string') { problems.push(s); continue; }
      const inputs = s.inputs();
      const out = s.call(...inputs);
      const listed = NOT_DIFFERENTIABLE[name] !== undefined;
      if (out.requiresGrad && listed) problems.push(`NOT_DIFFERENTIABLE lists ${name}, but its output is on the tape: take it out`);
      if (!out.requiresGrad && !listed) {
        problems.push(`${name}: its output does not require grad although its inputs do: record it on the tape (record(…) in its op file), ` +
          `or add it to NOT_DIFFERENTIABLE in packages/core/test/ops.test.ts with the reason`);
      }
    }
    for (const name of Object.keys(NOT_DIFFERENTIABLE)) if (!OPS.has(name)) problems.push(`NOT_DIFFERENTIABLE lists ${name}, which is not an exported op: take it out`);
    expect(problems).toEqual([]);
  });

  it('every differentiable op saves exactly what its rule reads: backward refuses exactly when a modified tensor is one of those', () => {
    const problems: string[] = [];
    let checked = 0;
    for (const [name] of OPS) {
      if (NOT_DIFFERENTIABLE[name] !== undefined) continue;
      const s = sampleOf(name);
      if (typeof s === 'string') continue; // reported by the test above
      problems.push(...savesProblems(name, s));
      checked++;
    }
    expect(problems).toEqual([]);
    expect(checked).toBeGreaterThan(30);
  });

  it('the saves check notices an op that reads what it did not save, and one that saves what it does not read', () => {
    // Two faulty ops built on the tape directly: x² whose rule reads x unsaved, and 2x that saves x for nothing.
    const square = (x: Tensor) => record('badSquare', [x], Tensor._of(x.data.map((v) => v * v), x.shape), (g) => [g.mul(x).mul(2)], []);
    const double = (x: Tensor) => record('badDouble', [x], Tensor._of(x.data.map((v) => 2 * v), x.shape), (g) => [g.mul(2)], [x]);
    expect(savesProblems('badSquare', { inputs: () => [x23()], call: (x) => square(x!) })).toEqual([
      'badSquare: its rule reads input 0 but does not save it: add it to the op\'s saves (backward gave a wrong gradient instead of refusing)',
    ]);
    expect(savesProblems('badDouble', { inputs: () => [x23()], call: (x) => double(x!) })).toEqual([
      'badDouble: saves input 0 but its rule does not read it: take it out of the op\'s saves (backward refused for nothing)',
    ]);
  });
});
