import type { CaseEvent, CaseIntake } from './events';
import type { Assignment, CaseState } from './types';

export function initialState(intake: CaseIntake, at: string): CaseState {
  return {
    ...intake,
    status: 'triage',
    tier: 'community',
    mode: null,
    assignments: [],
    deadlines: {},
    overdue: false,
    escalations: [],
    directHandler: null,
    resolution: null,
    callbacks: [],
    reopenCount: 0,
    rating: null,
    createdAt: at,
    dispatchedAt: null,
    resolvedAt: null,
    closedAt: null,
    updatedAt: at,
    version: 0,
  };
}

const updateAssignment = (state: CaseState, unitId: string, change: Partial<Assignment>): Assignment[] =>
  state.assignments.map((a) => (a.active && a.unitId === unitId ? { ...a, ...change } : a));

/** The state after an event. Total over events; never refuses (refusing is `decide`'s job). */
export function evolve(state: CaseState | null, event: CaseEvent): CaseState {
  if (event.type === 'case_opened') return { ...initialState(event.intake, event.at), version: event.seq };
  if (!state) throw new Error(`event ${event.type} before case_opened`);
  const next = { ...state, version: event.seq, updatedAt: event.at };

  switch (event.type) {
    case 'handled_directly':
      return {
        ...next,
        status: 'in_progress',
        mode: 'direct',
        dispatchedAt: state.dispatchedAt ?? event.at,
        directHandler: { userId: event.actor?.userId ?? '', note: event.note },
      };

    case 'dispatched': {
      const assign = (unitId: string, role: Assignment['role']): Assignment => ({
        unitId,
        role,
        state: 'pending',
        active: true,
        tier: state.tier,
        assignedAt: event.at,
        respondBy: null,
        decidedAt: null,
        decidedBy: null,
        reason: null,
        note: null,
      });
      return {
        ...next,
        status: 'dispatched',
        mode: event.designated ? 'designated' : null,
        dispatchedAt: state.dispatchedAt ?? event.at,
        assignments: [
          ...state.assignments,
          assign(event.leadUnitId, 'lead'),
          ...event.cooperatingUnitIds.map((id) => assign(id, 'cooperating')),
        ],
      };
    }

    case 'assignment_accepted': {
      const assignments = updateAssignment(state, event.unitId, {
        state: 'accepted',
        decidedAt: event.at,
        decidedBy: event.actor?.userId ?? null,
        note: event.note,
      });
      const leadAccepted = assignments.some((a) => a.active && a.role === 'lead' && a.state === 'accepted');
      return { ...next, assignments, status: leadAccepted && state.status === 'dispatched' ? 'in_progress' : state.status };
    }

    case 'assignment_rejected': {
      const rejected = state.assignments.find((a) => a.active && a.unitId === event.unitId);
      const decided = updateAssignment(state, event.unitId, {
        state: 'rejected',
        decidedAt: event.at,
        decidedBy: event.actor?.userId ?? null,
        reason: event.reason,
      });
      if (rejected?.role !== 'lead') return { ...next, assignments: decided };
      // The lead unit refused: the round ends and the case goes back to its tier's dispatcher (改派).
      return { ...next, status: 'triage', assignments: decided.map((a) => ({ ...a, active: false })) };
    }

    case 'resolved':
      return {
        ...next,
        status: 'resolved',
        resolvedAt: event.at,
        resolution: {
          summary: event.summary,
          evidence: event.evidence,
          explainedUnresolved: event.explainedUnresolved,
          by: event.actor?.userId ?? '',
          at: event.at,
        },
      };

    case 'callback_recorded': {
      const callbacks = [...state.callbacks, { rating: event.rating, comment: event.comment, by: event.actor?.userId ?? '', at: event.at }];
      if (event.rating === 'unsatisfied') {
        // Reopened: the unit works on it again; the earlier resolution stays on the timeline.
        return { ...next, callbacks, rating: event.rating, status: 'in_progress', reopenCount: state.reopenCount + 1, resolution: null, resolvedAt: null };
      }
      return { ...next, callbacks, rating: event.rating, status: 'closed', closedAt: event.at };
    }
  }
}

export const isFinished = (state: CaseState): boolean =>
  state.status === 'closed' || state.status === 'withdrawn' || state.status === 'merged';
