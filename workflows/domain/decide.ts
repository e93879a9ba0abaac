import { alert } from './alerts';
import { isAtOrAboveTier, nextTier, scopeHoldsCase, tierNode } from './place';
import type { CaseCommand, CaseCommands } from './commands';
import type { CaseEventData } from './events';
import { forbidden, invalid, invalidState, Rejection } from './rejection';
import { durationInDays, parseDuration, type ParsedDuration } from './duration';
import { hasEnded, handlesCase, isWorkDone } from './case-status';
import { zh } from './terms';
import { slaClassFor } from './sla-class';
import type { Actor, Assignment, CaseState } from './types';

export type Decision = { ok: true; events: CaseEventData[] } | { ok: false; rejection: Rejection };

const accept = (...events: CaseEventData[]): Decision => ({ ok: true, events });
const refuse = (rejection: Rejection): Decision => ({ ok: false, rejection });

/** Extensions: at most this many days more, once (DOMAIN.md §5, Shandong). */
export const maxExtensionDays = 10;

function isAtOrBelow(actor: Actor, nodeId: string): boolean {
  return actor.jurisdictionId === nodeId || (actor.jurisdictionPath ?? '').includes(`/${nodeId}/`);
}

/** Assignments of the current dispatch round: a lead's rejection or a new dispatch ends a round. */
export const activeAssignments = (state: CaseState): Assignment[] => state.assignments.filter((a) => a.active);

/** Extensions are the lead unit's to ask for: a direct handler works within the deadline it has. */
const isLeadLiaison = (actor: Actor, state: CaseState): boolean => actor.role === 'liaison' && handlesCase(actor, state);

const isTierDispatcher = (actor: Actor, state: CaseState): boolean =>
  actor.role === 'dispatcher' && actor.jurisdictionId === tierNode(state);

/**
 * A case may be (re)dispatched while it waits for triage, or once it climbed above the tier that handled it:
 * the tier of its current round, or the community for a case handled directly (直接办) that then escalated.
 */
function mayDispatch(state: CaseState): boolean {
  if (state.status === 'triage') return true;
  if (state.status !== 'dispatched' && state.status !== 'in_progress') return false;
  const handledAt = state.mode === 'direct' ? 'community' : activeAssignments(state)[0]?.tier;
  return handledAt !== undefined && handledAt !== state.tier;
}

function unitList(leadUnitId: string, cooperating: string[]): Rejection | null {
  if (cooperating.includes(leadUnitId)) return invalid('cooperatingUnitIds', '牵头单位不能同时是协办单位');
  if (new Set(cooperating).size !== cooperating.length) return invalid('cooperatingUnitIds', '协办单位不能重复');
  return null;
}

type Rule<K extends keyof CaseCommands> = (state: CaseState, command: CaseCommands[K], actor: Actor) => Decision;

