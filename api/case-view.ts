import { handlesCase, type CaseState } from '../workflows/domain';
import type { TimelineRow } from '../db/queries/cases';
import type { AuthenticatedUser } from '../db/queries/users';

/**
 * `13800005678` → `138****5678`. Shorter numbers keep only their last two digits, so a masked number never
 * gives away more than half of itself.
 */
export const maskPhone = (phone: string): string => {
  if (phone.length >= 11) return `${phone.slice(0, 3)}****${phone.slice(-4)}`;
  return phone.length >= 7 ? `****${phone.slice(-2)}` : '****';
};

/** `张三丰` → `张*`: the surname only; one star whatever the length, so the length is not told either. */
export const maskName = (name: string): string => {
  const chars = [...name.trim()];
  return chars.length <= 1 ? '*' : `${chars[0]}*`;
};

/**
 * Who needs to reach the citizen, and so sees the name and number in full:
 * - the clerk, who took the request and records the callback; the admin, who answers for the data;
 * - the lead unit's liaison once its assignment is accepted (it owns the work and calls back);
 * - the direct handler (a grid worker or community dispatcher who took it on the spot, 直接办): fixing or
 *   answering at once means going to or calling the person who asked.
 * Everyone else (other units, cooperating units, dispatchers and supervisors watching) sees the masked form.
 */
export function maySeeReporter(user: AuthenticatedUser, state: CaseState): boolean {
  if (user.role === 'clerk' || user.role === 'admin') return true;
  return handlesCase({ userId: user.id, role: user.role, unitId: user.unitId }, state);
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
    public: state.public ?? false,
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
    duplicates: state.duplicates ?? [],
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
