import type { CaseCommand } from './commands';
import type { CaseEventData } from './events';
import { forbidden, invalid, invalidState, Rejection } from './rejection';
import { zh } from './terms';
import type { Actor, Assignment, CaseState } from './types';

export type Decision = { ok: true; events: CaseEventData[] } | { ok: false; rejection: Rejection };

const accept = (...events: CaseEventData[]): Decision => ({ ok: true, events });
const refuse = (rejection: Rejection): Decision => ({ ok: false, rejection });

/** The jurisdiction node whose dispatcher acts for the case at its current tier. */
export function tierNodeId(state: CaseState): string {
  const { communityId, streetId, cityId } = state.location;
  return state.tier === 'community' ? communityId : state.tier === 'street' ? streetId : cityId;
}

function isAtOrBelow(actor: Actor, nodeId: string): boolean {
  return actor.jurisdictionId === nodeId || (actor.jurisdictionPath ?? '').includes(`/${nodeId}/`);
}

/** Assignments of the current dispatch round: a lead's rejection ends a round. */
export function activeAssignments(state: CaseState): Assignment[] {
  return state.assignments.filter((a) => a.active);
}

function leadAssignment(state: CaseState): Assignment | undefined {
  return activeAssignments(state).find((a) => a.role === 'lead');
}

/**
 * The rules: given the case, a command and who sent it, either the events that follow or why not.
 * Pure and deterministic; the workflow's update validators and handlers both call it.
 */
export function decide(state: CaseState, command: CaseCommand, actor: Actor): Decision {
  switch (command.type) {
    case 'handleDirectly': {
      if (state.status !== 'triage') return refuse(invalidState(state, '直接办理'));
      if (state.tier !== 'community') return refuse(invalidState(state, '在街道或市级直接办理（直接办仅限社区）'));
      const mayHandle =
        (actor.role === 'dispatcher' && actor.jurisdictionId === state.location.communityId) ||
        (actor.role === 'gridWorker' && isAtOrBelow(actor, state.location.communityId));
      if (!mayHandle) return refuse(forbidden('只有本社区的调度员或网格员可以直接办理此案件'));
      return accept({ type: 'handled_directly', note: command.note });
    }

    case 'dispatch': {
      if (state.status !== 'triage') return refuse(invalidState(state, '派单'));
      if (actor.role !== 'dispatcher' || actor.jurisdictionId !== tierNodeId(state)) {
        return refuse(forbidden(`只有${zh.tier[state.tier]}的调度员可以派单`));
      }
      const cooperating = command.cooperatingUnitIds;
      if (cooperating.includes(command.leadUnitId)) {
        return refuse(invalid('cooperatingUnitIds', '牵头单位不能同时是协办单位'));
      }
      if (new Set(cooperating).size !== cooperating.length) {
        return refuse(invalid('cooperatingUnitIds', '协办单位不能重复'));
      }
      return accept({
        type: 'dispatched',
        leadUnitId: command.leadUnitId,
        cooperatingUnitIds: cooperating,
        designated: state.tier === 'city',
        note: command.note ?? null,
      });
    }

    case 'accept':
    case 'reject': {
      const verb = command.type === 'accept' ? '签收' : '退单';
      if (state.status !== 'dispatched' && state.status !== 'in_progress') return refuse(invalidState(state, verb));
      const mine = activeAssignments(state).find((a) => a.unitId === actor.unitId);
      if (actor.role !== 'liaison' || !mine) return refuse(forbidden('只有被派单位的联络员可以签收或退单'));
      if (mine.state !== 'pending') {
        return refuse({
          code: 'INVALID_STATE',
          message: `本单位已${zh.assignmentState[mine.state]}，不能重复${verb}`,
          status: state.status,
        });
      }
      if (command.type === 'accept') return accept({ type: 'assignment_accepted', unitId: mine.unitId, note: command.note ?? null });
      if (state.mode === 'designated') {
        return refuse({ code: 'INVALID_STATE', message: '指定办案件由市级平台指定，责任单位不能退单', status: state.status });
      }
      if (command.reason.trim().length < 5) return refuse(invalid('reason', '退单理由至少 5 个字'));
      return accept({ type: 'assignment_rejected', unitId: mine.unitId, reason: command.reason.trim() });
    }

    case 'resolve': {
      if (state.status !== 'in_progress') return refuse(invalidState(state, '办结'));
      const lead = leadAssignment(state);
      const isLeadLiaison = actor.role === 'liaison' && lead?.state === 'accepted' && lead.unitId === actor.unitId;
      const isDirectHandler = state.directHandler?.userId === actor.userId;
      if (!isLeadLiaison && !isDirectHandler) return refuse(forbidden('只有牵头单位联络员或直接办理人可以办结'));
      return accept({
        type: 'resolved',
        summary: command.summary,
        evidence: command.evidence,
        explainedUnresolved: command.explainedUnresolved,
      });
    }

    case 'callback': {
      if (state.status !== 'resolved') return refuse(invalidState(state, '登记回访'));
      if (actor.role !== 'clerk') return refuse(forbidden('只有受理员可以登记回访结果'));
      return accept({ type: 'callback_recorded', rating: command.rating, comment: command.comment ?? null });
    }
  }
}
