// The part of asciichart 1.5 the examples use (the package ships no types).
declare module 'asciichart' {
  interface PlotConfig {
    height?: number;
    offset?: number;
    padding?: string;
    min?: number;
    max?: number;
    format?: (value: number, index: number) => string;
  }
  const asciichart: { plot(series: number[] | number[][], config?: PlotConfig): string };
  export default asciichart;
}
