import { describe, expect, it } from 'vitest';
import { accuracyChart } from '../../1_4_mnist.js';
import { bucketMeans, chartSpec, chartSvg, terminalChart, type Chart } from '../../lib/plot.js';

// The 1_4 example's chart: two line series, y fixed to [0, 1], the legend at the bottom right.
const chart: Chart = accuracyChart('seed 0', [10, 20, 30], [0.3, 0.6, 0.8], [0.25, 0.55, 0.75]);

describe('SVG charts (vega-lite + vega, no canvas)', () => {
  it('one colour and legend entry per series, the y range fixed as plt.ylim', () => {
    const spec = chartSpec(chart) as unknown as { data: { values: unknown[] }; encoding: { y: { scale: unknown } } };
    expect(spec.data.values).toHaveLength(6);
    expect(spec.data.values[3]).toEqual({ x: 10, y: 0.25, series: 'test set' });
    expect(spec.encoding.y.scale).toEqual({ domain: [0, 1] });
  });

  it('renders an SVG document with title, axis titles, ticks and legend', async () => {
    const svg = await chartSvg(chart);
    expect(svg.startsWith('<svg')).toBe(true);
    for (const text of ['>accuracy<', '>seed 0<', '>count<', '>training set<', '>test set<', '>0.5<']) expect(svg).toContain(text);
    expect(svg.match(/role-legend-symbol/g)).not.toBeNull();
  });
});

describe('terminal charts', () => {
  it('averages runs of values down to the width', () => {
    expect(bucketMeans([1, 3, 5, 7, 9], 3)).toEqual([2, 6, 9]);
    expect(bucketMeans([1, 2], 60)).toEqual([1, 2]);
  });

  it('draws the values as lines of the given height', () => {
    const lines = terminalChart([4, 3, 2, 1, 0, 0], { height: 4, digits: 1 }).split('\n');
    expect(lines).toHaveLength(5);
    expect(lines[0]).toMatch(/^\s+4\.0 ┼/);
    expect(lines.at(-1)).toMatch(/^\s+0\.0 ┤/);
  });
});
