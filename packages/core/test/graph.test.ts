// @vitest-environment jsdom
// NOTE: jsdom gives Mermaid the DOM its sanitiser (DOMPurify) needs in Node; nothing in core uses it.
import { instance as vizInstance } from '@viz-js/viz';
import mermaid from 'mermaid';
import { describe, expect, it } from 'vitest';
import {
  ArgumentError, AutogradError, getPrintOptions, gradients, named, nameTensors, tensor, Tensor, toDot, toMermaid,
  traceGraph, type Graph,
} from '../src/index.js';

/** The course's 2-3-2 network (backprop notebook) with a cross-entropy loss written in core ops. */
function network() {
  const { W1, W2, b1, b2 } = nameTensors({
    W1: tensor([[0.1, 0.3, 0.5], [0.2, 0.4, 0.6]], { requiresGrad: true }),
    W2: tensor([[0.1, 0.4], [0.2, 0.5], [0.3, 0.6]], { requiresGrad: true }),
    b1: tensor([0.1, 0.2, 0.3], { requiresGrad: true }),
    b2: tensor([0.1, 0.2], { requiresGrad: true }),
  });
  const { x, d } = nameTensors({ x: tensor([[1, 5]]), d: tensor([[0, 1]]) });
  const u1 = named(x.matmul(W1).add(b1), 'u1');
  const z1 = named(u1.relu(), 'z1');
  const u2 = named(z1.matmul(W2).add(b2), 'u2');
  const y = named(u2.softmax(), 'y');
  const loss = named(d.mul(y.log()).sum().neg(), 'loss');
  return { W1, W2, b1, b2, x, d, u1, z1, u2, y, loss };
}

/*
 * Values and gradients from numpy, printed with precision 4 (numpy's column padding removed):
 *   np.set_printoptions(precision=4); one = lambda v: ' '.join(str(np.asarray(v)).split())
 *   u1 = x@W1+b1; z1 = np.maximum(u1, 0); u2 = z1@W2+b2; y = np.exp(u2)/np.exp(u2).sum(1, keepdims=True)
 *   ly = np.log(y); p = d*ly; s = p.sum(); loss = -s
 *   g_u2 = y-d; g_y = -d/y; g_W2 = z1.T@g_u2; g_z1 = g_u2@W2.T; g_u1 = g_z1*(u1>0); g_W1 = x.T@g_u1
 */
const NETWORK_NODES = [
  // id, op, label, shape, value, grad (d loss / d node)
  ['t0', 'input', 'd', [1, 2], '[[0. 1.]]', null],
  ['t1', 'input', 'x', [1, 2], '[[1. 5.]]', null],
  ['t2', 'param', 'W1', [2, 3], '[[0.1 0.3 0.5] [0.2 0.4 0.6]]', '[[-0.0261 -0.0261 -0.0261] [-0.1306 -0.1306 -0.1306]]'],
  ['t3', 'matmul', null, [1, 3], '[[1.1 2.3 3.5]]', '[[-0.0261 -0.0261 -0.0261]]'],
  ['t4', 'param', 'b1', [3], '[0.1 0.2 0.3]', '[-0.0261 -0.0261 -0.0261]'],
  ['t5', 'add', 'u1', [1, 3], '[[1.2 2.5 3.8]]', '[[-0.0261 -0.0261 -0.0261]]'],
  ['t6', 'relu', 'z1', [1, 3], '[[1.2 2.5 3.8]]', '[[-0.0261 -0.0261 -0.0261]]'],
  ['t7', 'param', 'W2', [3, 2], '[[0.1 0.4] [0.2 0.5] [0.3 0.6]]', '[[0.1045 -0.1045] [0.2177 -0.2177] [0.3308 -0.3308]]'],
  ['t8', 'matmul', null, [1, 2], '[[1.76 4.01]]', '[[0.0871 -0.0871]]'],
  ['t9', 'param', 'b2', [2], '[0.1 0.2]', '[0.0871 -0.0871]'],
  ['t10', 'add', 'u2', [1, 2], '[[1.86 4.21]]', '[[0.0871 -0.0871]]'],
  ['t11', 'softmax', 'y', [1, 2], '[[0.0871 0.9129]]', '[[-0. -1.0954]]'],
  ['t12', 'log', null, [1, 2], '[[-2.4411 -0.0911]]', '[[-0. -1.]]'],
  ['t13', 'mul', null, [1, 2], '[[-0. -0.0911]]', '[[-1. -1.]]'],
  ['t14', 'sum', null, [], '-0.0911', '-1.'],
  ['t15', 'neg', 'loss', [], '0.0911', '1.'],
] as const;

