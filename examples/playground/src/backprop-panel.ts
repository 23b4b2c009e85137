/**
 * Section 1 of the page: the 2-3-2 network as its computational graph, weights editable,
 * "backward" filling in every gradient, and a step-through of backward node by node with
 * each gradient beside its central-difference estimate.
 */
import type { GraphNode } from '@tapegrad/core';
import { el, formatNumber } from './dom.js';
import { drawGraph } from './graph-svg.js';
import { PARAMETERS, analyse, defaultValues, slug, type Analysis, type GradientCheck, type NetworkValues } from './network.js';

type Editable = 'x' | 'W1' | 'b1' | 'W2' | 'b2';
const EDITABLE: readonly Editable[] = ['x', ...PARAMETERS];
/** The graph's width until the page is laid out; then the width of its box. */
const GRAPH_WIDTH = 1160;

/** One matrix (or vector) of number inputs; `onChange` gets the new value when every input parses. */
function matrixEditor(name: Editable, value: number[] | number[][], onChange: (v: number[] | number[][]) => void): HTMLElement {
  const rows = Array.isArray(value[0]) ? (value as number[][]) : [value as number[]];
  const inputs = rows.map((row, i) => row.map((v, j) => el('input', {
    type: 'number', step: '0.1', value: v, 'aria-label': `${name}[${i}][${j}]`,
    'data-testid': Array.isArray(value[0]) ? `weight-${name}-${i}-${j}` : `weight-${name}-${j}`,
  })));
  const read = () => {
    const numbers = inputs.map((row) => row.map((input) => input.valueAsNumber));
    for (const input of inputs.flat()) input.classList.toggle('invalid', !Number.isFinite(input.valueAsNumber));
    if (numbers.flat().every(Number.isFinite)) onChange(Array.isArray(value[0]) ? numbers : numbers[0]!);
  };
  for (const input of inputs.flat()) input.addEventListener('input', read);
  return el('fieldset', { class: 'matrix' }, el('legend', {}, name), ...inputs.map((row) => el('div', { class: 'row' }, ...row)));
}

function vector(values: readonly number[]): string {
  return `[${values.map((v) => formatNumber(v)).join(', ')}]`;
}

function checkRow(c: GradientCheck, current: boolean): HTMLTableRowElement {
  return el('tr', { 'data-testid': `check-row-${slug(c.label)}`, 'data-difference': c.largestDifference, class: current ? 'current' : undefined },
    el('td', {}, c.label), el('td', {}, c.op), el('td', { class: 'num' }, vector(c.tape)), el('td', { class: 'num' }, vector(c.numeric)),
    el('td', { class: 'num' }, c.largestDifference.toExponential(1)));
}

