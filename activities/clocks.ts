import { defaultMaxPause, type SlaPolicy } from '../config/sla-defaults';
import type { Db } from '../db/connection';
import { getSlaPolicy } from '../db/queries/sla-policies';
import type { ClockPlan, ClockPlanFailure, ClockPlanRequest, ClockKind } from '../workflows/domain';
import { type DeadlineBasis, officeDayMillis, type OfficeHours } from '../workflows/domain/calendar/deadline-arithmetic';
import { loadWorkCalendar } from '../db/work-calendar';
import type { WorkCalendar } from '../workflows/domain/calendar/work-calendar';
import { computeDeadline, shiftDeadlineBy, warningAt } from './deadlines';

export type { ClockPlanRequest };


/** Plans for the clocks that could be planned; the others, with why (a duration the arithmetic refuses). */
export interface ClockPlanAnswer {
  plans: ClockPlan[];
  failures: ClockPlanFailure[];
}

export interface ClockActivities {
  planClocks(requests: ClockPlanRequest[]): Promise<ClockPlanAnswer>;
}

const warned: ReadonlySet<ClockKind> = new Set(['triage', 'respond', 'resolve', 'callback']);

const later = (a: string, b: string): string => (Date.parse(a) >= Date.parse(b) ? a : b);

/**
 * One clock's deadline, from the policy in force, the calendar and the office hours. Pure, so the domain
 * tests plan with exactly what the worker does. Throws on a plan that can never succeed (a duration the
 * arithmetic refuses).
 */
export function planClock(request: ClockPlanRequest, policy: SlaPolicy, cal: WorkCalendar, hours: OfficeHours): ClockPlan {
  const basis: DeadlineBasis = request.kind === 'callback' ? (policy.callbackBasis ?? 'working') : policy.basis;
  const warnAt = warned.has(request.kind) ? policy.warnAt : undefined;
  const key = request.clockId;
  let due: string;
  let warning: string | null = null;
  if (request.base) {
    due = request.base;
  } else {
    const duration = request.kind === 'pause' ? (policy.maxPause ?? defaultMaxPause) : policy[request.kind as keyof SlaPolicy & ClockKind] as string;
    ({ due, warnAt: warning } = computeDeadline({ key, from: request.from, duration, basis, warnAt }, cal, hours));
  }
  for (const step of request.steps ?? []) {
    if (step.kind === 'extend') {
      // A late extension (the deadline already passed when it was approved) counts from the approval.
      ({ due, warnAt: warning } = computeDeadline({ key, from: later(due, step.at), duration: step.duration, basis, warnAt }, cal, hours));
    } else if (Date.parse(due) > Date.parse(step.from)) {
      // Time was left when the wait began: deadline and warning move by the time waited.
      const shift = (t: string) => shiftDeadlineBy({ deadline: t, from: step.from, to: step.to, basis }, cal, hours).due;
      due = shift(due);
      warning = warning && Date.parse(warning) > Date.parse(step.from) ? shift(warning) : null;
    } else {
      // Already missed before the wait: the time waited counts again from the resumption, with its warning.
      const waited = shiftDeadlineBy({ deadline: step.to, from: step.from, to: step.to, basis }, cal, hours).due;
      const span = Date.parse(waited) - Date.parse(step.to);
      due = waited;
      warning = warnAt && span > 0 ? warningAt(step.to, due, warnAt, basis, cal, hours) : null;
    }
  }
  return { clockId: key, due, warnAt: warning, basis, workdaySeconds: basis === 'working' ? officeDayMillis(hours) / 1000 : null };
}

/**
 * Turns started clocks into absolute deadlines with the SLA policy as it stands now and the working-day
 * calendar. Runs as an activity, so the answer is recorded in history: a later policy or calendar change
 * never rewrites a running deadline, and replay never re-reads them.
 */
export function createClockActivities(deps: { db: Db; officeHours: OfficeHours }): ClockActivities {
  return {
    async planClocks(requests) {
      const classes = [...new Set(requests.map((r) => r.slaClass))];
      const [cal, policies] = await Promise.all([
        loadWorkCalendar(deps.db),
        Promise.all(classes.map(async (c) => [c, await getSlaPolicy(deps.db, c)] as const)).then((entries) => new Map(entries)),
      ]);
      // Each clock on its own: one that can never be planned must not hold back the others. Errors reading the
      // database were thrown above and are retried.
      const answer: ClockPlanAnswer = { plans: [], failures: [] };
      for (const r of requests) {
        try {
          answer.plans.push(planClock(r, policies.get(r.slaClass)!, cal, deps.officeHours));
        } catch (err) {
          answer.failures.push({ clockId: r.clockId, reason: (err as Error).message.slice(0, 300) });
        }
      }
      return answer;
    },
  };
}