const NETWORK_EDGES = [
  't1->t3:0', 't2->t3:1', 't3->t5:0', 't4->t5:1', 't5->t6:0', 't6->t8:0', 't7->t8:1', 't8->t10:0', 't9->t10:1',
  't10->t11:0', 't11->t12:0', 't0->t13:0', 't12->t13:1', 't13->t14:0', 't14->t15:0',
];

const rows = (graph: Graph) => graph.nodes.map((n) => [n.id, n.op, n.label, n.shape, n.value, n.grad]);
const edgeList = (graph: Graph) => graph.edges.map((e) => `${e.from}->${e.to}:${e.index}`);
const byLabel = (graph: Graph, label: string) => graph.nodes.find((n) => n.label === label)!;

describe('traceGraph on the 2-3-2 network', () => {
  it('gives every tensor once, inputs first, with its op, name, shape, value and d(loss)/d(node)', () => {
    const graph = traceGraph(network().loss, { gradients: true });
    expect(rows(graph)).toEqual(NETWORK_NODES);
    expect(edgeList(graph)).toEqual(NETWORK_EDGES);
    expect(graph.output).toBe('t15');
    expect(graph.nodes.every((n) => n.dtype === 'float64' && n.requiresGrad === (n.op !== 'input'))).toBe(true);
  });

  it('is plain data: it survives JSON and tracing twice gives the same graph', () => {
    const { loss } = network();
    const graph = traceGraph(loss, { gradients: true });
    expect(JSON.parse(JSON.stringify(graph))).toEqual(graph);
    expect(traceGraph(loss, { gradients: true })).toEqual(graph);
  });

  it("shows the same gradients as the tape's backward, and leaves every .grad as it was", () => {
    const net = network();
    net.u1.retainGrad();
    const traced = traceGraph(net.loss, { gradients: true });
    expect([net.W1, net.b1, net.u1].map((t) => t.grad)).toEqual([null, null, null]);

    for (const t of [net.u1, net.z1, net.u2, net.y]) t.retainGrad();
    net.loss.backward();
    const afterBackward = traceGraph(net.loss); // .grad of leaves and retainGrad tensors
    const tensorsWithGrad = traced.nodes.filter((n) => n.op === 'param' || ['u1', 'z1', 'u2', 'y'].includes(n.label!));
    for (const n of tensorsWithGrad) expect(afterBackward.nodes.find((m) => m.id === n.id)!.grad).toBe(n.grad);
    // The .grad traced above is itself the tape's number: W2's, and u1's after one backward (not two).
    expect(Array.from(net.W2.grad!.data).map((v) => v.toFixed(4))).toEqual(['0.1045', '-0.1045', '0.2177', '-0.2177', '0.3308', '-0.3308']);
    expect(Array.from(net.u1.grad!.data).map((v) => v.toFixed(4))).toEqual(['-0.0261', '-0.0261', '-0.0261']);
  });
});