export function backpropPanel(): HTMLElement {
  let values = defaultValues();
  let analysis: Analysis = analyse(values);
  /** How many of backward's nodes have their gradient shown. */
  let revealed = 0;

  const graphBox = el('div', { class: 'graph-box', 'data-testid': 'backprop-graph' });
  const loss = el('span', { 'data-testid': 'backprop-loss' });
  const stepInfo = el('div', { class: 'step-info', 'data-testid': 'backprop-step-info' });
  const checks = el('tbody');
  const stepButton = el('button', { 'data-testid': 'backprop-step' }, 'step backward ▸');
  const backwardButton = el('button', { 'data-testid': 'backprop-backward', class: 'primary' }, 'backward');
  const clearButton = el('button', { 'data-testid': 'backprop-clear' }, 'clear gradients');
  const editors = el('div', { class: 'editors' });

  const shownChecks = (): GradientCheck[] => analysis.backward.slice(0, revealed);
  const render = () => {
    const shown = new Map(shownChecks().map((c) => [c.id, c]));
    const current = revealed > 0 && revealed < analysis.backward.length ? analysis.backward[revealed - 1]! : null;
    const svg = drawGraph(analysis.graph, {
      maxWidth: graphBox.clientWidth > 0 ? graphBox.clientWidth - 2 : GRAPH_WIDTH,
      showGradient: (n: GraphNode) => shown.has(n.id),
      current: current?.id ?? null,
      testId: (n: GraphNode) => `graph-node-${slug(n.label ?? n.id)}`,
    });
    // The full gradient by the tape, for readers of the page's data (and its tests).
    for (const g of svg.querySelectorAll<SVGGElement>('g.node')) {
      const c = shown.get(g.dataset.id!);
      if (c !== undefined) g.dataset.gradFull = JSON.stringify(c.tape);
    }
    graphBox.replaceChildren(svg);
    loss.textContent = formatNumber(analysis.loss, 10);
    stepButton.disabled = revealed >= analysis.backward.length;
    stepButton.textContent = revealed === 0 ? 'step backward ▸ (start at E)' : 'step backward ▸';
    checks.replaceChildren(...shownChecks().map((c) => checkRow(c, c === current)));
    stepInfo.replaceChildren(...describeStep(current ?? shownChecks().at(-1) ?? null, revealed, analysis.backward.length));
  };
  const update = (next: NetworkValues) => {
    values = next;
    analysis = analyse(values);
    revealed = 0; // new numbers: backward has not run on them
    render();
  };
  const buildEditors = () => {
    editors.replaceChildren(...EDITABLE.map((name) => matrixEditor(name, values[name], (v) => update({ ...values, [name]: v }))), classEditor());
  };
  const classEditor = () => {
    const select = el('select', { 'data-testid': 'weight-d', 'aria-label': 'teacher signal d' },
      el('option', { value: '0' }, 'class 0: d = [[1, 0]]'), el('option', { value: '1', selected: true }, 'class 1: d = [[0, 1]]'));
    select.addEventListener('change', () => update({ ...values, d: [select.value === '0' ? [1, 0] : [0, 1]] }));
    return el('fieldset', { class: 'matrix' }, el('legend', {}, 'd'), select);
  };

  backwardButton.addEventListener('click', () => { revealed = analysis.backward.length; render(); });
  stepButton.addEventListener('click', () => { revealed = Math.min(revealed + 1, analysis.backward.length); render(); });
  clearButton.addEventListener('click', () => { revealed = 0; render(); });
  const resetButton = el('button', { 'data-testid': 'backprop-reset' }, 'reset weights');
  resetButton.addEventListener('click', () => { update(defaultValues()); buildEditors(); });

  buildEditors();
  render();
  requestAnimationFrame(render); // again at the box's real width, once the page is laid out
  addEventListener('resize', render);
  return el('section', { id: 'backprop', 'data-testid': 'backprop' },
    el('h2', {}, '1 · Backpropagation on the tape: the 2-3-2 network'),
    el('p', {}, 'The back-propagation notebook\'s network, u1 = x·W1 + b1, z1 = relu(u1), u2 = z1·W2 + b2, y = softmax(u2), ',
      'E = −Σ d·log y, drawn from ', el('code', {}, 'traceGraph(E, { gradients: true })'), '. Blue boxes are parameters, dashed ones constants. ',
      'Edit a number and the graph follows; "backward" fills in every gradient ∂E/∂node, "step backward" walks it node by node ',
      'and checks each against the central difference (E at node ± h, h = 1e-4).'),
    editors,
    el('div', { class: 'controls' }, backwardButton, stepButton, clearButton, resetButton, el('span', { class: 'stat' }, 'E = ', loss)),
    graphBox,
    stepInfo,
    el('table', { class: 'checks', 'data-testid': 'backprop-checks' },
      el('thead', {}, el('tr', {}, ...['node', 'op', '∂E/∂node by the tape', 'central difference', 'largest |difference|'].map((h) => el('th', {}, h)))),
      checks));
}

function describeStep(c: GradientCheck | null, revealed: number, total: number): Node[] {
  if (c === null) return [el('p', {}, `Backward visits ${total} nodes, from E back to the parameters; the constants x and d get no gradient.`)];
  return [
    el('p', {}, el('strong', {}, `step ${revealed} of ${total}: `), `${c.label} (${c.op}, shape (${c.shape.join(', ')}))`),
    el('p', { class: 'rule', 'data-testid': 'step-rule' }, c.rule),
    el('p', { class: 'num' }, 'by the tape: ', el('span', { 'data-testid': 'step-tape' }, vector(c.tape))),
    el('p', { class: 'num' }, 'central difference: ', el('span', { 'data-testid': 'step-numeric' }, vector(c.numeric))),
    el('p', { class: 'num' }, 'largest |difference|: ', el('span', { 'data-testid': 'step-difference' }, c.largestDifference.toExponential(2))),
  ];
}