const rules: { [K in keyof CaseCommands]: Rule<K> } = {
  handleDirectly(state, command, actor) {
    if (state.status !== 'triage') return refuse(invalidState(state, '直接办理'));
    if (state.tier !== 'community') return refuse(invalidState(state, '在街道或市级直接办理（直接办仅限社区）'));
    const mayHandle =
      (actor.role === 'dispatcher' && actor.jurisdictionId === state.location.communityId) ||
      (actor.role === 'gridWorker' && isAtOrBelow(actor, state.location.communityId));
    if (!mayHandle) return refuse(forbidden('只有本社区的调度员或网格员可以直接办理此案件'));
    return accept({ type: 'handled_directly', note: command.note });
  },

  dispatch(state, command, actor) {
    if (!mayDispatch(state)) return refuse(invalidState(state, '派单'));
    if (!isTierDispatcher(actor, state)) return refuse(forbidden(`只有${zh.tier[state.tier]}的调度员可以派单`));
    const bad = unitList(command.leadUnitId, command.cooperatingUnitIds);
    if (bad) return refuse(bad);
    return accept({
      type: 'dispatched',
      leadUnitId: command.leadUnitId,
      cooperatingUnitIds: command.cooperatingUnitIds,
      designated: state.tier === 'city',
      note: command.note ?? null,
    });
  },

  recordAgreement(state, command, actor) {
    if (!mayDispatch(state)) return refuse(invalidState(state, '登记商定办协议'));
    if (!isTierDispatcher(actor, state)) return refuse(forbidden(`只有${zh.tier[state.tier]}的调度员可以登记商定办`));
    const bad = unitList(command.leadUnitId, command.cooperatingUnitIds);
    if (bad) return refuse(bad);
    if (command.participants.length === 0) return refuse(invalid('participants', '商定办至少需要一名参会人'));
    return accept({
      type: 'agreement_recorded',
      leadUnitId: command.leadUnitId,
      cooperatingUnitIds: command.cooperatingUnitIds,
      participants: command.participants,
      plan: command.plan,
      costSharing: command.costSharing ?? null,
    });
  },

  accept: (state, command, actor) => decideResponsibility(state, actor, 'accept', command.note ?? null),
  reject: (state, command, actor) => decideResponsibility(state, actor, 'reject', command.reason),

  noteProgress(state, command, actor) {
    if (state.status !== 'in_progress') return refuse(invalidState(state, '反馈办理进展'));
    if (!handlesCase(actor, state)) {
      return refuse(forbidden('只有牵头单位联络员或直接办理人可以反馈进展'));
    }
    return accept({ type: 'progress_noted', note: command.note });
  },

  requestExtension(state, command, actor) {
    if (state.status !== 'in_progress') return refuse(invalidState(state, '申请延期'));
    if (!isLeadLiaison(actor, state)) return refuse(forbidden('只有牵头单位联络员可以申请延期'));
    if (state.extension?.state === 'pending') return refuse({ code: 'INVALID_STATE', message: '已有待审批的延期申请', status: state.status });
    if (state.extensions.some((e) => e.state === 'approved')) {
      return refuse({ code: 'INVALID_STATE', message: '每件案件只能延期一次，已批准过延期', status: state.status });
    }
    let parsed: ParsedDuration;
    try {
      parsed = parseDuration(command.duration);
    } catch (err) {
      return refuse(invalid('duration', (err as Error).message));
    }
    // Weighed on the basis the deadline runs on: on working days `PT14H` is two days of office hours.
    const resolve = state.clocks.find((c) => c.kind === 'resolve' && c.stoppedAt === null);
    const days = durationInDays(parsed, resolve?.basis ?? 'working', resolve?.workdaySeconds ?? undefined);
    if (days > maxExtensionDays) {
      const unit = (resolve?.basis ?? 'working') === 'working' ? '个工作日' : '天';
      return refuse(invalid('duration', `延期最多 ${maxExtensionDays} ${unit}，${command.duration} 折合约 ${Math.round(days * 10) / 10} ${unit}`));
    }
    return accept(
      { type: 'extension_requested', duration: command.duration, reason: command.reason },
      alert(state, 'extension_requested', state.tier, `申请延期 ${command.duration}：${command.reason}`, {
        unitId: actor.unitId ?? null,
        deadline: state.deadlines.resolveBy ?? null,
      }),
    );
  },

  decideExtension(state, command, actor) {
    if (state.extension?.state !== 'pending') return refuse({ code: 'INVALID_STATE', message: '没有待审批的延期申请', status: state.status });
    if (actor.role !== 'supervisor' || !scopeHoldsCase(actor, state)) return refuse(forbidden('只有案件所在辖区的督办人员可以审批延期'));
    return accept({ type: 'extension_decided', approve: command.approve, note: command.note ?? null });
  },

  pause(state, command, actor) {
    if (state.status !== 'in_progress') return refuse(invalidState(state, '暂停计时（待补充材料）'));
    if (state.paused) return refuse({ code: 'INVALID_STATE', message: '案件已在等待补充材料', status: state.status });
    if (!handlesCase(actor, state)) {
      return refuse(forbidden('只有牵头单位联络员或直接办理人可以暂停计时'));
    }
    return accept({ type: 'paused', reason: command.reason });
  },

  resume(state, command, actor) {
    if (!state.paused) return refuse({ code: 'INVALID_STATE', message: '案件未处于等待补充材料状态', status: state.status });
    if (!handlesCase(actor, state) && actor.role !== 'clerk') {
      return refuse(forbidden('只有牵头单位联络员、直接办理人或受理员可以恢复计时'));
    }
    return accept({ type: 'resumed', note: command.note ?? null });
  },

  resolve(state, command, actor) {
    if (state.status !== 'in_progress') return refuse(invalidState(state, '办结'));
    if (!handlesCase(actor, state)) {
      return refuse(forbidden('只有牵头单位联络员或直接办理人可以办结'));
    }
    const resumed: CaseEventData[] = state.paused ? [{ type: 'resumed', note: '办结时结束等待' }] : [];
    return accept(...resumed, { type: 'resolved', summary: command.summary, evidence: command.evidence, explainedUnresolved: command.explainedUnresolved });
  },

  callback(state, command, actor) {
    if (state.status !== 'resolved') return refuse(invalidState(state, '登记回访'));
    if (actor.role !== 'clerk') return refuse(forbidden('只有受理员可以登记回访结果'));
    return accept({ type: 'callback_recorded', rating: command.rating, comment: command.comment ?? null });
  },

  markComplex(state, command, actor) {
    if (isWorkDone(state.status)) return refuse(invalidState(state, '认定为复杂件'));
    if (state.slaClass === 'complex' || state.complexMark?.state === 'pending') {
      return refuse({ code: 'INVALID_STATE', message: '案件已是复杂件或认定申请待审批', status: state.status });
    }
    if (state.slaClass === 'urgent' || state.slaClass === 'utility') {
      return refuse({ code: 'INVALID_STATE', message: '紧急件和水电气热类诉求全天候办理，不能认定为复杂件', status: state.status });
    }
    if (!isTierDispatcher(actor, state)) return refuse(forbidden(`只有${zh.tier[state.tier]}的调度员可以申请认定复杂件`));
    return accept(
      { type: 'complex_requested', reason: command.reason },
      alert(state, 'complex_requested', state.tier, `申请认定为复杂件：${command.reason}`),
    );
  },

  decideComplex(state, command, actor) {
    if (state.complexMark?.state !== 'pending') return refuse({ code: 'INVALID_STATE', message: '没有待审批的复杂件认定申请', status: state.status });
    if (actor.role !== 'supervisor' || !scopeHoldsCase(actor, state)) return refuse(forbidden('只有案件所在辖区的督办人员可以审批复杂件认定'));
    return accept({ type: 'complex_decided', approve: command.approve, note: command.note ?? null });
  },

  escalate(state, command, actor) {
    if (isWorkDone(state.status)) return refuse(invalidState(state, '升级（吹哨）'));
    const up = nextTier(state.tier);
    if (!up) return refuse({ code: 'INVALID_STATE', message: '案件已在市接诉即办平台，无法继续升级', status: state.status });
    // The current tier, or a node above it, may blow the whistle (吹哨); a tier the case already left may not.
    const mayEscalate = (actor.role === 'dispatcher' || actor.role === 'supervisor') && isAtOrAboveTier(actor, state);
    if (!mayEscalate) return refuse(forbidden(`只有${zh.tier[state.tier]}的调度员或督办人员可以升级`));
    return accept(
      { type: 'escalated', from: state.tier, to: up, cause: 'manual', reason: command.reason },
      alert(state, 'escalated', up, `由${zh.tier[state.tier]}吹哨升级：${command.reason}`),
    );
  },

  withdraw(state, command, actor) {
    if (hasEnded(state.status)) return refuse(invalidState(state, '撤回'));
    if (actor.role !== 'clerk') return refuse(forbidden('只有受理员可以登记诉求人撤回'));
    return accept({ type: 'withdrawn', reason: command.reason });
  },

  merge(state, command, actor) {
    if (isWorkDone(state.status)) return refuse(invalidState(state, '并单'));
    if (command.intoCaseId === state.id) return refuse(invalid('intoCaseId', '不能并入案件自身'));
    if (actor.role !== 'dispatcher' || !scopeHoldsCase(actor, state)) return refuse(forbidden('只有案件所在辖区的调度员可以并单'));
    // The repeat report stays open unless the primary can still carry it.
    if (command.into && hasEnded(command.into.status)) {
      return refuse({
        code: 'INVALID_STATE',
        message: `主案件${command.intoCaseId}当前状态为「${zh.status[command.into.status]}」，不能并入，请选择仍在办理的案件`,
        status: state.status,
      });
    }
    return accept({ type: 'merged', intoCaseId: command.intoCaseId });
  },

  recategorize(state, command, actor) {
    if (isWorkDone(state.status)) return refuse(invalidState(state, '更改事项分类'));
    if (!isTierDispatcher(actor, state)) return refuse(forbidden(`只有${zh.tier[state.tier]}的调度员可以更改事项分类`));
    if (command.category === state.category) return refuse(invalid('category', '事项分类未改变'));
    // An approved complex mark stays; otherwise the new category's class decides (urgent stays urgent).
    const slaClass = state.slaClass === 'complex' || !command.categoryClass ? state.slaClass : slaClassFor(state.urgency, command.categoryClass);
    return accept({ type: 'recategorized', from: state.category, to: command.category, slaClass, note: command.note ?? null });
  },
};

