/**
 * The tape as a picture. `traceGraph` walks the recorded graph back from an output
 * and returns it as plain, JSON-serialisable data; `toDot` (Graphviz) and `toMermaid`
 * render that data. Like micrograd's `draw_dot`, every node shows its value and gradient.
 */
import { gradients, isTensor } from '../tape/autograd.js';
import type { DType, TypedArray } from '../tape/dtype.js';
import { ArgumentError, AutogradError } from '../tape/errors.js';
import { formatTensor, setPrintOptions } from '../numpy/print.js';
import { fmt, show } from '../tape/messages.js';
import type { Tensor } from '../tape/tensor.js';
import { postOrder } from '../tape/traverse.js';

/** One tensor of the graph. */
export interface GraphNode {
  /** `t0`, `t1`, …: inputs before the ops that use them, the output last; the same on every trace of the same graph. */
  id: string;
  /**
   * The op that made the tensor (`matmul`, `add`, …) or, for a leaf, `'param'` when it
   * requires grad (backward fills its `.grad`) and `'input'` when it is a constant
   * (data, targets, a number used in an op, a tensor made under `noGrad` or detached).
   */
  op: string;
  /** The tensor's `name`, or null. */
  label: string | null;
  shape: number[];
  dtype: DType;
  /** The first elements as numpy prints them, then `…` when there are more: `[[1.2 2.5 3.8]]`. */
  value: string;
  /** The gradient in the same form, or null when there is none. */
  grad: string | null;
  requiresGrad: boolean;
}

/** `from` is the `index`-th input of the op that made `to`. */
export interface GraphEdge {
  from: string;
  to: string;
  index: number;
}

/** What `traceGraph` returns: plain data, safe to `JSON.stringify`. */
export interface Graph {
  nodes: GraphNode[];
  edges: GraphEdge[];
  /** The id of the traced output. */
  output: string;
}

export interface TraceOptions {
  /**
   * Show d(output)/d(node) for every node that requires grad, intermediates included,
   * computed with `gradients(…, { retainGraph: true })` without touching any `.grad`.
   * Needs a scalar output whose graph was not freed by a backward. Default false:
   * show each tensor's `.grad` where it has one (leaves after backward, `retainGrad` tensors).
   */
  gradients?: boolean;
  /** Elements shown in a preview before `…`. Default 6. */
  maxPreview?: number;
  /** Digits after the point in previews (numpy's `precision`). Default 4. */
  precision?: number;
}

/** Leaf kinds in `GraphNode.op`. */
const PARAM = 'param';
const INPUT = 'input';

/**
 * The graph recorded on the tape from `output` back to its leaves, as plain data.
 * Walks iteratively, so graphs of any depth work; after a backward the graph is still there.
 * @example
 *   const graph = traceGraph(loss, { gradients: true });
 *   graph.nodes.map((n) => `${n.label ?? n.op} ${n.value} ${n.grad}`);
 */
export function traceGraph(output: Tensor, options: TraceOptions = {}): Graph {
  if (!isTensor(output)) throw new ArgumentError(`traceGraph: output must be a Tensor, got ${show(output)}`);
  const { maxPreview, precision, withGradients } = checkTraceOptions(options);
  const tensors = postOrder(output, () => true);
  const ids = new Map<Tensor, string>(tensors.map((t, i) => [t, `t${i}`]));
  const grads = withGradients ? gradientsOfAll(output, tensors) : new Map(tensors.map((t) => [t, t.grad] as const));
  const preview = (t: Tensor | null | undefined): string | null =>
    t ? previewOf(t._data, t.shape, t.dtype, maxPreview) : null;
  const nodes = withPreviewOptions(precision, () =>
    tensors.map((t): GraphNode => ({
      id: ids.get(t)!,
      op: t.node?.op ?? (t.requiresGrad ? PARAM : INPUT),
      label: t.name ?? null,
      shape: [...t.shape],
      dtype: t.dtype,
      value: preview(t)!,
      grad: preview(grads.get(t)),
      requiresGrad: t.requiresGrad,
    })),
  );
  const edges = tensors.flatMap((t) =>
    (t.node?.inputs ?? []).map((x, index): GraphEdge => ({ from: ids.get(x)!, to: ids.get(t)!, index })),
  );
  return { nodes, edges, output: ids.get(output)! };
}

