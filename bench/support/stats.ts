/** Small statistics for benchmark samples (milliseconds unless said otherwise). */

function sorted(values: readonly number[]): number[] {
  if (values.length === 0) throw new RangeError('no samples');
  return [...values].sort((a, b) => a - b);
}

/** The middle value (the mean of the two middle values for an even count). */
function median(values: readonly number[]): number {
  const s = sorted(values);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/** Nearest-rank percentile: the smallest sample with at least `p` percent of samples at or below it. */
function percentile(values: readonly number[], p: number): number {
  const s = sorted(values);
  const rank = Math.max(1, Math.ceil((p / 100) * s.length));
  return s[rank - 1] as number;
}

interface Summary {
  samples: number;
  medianMs: number;
  p95Ms: number;
  minMs: number;
  maxMs: number;
}

function summarize(values: readonly number[]): Summary {
  const s = sorted(values);
  return {
    samples: s.length,
    medianMs: round(median(s)),
    p95Ms: round(percentile(s, 95)),
    minMs: round(s[0] as number),
    maxMs: round(s[s.length - 1] as number),
  };
}

function round(value: number, digits = 1): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/** Fisher-Yates, in place; returns the array. */
function shuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
  return items;
}

export { median, percentile, round, shuffle, summarize };
export type { Summary };
