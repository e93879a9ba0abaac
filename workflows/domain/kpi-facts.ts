import type { AssignmentRole, CaseState, Clock, Instant } from './types';

/**
 * What one case contributes to the measures of DOMAIN.md §6, decided here once so that the SQL report only
 * counts and divides. Pure: a function of the state alone, recomputed at every projection.
 */
export interface CaseKpiFacts {
  /** First dispatch or direct handling: the instant KPI periods are cut on; null = the case counts nowhere. */
  dispatchedAt: Instant | null;
  /** It had at least one assignment: the denominator of on-time feedback and completion. */
  dispatchedToUnit: boolean;
  /** The lead unit of the last dispatch round, if that round still stands: whose case measures it feeds. */
  leadUnitId: string | null;
  /** First feedback (progress note or resolution) by the first resolve deadline; null when not dispatched to a unit. */
  feedbackOnTime: boolean | null;
  /** First resolution by the first resolve deadline; null when not dispatched to a unit. */
  completedOnTime: boolean | null;
  closed: boolean;
  reopened: boolean;
  /** Closed and never reopened (explained-but-unresolved included). */
  firstTime: boolean;
  /** Counts for 解决率: see `isResolvedCase`. */
  resolvedCase: boolean;
  /** Every callback once, the unsatisfied ones that reopened the case included. */
  ratingsTotal: number;
  ratingsSatisfied: number;
  /** Climbed at least one tier, whatever the cause. */
  escalated: boolean;
  /** Every assignment ever made, lead or cooperating, rejected or ended with its round. */
  assignments: AssignmentKpiFact[];
}

export interface AssignmentKpiFact {
  unitId: string;
  role: AssignmentRole;
  /** Accepted or rejected by its respond deadline. */
  respondedInTime: boolean;
}

const toMs = (t: Instant): number => Date.parse(t);

/**
 * The deadline a clock is judged by: the due as it stood when it fell due. A replan before that moment (an
 * approved extension, a pause) moved it and counts; one after it (an approval that came too late) does not.
 * A refused extension never replans, so it cannot count. Null while the clock is not planned yet.
 */
const judgedDue = (clock: Clock | undefined): Instant | null => clock?.missedDue ?? clock?.due ?? null;

/** Something that happened by a deadline; with no deadline planned yet nothing can have been late. */
const byDeadline = (happened: Instant | null | undefined, deadline: Instant | null): boolean =>
  happened != null && (deadline === null || toMs(happened) <= toMs(deadline));

/**
 * The instant of the first resolution. States projected before `firstResolvedAt` existed: the first resolve
 * clock runs until the first resolution (nothing else stops it but a withdrawal or merge, which end the case
 * unresolved), so its stop is that instant whenever the case was ever resolved.
 */
function firstResolution(state: CaseState, firstResolve: Clock | undefined): Instant | null {
  if (state.firstResolvedAt !== undefined) return state.firstResolvedAt;
  const everResolved = state.resolution !== null || state.reopenCount > 0;
  return everResolved ? (firstResolve?.stoppedAt ?? state.resolvedAt) : null;
}

const satisfied = (rating: string | null | undefined): boolean => rating === 'satisfied' || rating === 'basically_satisfied';

/**
 * 解决率's numerator: closed, and either the last rating is (basically) satisfied, or nobody rated it and it was
 * truly resolved (not explained-unresolved) with evidence and never reopened.
 */
function isResolvedCase(state: CaseState, closed: boolean): boolean {
  if (!closed) return false;
  if (satisfied(state.callbacks.at(-1)?.rating)) return true;
  const resolution = state.resolution;
  return (
    state.notRated &&
    state.reopenCount === 0 &&
    resolution !== null &&
    !resolution.explainedUnresolved &&
    resolution.evidence.length > 0
  );
}

export function kpiFacts(state: CaseState): CaseKpiFacts {
  const dispatchedToUnit = state.assignments.length > 0;
  // Reopening starts a fresh resolve clock; the first resolution and first feedback answer to the first one.
  const firstResolve = state.clocks.find((c) => c.kind === 'resolve');
  const resolveDeadline = judgedDue(firstResolve);
  const closed = state.status === 'closed';
  const reopened = state.reopenCount > 0;

  const respondClock = (unitId: string, assignedAt: Instant): Clock | undefined =>
    state.clocks.find((c) => c.kind === 'respond' && c.unitId === unitId && c.startedAt === assignedAt);

  return {
    dispatchedAt: state.dispatchedAt,
    dispatchedToUnit,
    leadUnitId: state.assignments.find((a) => a.active && a.role === 'lead')?.unitId ?? null,
    feedbackOnTime: dispatchedToUnit ? byDeadline(state.firstFeedbackAt, resolveDeadline) : null,
    completedOnTime: dispatchedToUnit ? byDeadline(firstResolution(state, firstResolve), resolveDeadline) : null,
    closed,
    reopened,
    firstTime: closed && !reopened,
    resolvedCase: isResolvedCase(state, closed),
    ratingsTotal: state.callbacks.length,
    ratingsSatisfied: state.callbacks.filter((c) => satisfied(c.rating)).length,
    escalated: state.escalations.length > 0,
    assignments: state.assignments.map((a) => {
      // Units named in a negotiated agreement start accepted and have no respond clock: in time by construction.
      const clock = respondClock(a.unitId, a.assignedAt);
      const deadline = clock ? judgedDue(clock) : (a.respondBy ?? null);
      return { unitId: a.unitId, role: a.role, respondedInTime: a.state !== 'pending' && byDeadline(a.decidedAt, deadline) };
    }),
  };
}
