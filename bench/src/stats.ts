/**
 * The arithmetic of the report: medians over rounds and ratios between implementations.
 * Pure functions, tested in bench/test/stats.test.ts.
 */

/** The median of `values` (the mean of the middle two for an even count); NaN when empty. */
export function median(values: readonly number[]): number {
  const finite = values.filter((v) => Number.isFinite(v));
  if (finite.length === 0) return Number.NaN;
  const sorted = finite.slice().sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** `a / b`, or NaN when either side is missing, not finite, or b is 0. */
export function ratio(a: number | undefined, b: number | undefined): number {
  if (a === undefined || b === undefined || !Number.isFinite(a) || !Number.isFinite(b) || b === 0) return Number.NaN;
  return a / b;
}

/** Every ordered pair's ratio: `out[row][col] = values[row] / values[col]`. */
export function pairwiseRatios(values: Readonly<Record<string, number>>): Record<string, Record<string, number>> {
  const names = Object.keys(values);
  const out: Record<string, Record<string, number>> = {};
  for (const row of names) {
    out[row] = {};
    for (const col of names) out[row]![col] = ratio(values[row], values[col]);
  }
  return out;
}

/** Smallest and largest finite value (the spread across rounds). */
export function spread(values: readonly number[]): { min: number; max: number } {
  const finite = values.filter((v) => Number.isFinite(v));
  if (finite.length === 0) return { min: Number.NaN, max: Number.NaN };
  return { min: Math.min(...finite), max: Math.max(...finite) };
}
