/**
 * Latency histogram in whole microseconds: exact below 2048 µs, then 1024 sub-buckets per power of
 * two (0.1 % resolution). Recording is a few integer operations, so it can sit on the reply path.
 */
const LINEAR = 2048;
const SUB_BITS = 10;
const SUB = 1 << SUB_BITS;
const SIZE = LINEAR + (31 - 11) * SUB;

export class Histogram {
  private readonly counts = new Float64Array(SIZE);
  count = 0;

  /** Records `n` samples of `micros` microseconds. */
  record(micros: number, n = 1): void {
    let u = micros | 0;
    if (u < 0) u = 0;
    let idx: number;
    if (u < LINEAR) {
      idx = u;
    } else {
      const e = 31 - Math.clz32(u); // >= 11
      idx = LINEAR + (e - 11) * SUB + ((u >>> (e - SUB_BITS)) & (SUB - 1));
      if (idx >= SIZE) idx = SIZE - 1;
    }
    this.counts[idx] = (this.counts[idx] ?? 0) + n;
    this.count += n;
  }

  reset(): void {
    this.counts.fill(0);
    this.count = 0;
  }

  /** The value (µs) at quantile q (0..1), or NaN with no samples. */
  quantile(q: number): number {
    if (this.count === 0) return NaN;
    const rank = Math.max(1, Math.ceil(q * this.count));
    let seen = 0;
    for (let i = 0; i < SIZE; i++) {
      seen += this.counts[i] ?? 0;
      if (seen >= rank) return valueOf(i);
    }
    return valueOf(SIZE - 1);
  }
}

function valueOf(idx: number): number {
  if (idx < LINEAR) return idx;
  const rel = idx - LINEAR;
  const e = Math.floor(rel / SUB) + 11;
  const sub = rel % SUB;
  return (SUB + sub) * 2 ** (e - SUB_BITS);
}
