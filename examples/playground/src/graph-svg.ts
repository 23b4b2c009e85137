/**
 * A traced graph (`traceGraph`) drawn as SVG: a box per tensor with its name, op, shape, data
 * and gradient, edges from inputs to the ops that used them, numbered where an op has several
 * (as `toDot` draws them). Parameters are blue, constants dashed, the output bold.
 */
import type { Graph, GraphEdge, GraphNode } from '@tapegrad/core';
import { svgEl } from './dom.js';
import { METRICS, layoutGraph, type Box, type Layout } from './graph-layout.js';

export interface DrawOptions {
  /** Bands wrap at this width (px). */
  maxWidth: number;
  /** Whether a node's gradient is shown yet (the step-through reveals them one by one). */
  showGradient: (node: GraphNode) => boolean;
  /** The node backward is at, outlined; null for none. */
  current: string | null;
  /** The box's `data-testid`. */
  testId: (node: GraphNode) => string;
}

function nodeClass(n: GraphNode, graph: Graph, current: string | null): string {
  const kind = n.op === 'param' ? 'param' : n.op === 'input' ? 'input' : 'op';
  return ['node', kind, n.id === graph.output ? 'output' : '', n.id === current ? 'current' : ''].filter(Boolean).join(' ');
}

function drawBox(box: Box, graph: Graph, options: DrawOptions): SVGGElement {
  const n = box.node;
  const shown = n.grad !== null && options.showGradient(n);
  const { line, pad } = METRICS;
  const texts = box.lines.map((l, i) => {
    const hidden = l.kind === 'grad' && !shown;
    // Before backward reaches the node its gradient slot says so; the box keeps its size.
    const text = hidden ? (l.text.startsWith('grad') ? 'grad ?' : '') : l.text;
    return svgEl('text', {
      x: box.x + pad, y: box.y + pad + (i + 0.8) * line, class: `line ${l.kind}${hidden ? ' pending' : ''}`,
      'data-testid': l.kind === 'value' && l.text.startsWith('data') ? 'node-value' : l.kind === 'grad' && l.text.startsWith('grad') ? 'node-grad' : undefined,
    }, text);
  });
  return svgEl('g', {
    class: nodeClass(n, graph, options.current),
    'data-testid': options.testId(n),
    'data-id': n.id,
    'data-value': n.value,
    'data-grad': shown ? n.grad! : '',
  },
  svgEl('title', {}, `${n.label ?? n.op}: ${n.op} (${n.shape.join(', ')}) ${n.dtype}\ndata ${n.value}${shown ? `\ngrad ${n.grad}` : ''}`),
  svgEl('rect', { x: box.x, y: box.y, width: box.width, height: box.height, rx: 5 }),
  ...texts);
}

/** Where an edge enters its op: the inputs spread down the box's left side in order. */
function entry(to: Box, index: number, count: number): [number, number] {
  return [to.x, to.y + (to.height * (index + 1)) / (count + 1)];
}

function edgePath(from: Box, to: Box, [ex, ey]: [number, number], layout: Layout): string {
  const [sx, sy] = [from.x + from.width, from.y + Math.min(from.height / 2, 3 * METRICS.line)];
  if (from.band === to.band) {
    const bend = Math.max(18, (ex - sx) / 2);
    return `M${sx},${sy} C${sx + bend},${sy} ${ex - bend},${ey} ${ex},${ey}`;
  }
  // Into the next band: down the gap below this band, back to the left, then into the op.
  const gapY = layout.bandBottoms[from.band]! + METRICS.bandGap / 2;
  return `M${sx},${sy} H${sx + 14} V${gapY} H${ex - 16} V${ey} H${ex}`;
}

function drawEdge(e: GraphEdge, count: number, layout: Layout): SVGGElement {
  const [from, to] = [layout.boxes.get(e.from)!, layout.boxes.get(e.to)!];
  const [ex, ey] = entry(to, e.index, count);
  const path = svgEl('path', { d: edgePath(from, to, [ex, ey], layout), 'marker-end': 'url(#arrow)' });
  const label = count > 1 ? svgEl('text', { x: ex - 12, y: ey - 4, class: 'edge-index' }, String(e.index)) : null;
  return svgEl('g', { class: 'edge', 'data-from': e.from, 'data-to': e.to }, path, label);
}

/**
 * The graph as an SVG element, sized to its layout.
 * @example
 *   container.replaceChildren(drawGraph(traceGraph(loss, { gradients: true }), options));
 */
export function drawGraph(graph: Graph, options: DrawOptions): SVGSVGElement {
  const layout = layoutGraph(graph, options.maxWidth);
  const inputCount = new Map<string, number>();
  for (const e of graph.edges) inputCount.set(e.to, (inputCount.get(e.to) ?? 0) + 1);
  const arrow = svgEl('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 10, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' },
    svgEl('path', { d: 'M0,0 L10,5 L0,10 z' }));
  return svgEl('svg', {
    class: 'graph', width: layout.width, height: layout.height, viewBox: `0 0 ${layout.width} ${layout.height}`,
    role: 'img', 'aria-label': 'computational graph of the 2-3-2 network',
  },
  svgEl('defs', {}, arrow),
  ...graph.edges.map((e) => drawEdge(e, inputCount.get(e.to)!, layout)),
  ...graph.nodes.map((n) => drawBox(layout.boxes.get(n.id)!, graph, options)));
}
