/**
 * The backprop notebook's 2-3-2 network as a small program of named steps, so that the page
 * can trace it (`traceGraph`), and re-run it from any node to check that node's gradient by
 * central differences. Pure: no DOM, so the tests run it in Node too.
 */
import {
  gradients, named, nameTensors, noGrad, numericalGradient, tensor, traceGraph,
  type Graph, type GraphNode, type Tensor,
} from '@tapegrad/core';
import { course } from '@tapegrad/nn';

/** The numbers the user can edit: the notebook's input, teacher signal and weights. */
export interface NetworkValues {
  x: number[][];
  d: number[][];
  W1: number[][];
  b1: number[];
  W2: number[][];
  b2: number[];
}

export type ParameterName = 'W1' | 'b1' | 'W2' | 'b2';
export const PARAMETERS: readonly ParameterName[] = ['W1', 'b1', 'W2', 'b2'];

/** 1_2_back_propagation's fixed network: x = [[1, 5]], d = [[0, 1]]. */
export function defaultValues(): NetworkValues {
  return {
    x: [[1, 5]],
    d: [[0, 1]],
    W1: [[0.1, 0.3, 0.5], [0.2, 0.4, 0.6]],
    b1: [0.1, 0.2, 0.3],
    W2: [[0.1, 0.4], [0.2, 0.5], [0.3, 0.6]],
    b2: [0.1, 0.2],
  };
}

interface Step {
  /** The tensor's name, shown in the graph. */
  label: string;
  inputs: readonly string[];
  run: (...xs: Tensor[]) => Tensor;
}

/** The forward pass, u1 = x·W1 + b1 … E = −Σ d·log y, one op per step. */
const STEPS: readonly Step[] = [
  { label: 'x·W1', inputs: ['x', 'W1'], run: (x, W) => x!.matmul(W!) },
  { label: 'u1', inputs: ['x·W1', 'b1'], run: (a, b) => a!.add(b!) },
  { label: 'z1', inputs: ['u1'], run: (u) => course.relu(u!) },
  { label: 'z1·W2', inputs: ['z1', 'W2'], run: (z, W) => z!.matmul(W!) },
  { label: 'u2', inputs: ['z1·W2', 'b2'], run: (a, b) => a!.add(b!) },
  { label: 'y', inputs: ['u2'], run: (u) => course.softmax(u!) },
  { label: 'log y', inputs: ['y'], run: (y) => y!.log() },
  { label: 'd·log y', inputs: ['d', 'log y'], run: (d, l) => d!.mul(l!) },
  { label: 'Σ d·log y', inputs: ['d·log y'], run: (t) => t!.sum() },
  { label: 'E', inputs: ['Σ d·log y'], run: (s) => s!.neg() },
];

/** The name of the loss, the graph's output. */
export const LOSS = 'E';

/** A tensor's name as an attribute-safe id: `x·W1` → `x-W1`, `Σ d·log y` → `sum-d-log-y`. */
export function slug(label: string): string {
  return label.replace('Σ', 'sum').replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '');
}

/**
 * Runs the network; `replace` swaps one named tensor (a parameter or a step's output) for the
 * given one, so that the rest of the network becomes a function of it.
 * @example
 *   forward(defaultValues()).E.item(); // 0.0911…
 */
export function forward(values: NetworkValues, replace?: { label: string; value: Tensor }): Record<string, Tensor> {
  const constants = { x: tensor(values.x), d: tensor(values.d) };
  const parameters = Object.fromEntries(PARAMETERS.map((p) => [p, tensor(values[p], { requiresGrad: true })]));
  const env: Record<string, Tensor> = nameTensors({ ...constants, ...parameters });
  const swap = (label: string, t: Tensor): Tensor => (replace?.label === label ? replace.value : t);
  for (const p of Object.keys(env)) env[p] = swap(p, env[p]!);
  for (const step of STEPS) env[step.label] = swap(step.label, named(step.run(...step.inputs.map((i) => env[i]!)), step.label));
  return env;
}

