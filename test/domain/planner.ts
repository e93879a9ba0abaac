import { planClock } from '../../activities/clocks';
import { libraryDay } from '../../config/official-calendar';
import { createWorkCalendar } from '../../workflows/domain/calendar/work-calendar';
import { defaultOfficeHours } from '../../workflows/domain/calendar/deadline-arithmetic';
import type { SlaPolicy } from '../../config/sla-defaults';
import { CaseRecord, clocksAwaitingPlan, recordSystemEvents } from '../../workflows/domain';

/** A policy on elapsed time with every duration in seconds, so pure tests read instants as t0 + n seconds. */
export function secondsPolicy(seconds: { triage: number; respond: number; resolve: number; callback: number; repeatOverdue: number; pause: number }, warnAt = 1): SlaPolicy {
  const d = (n: number) => `PT${n}S`;
  return {
    triage: d(seconds.triage),
    respond: d(seconds.respond),
    resolve: d(seconds.resolve),
    callback: d(seconds.callback),
    repeatOverdue: d(seconds.repeatOverdue),
    maxPause: d(seconds.pause),
    warnAt,
    basis: 'calendar',
    callbackBasis: 'calendar',
  };
}

const calendar = createWorkCalendar(new Map(), libraryDay);

/** Plays the workflow's part: every clock waiting for a plan is planned by the worker's own planner. */
export function planPending(record: CaseRecord, policy: SlaPolicy, now: string): CaseRecord {
  const plans = clocksAwaitingPlan(record.state).map((c) =>
    planClock(
      { clockId: c.id, kind: c.kind, slaClass: record.state.slaClass, from: c.plan!.from, base: c.plan!.base ?? null, steps: c.plan!.steps ?? [] },
      policy,
      calendar,
      defaultOfficeHours,
    ),
  );
  return plans.length ? recordSystemEvents(record, [{ type: 'clocks_planned', plans }], now) : record;
}
