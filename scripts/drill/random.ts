/**
 * A seeded random source (mulberry32), so that a drill's arrivals, journeys and fault moments can be
 * replayed with `--seed`. Timing on a shared machine still varies; the plan does not.
 */
export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform in [min, max). */
  between(min: number, max: number): number;
  /** One of the keys, chosen with the given weights. */
  weighted<K extends string>(weights: Record<K, number>): K;
  /** Exponentially distributed gap with the given mean (open-loop arrivals). */
  exponential(mean: number): number;
  /** An independent source derived from this one (one per journey, per fault plan). */
  fork(): Random;
}

export function seededRandom(seed: number): Random {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const random: Random = {
    next,
    between: (min, max) => min + next() * (max - min),
    weighted(weights) {
      const entries = Object.entries(weights) as [keyof typeof weights, number][];
      const total = entries.reduce((sum, [, w]) => sum + w, 0);
      let pick = next() * total;
      for (const [key, w] of entries) {
        pick -= w;
        if (pick < 0) return key;
      }
      return entries[entries.length - 1]![0];
    },
    exponential: (mean) => -Math.log(1 - next()) * mean,
    fork: () => seededRandom(Math.floor(next() * 4294967296)),
  };
  return random;
}
