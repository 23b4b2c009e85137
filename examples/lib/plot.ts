/**
 * Plots: SVG line and scatter charts drawn by vega-lite + vega in Node (no canvas, no
 * browser), and small terminal charts drawn by asciichart.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import asciichart from 'asciichart';
import type { TopLevelSpec } from 'vega-lite';

export interface Series {
  /** The legend entry. */
  name: string;
  x: readonly number[];
  y: readonly number[];
}

export interface Chart {
  title: string;
  /** A smaller line under the title: the settings the data came from. */
  subtitle?: string;
  xTitle: string;
  yTitle: string;
  /** 'line' as `plt.plot(x, y)`, 'point' as `plt.plot(x, y, '.')`. */
  mark: 'line' | 'point';
  series: readonly Series[];
  /** Fixed y range, as `plt.ylim(0, 1.0)`; default: fitted to the data. */
  yDomain?: [number, number];
  /** Where the legend sits inside the plot; default 'top-right'. */
  legend?: 'top-right' | 'bottom-right';
}

/** The vega-lite spec of a chart: one colour and one legend entry per series. */
export function chartSpec(chart: Chart): TopLevelSpec {
  const values = chart.series.flatMap((s) => s.x.map((x, i) => ({ x, y: s.y[i], series: s.name })));
  const mark = chart.mark === 'line' ? { type: 'line' as const, strokeWidth: 1.5 } : { type: 'point' as const, filled: true, size: 10 };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: chart.subtitle === undefined ? chart.title : { text: chart.title, subtitle: chart.subtitle },
    width: 480,
    height: 300,
    background: 'white',
    data: { values },
    mark,
    encoding: {
      x: { field: 'x', type: 'quantitative', title: chart.xTitle },
      y: {
        field: 'y', type: 'quantitative', title: chart.yTitle,
        ...(chart.yDomain ? { scale: { domain: chart.yDomain } } : {}),
      },
      color: {
        field: 'series', type: 'nominal', title: null,
        sort: chart.series.map((s) => s.name),
        legend: { orient: chart.legend ?? 'top-right', fillColor: 'white', padding: 6 },
      },
    },
  };
}

/** The chart as an SVG document. */
export async function chartSvg(chart: Chart): Promise<string> {
  // Loaded on first use: the examples without plots start faster.
  const [vega, vegaLite] = await Promise.all([import('vega'), import('vega-lite')]);
  const view = new vega.View(vega.parse(vegaLite.compile(chartSpec(chart)).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Writes the chart's SVG to `file` (making its folder) and returns the path. */
export async function writeChart(file: string, chart: Chart): Promise<string> {
  const svg = await chartSvg(chart);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, svg);
  return file;
}

/** Means of consecutive runs of `values`, at most `width` of them. */
export function bucketMeans(values: readonly number[], width: number): number[] {
  const size = Math.max(1, Math.ceil(values.length / width));
  const out: number[] = [];
  for (let i = 0; i < values.length; i += size) {
    const run = values.slice(i, i + size);
    out.push(run.reduce((s, v) => s + v, 0) / run.length);
  }
  return out;
}

/**
 * A small terminal line chart of `values` (averaged down to `width` columns).
 * @example
 *   console.log(terminalChart(losses, { height: 8 }));
 */
export function terminalChart(values: readonly number[], options: { width?: number; height?: number; digits?: number } = {}): string {
  const { width = 60, height = 8, digits = 3 } = options;
  return asciichart.plot(bucketMeans(values, width), {
    height,
    format: (v: number) => v.toFixed(digits).padStart(digits + 6),
  });
}

/** The notebook's plot: plt.plot(lists, accuracies_train / accuracies_test), ylim(0, 1), legend lower right. */
export function accuracyChart(settings: string, counts: number[], trainAccuracies: number[], testAccuracies: number[]): Chart {
  return {
    title: 'accuracy',
    subtitle: settings,
    xTitle: 'count',
    yTitle: 'accuracy',
    mark: 'line',
    yDomain: [0, 1],
    legend: 'bottom-right',
    series: [
      { name: 'training set', x: counts, y: trainAccuracies },
      { name: 'test set', x: counts, y: testAccuracies },
    ],
  };
}
