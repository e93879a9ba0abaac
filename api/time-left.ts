import { describeRemaining, OfficeHours } from '../workflows/domain/calendar/deadline-arithmetic';
import { loadWorkCalendar } from '../db/work-calendar';
import type { Db } from '../db/connection';
import { CaseState, Clock, ClockKind, isRunning } from '../workflows/domain';

export type TimeLeft = Partial<Record<'triageBy' | 'respondBy' | 'resolveBy' | 'callbackBy', string>>;

const shown: [ClockKind, keyof TimeLeft][] = [
  ['triage', 'triageBy'],
  ['respond', 'respondBy'],
  ['resolve', 'resolveBy'],
  ['callback', 'callbackBy'],
];

/**
 * "剩余 1 个工作日 3 小时" for each running deadline, counted the way the deadline itself was (working time
 * on the official calendar, or elapsed time). Read-time only: the deadlines themselves come from history.
 */
export function timeLeftFor(db: Db, officeHours: OfficeHours) {
  return async (states: CaseState[], now = new Date()): Promise<TimeLeft[]> => {
    const calendar = await loadWorkCalendar(db);
    return states.map((state) => {
      const left: TimeLeft = {};
      for (const [kind, field] of shown) {
        const running = state.clocks.filter((c: Clock) => c.kind === kind && isRunning(c) && c.due && !c.pausedAt);
        const next = running.sort((a, b) => (a.due! < b.due! ? -1 : 1))[0];
        if (next) left[field] = describeRemaining(now, new Date(next.due!), next.basis ?? 'calendar', calendar, officeHours);
      }
      if (state.paused) left.resolveBy = `暂停计时中（${state.paused.reason}）`;
      return left;
    });
  };
}