describe('traceGraph', () => {
  /*
   * numpy: x = np.array([0.5, -1.5]); h = np.tanh(x); out = (h*h + np.exp(h)).sum()
   *   g_h = 2*h + np.exp(h); g_x = g_h*(1 - h*h)  (precision 4, padding removed)
   */
  it('draws a diamond (a tensor used twice, once by the same op) once, with one edge per use', () => {
    const x = named(tensor([0.5, -1.5], { requiresGrad: true }), 'x');
    const h = named(x.tanh(), 'h');
    const out = h.mul(h).add(h.exp()).sum();
    const graph = traceGraph(out, { gradients: true });
    expect(rows(graph)).toEqual([
      ['t0', 'param', 'x', [2], '[0.5 -1.5]', '[1.9753 -0.254]'],
      ['t1', 'tanh', 'h', [2], '[0.4621 -0.9051]', '[2.5117 -1.4058]'],
      ['t2', 'mul', null, [2], '[0.2136 0.8193]', '[1. 1.]'],
      ['t3', 'exp', null, [2], '[1.5874 0.4045]', '[1. 1.]'],
      ['t4', 'add', null, [2], '[1.801 1.2238]', '[1. 1.]'],
      ['t5', 'sum', null, [], '3.0248', '1.'],
    ]);
    expect(edgeList(graph)).toEqual(['t0->t1:0', 't1->t2:0', 't1->t2:1', 't1->t3:0', 't2->t4:0', 't3->t4:1', 't4->t5:0']);
    const [gx] = gradients(out, [x], { retainGraph: true });
    expect(Array.from(gx!.data).map((v) => v.toFixed(4))).toEqual(['1.9753', '-0.2540']);
  });

  it('still draws the graph after a backward freed it, with the .grad that backward left', () => {
    const net = network();
    net.loss.backward();
    const graph = traceGraph(net.loss);
    expect(rows(graph).map((r) => r.slice(0, 5))).toEqual(NETWORK_NODES.map((r) => r.slice(0, 5)));
    expect(edgeList(graph)).toEqual(NETWORK_EDGES);
    // Leaves that require grad have .grad; intermediates (no retainGrad) and constants have none.
    const expected = NETWORK_NODES.map(([, op, , , , g]) => (op === 'param' ? g : null));
    expect(graph.nodes.map((n) => n.grad)).toEqual(expected);
    expect(() => traceGraph(net.loss, { gradients: true })).toThrow(AutogradError);
    expect(() => traceGraph(net.loss, { gradients: true })).toThrow(/freed it \(at 'neg'\).*retainGraph/);
  });

  it('computes gradients after a backward that kept the graph', () => {
    const net = network();
    net.loss.backward(undefined, { retainGraph: true });
    expect(rows(traceGraph(net.loss, { gradients: true }))).toEqual(NETWORK_NODES);
  });

  it('walks a chain of 100,000 ops without recursion', () => {
    const x = tensor([2], { requiresGrad: true });
    let t = x;
    for (let i = 0; i < 100_000; i++) t = t.neg();
    t.sum().backward();
    const graph = traceGraph(t);
    expect(graph.nodes).toHaveLength(100_001);
    expect(graph.edges).toHaveLength(100_000);
    expect(graph.nodes[0]).toEqual({
      id: 't0', op: 'param', label: null, shape: [1], dtype: 'float64', value: '[2.]', grad: '[1.]', requiresGrad: true,
    });
    expect(graph.nodes[99_999]).toMatchObject({ op: 'neg', value: '[-2.]', grad: null });
    expect(graph.edges[99_999]).toEqual({ from: 't99999', to: 't100000', index: 0 });
    // 100,001 value previews take ~4.5 s alone; a shared 2-core CI machine needs room (a time limit, not a tolerance).
  }, 30_000);

  it('previews the first elements in the tensor’s brackets, then …', () => {
    const big = tensor(Array.from({ length: 24 }, (_, i) => i / 4), { shape: [2, 3, 4] });
    expect(traceGraph(big).nodes[0]!.value).toBe('[[[0. 0.25 0.5 0.75] [1. 1.25 …]]]');
    expect(traceGraph(big, { maxPreview: 5 }).nodes[0]!.value).toBe('[[[0. 0.25 0.5 0.75] [1. …]]]');
    expect(traceGraph(big, { maxPreview: 24 }).nodes[0]!.value).toBe(
      '[[[0. 0.25 0.5 0.75] [1. 1.25 1.5 1.75] [2. 2.25 2.5 2.75]] [[3. 3.25 3.5 3.75] [4. 4.25 4.5 4.75] [5. 5.25 5.5 5.75]]]',
    );
    expect(traceGraph(tensor([1 / 3, 2 / 3]), { precision: 2 }).nodes[0]!.value).toBe('[0.33 0.67]');
    expect(traceGraph(tensor([1e-7, 1, NaN, -Infinity])).nodes[0]!.value).toBe('[1.e-07 1.e+00 nan -inf]');
    expect(traceGraph(tensor([[7, -8]], { dtype: 'int32' })).nodes[0]!.value).toBe('[[7 -8]]');
    expect(traceGraph(tensor([0.1], { dtype: 'float32' })).nodes[0]).toMatchObject({ dtype: 'float32', value: '[0.1]' });
    expect(traceGraph(tensor(1 / 3)).nodes[0]!.value).toBe('0.3333');
    expect(traceGraph(tensor([], { shape: [2, 0] })).nodes[0]).toMatchObject({ shape: [2, 0], value: '[]' });
  });

  it('leaves the print options as they were', () => {
    const before = getPrintOptions();
    traceGraph(tensor([1 / 3]), { precision: 2, maxPreview: 1 });
    expect(getPrintOptions()).toEqual(before);
  });

  it('names tensors with named and nameTensors, any text included', () => {
    const a = named(tensor([1, 2]), '総入力');
    expect(a.name).toBe('総入力');
    const named2 = nameTensors({ u: tensor(1), v: tensor(2) });
    expect([named2.u.name, named2.v.name]).toEqual(['u', 'v']);
    expect(traceGraph(a.requiresGrad_().mul(2)).nodes.map((n) => n.label)).toEqual(['総入力', null, null]);
  });

  it('rejects what it cannot trace, naming the function', () => {
    const net = network();
    expect(() => traceGraph([1, 2] as unknown as Tensor)).toThrow(new ArgumentError('traceGraph: output must be a Tensor, got [1,2]'));
    expect(() => traceGraph(net.loss, { maxPreview: 0 })).toThrow(/traceGraph: maxPreview must be an integer ≥ 1, got 0/);
    expect(() => traceGraph(net.loss, { precision: 1.5 })).toThrow(ArgumentError);
    expect(() => traceGraph(net.loss, { gradients: 'yes' as unknown as boolean })).toThrow(/gradients must be true or false/);
    expect(() => traceGraph(net.y, { gradients: true })).toThrow(new AutogradError('traceGraph: { gradients: true } needs a scalar output, this one has shape [1,2]'));
    expect(() => traceGraph(net.x, { gradients: true })).toThrow(/needs an output that requires grad/);
    expect(() => named(net.x, 3 as unknown as string)).toThrow(/named: a name must be a string, got 3/);
    expect(() => nameTensors({ a: 1 } as unknown as Record<string, Tensor>)).toThrow(/nameTensors: 'a' is not a Tensor/);
    expect(() => toDot({} as Graph)).toThrow(/toDot: expected a graph from traceGraph/);
    expect(() => toDot(traceGraph(net.loss), { rankdir: 'RL' as 'LR' })).toThrow(/rankdir must be 'LR' or 'TB'/);
    expect(() => toMermaid(null as unknown as Graph)).toThrow(ArgumentError);
  });
});

