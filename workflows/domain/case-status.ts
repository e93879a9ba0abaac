import type { CaseStatus } from './terms';
import type { Actor, CaseState } from './types';

const endedStatuses: ReadonlySet<CaseStatus> = new Set(['closed', 'withdrawn', 'merged']);

/** The case ended (closed, withdrawn, merged): nothing can happen to it any more, and its workflow completes. */
export const hasEnded = (status: CaseStatus): boolean => endedStatuses.has(status);

/** No unit works on it any more: ended, or resolved and waiting for the citizen's rating. */
export const isWorkDone = (status: CaseStatus): boolean => hasEnded(status) || status === 'resolved';

/**
 * The actor handles the case: the liaison of its lead unit once that unit accepted, or whoever took it on the
 * spot (直接办). They report progress, pause, resolve, and reach the citizen.
 */
export function handlesCase(actor: Pick<Actor, 'userId' | 'role' | 'unitId'>, state: CaseState): boolean {
  if (state.directHandler?.userId === actor.userId) return true;
  if (actor.role !== 'liaison') return false;
  return state.assignments.some((a) => a.active && a.role === 'lead' && a.state === 'accepted' && a.unitId === actor.unitId);
}