/**
 * Gives `tensor` a name, shown in graphs and messages, and returns it (same as `tensor.name = name`).
 * @example
 *   const u1 = named(x.matmul(W1).add(b1), 'u1');
 *   traceGraph(u1).nodes.at(-1)!.label; // 'u1'
 */
export function named<T extends Tensor>(tensor: T, name: string): T {
  if (!isTensor(tensor)) throw new ArgumentError(`named: expected a Tensor, got ${show(tensor)}`);
  if (typeof name !== 'string') throw new ArgumentError(`named: a name must be a string, got ${show(name)}`);
  tensor.name = name;
  return tensor;
}

/**
 * Names every tensor of `tensors` after its key and returns the same object.
 * @example
 *   const { W1, b1 } = nameTensors({ W1: randn([2, 3]), b1: zeros([3]) });
 *   W1.name; // 'W1'
 */
export function nameTensors<R extends Record<string, Tensor>>(tensors: R): R {
  if (typeof tensors !== 'object' || tensors === null) {
    throw new ArgumentError(`nameTensors: expected an object of tensors, got ${show(tensors)}`);
  }
  for (const [key, t] of Object.entries(tensors)) {
    if (!isTensor(t)) throw new ArgumentError(`nameTensors: '${key}' is not a Tensor (got ${show(t)})`);
    t.name = key;
  }
  return tensors;
}

// ---------------------------------------------------------------- tracing

/** d(output)/d(t) for every t that requires grad, leaving every `.grad` as it was. */
function gradientsOfAll(output: Tensor, tensors: readonly Tensor[]): Map<Tensor, Tensor> {
  if (!output.requiresGrad) {
    throw new AutogradError('traceGraph: { gradients: true } needs an output that requires grad; this one is a constant');
  }
  if (output.size !== 1) {
    throw new AutogradError(`traceGraph: { gradients: true } needs a scalar output, this one has shape ${fmt(output.shape)}`);
  }
  const freed = firstFreedOp(tensors);
  if (freed !== null) {
    throw new AutogradError(
      `traceGraph: { gradients: true } needs the graph, but a backward without { retainGraph: true } freed it ` +
        `(at '${freed}'); trace without gradients to show the .grad that backward left, ` +
        `or call backward with { retainGraph: true }`,
    );
  }
  const targets = tensors.filter((t) => t.requiresGrad);
  // gradients() returns the gradients without touching any .grad, so drawing changes nothing.
  const gs = gradients(output, targets, { retainGraph: true });
  return new Map(targets.map((t, i) => [t, gs[i]!]));
}

/** The op nearest the output whose rule a backward released, or null when the whole graph is there. */
function firstFreedOp(tensors: readonly Tensor[]): string | null {
  for (let i = tensors.length - 1; i >= 0; i--) {
    const node = tensors[i]!.node;
    if (node !== null && node.rule === null) return node.op;
  }
  return null;
}

function checkTraceOptions(options: TraceOptions): { maxPreview: number; precision: number; withGradients: boolean } {
  if (typeof options !== 'object' || options === null) {
    throw new ArgumentError(`traceGraph: options must be an object, got ${show(options)}`);
  }
  const { gradients: withGradients = false, maxPreview = 6, precision = 4 } = options;
  if (typeof withGradients !== 'boolean') {
    throw new ArgumentError(`traceGraph: gradients must be true or false, got ${show(withGradients)}`);
  }
  checkCount('maxPreview', maxPreview, 1);
  checkCount('precision', precision, 0);
  return { maxPreview, precision, withGradients };
}

function checkCount(name: string, v: unknown, min: number): asserts v is number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) {
    throw new ArgumentError(`traceGraph: ${name} must be an integer ≥ ${min}, got ${show(v)}`);
  }
}

// ---------------------------------------------------------------- previews

/** Runs `fn` with numpy's print options set for one-line previews, then puts the user's back. */
function withPreviewOptions<T>(precision: number, fn: () => T): T {
  const previous = setPrintOptions({ precision, threshold: Infinity, linewidth: Number.MAX_SAFE_INTEGER });
  try {
    return fn();
  } finally {
    setPrintOptions(previous);
  }
}

