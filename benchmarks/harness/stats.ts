/** Medians and ranges over repetitions. */

export interface Summary {
  median: number;
  min: number;
  max: number;
}

export function summarize(values: readonly number[]): Summary {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return { median: NaN, min: NaN, max: NaN };
  const mid = v.length >> 1;
  const median = v.length % 2 === 1 ? (v[mid] ?? NaN) : ((v[mid - 1] ?? NaN) + (v[mid] ?? NaN)) / 2;
  return { median, min: v[0] ?? NaN, max: v[v.length - 1] ?? NaN };
}

/** 1234567 → "1.23M", 12345 → "12.3k". */
export function formatRate(x: number): string {
  if (!Number.isFinite(x)) return '–';
  if (x >= 1e6) return `${(x / 1e6).toFixed(2)}M`;
  if (x >= 1e4) return `${(x / 1e3).toFixed(1)}k`;
  if (x >= 1e3) return `${(x / 1e3).toFixed(2)}k`;
  return x.toFixed(x >= 100 ? 0 : 1);
}

export function formatMicros(us: number): string {
  if (!Number.isFinite(us)) return '–';
  if (us >= 10000) return `${(us / 1000).toFixed(1)} ms`;
  if (us >= 1000) return `${(us / 1000).toFixed(2)} ms`;
  return `${us.toFixed(0)} µs`;
}

export function formatBytes(b: number): string {
  if (!Number.isFinite(b)) return '–';
  if (b >= 1024 * 1024) return `${(b / 1024 / 1024).toFixed(1)} MiB`;
  if (b >= 1024) return `${(b / 1024).toFixed(1)} KiB`;
  return `${b.toFixed(0)} B`;
}