function decideResponsibility(state: CaseState, actor: Actor, choice: 'accept' | 'reject', text: string | null): Decision {
  const verb = choice === 'accept' ? '签收' : '退单';
  if (state.status !== 'dispatched' && state.status !== 'in_progress') return refuse(invalidState(state, verb));
  const mine = activeAssignments(state).find((a) => a.unitId === actor.unitId);
  if (actor.role !== 'liaison' || !mine) return refuse(forbidden('只有被派单位的联络员可以签收或退单'));
  if (mine.state !== 'pending') {
    return refuse({ code: 'INVALID_STATE', message: `本单位已${zh.assignmentState[mine.state]}，不能重复${verb}`, status: state.status });
  }
  const late = state.clocks.some((c) => c.kind === 'respond' && c.unitId === mine.unitId && c.stoppedAt === null && c.missedAt !== null);
  if (choice === 'accept') return accept({ type: 'assignment_accepted', unitId: mine.unitId, note: text, late });
  if (state.mode === 'designated') {
    return refuse({ code: 'INVALID_STATE', message: '指定办案件由市级平台指定，责任单位不能退单', status: state.status });
  }
  const reason = (text ?? '').trim();
  if (reason.length < 5) return refuse(invalid('reason', '退单理由至少 5 个字'));
  const rejected: CaseEventData = { type: 'assignment_rejected', unitId: mine.unitId, reason, late };
  const dispatchAlert = alert(state, 'rejected', mine.tier, `被退单：${reason}`, { unitId: mine.unitId });
  if (mine.role !== 'lead') return accept(rejected, dispatchAlert);
  // The first lead rejection at a tier goes back to that tier's dispatcher (改派); a second one there is a
  // responsibility dispute (派单争议) for the tier above.
  const up = nextTier(state.tier);
  const rejectedBefore = state.assignments.some((a) => a !== mine && a.role === 'lead' && a.state === 'rejected' && a.tier === mine.tier);
  const dispute = up !== null && rejectedBefore;
  if (!dispute) return accept(rejected, dispatchAlert);
  return accept(
    rejected,
    dispatchAlert,
    { type: 'escalated', from: state.tier, to: up, cause: 'dispute', reason: `派单争议：${reason}` },
    alert(state, 'escalated', up, `派单争议，升级至${zh.tier[up]}：${reason}`),
  );
}

/**
 * The rules: given the case, a command and who sent it, either the events that follow or why not.
 * Pure and deterministic; the workflow's update validators and handlers both call it.
 */
export function decide(state: CaseState, command: CaseCommand, actor: Actor): Decision {
  const { type, ...payload } = command;
  return (rules[type] as Rule<typeof type>)(state, payload as never, actor);
}
