/** A small SVG chart of a training curve: every value as a dot, a moving average as a line, log y. */
import { svgEl } from './dom.js';

export interface ChartOptions {
  width: number;
  height: number;
  /** Steps shown on the x axis at least (the axis grows past it). */
  minSteps: number;
  /** Points in the moving average. */
  window: number;
}

const MARGIN = { left: 54, right: 12, top: 10, bottom: 30 };

function movingAverage(values: readonly number[], window: number): number[] {
  const out: number[] = [];
  let sum = 0;
  values.forEach((v, i) => {
    sum += v - (i >= window ? values[i - window]! : 0);
    out.push(sum / Math.min(i + 1, window));
  });
  return out;
}

/** Powers of ten spanning [lo, hi]. */
function decades(lo: number, hi: number): number[] {
  const out: number[] = [];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) out.push(10 ** e);
  return out;
}

/**
 * The chart of `values` (one per step) as an SVG element, to put in place of the last one.
 * @example
 *   box.replaceChildren(lossChart(losses, { width: 640, height: 240, minSteps: 1000, window: 50 }));
 */
export function lossChart(values: readonly number[], options: ChartOptions): SVGSVGElement {
  const { width, height, minSteps, window } = options;
  const positive = values.filter((v) => v > 0 && Number.isFinite(v));
  const [lo, hi] = positive.length === 0 ? [1e-4, 10] : [Math.min(...positive), Math.max(...positive)];
  const ticks = decades(lo, hi);
  const [yMin, yMax] = [Math.log10(ticks[0]!), Math.log10(ticks.at(-1)!)];
  const steps = Math.max(minSteps, values.length);
  const px = (i: number) => MARGIN.left + (i / steps) * (width - MARGIN.left - MARGIN.right);
  const py = (v: number) => {
    const t = (Math.log10(Math.max(v, ticks[0]!)) - yMin) / Math.max(1e-9, yMax - yMin);
    return height - MARGIN.bottom - t * (height - MARGIN.top - MARGIN.bottom);
  };
  // Each dot a zero-length segment with a round cap: one path for thousands of dots.
  const dots = values.map((v, i) => `M${px(i).toFixed(1)},${py(v).toFixed(1)}h0`).join('');
  const mean = movingAverage(values, window).map((v, i) => `${i === 0 ? 'M' : 'L'}${px(i).toFixed(1)},${py(v).toFixed(1)}`).join('');
  const grid = ticks.map((t) => svgEl('g', { class: 'tick' },
    svgEl('line', { x1: MARGIN.left, x2: width - MARGIN.right, y1: py(t), y2: py(t) }),
    svgEl('text', { x: MARGIN.left - 6, y: py(t) + 4, 'text-anchor': 'end' }, t >= 0.01 && t <= 100 ? String(t) : `1e${Math.log10(t)}`)));
  return svgEl('svg', { class: 'chart', width, height, viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': 'loss per step' },
    ...grid,
    svgEl('path', { class: 'dots', d: dots }),
    svgEl('path', { class: 'mean', d: mean }),
    svgEl('text', { x: width - MARGIN.right, y: height - 8, 'text-anchor': 'end', class: 'axis-title' }, `step (${values.length} of ${steps})`),
    svgEl('text', { x: MARGIN.left, y: height - 8, class: 'axis-title' }, `loss (log scale); line: mean of the last ${window}`));
}