/**
 * The first `max` elements (row-major) as numpy prints them, in the tensor's brackets,
 * with `…` when some are left out: shape [2, 3] → `[[0.1 0.3 0.5] [0.2 …]]` for max 4.
 */
function previewOf(data: TypedArray, shape: readonly number[], dtype: DType, max: number): string {
  if (data.length === 0) return '[]';
  const shown = Math.min(max, data.length);
  // numpy formats the shown elements together (common notation and digits); its column padding goes.
  const words = formatTensor(data.slice(0, shown), [shown], dtype).slice(1, -1).trim().split(/\s+/);
  if (shape.length === 0) return words[0]!;
  let text = '['.repeat(shape.length) + words[0];
  for (let i = 1; i < shown; i++) {
    const closed = axesEndingBefore(i, shape);
    text += ']'.repeat(closed) + ' ' + '['.repeat(closed) + words[i];
  }
  if (shown < data.length) text += ' …';
  return text + ']'.repeat(shape.length);
}

/** How many innermost axes wrap around between flat element i - 1 and i. */
function axesEndingBefore(i: number, shape: readonly number[]): number {
  let count = 0;
  let block = 1;
  for (let axis = shape.length - 1; axis > 0; axis--) {
    block *= shape[axis]!;
    if (i % block !== 0) break;
    count++;
  }
  return count;
}

// ---------------------------------------------------------------- rendering

export interface DotOptions {
  /** Layout direction: left to right (default, as micrograd and the course's network diagrams) or top to bottom. */
  rankdir?: 'LR' | 'TB';
  /** The DOT graph's name. Default `tapegrad`. */
  name?: string;
}

/**
 * Graphviz DOT for a traced graph: one record per tensor, its fields stacked — name, op, shape,
 * data, grad — and edges from inputs to the ops that use them, numbered where an op has several.
 * NOTE: micrograd draws each op as a small ellipse between value nodes; here the op is a field
 * of the tensor it made instead. Tensor ops take ordered inputs (matmul(x, W) ≠ matmul(W, x)),
 * which the numbered edges show, and one box per tensor keeps the picture half the size and
 * one-to-one with `graph.nodes`. Parameters are filled blue, constants dashed, the output bold.
 * @example
 *   const dot = toDot(traceGraph(loss, { gradients: true }));
 *   // render: `dot -Tsvg`, or @viz-js/viz in the browser
 */
export function toDot(graph: Graph, options: DotOptions = {}): string {
  checkGraph('toDot', graph);
  const rankdir = options.rankdir ?? 'LR';
  if (rankdir !== 'LR' && rankdir !== 'TB') throw new ArgumentError(`toDot: rankdir must be 'LR' or 'TB', got ${show(rankdir)}`);
  const numbered = multiInputOps(graph);
  const lines = [
    `digraph ${dotId(options.name ?? 'tapegrad')} {`,
    `  graph [rankdir=${rankdir}, charset="UTF-8"];`,
    '  node [shape=record, fontname="Helvetica", fontsize=10];',
    '  edge [fontname="Helvetica", fontsize=9, color="#555555"];',
    ...graph.nodes.map((n) => `  ${dotId(n.id)} [label="${recordLabel(nodeFields(n), rankdir)}"${dotStyle(n, graph)}];`),
    ...graph.edges.map((e) => `  ${dotId(e.from)} -> ${dotId(e.to)}${numbered.has(e.to) ? ` [label="${e.index}"]` : ''};`),
    '}',
  ];
  return lines.join('\n') + '\n';
}

/**
 * Mermaid flowchart text for a traced graph (for Markdown that renders Mermaid, e.g. GitHub):
 * the same fields as `toDot`, one per line.
 * @example
 *   const md = '```mermaid\n' + toMermaid(traceGraph(loss)) + '```';
 *   // paste into a README or an issue
 */
