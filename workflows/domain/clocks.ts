import { alert } from './alerts';
import { nextTier } from './place';
import type { CaseEventData, ClockPlanFailure } from './events';
import { zh, type SlaClassName } from './terms';
import type { CaseState, Clock, ClockAdjustment, ClockKind, Instant } from './types';

/** Clocks whose passing makes a case overdue and climbs a tier. */
const accountable: ReadonlySet<ClockKind> = new Set(['triage', 'respond', 'resolve']);
const warnable: ReadonlySet<ClockKind> = new Set(['triage', 'respond', 'resolve', 'callback']);

export const isRunning = (c: Clock): boolean => c.stoppedAt === null;

export function newClock(state: CaseState, kind: ClockKind, at: Instant, extra: Partial<Clock> = {}): Clock {
  return {
    id: `${kind}-${state.clocks.length + 1}`,
    kind,
    tier: state.tier,
    unitId: null,
    startedAt: at,
    due: null,
    warnAt: null,
    plan: { from: at },
    warned: false,
    missedAt: null,
    stoppedAt: null,
    ...extra,
  };
}

export const stopClocks = (clocks: Clock[], which: (c: Clock) => boolean, at: Instant): Clock[] =>
  clocks.map((c) => (isRunning(c) && which(c) ? { ...c, stoppedAt: at } : c));

/** A deadline of the case passed and nothing has met it yet. */
export const isOverdue = (state: CaseState): boolean =>
  state.clocks.some((c) => isRunning(c) && accountable.has(c.kind) && c.missedAt !== null && c.pausedAt == null);

/** Clocks started but not yet planned: the workflow asks the deadline activity for these. */
export const clocksAwaitingPlan = (state: CaseState): Clock[] => state.clocks.filter((c) => isRunning(c) && c.plan !== null);

/** What the deadline planner is asked for one clock (activities/clocks.ts answers). */
export interface ClockPlanRequest {
  clockId: string;
  kind: ClockKind;
  slaClass: SlaClassName;
  /** Where the policy's duration for the kind counts from (ignored when `base` is given). */
  from: string;
  /** Start from this deadline instead of the policy's (an extension or pause moves a planned deadline). */
  base?: string | null;
  /** Applied in order after the base: approved extensions and pauses (see ClockAdjustment). */
  steps?: ClockAdjustment[];
}

/** The planner's requests for the clocks started but not yet planned. */
export const clockPlanRequests = (state: CaseState): ClockPlanRequest[] =>
  clocksAwaitingPlan(state).map((c) => ({
    clockId: c.id,
    kind: c.kind,
    slaClass: state.slaClass,
    from: c.plan!.from,
    base: c.plan!.base ?? null,
    steps: c.plan!.steps ?? [],
  }));

/** When the workflow must next look at the clocks, or null when none is ticking. */
export function nextWakeAt(state: CaseState): Instant | null {
  let next: Instant | null = null;
  for (const c of state.clocks) {
    if (!isRunning(c) || c.due === null || c.pausedAt) continue;
    const candidates = [c.missedAt === null ? c.due : null, !c.warned && c.warnAt && c.missedAt === null ? c.warnAt : null];
    for (const t of candidates) if (t && (next === null || t < next)) next = t;
  }
  return next;
}

const clockLabel = (c: Clock): string => `${zh.clock[c.kind]}时限`;

/**
 * What the passing of time does to a case at `now`: warnings, missed deadlines and their consequences.
 * At most one escalation per look, so two deadlines passing together climb one tier, not two.
 */
export function tick(state: CaseState, now: Instant): CaseEventData[] {
  const events: CaseEventData[] = [];
  let tier = state.tier;
  let escalated = false;
  // Deadlines falling at the same instant are looked at in the order the clocks started, so the one that
  // climbs is always the same, whatever order the engine woke in.
  const due = state.clocks
    .filter((c) => isRunning(c) && c.due !== null && !c.pausedAt)
    .sort((a, b) => (a.due! === b.due! ? clockOrdinal(a) - clockOrdinal(b) : a.due! < b.due! ? -1 : 1));
  for (const c of due) {
    const unit = c.unitId ? { unitId: c.unitId } : {};
    if (c.missedAt === null && c.due! <= now) {
      if (c.kind === 'callback') {
        events.push({ type: 'callback_window_expired' });
        continue;
      }
      if (c.kind === 'pause') {
        events.push({ type: 'resumed', note: '等待补充材料超过上限，自动恢复办结计时' });
        continue;
      }
      events.push({ type: 'clock_missed', clockId: c.id });
      if (c.kind === 'repeatOverdue') {
        // Not when this same look already raised an overdue alert (another deadline passed at this instant).
        const alerted = events.some((e) => e.type === 'alert_raised' && e.alert.type === 'overdue');
        if (isOverdue(state) && !alerted) events.push(alert(state, 'overdue', tier, '仍有超时未办事项，请督办', { deadline: c.due }));
        continue;
      }
      const up = nextTier(tier);
      // A miss is counted once: a deadline moved after it was missed (a late extension, a pause) that passes
      // again reminds the tier holding the case but does not climb a second time.
      const firstMiss = c.missedDue == null;
      if (up && !escalated && firstMiss) {
        escalated = true;
        events.push({ type: 'escalated', from: tier, to: up, cause: 'deadline', reason: `${clockLabel(c)}已过（${c.due}）` });
        events.push(alert(state, 'overdue', up, `${clockLabel(c)}已过`, { deadline: c.due, ...unit }));
        events.push(alert(state, 'escalated', up, `因${clockLabel(c)}已过，自动升级至${zh.tier[up]}`, { deadline: c.due, ...unit }));
        tier = up;
      } else {
        events.push(alert(state, 'overdue', tier, `${clockLabel(c)}已过`, { deadline: c.due, ...unit }));
      }
    } else if (!c.warned && c.warnAt && c.warnAt <= now && c.due! > now && warnable.has(c.kind)) {
      events.push({ type: 'clock_warned', clockId: c.id });
      events.push(alert(state, 'warning', tier, `${clockLabel(c)}即将到期（${c.due}）`, { deadline: c.due, ...unit }));
    }
  }
  return events;
}

/** Clock ids are `<kind>-<n>`, n counting every clock the case started: the order they started in. */
const clockOrdinal = (c: Clock): number => Number(c.id.slice(c.id.lastIndexOf('-') + 1)) || 0;

/** The planner could not set these deadlines: record it and tell the supervisors of the case's tier. */
export function planFailed(state: CaseState, failures: ClockPlanFailure[]): CaseEventData[] {
  const labels = failures.map((f) => {
    const clock = state.clocks.find((c) => c.id === f.clockId);
    return clock ? clockLabel(clock) : f.clockId;
  });
  return [
    { type: 'clocks_plan_failed', failures },
    alert(state, 'plan_failed', state.tier, `${labels.join('、')}计算失败，请人工核定时限：${failures[0]?.reason ?? ''}`),
  ];
}

/** The deadlines shown on a case, derived from its clocks. */
export function deadlinesOf(clocks: Clock[]): CaseState['deadlines'] {
  const running = (kind: ClockKind) => clocks.filter((c) => c.kind === kind && isRunning(c) && c.due);
  const latest = (kind: ClockKind) => [...clocks].reverse().find((c) => c.kind === kind && c.due)?.due ?? null;
  const respond = running('respond').map((c) => c.due!).sort();
  return {
    triageBy: running('triage').at(-1)?.due ?? null,
    respondBy: respond[0] ?? null,
    resolveBy: latest('resolve'),
    callbackBy: running('callback').at(-1)?.due ?? null,
  };
}
