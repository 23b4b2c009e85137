/**
 * Where each box of a traced graph goes: one column per depth (an op one step right of its
 * deepest input, a leaf just left of its first user), columns wrapped into bands to fit the
 * width, like lines of text. Pure: the page draws it (graph-svg.ts), the tests measure it.
 */
import type { Graph, GraphNode } from '@tapegrad/core';

/** Monospace metrics of the drawing (px): 12 px text is ~7.25 px per character. */
export const METRICS = { char: 7.25, line: 15, pad: 7, columnGap: 46, rowGap: 14, bandGap: 44, margin: 12 } as const;

export type LineKind = 'title' | 'meta' | 'value' | 'grad';
export interface Line {
  kind: LineKind;
  text: string;
}

export interface Box {
  node: GraphNode;
  /** Top-left corner and size, px. */
  x: number;
  y: number;
  width: number;
  height: number;
  band: number;
  lines: Line[];
}

export interface Layout {
  boxes: Map<string, Box>;
  width: number;
  height: number;
  /** The y where each band ends (edges between bands run in the gap below). */
  bandBottoms: number[];
}

/** `[[0.1 0.3] [0.2 0.4]]` → `[[0.1 0.3]`, ` [0.2 0.4]]`: a matrix preview row by row. */
export function previewRows(preview: string): string[] {
  return preview.split('] [').map((row, i, all) => (i > 0 ? ' [' : '') + row + (i < all.length - 1 ? ']' : ''));
}

/** A field (`data`, `grad`) over as many lines as its preview has rows. */
function field(kind: 'value' | 'grad', name: string, preview: string): Line[] {
  return previewRows(preview).map((row, i) => ({ kind, text: `${i === 0 ? name : ' '.repeat(name.length)} ${row}` }));
}

/** The text of a box: name, op and shape, data, and a slot for the gradient where there is one. */
export function boxLines(n: GraphNode): Line[] {
  const shape = n.shape.length === 1 ? `(${n.shape[0]},)` : `(${n.shape.join(', ')})`;
  const lines: Line[] = [{ kind: 'title', text: n.label ?? n.op }, { kind: 'meta', text: `${n.op} ${shape}` }];
  lines.push(...field('value', 'data', n.value));
  if (n.grad !== null) lines.push(...field('grad', 'grad', n.grad));
  return lines;
}

/** Depth of every node: ops one right of their deepest input, leaves one left of their first user. */
export function columns(graph: Graph): Map<string, number> {
  const inputs = new Map<string, string[]>();
  const users = new Map<string, string[]>();
  for (const e of graph.edges) {
    inputs.set(e.to, [...(inputs.get(e.to) ?? []), e.from]);
    users.set(e.from, [...(users.get(e.from) ?? []), e.to]);
  }
  const depth = new Map<string, number>();
  // graph.nodes lists inputs before their users, so one pass sees every input first.
  for (const n of graph.nodes) depth.set(n.id, Math.max(-1, ...(inputs.get(n.id) ?? []).map((i) => depth.get(i)!)) + 1);
  for (const n of graph.nodes) {
    if (!inputs.has(n.id) && users.has(n.id)) depth.set(n.id, Math.min(...users.get(n.id)!.map((u) => depth.get(u)!)) - 1);
  }
  return depth;
}

/**
 * Boxes for every node, in bands no wider than `maxWidth` (a column wider than that gets a band of its own).
 * @example
 *   const { boxes, width, height } = layoutGraph(traceGraph(loss), 1100);
 */
export function layoutGraph(graph: Graph, maxWidth: number): Layout {
  const { char, line, pad, columnGap, rowGap, bandGap, margin } = METRICS;
  const depth = columns(graph);
  const byColumn: GraphNode[][] = [];
  for (const n of graph.nodes) (byColumn[depth.get(n.id)!] ??= []).push(n);
  // The op of a column on top, so the main chain runs along the band's first row.
  for (const column of byColumn) column?.sort((a, b) => Number(a.op === 'param' || a.op === 'input') - Number(b.op === 'param' || b.op === 'input'));

  const boxes = new Map<string, Box>();
  const bandBottoms: number[] = [];
  let [x, top, bottom]: [number, number, number] = [margin, margin, margin];
  let [band, width] = [0, 0];
  for (const column of byColumn.filter((c) => c !== undefined)) {
    const sized = column.map((node) => {
      const lines = boxLines(node);
      return { node, lines, width: Math.ceil(Math.max(...lines.map((l) => l.text.length)) * char + 2 * pad), height: lines.length * line + 2 * pad };
    });
    const columnWidth = Math.max(...sized.map((s) => s.width));
    if (x > margin && x + columnWidth > maxWidth - margin) {
      bandBottoms.push(bottom);
      [x, top, band] = [margin, bottom + bandGap, band + 1];
    }
    let y = top;
    for (const s of sized) {
      boxes.set(s.node.id, { ...s, x, y, band });
      y += s.height + rowGap;
    }
    bottom = Math.max(bottom, y - rowGap);
    width = Math.max(width, x + columnWidth + margin);
    x += columnWidth + columnGap;
  }
  bandBottoms.push(bottom);
  return { boxes, width, height: bottom + margin, bandBottoms };
}
