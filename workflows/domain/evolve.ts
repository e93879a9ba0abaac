import { isWorkDone } from './case-status';
import { deadlinesOf, isOverdue, isRunning, newClock, stopClocks } from './clocks';
import type { CaseEvent, CaseIntake } from './events';
import type { Assignment, CaseState, Clock, ClockAdjustment } from './types';

export function initialState(intake: CaseIntake, at: string): CaseState {
  const state: CaseState = {
    ...intake,
    status: 'triage',
    tier: 'community',
    mode: null,
    assignments: [],
    deadlines: {},
    overdue: false,
    escalations: [],
    clocks: [],
    extensions: [],
    extension: null,
    agreement: null,
    complexMark: null,
    paused: null,
    firstFeedbackAt: null,
    progressNotes: 0,
    leadRejections: 0,
    mergedInto: null,
    endReason: null,
    notRated: false,
    directHandler: null,
    resolution: null,
    callbacks: [],
    reopenCount: 0,
    rating: null,
    createdAt: at,
    dispatchedAt: null,
    resolvedAt: null,
    firstResolvedAt: null,
    closedAt: null,
    updatedAt: at,
    version: 0,
  };
  return { ...state, clocks: [newClock(state, 'triage', at)] };
}

const withClock = (state: CaseState, kind: Clock['kind'], at: string, extra: Partial<Clock> = {}): CaseState => ({
  ...state,
  clocks: [...state.clocks, newClock(state, kind, at, extra)],
});

const stop = (state: CaseState, which: (c: Clock) => boolean, at: string): CaseState => ({ ...state, clocks: stopClocks(state.clocks, which, at) });

const updateClock = (state: CaseState, id: string, change: Partial<Clock>): CaseState => ({
  ...state,
  clocks: state.clocks.map((c) => (c.id === id ? { ...c, ...change } : c)),
});

/** An extension or a pause moves a planned deadline: plan it anew from where it stands, and remember why. */
const adjust = (state: CaseState, clock: Clock, step: ClockAdjustment): CaseState =>
  updateClock(state, clock.id, { plan: { from: clock.startedAt, base: clock.due, steps: [step] }, adjustments: [...(clock.adjustments ?? []), step] });

const runningResolve = (state: CaseState): Clock | undefined => state.clocks.find((c) => c.kind === 'resolve' && isRunning(c));

const updateAssignment = (state: CaseState, unitId: string, change: Partial<Assignment>): Assignment[] =>
  state.assignments.map((a) => (a.active && a.unitId === unitId ? { ...a, ...change } : a));

/** A new round of assignments: the previous round ends, each unit's respond clock starts, the resolve clock starts once. */
function startRound(state: CaseState, at: string, leadUnitId: string, cooperating: string[], accepted: boolean, actorId: string | null): CaseState {
  const assign = (unitId: string, role: Assignment['role']): Assignment => ({
    unitId,
    role,
    state: accepted ? 'accepted' : 'pending',
    active: true,
    tier: state.tier,
    assignedAt: at,
    respondBy: null,
    decidedAt: accepted ? at : null,
    decidedBy: accepted ? actorId : null,
    reason: null,
    note: null,
  });
  let next: CaseState = {
    ...state,
    // A direct case that climbed and is dispatched anew leaves its first handler's hands.
    directHandler: null,
    dispatchedAt: state.dispatchedAt ?? at,
    assignments: [
      ...state.assignments.map((a) => ({ ...a, active: false })),
      assign(leadUnitId, 'lead'),
      ...cooperating.map((id) => assign(id, 'cooperating')),
    ],
  };
  next = stop(next, (c) => c.kind === 'triage' || c.kind === 'respond', at);
  if (!accepted) for (const unitId of [leadUnitId, ...cooperating]) next = withClock(next, 'respond', at, { unitId });
  if (!runningResolve(next)) next = withClock(next, 'resolve', at);
  return next;
}

