import type { Case, DeadlineKey } from '../api/types';

/** The deadline that matters now, by the case's status (for a liaison: their unit's own respond deadline). */
export function currentDeadline(c: Case, unitId?: string | null): { key: DeadlineKey; at: string | null; left?: string } | null {
  const pick = (key: DeadlineKey) => ({ key, at: c.deadlines[key] ?? null, left: c.timeLeft?.[key] });
  if (unitId) {
    const mine = c.assignments.find((a) => a.unitId === unitId && a.active !== false && a.state === 'pending');
    if (mine) return { key: 'respondBy', at: mine.respondBy, left: mine.respondBy === c.deadlines.respondBy ? c.timeLeft?.respondBy : undefined };
  }
  switch (c.status) {
    case 'triage':
      return pick('triageBy');
    case 'dispatched':
      return c.deadlines.respondBy ? pick('respondBy') : pick('resolveBy');
    case 'in_progress':
      return pick('resolveBy');
    case 'resolved':
      return pick('callbackBy');
    default:
      return null;
  }
}

/** Earliest first; cases without a running deadline last. */
export function byNearestDeadline(unitId?: string | null) {
  const at = (c: Case) => {
    const d = currentDeadline(c, unitId)?.at;
    return d ? Date.parse(d) : Number.POSITIVE_INFINITY;
  };
  return (a: Case, b: Case) => at(a) - at(b);
}

export const isLate = (left: string | undefined): boolean => !!left && left.includes('超时');