// ---------------------------------------------------------------- rendering, checked by the real tools

/** A name that needs every escape: quotes, brackets, braces, bars, angle brackets, entities of both tools, `, \, a newline, Japanese. */
const AWKWARD = 'a "q" [b] {c} | <d> & &lt; #lt; `f` \\g\n総入力';

function awkwardGraph(): Graph {
  const x = named(tensor([1, 2], { requiresGrad: true }), AWKWARD);
  return traceGraph(named(x.mul(x).sum(), 'end'), { gradients: true });
}

/** Graphviz itself (compiled to wasm) lays the DOT out as SVG; its errors are the DOT parser's. */
async function renderDot(dot: string): Promise<{ nodes: Map<string, string[]>; edges: number }> {
  const viz = await vizInstance();
  const result = viz.render(dot, { format: 'svg' });
  expect(result.errors.filter((e) => e.level === 'error')).toEqual([]);
  expect(result.status).toBe('success');
  const svg = new DOMParser().parseFromString(result.output!, 'image/svg+xml');
  // Each node's <title> is its DOT id; its <text>s are the lines Graphviz drew, in order.
  const nodes = new Map([...svg.querySelectorAll('g.node')].map((g) => [
    g.querySelector('title')!.textContent!,
    [...g.querySelectorAll('text')].map((t) => t.textContent!),
  ]));
  return { nodes, edges: svg.querySelectorAll('g.edge').length };
}

