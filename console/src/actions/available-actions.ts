import type { Case, Me, Tier } from '../api/types';

export type CaseAction =
  | 'handle-directly'
  | 'dispatch'
  | 'agreement'
  | 'escalate'
  | 'merge'
  | 'complex'
  | 'accept'
  | 'reject'
  | 'progress'
  | 'extension'
  | 'resolve'
  | 'pause'
  | 'resume'
  | 'callback'
  | 'withdraw'
  | 'extension/decision'
  | 'complex/decision';

const open = (c: Case) => !['closed', 'withdrawn', 'merged'].includes(c.status);
const working = (c: Case) => c.status === 'dispatched' || c.status === 'in_progress';

/** The tier a dispatcher triages: the level of their jurisdiction (a district dispatcher has none). */
export const tierOf = (me: Me): Tier | null => {
  const level = me.jurisdiction?.level;
  return level === 'community' || level === 'street' || level === 'city' ? level : null;
};

/** The direct handler of a case handled on the spot (直接办), as far as the console can tell. */
const handledDirectlyBy = (me: Me, c: Case) =>
  c.mode === 'direct' && !!c.timeline?.some((e) => e.type === 'handled_directly' && e.actor?.userId === me.id);

/**
 * The actions worth offering this user on this case: the role and the case's state as the console sees them.
 * The API decides (403/409 with the reason), so this only keeps buttons that cannot work out of the way.
 */
export function availableActions(me: Me, c: Case): CaseAction[] {
  const actions: CaseAction[] = [];
  const add = (when: boolean, ...what: CaseAction[]) => when && actions.push(...what);
  switch (me.role) {
    case 'clerk':
      add(c.status === 'resolved', 'callback');
      add(!!c.paused, 'resume');
      add(open(c) && c.status !== 'resolved', 'withdraw');
      break;
    case 'gridWorker':
      add(c.status === 'triage' && c.tier === 'community', 'handle-directly');
      break;
    case 'dispatcher': {
      const myTier = c.tier === tierOf(me);
      add(c.status === 'triage' && myTier && c.tier === 'community', 'handle-directly');
      add(c.status === 'triage' && myTier, 'dispatch', 'agreement', 'merge');
      add(open(c) && c.status !== 'resolved' && c.tier !== 'city', 'escalate');
      add(open(c) && c.status !== 'resolved' && myTier && c.complexMark?.state !== 'pending' && c.slaClass !== 'complex', 'complex');
      break;
    }
    case 'liaison': {
      const mine = c.assignments.filter((a) => a.unitId === me.unit?.id && a.active !== false);
      const lead = mine.find((a) => a.role === 'lead' && a.state === 'accepted');
      add(working(c) && mine.some((a) => a.state === 'pending'), 'accept', 'reject');
      if (lead && c.status === 'in_progress') {
        add(true, 'progress');
        add(c.extension?.state !== 'pending', 'extension');
        add(true, c.paused ? 'resume' : 'pause');
        add(true, 'resolve');
      }
      break;
    }
    case 'supervisor':
      add(c.extension?.state === 'pending', 'extension/decision');
      add(c.complexMark?.state === 'pending', 'complex/decision');
      add(open(c) && c.status !== 'resolved' && c.tier !== 'city', 'escalate');
      break;
    default:
      break;
  }
  if ((me.role === 'dispatcher' || me.role === 'gridWorker') && handledDirectlyBy(me, c) && c.status === 'in_progress') {
    add(true, 'progress', c.paused ? 'resume' : 'pause', 'resolve');
  }
  return actions;
}