/** When the event happened, and who did it (null for the system: timers, plans). */
interface EventContext {
  at: string;
  by: string | null;
}

type Applier<T extends CaseEvent['type']> = (state: CaseState, event: Extract<CaseEvent, { type: T }>, context: EventContext) => CaseState;

/**
 * The state after each event, before derived fields: one entry per event, as `decide` has one per command.
 * Total over events; never refuses (that is `decide`'s job).
 */
const appliers: { [T in CaseEvent['type']]: Applier<T> } = {
  // Opening is `initialState`'s (see evolve); an alert changes nothing but the timeline.
  case_opened: (state) => state,

  handled_directly(state, event, { at, by }) {
    const next = stop(state, (c) => c.kind === 'triage', at);
    return withClock(
      { ...next, status: 'in_progress', mode: 'direct', dispatchedAt: state.dispatchedAt ?? at, directHandler: { userId: by ?? '', note: event.note } },
      'resolve',
      at,
    );
  },

  dispatched(state, event, { at, by }) {
    return {
      ...startRound(state, at, event.leadUnitId, event.cooperatingUnitIds, false, by),
      status: 'dispatched',
      mode: event.designated ? 'designated' : state.mode === 'direct' ? null : state.mode,
    };
  },

  agreement_recorded(state, event, { at, by }) {
    return {
      ...startRound(state, at, event.leadUnitId, event.cooperatingUnitIds, true, by),
      status: 'in_progress',
      mode: 'negotiated',
      agreement: { participants: event.participants, plan: event.plan, costSharing: event.costSharing, at },
    };
  },

  assignment_accepted(state, event, { at, by }) {
    const assignments = updateAssignment(state, event.unitId, { state: 'accepted', decidedAt: at, decidedBy: by, note: event.note });
    const leadAccepted = assignments.some((a) => a.active && a.role === 'lead' && a.state === 'accepted');
    const next = stop(state, (c) => c.kind === 'respond' && c.unitId === event.unitId, at);
    return { ...next, assignments, status: leadAccepted && state.status === 'dispatched' ? 'in_progress' : state.status };
  },

  assignment_rejected(state, event, { at, by }) {
    const rejected = state.assignments.find((a) => a.active && a.unitId === event.unitId);
    let next: CaseState = {
      ...stop(state, (c) => c.kind === 'respond' && c.unitId === event.unitId, at),
      assignments: updateAssignment(state, event.unitId, { state: 'rejected', decidedAt: at, decidedBy: by, reason: event.reason }),
    };
    if (rejected?.role !== 'lead') return next;
    // The lead unit refused: the round ends and the case goes back to its tier's dispatcher (改派) on a fresh triage clock.
    next = stop(next, (c) => c.kind === 'respond', at);
    next = { ...next, status: 'triage', leadRejections: state.leadRejections + 1, assignments: next.assignments.map((a) => ({ ...a, active: false })) };
    return withClock(next, 'triage', at);
  },

  progress_noted(state, _event, { at }) {
    return { ...state, progressNotes: state.progressNotes + 1, firstFeedbackAt: state.firstFeedbackAt ?? at };
  },

  extension_requested(state, event, { at, by }) {
    const extension = { state: 'pending' as const, duration: event.duration, reason: event.reason, requestedAt: at, requestedBy: by ?? '' };
    return { ...state, extension };
  },

  extension_decided(state, event, { at, by }) {
    if (!state.extension) return state;
    const resolve = runningResolve(state);
    const decided = {
      ...state.extension,
      state: event.approve ? ('approved' as const) : ('refused' as const),
      decidedAt: at,
      decidedBy: by,
      note: event.note,
      previousResolveBy: resolve?.due ?? null,
    };
    const next = { ...state, extension: decided, extensions: [...state.extensions, decided] };
    if (!event.approve || !resolve?.due) return next;
    // Added to the current deadline on the policy's basis (from the approval if it already passed).
    return adjust(next, resolve, { kind: 'extend', duration: decided.duration, at });
  },

  paused(state, event, { at }) {
    const resolve = runningResolve(state);
    const next = resolve ? updateClock(state, resolve.id, { pausedAt: at }) : state;
    // Bounded by the policy's maxPause, which the planner reads.
    return withClock({ ...next, paused: { since: at, reason: event.reason } }, 'pause', at);
  },

  resumed(state, _event, { at }) {
    const resolve = runningResolve(state);
    const since = state.paused?.since ?? at;
    let next: CaseState = stop({ ...state, paused: null }, (c) => c.kind === 'pause', at);
    // The resolve deadline moves by the time spent waiting, counted on the policy's basis.
    if (resolve?.due) next = adjust(updateClock(next, resolve.id, { pausedAt: null }), resolve, { kind: 'shift', from: since, to: at });
    return next;
  },

  resolved(state, event, { at, by }) {
    const next = stop(state, () => true, at);
    return withClock(
      {
        ...next,
        status: 'resolved',
        resolvedAt: at,
        firstResolvedAt: state.firstResolvedAt ?? at,
        firstFeedbackAt: state.firstFeedbackAt ?? at,
        resolution: { summary: event.summary, evidence: event.evidence, explainedUnresolved: event.explainedUnresolved, by: by ?? '', at },
      },
      'callback',
      at,
    );
  },

  callback_recorded(state, event, { at, by }) {
    const callbacks = [...state.callbacks, { rating: event.rating, comment: event.comment, by: by ?? '', at }];
    const next = stop({ ...state, callbacks, rating: event.rating }, (c) => c.kind === 'callback', at);
    if (event.rating !== 'unsatisfied') return { ...next, status: 'closed', closedAt: at };
    // Reopened: the unit works on it again on a fresh resolve clock; the earlier resolution stays on the timeline.
    return withClock({ ...next, status: 'in_progress', reopenCount: state.reopenCount + 1, resolution: null, resolvedAt: null }, 'resolve', at);
  },

  callback_window_expired(state, _event, { at }) {
    return { ...stop(state, () => true, at), status: 'closed', closedAt: at, notRated: true };
  },

  escalated(state, event, { at }) {
    // A triage deadline already missed stays unmet (the case stays overdue) until a tier handles the case;
    // one not yet due is simply replaced by the new tier's.
    const next = stop(
      { ...state, tier: event.to, escalations: [...state.escalations, { from: event.from, to: event.to, cause: event.cause, at, reason: event.reason }] },
      (c) => c.kind === 'triage' && c.missedAt === null,
      at,
    );
    // Each new tier gets a fresh triage clock; the units' clocks keep running (escalation releases nobody).
    return withClock(next, 'triage', at);
  },

  complex_requested(state, event, { at, by }) {
    return { ...state, complexMark: { state: 'pending', reason: event.reason, requestedAt: at, requestedBy: by ?? '' } };
  },

  complex_decided(state, event, { at, by }) {
    if (!state.complexMark) return state;
    const complexMark = { ...state.complexMark, state: event.approve ? ('approved' as const) : ('refused' as const), decidedAt: at, decidedBy: by, note: event.note };
    if (!event.approve) return { ...state, complexMark };
    // The case is complex from its start: the running clocks are counted again on the complex policy, with
    // the extensions and pauses they already had.
    const replanned = state.clocks.map((c) =>
      isRunning(c) && (c.kind === 'triage' || c.kind === 'respond' || c.kind === 'resolve')
        ? { ...c, plan: { from: c.startedAt, steps: c.adjustments ?? [] } }
        : c,
    );
    return { ...state, complexMark, slaClass: 'complex', clocks: replanned };
  },

  withdrawn(state, event, { at }) {
    return { ...stop(state, () => true, at), paused: null, status: 'withdrawn', closedAt: at, endReason: event.reason };
  },

  merged(state, event, { at }) {
    return { ...stop(state, () => true, at), paused: null, status: 'merged', closedAt: at, mergedInto: event.intoCaseId, endReason: `并入案件 ${event.intoCaseId}` };
  },

  duplicate_merged(state, event) {
    return { ...state, duplicates: [...(state.duplicates ?? []).filter((id) => id !== event.caseId), event.caseId] };
  },

  recategorized(state, event) {
    if (event.slaClass === state.slaClass) return { ...state, category: event.to };
    // Another deadline class (a water cut reported as noise, say): the running clocks are counted again on the
    // new class's policy from their start, with the extensions and pauses they had, as for the complex mark.
    const replanned = state.clocks.map((c) =>
      isRunning(c) && (c.kind === 'triage' || c.kind === 'respond' || c.kind === 'resolve')
        ? { ...c, plan: { from: c.startedAt, steps: c.adjustments ?? [] } }
        : c,
    );
    return { ...state, category: event.to, slaClass: event.slaClass, clocks: replanned };
  },

  clocks_planned(state, event) {
    let next = state;
    for (const p of event.plans) {
      const clock = next.clocks.find((c) => c.id === p.clockId);
      // A replanned clock (extension, pause) starts afresh: its warning and miss are judged against the new deadline.
      if (clock) {
        next = updateClock(next, p.clockId, { due: p.due, warnAt: p.warnAt, basis: p.basis, workdaySeconds: p.workdaySeconds ?? null, plan: null, warned: false, missedAt: null });
      }
    }
    return next;
  },

  clocks_plan_failed(state, event) {
    // The clock keeps the deadline it had (none, if it never had one); supervisors were alerted to set it.
    let next = state;
    for (const f of event.failures) next = updateClock(next, f.clockId, { plan: null });
    return next;
  },

  clock_warned(state, event) {
    return updateClock(state, event.clockId, { warned: true });
  },

  clock_missed(state, event, { at }) {
    const clock = state.clocks.find((c) => c.id === event.clockId);
    // A repeat reminder has done its job once it fired; the others keep running until met.
    return updateClock(state, event.clockId, {
      missedAt: at,
      missedDue: clock?.missedDue ?? clock?.due ?? null,
      ...(clock?.kind === 'repeatOverdue' ? { stoppedAt: at } : {}),
    });
  },

  alert_raised: (state) => state,
};

