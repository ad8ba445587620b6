/** The few types the tests need of parse-prometheus-text-format, which ships none. */
declare module 'parse-prometheus-text-format' {
  interface Metric {
    readonly value?: string;
    readonly labels?: Record<string, string>;
    readonly buckets?: Record<string, string>;
    readonly count?: string;
    readonly sum?: string;
  }
  interface MetricFamily {
    readonly name: string;
    readonly help: string;
    readonly type: 'COUNTER' | 'GAUGE' | 'HISTOGRAM' | 'SUMMARY' | 'UNTYPED';
    readonly metrics: readonly Metric[];
  }
  export default function parsePrometheusTextFormat(text: string): MetricFamily[];
}