/** One node of backward's walk: its gradient by the tape beside the central difference. */
export interface GradientCheck {
  /** The graph node's id (`t5`) and name (`u1`). */
  id: string;
  label: string;
  op: string;
  shape: number[];
  /** How backward forms ∂E/∂node from the ops that used it (the chain rule, in words). */
  rule: string;
  /** ∂E/∂node by the tape (row-major). */
  tape: number[];
  /** The same by central differences, h = 1e-4 (the course's `numerical_gradient`). */
  numeric: number[];
  largestDifference: number;
}

export interface Analysis {
  /** The traced graph, every node that requires grad with its gradient. */
  graph: Graph;
  /** The loss E. */
  loss: number;
  /** The nodes in the order backward visits them, from E back to the parameters. */
  backward: GradientCheck[];
}

/**
 * Forward, the graph with every gradient, and each gradient checked by central differences.
 * @example
 *   const { graph, backward } = analyse(defaultValues());
 *   backward.map((c) => c.largestDifference); // all below 1e-8
 */
export function analyse(values: NetworkValues): Analysis {
  const env = forward(values);
  const loss = env[LOSS]!;
  const graph = traceGraph(loss, { gradients: true });
  const order = graph.nodes.filter((n) => n.requiresGrad).reverse();
  const tapes = gradients(loss, order.map((n) => env[n.label!]!));
  const backward = order.map((n, i): GradientCheck => {
    const tape = Array.from(tapes[i]!.data);
    const numeric = centralDifference(values, n.label!, env[n.label!]!);
    return {
      id: n.id, label: n.label!, op: n.op, shape: n.shape, rule: chainRule(graph, n),
      tape, numeric, largestDifference: Math.max(...tape.map((g, k) => Math.abs(g - numeric[k]!))),
    };
  });
  return { graph, loss: loss.item(), backward };
}

/** ∂E/∂(the tensor named `label`): the network re-run with that tensor nudged by ±h, element by element. */
function centralDifference(values: NetworkValues, label: string, at: Tensor): number[] {
  const point = noGrad(() => at.detach().clone());
  const rest = (v: Tensor): Tensor => forward(values, { label, value: v })[LOSS]!;
  return Array.from(numericalGradient(rest, point).data);
}

/** ∂E/∂(node) in words: one term per op that used the node, as backward adds them up. */
function chainRule(graph: Graph, node: GraphNode): string {
  if (node.id === graph.output) return `${partial(LOSS)} = 1 (backward starts here)`;
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const terms = graph.edges
    .filter((e) => e.from === node.id)
    .map((e) => {
      const user = byId.get(e.to)!;
      const inputs = graph.edges.filter((f) => f.to === e.to).sort((a, b) => a.index - b.index).map((f) => byId.get(f.from)!.label!);
      return localRule(user, e.index, inputs, partial(user.label!), node);
    });
  return `${partial(node.label!)} = ${terms.join(' + ')}`;
}

/** `∂E/∂u1`, `∂E/∂(d·log y)`. */
function partial(label: string): string {
  return /^[A-Za-z]\w*$/.test(label) ? `∂${LOSS}/∂${label}` : `∂${LOSS}/∂(${label})`;
}

/** The gradient rule of `user`'s op for its input number `index`, with upstream gradient `g`. */
function localRule(user: GraphNode, index: number, inputs: string[], g: string, input: GraphNode): string {
  const [a = '?', b = '?'] = inputs;
  const broadcast = input.shape.length < user.shape.length || input.shape.some((s, i) => s !== user.shape[i]);
  switch (user.op) {
    case 'add': return broadcast ? `(${g} summed over rows)` : g;
    case 'matmul': return index === 0 ? `${g} · ${b}ᵀ` : `${a}ᵀ · ${g}`;
    case 'relu': return `${g} ⊙ (${a} > 0)`;
    case 'softmax': return `${user.label} ⊙ (${g} − Σ ${g} ⊙ ${user.label})`;
    case 'log': return `${g} / ${a}`;
    case 'mul': return `${g} ⊙ ${index === 0 ? b : a}`;
    case 'sum': return `${g} (copied to every element)`;
    case 'neg': return `−${g}`;
    default: return `${user.op}′ · ${g}`;
  }
}
