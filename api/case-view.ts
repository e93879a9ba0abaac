import type { CaseState } from '../workflows/domain';
import type { TimelineRow } from '../db/queries/cases';
import type { AuthenticatedUser } from '../db/queries/users';

export const maskPhone = (phone: string): string =>
  phone.length >= 7 ? `${phone.slice(0, 3)}****${phone.slice(-4)}` : '****';

export const maskName = (name: string): string => (name.length <= 1 ? '*' : `${[...name][0]}${'*'.repeat([...name].length - 1)}`);

/** The clerk took the call; the lead unit's liaison needs the number once it has accepted the case. */
function maySeeReporter(user: AuthenticatedUser, state: CaseState): boolean {
  if (user.role === 'clerk' || user.role === 'admin') return true;
  if (user.role !== 'liaison') return false;
  return state.assignments.some((a) => a.active && a.role === 'lead' && a.state === 'accepted' && a.unitId === user.unitId);
}

/** A case as the API answers it to this caller (API.md "Case fields"). */
export function caseView(state: CaseState, user: AuthenticatedUser, timeline?: TimelineRow[]) {
  const visible = maySeeReporter(user, state);
  const { name, phone } = state.reporter;
  return {
    id: state.id,
    caseNo: state.caseNo,
    status: state.status,
    tier: state.tier,
    mode: state.mode,
    requestType: state.requestType,
    category: state.category,
    urgency: state.urgency,
    slaClass: state.slaClass,
    title: state.title,
    description: state.description,
    channel: state.channel,
    location: state.location,
    reporter: {
      name: name ? (visible ? name : maskName(name)) : null,
      phone: phone ? (visible ? phone : maskPhone(phone)) : null,
    },
    attachments: state.attachments,
    assignments: state.assignments.map(({ decidedBy: _by, ...a }) => a),
    deadlines: state.deadlines,
    overdue: state.overdue,
    escalations: state.escalations,
    resolution: state.resolution && {
      summary: state.resolution.summary,
      evidence: state.resolution.evidence,
      explainedUnresolved: state.resolution.explainedUnresolved,
      at: state.resolution.at,
    },
    extension: state.extension && {
      state: state.extension.state,
      duration: state.extension.duration,
      reason: state.extension.reason,
      requestedAt: state.extension.requestedAt,
      decidedAt: state.extension.decidedAt ?? null,
      note: state.extension.note ?? null,
      previousResolveBy: state.extension.previousResolveBy ?? null,
    },
    agreement: state.agreement,
    complexMark: state.complexMark && {
      state: state.complexMark.state,
      reason: state.complexMark.reason,
      requestedAt: state.complexMark.requestedAt,
      decidedAt: state.complexMark.decidedAt ?? null,
      note: state.complexMark.note ?? null,
    },
    paused: state.paused,
    mergedInto: state.mergedInto,
    endReason: state.endReason,
    notRated: state.notRated,
    reopenCount: state.reopenCount,
    rating: state.rating,
    createdAt: state.createdAt,
    dispatchedAt: state.dispatchedAt,
    resolvedAt: state.resolvedAt,
    closedAt: state.closedAt,
    updatedAt: state.updatedAt,
    version: state.version,
    ...(timeline ? { timeline: timeline.map(publicTimelineEntry) } : {}),
  };
}

/** The opening event carries the whole intake, reporter included: the timeline keeps only what is not on the case. */
function publicTimelineEntry(entry: TimelineRow): TimelineRow {
  if (entry.type !== 'case_opened') return entry;
  const intake = (entry.data.intake ?? {}) as { channel?: string; requestType?: string };
  return { ...entry, data: { channel: intake.channel, requestType: intake.requestType } };
}
