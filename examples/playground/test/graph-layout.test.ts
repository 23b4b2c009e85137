import { describe, expect, it } from 'vitest';
import { analyse, defaultValues } from '../src/network.js';
import { boxLines, columns, layoutGraph, previewRows, type Box } from '../src/graph-layout.js';

const { graph } = analyse(defaultValues());
const label = (id: string) => graph.nodes.find((n) => n.id === id)!.label!;
const overlap = (a: Box, b: Box) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

describe('the graph\'s layout', () => {
  it('puts each op one column right of its deepest input, each leaf just left of its user', () => {
    const depth = new Map([...columns(graph)].map(([id, c]) => [label(id), c]));
    expect(Object.fromEntries(depth)).toEqual({
      d: 7, x: 0, W1: 0, 'x·W1': 1, b1: 1, u1: 2, z1: 3, W2: 3, 'z1·W2': 4, b2: 4, u2: 5, y: 6, 'log y': 7, 'd·log y': 8, 'Σ d·log y': 9, E: 10,
    });
  });

  it.each([600, 1180, 4000])('fits %i px in bands of boxes that do not overlap, inputs before their ops', (maxWidth) => {
    const { boxes, width, height } = layoutGraph(graph, maxWidth);
    const all = [...boxes.values()];
    expect(all).toHaveLength(16);
    expect(width).toBeLessThanOrEqual(Math.max(maxWidth, Math.max(...all.map((b) => b.width)) + 24));
    for (const b of all) expect(b.y + b.height).toBeLessThanOrEqual(height);
    for (const [i, a] of all.entries()) for (const b of all.slice(i + 1)) expect(overlap(a, b), `${a.node.label} / ${b.node.label}`).toBe(false);
    for (const e of graph.edges) {
      const [from, to] = [boxes.get(e.from)!, boxes.get(e.to)!];
      expect(from.band < to.band || (from.band === to.band && from.x + from.width < to.x)).toBe(true);
    }
  });

  it('draws one band when the width allows, several when it does not', () => {
    expect(new Set([...layoutGraph(graph, 4000).boxes.values()].map((b) => b.band)).size).toBe(1);
    expect(new Set([...layoutGraph(graph, 1180).boxes.values()].map((b) => b.band)).size).toBeGreaterThan(1);
  });

  it('splits a matrix preview into rows and keeps a slot for the gradient', () => {
    expect(previewRows('[[0.1 0.3 0.5] [0.2 0.4 0.6]]')).toEqual(['[[0.1 0.3 0.5]', ' [0.2 0.4 0.6]]']);
    expect(previewRows('0.0911')).toEqual(['0.0911']);
    const W1 = graph.nodes.find((n) => n.label === 'W1')!;
    expect(boxLines(W1).map((l) => l.text)).toEqual([
      'W1', 'param (2, 3)', 'data [[0.1 0.3 0.5]', '      [0.2 0.4 0.6]]', 'grad [[-0.0261 -0.0261 -0.0261]', '      [-0.1306 -0.1306 -0.1306]]',
    ]);
    const x = graph.nodes.find((n) => n.label === 'x')!;
    expect(boxLines(x).map((l) => l.kind)).toEqual(['title', 'meta', 'value']); // a constant has no gradient
  });
});
