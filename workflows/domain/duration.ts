/**
 * Just enough ISO 8601 duration reading for the rules (e.g. "an extension is at most 10 days");
 * the calendar arithmetic itself lives in the deadline activity.
 */
export function durationDays(iso: string): number | null {
  const m = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(iso);
  if (!m || iso === 'P' || iso.endsWith('T')) return null;
  const [, w, d, h, min, s] = m.map((x) => (x === undefined ? 0 : Number(x)));
  return (w ?? 0) * 7 + (d ?? 0) + ((h ?? 0) * 3600 + (min ?? 0) * 60 + (s ?? 0)) / 86400;
}
