import dayjs from 'dayjs';

export const formatTime = (iso: string | null | undefined): string => (iso ? dayjs(iso).format('YYYY-MM-DD HH:mm') : '—');

export const formatRate = (rate: number | null | undefined): string =>
  rate === null || rate === undefined ? '—' : `${(rate * 100).toFixed(1)}%`;

const durationUnits: [RegExp, string][] = [
  [/(\d+)W/, '周'],
  [/(\d+)D/, '天'],
  [/T.*?(\d+)H/, '小时'],
  [/T.*?(\d+)M/, '分钟'],
  [/T.*?(\d+)S/, '秒'],
];

/** `P3D` → `3 天`, `PT2H30M` → `2 小时 30 分钟` (the months and years of ISO 8601 are never used here). */
export function formatDuration(iso: string): string {
  const [date = '', time = ''] = iso.replace(/^P/, '').split('T');
  const parts: string[] = [];
  for (const [pattern, word] of durationUnits) {
    const source = pattern.source.startsWith('T') ? `T${time}` : date;
    const m = source.match(pattern);
    if (m?.[1]) parts.push(`${m[1]} ${word}`);
  }
  return parts.length ? parts.join(' ') : iso;
}