function apply(state: CaseState, event: CaseEvent): CaseState {
  return (appliers[event.type] as Applier<typeof event.type>)(state, event as never, { at: event.at, by: event.actor?.userId ?? null });
}

/** Fields that follow from the rest, recomputed after every event so they can never disagree with it. */
function derive(state: CaseState, at: string): CaseState {
  let next = state;
  const overdue = isOverdue(next);
  const finished = isWorkDone(next.status);
  const repeating = next.clocks.some((c) => c.kind === 'repeatOverdue' && isRunning(c));
  // Past the city there is nowhere to climb: remind the city's supervisors while a deadline stays unmet.
  if (next.tier === 'city' && overdue && !finished && !repeating) next = withClock(next, 'repeatOverdue', at);
  if (!overdue && repeating) next = stop(next, (c) => c.kind === 'repeatOverdue', at);
  const respondDue = new Map(next.clocks.filter((c) => c.kind === 'respond' && c.unitId).map((c) => [`${c.unitId}@${c.startedAt}`, c.due]));
  return {
    ...next,
    overdue,
    deadlines: deadlinesOf(next.clocks),
    assignments: next.assignments.map((a) => ({ ...a, respondBy: respondDue.get(`${a.unitId}@${a.assignedAt}`) ?? a.respondBy ?? null })),
  };
}

export function evolve(state: CaseState | null, event: CaseEvent): CaseState {
  if (event.type === 'case_opened') return derive({ ...initialState(event.intake, event.at), version: event.seq }, event.at);
  if (!state) throw new Error(`event ${event.type} before case_opened`);
  return derive({ ...apply(state, event), version: event.seq, updatedAt: event.at }, event.at);
}
