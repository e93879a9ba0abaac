import { defaultMaxPause } from '../config/sla-defaults';
import type { Db } from '../db/connection';
import { getSlaPolicy } from '../db/queries/sla-policies';
import type { ClockKind, ClockPlan, SlaClassName } from '../workflows/domain';
import type { DeadlineActivities, DeadlineRequest } from './deadlines';

export interface ClockPlanRequest {
  clockId: string;
  kind: ClockKind;
  slaClass: SlaClassName;
  from: string;
  /** Given for extensions and pauses; otherwise the policy's duration for the kind. */
  duration?: string | null;
  /** Move `currentDue` later by the time between these instants (a pause). */
  shift?: { from: string; to: string } | null;
  currentDue?: string | null;
}

export interface ClockActivities {
  planClocks(requests: ClockPlanRequest[]): Promise<ClockPlan[]>;
}

const warned: ReadonlySet<ClockKind> = new Set(['triage', 'respond', 'resolve', 'callback']);

/**
 * Turns started clocks into absolute deadlines with the SLA policy as it stands now and the working-day
 * calendar. Runs as an activity, so the answer is recorded in history: a later policy or calendar change
 * never rewrites a running deadline, and replay never re-reads them.
 */
export function createClockActivities(deps: { db: Db; deadlines: DeadlineActivities }): ClockActivities {
  return {
    async planClocks(requests) {
      const classes = [...new Set(requests.map((r) => r.slaClass))];
      const policies = new Map(await Promise.all(classes.map(async (c) => [c, await getSlaPolicy(deps.db, c)] as const)));
      const plans: ClockPlan[] = [];
      const fresh: DeadlineRequest[] = [];
      for (const r of requests) {
        const policy = policies.get(r.slaClass)!;
        const basis = r.kind === 'callback' ? (policy.callbackBasis ?? 'working') : policy.basis;
        if (r.shift && r.currentDue) {
          const { due } = await deps.deadlines.shiftDeadline({ deadline: r.currentDue, from: r.shift.from, to: r.shift.to, basis });
          plans.push({ clockId: r.clockId, due, warnAt: null, basis });
          continue;
        }
        const duration =
          r.duration ??
          (r.kind === 'pause' ? (policy.maxPause ?? defaultMaxPause) : policy[r.kind as 'triage' | 'respond' | 'resolve' | 'callback' | 'repeatOverdue']);
        fresh.push({ key: r.clockId, from: r.from, duration, basis, ...(warned.has(r.kind) && !r.duration ? { warnAt: policy.warnAt } : {}) });
      }
      const computed = fresh.length ? await deps.deadlines.computeDeadlines(fresh) : [];
      const basisOf = new Map(fresh.map((f) => [f.key, f.basis]));
      for (const c of computed) plans.push({ clockId: c.key, due: c.due, warnAt: c.warnAt, basis: basisOf.get(c.key)! });
      return plans;
    },
  };
}
