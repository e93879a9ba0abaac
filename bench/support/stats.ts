/** Percentiles the way every bench here reports them: nearest rank on the sorted values, in ms. */

export interface Spread {
  n: number;
  p50: number;
  p99: number;
  max: number;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export function spread(values: readonly number[]): Spread {
  const sorted = [...values].sort((a, b) => a - b);
  return { n: sorted.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.at(-1) ?? Number.NaN };
}

/** Milliseconds for a table cell: whole numbers, or one decimal under 10 ms; `-` when there is nothing. */
export function ms(value: number): string {
  if (!Number.isFinite(value)) return value === Infinity ? '∞' : '-';
  return value < 10 ? value.toFixed(1) : value.toFixed(0);
}

export const perSecond = (value: number): string => (Number.isFinite(value) ? value.toFixed(1) : '-');

export const sleep = (millis: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, Math.max(0, millis)));

/** `1,5,10` → [1, 5, 10]; refuses anything that is not a positive number, naming the option. */
export function numberList(option: string, text: string): number[] {
  const values = text.split(',').map((s) => Number(s.trim()));
  if (values.length === 0 || values.some((v) => !Number.isFinite(v) || v <= 0)) throw new Error(`--${option}: 应为逗号分隔的正数 (comma-separated positive numbers), got "${text}"`);
  return values;
}

export function positive(option: string, text: string | undefined): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${option}: 应为正数 (a positive number), got "${text}"`);
  return value;
}
