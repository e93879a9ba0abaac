import type { TimelineEntry } from '../../api/types';
import { formatDuration } from '../../lib/format';
import { term } from '../../terms';

type Names = { unitName: (id: string) => string };

const str = (v: unknown): string | null => (typeof v === 'string' && v ? v : null);

/** One line saying what an event of the timeline carried: the note, the reason, the units, the rating. */
export function timelineDetail(e: TimelineEntry, { unitName }: Names): string | null {
  const d = e.data;
  switch (e.type) {
    case 'dispatched':
    case 'agreement_recorded': {
      const coop = (d.cooperatingUnitIds as string[] | undefined) ?? [];
      const units = `牵头：${unitName(String(d.leadUnitId))}${coop.length ? `；协办：${coop.map(unitName).join('、')}` : ''}`;
      const extra = e.type === 'agreement_recorded' ? str(d.plan) : str(d.note);
      return [d.designated ? '（指定办）' : '', units, extra].filter(Boolean).join(' ');
    }
    case 'assignment_accepted':
    case 'assignment_rejected':
      return [unitName(String(d.unitId)), str(d.reason) ?? str(d.note), d.late ? '（超时）' : ''].filter(Boolean).join('：');
    case 'extension_requested':
      return `延长 ${formatDuration(String(d.duration))}：${str(d.reason) ?? ''}`;
    case 'extension_decided':
    case 'complex_decided':
      return `${d.approve ? '同意' : '不同意'}${str(d.note) ? `：${str(d.note)}` : ''}`;
    case 'resolved':
      return `${str(d.summary) ?? ''}${d.explainedUnresolved ? '（已解释说明，未能解决）' : ''}`;
    case 'callback_recorded':
      return `${term('rating', str(d.rating))}${str(d.comment) ? `：${str(d.comment)}` : ''}`;
    case 'escalated':
      return `${term('tier', str(d.from))} → ${term('tier', str(d.to))}（${term('escalationCause', str(d.cause))}）${str(d.reason) ?? ''}`;
    case 'merged':
      return `并入案件 ${String(d.intoCaseId)}`;
    case 'duplicate_merged':
      return `案件 ${String(d.caseId)}：${str(d.title) ?? ''}`;
    case 'alert_raised': {
      const alert = d.alert as { type?: string; message?: string } | undefined;
      return alert ? `${term('alert', alert.type)}：${alert.message ?? ''}` : null;
    }
    case 'clock_warned':
    case 'clock_missed':
      return null;
    default:
      return str(d.note) ?? str(d.reason) ?? str(d.summary);
  }
}

/** Internal bookkeeping that says nothing to a reader. */
export const hiddenEvents = new Set(['clocks_planned']);
