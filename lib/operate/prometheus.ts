/**
 * The Prometheus text exposition format, version 0.0.4: what a Prometheus server scrapes. Only what the
 * app's metrics need: counters, gauges and histograms, each sample with labels.
 */

/** The Content-Type of the format. */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export type Labels = Readonly<Record<string, string>>;

export interface Sample {
  readonly labels: Labels;
  readonly value: number;
}

/** One metric family: `# HELP` and `# TYPE` lines, then its samples (name suffixes included, for histograms). */
export interface Family {
  readonly name: string;
  readonly help: string;
  readonly type: 'counter' | 'gauge' | 'histogram';
  readonly samples: readonly (Sample & { readonly suffix?: string })[];
}

/** The samples of one histogram series: cumulative `_bucket`s up to +Inf, then `_sum` and `_count`. */
export function histogramSamples(labels: Labels, bounds: readonly number[], counts: ArrayLike<number>, sum: number): (Sample & { suffix: string })[] {
  const samples: (Sample & { suffix: string })[] = [];
  let cumulative = 0;
  for (let i = 0; i <= bounds.length; i++) {
    cumulative += counts[i] ?? 0;
    samples.push({ suffix: '_bucket', labels: { ...labels, le: i < bounds.length ? String(bounds[i]) : '+Inf' }, value: cumulative });
  }
  samples.push({ suffix: '_sum', labels, value: sum }, { suffix: '_count', labels, value: cumulative });
  return samples;
}

export function exposition(families: readonly Family[]): string {
  let text = '';
  for (const family of families) {
    text += `# HELP ${family.name} ${family.help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}\n# TYPE ${family.name} ${family.type}\n`;
    for (const sample of family.samples) text += `${family.name}${sample.suffix ?? ''}${labelText(sample.labels)} ${numberText(sample.value)}\n`;
  }
  return text;
}

function labelText(labels: Labels): string {
  const pairs = Object.entries(labels).map(([name, value]) => `${name}="${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`);
  return pairs.length === 0 ? '' : `{${pairs.join(',')}}`;
}

function numberText(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}