describe('toDot', () => {
  it('renders the network with Graphviz: one box per tensor, one arrow per edge, numbered where an op has several inputs', async () => {
    const graph = traceGraph(network().loss, { gradients: true });
    const dot = toDot(graph);
    const { nodes, edges } = await renderDot(dot);
    expect([...nodes.keys()].sort()).toEqual(graph.nodes.map((n) => n.id).sort());
    expect(edges).toBe(graph.edges.length);
    expect(nodes.get('t5')).toEqual(['u1', 'add', '(1, 3)', 'data [[1.2 2.5 3.8]]', 'grad [[-0.0261 -0.0261 -0.0261]]']);
    expect(nodes.get('t1')).toEqual(['x', 'input', '(1, 2)', 'data [[1. 5.]]']);
    expect(dot).toContain('t1 -> t3 [label="0"];\n  t2 -> t3 [label="1"];\n');
    expect(dot).toContain('t5 -> t6;\n');
    expect(dot).toContain('t2 [label="W1 | param | (2, 3) | data [[0.1 0.3 0.5] [0.2 0.4 0.6]] | grad [[-0.0261 -0.0261 -0.0261] [-0.1306 -0.1306 -0.1306]]", style=filled, fillcolor="#dbeafe"];');
  });

  it('escapes labels so that Graphviz shows them as written', async () => {
    const graph = awkwardGraph();
    const dot = toDot(graph, { rankdir: 'TB', name: 'my "graph"' });
    expect(dot).toMatch(/^digraph "my \\"graph\\"" \{\n  graph \[rankdir=TB/);
    expect(dot).toContain('t2 [label="{ end | sum | () | data 5. | grad 1. }", penwidth=2];');
    const { nodes, edges } = await renderDot(dot);
    expect(edges).toBe(3);
    // Graphviz breaks the label at the newline; the rest shows character for character.
    expect(nodes.get('t0')).toEqual(['a "q" [b] {c} | <d> & &lt; #lt; `f` \\g', '総入力', 'param', '(2,)', 'data [1. 2.]', 'grad [2. 4.]']);
    expect(nodes.get('t2')).toEqual(['end', 'sum', '()', 'data 5.', 'grad 1.']);
  });

  it('renders float32 and a lone constant', async () => {
    const { nodes, edges } = await renderDot(toDot(traceGraph(tensor([1.5], { dtype: 'float32' }))));
    expect([...nodes]).toEqual([['t0', ['input', '(1,) float32', 'data [1.5]']]]);
    expect(edges).toBe(0);
  });
});

/** Mermaid keeps `#name;` codes as placeholders until it draws; this is its own decoding (decodeEntities). */
const decodeMermaid = (text: string): string => {
  const div = document.createElement('div');
  div.innerHTML = text.replace(/ﬂ°°/g, '&#').replace(/ﬂ°/g, '&').replace(/¶ß/g, ';').replace(/<br\s*\/?>/g, '\n');
  return div.textContent!;
};

/** Mermaid's own flowchart parser: what it read, node by node and edge by edge. */
async function parseMermaid(text: string): Promise<{ labels: Map<string, string>; edges: { start: string; end: string; text: string }[] }> {
  expect(await mermaid.parse(text)).toMatchObject({ diagramType: 'flowchart-v2' });
  const diagram = await mermaid.mermaidAPI.getDiagramFromText(text);
  const db = diagram.db as unknown as {
    getVertices(): Map<string, { text: string }>;
    getEdges(): { start: string; end: string; text: string }[];
  };
  const labels = new Map([...db.getVertices()].map(([id, v]) => [id, decodeMermaid(v.text)]));
  return { labels, edges: db.getEdges() };
}

describe('toMermaid', () => {
  it('parses as a Mermaid flowchart with one node per tensor and one edge per input', async () => {
    const graph = traceGraph(network().loss, { gradients: true });
    const { labels, edges } = await parseMermaid(toMermaid(graph));
    expect([...labels.keys()]).toEqual(graph.nodes.map((n) => n.id));
    expect(labels.get('t5')).toBe('u1\nadd\n(1, 3)\ndata [[1.2 2.5 3.8]]\ngrad [[-0.0261 -0.0261 -0.0261]]');
    // Edges into an op of one input carry no number.
    expect(edges.map((e) => `${e.start}->${e.end}:${e.text}`)).toEqual([
      't1->t3:0', 't2->t3:1', 't3->t5:0', 't4->t5:1', 't5->t6:', 't6->t8:0', 't7->t8:1', 't8->t10:0', 't9->t10:1',
      't10->t11:', 't11->t12:', 't0->t13:0', 't12->t13:1', 't13->t14:', 't14->t15:',
    ]);
  });

  it('escapes labels so that Mermaid reads them as written', async () => {
    const text = toMermaid(awkwardGraph());
    const { labels, edges } = await parseMermaid(text);
    expect(labels.get('t0')).toBe(`${AWKWARD}\nparam\n(2,)\ndata [1. 2.]\ngrad [2. 4.]`);
    expect(labels.get('t2')).toBe('end\nsum\n()\ndata 5.\ngrad 1.');
    expect(edges).toHaveLength(3);
    expect(text).toContain('  class t0 param\n  class t2 output\n');
  });
});