export function toMermaid(graph: Graph): string {
  checkGraph('toMermaid', graph);
  const numbered = multiInputOps(graph);
  const byOp = (op: string): string[] => graph.nodes.filter((n) => n.op === op).map((n) => n.id);
  const classes: [string, string[]][] = [[PARAM, byOp(PARAM)], [INPUT, byOp(INPUT)], ['output', [graph.output]]];
  const lines = [
    'flowchart LR',
    ...graph.nodes.map((n) => `  ${n.id}["${nodeFields(n).map(escapeMermaid).join('<br/>')}"]`),
    ...graph.edges.map((e) => `  ${e.from} -->${numbered.has(e.to) ? `|${e.index}|` : ''} ${e.to}`),
    '  classDef param fill:#dbeafe,stroke:#1d4ed8',
    '  classDef input stroke-dasharray:4 3',
    '  classDef output stroke-width:3px',
    ...classes.filter(([, ids]) => ids.length > 0).map(([name, ids]) => `  class ${ids.join(',')} ${name}`),
  ];
  return lines.join('\n') + '\n';
}

/** The text of a node's box, field by field: name, op, shape (dtype unless float64), data, grad. */
function nodeFields(n: GraphNode): string[] {
  const shape = n.shape.length === 1 ? `(${n.shape[0]},)` : `(${n.shape.join(', ')})`;
  const fields = n.label === null ? [] : [n.label];
  fields.push(n.op, n.dtype === 'float64' ? shape : `${shape} ${n.dtype}`, `data ${n.value}`);
  if (n.grad !== null) fields.push(`grad ${n.grad}`);
  return fields;
}

/** The fields stacked top to bottom: a record flips its fields' direction with rankdir, braces flip them back. */
function recordLabel(fields: string[], rankdir: 'LR' | 'TB'): string {
  const text = fields.map(escapeRecordField).join(' | ');
  return rankdir === 'LR' ? text : `{ ${text} }`;
}

function dotStyle(n: GraphNode, graph: Graph): string {
  const styles = n.op === PARAM ? ', style=filled, fillcolor="#dbeafe"' : n.op === INPUT ? ', style=dashed' : '';
  return n.id === graph.output ? `${styles}, penwidth=2` : styles;
}

/** Ids of the ops with more than one input: their edges carry the input's position. */
function multiInputOps(graph: Graph): Set<string> {
  return new Set(graph.edges.filter((e) => e.index > 0).map((e) => e.to));
}

/** Our ids are DOT identifiers already; anything else (a user's graph name) is quoted. */
function dotId(id: string): string {
  return /^[A-Za-z_][A-Za-z_0-9]*$/.test(id) ? id : `"${id.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\r\n|\r|\n/g, ' ')}"`;
}

/**
 * Text for one field of a record label inside a quoted DOT string. Graphviz reads `\\` as a
 * backslash, a backslash before `{ } | < >` (and `"`) as that character, `&…;` as an HTML
 * entity (so `&` is written `&amp;`), and `\n` as a line break.
 */
function escapeRecordField(text: string): string {
  if (!/[\\&{}|<>"\r\n\t]/.test(text)) return text; // the common case: previews, op names
  return text
    .replace(/\\/g, '\\\\')
    .replace(/&/g, '&amp;')
    .replace(/[{}|<>"]/g, (c) => '\\' + c)
    .replace(/\r\n|\r|\n/g, '\\n')
    .replace(/\t/g, ' ');
}

/**
 * Text inside a quoted Mermaid label. Mermaid's entity codes (`#quot;`, `#35;`) stand for
 * characters its grammar or HTML labels would take as syntax; newlines become `<br/>`.
 */
function escapeMermaid(text: string): string {
  const codes: Record<string, string> = { '#': '#35;', '"': '#quot;', '&': '#amp;', '<': '#lt;', '>': '#gt;', '`': '#96;' };
  return text.replace(/[#"&<>`]/g, (c) => codes[c]!).replace(/\r\n|\r|\n/g, '<br/>');
}

function checkGraph(op: string, graph: Graph): void {
  if (typeof graph !== 'object' || graph === null || !Array.isArray(graph.nodes) || !Array.isArray(graph.edges)) {
    throw new ArgumentError(`${op}: expected a graph from traceGraph ({ nodes, edges, output }), got ${show(graph)}`);
  }
}
