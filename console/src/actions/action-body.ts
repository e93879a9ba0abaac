import type { CaseAction } from './available-actions';

type Values = Record<string, unknown>;

const text = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);

/** Drops what was left empty: the API refuses an empty string where it wants text or nothing. */
const compact = (o: Values): Values => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

/** The request body of an action from its form's values (API.md field names). */
export function actionBody(action: CaseAction, v: Values): Values {
  switch (action) {
    case 'dispatch':
      return compact({ leadUnitId: v.leadUnitId, cooperatingUnitIds: (v.cooperatingUnitIds as string[] | undefined) ?? [], note: text(v.note) });
    case 'agreement':
      return compact({
        leadUnitId: v.leadUnitId,
        cooperatingUnitIds: (v.cooperatingUnitIds as string[] | undefined) ?? [],
        participants: ((v.participants as Values[] | undefined) ?? []).map((p) => compact({ name: text(p.name), unitId: p.unitId || undefined, role: text(p.role) })),
        plan: text(v.plan),
        costSharing: text(v.costSharing),
      });
    case 'resolve':
      return {
        summary: text(v.summary),
        evidence: ((v.evidence as string[] | undefined) ?? []).map((u) => u.trim()).filter(Boolean),
        explainedUnresolved: v.explainedUnresolved === true,
      };
    case 'extension/decision':
    case 'complex/decision':
      return compact({ approve: v.approve, note: text(v.note) });
    case 'callback':
      return compact({ rating: v.rating, comment: text(v.comment) });
    case 'extension':
      return compact({ duration: v.duration, reason: text(v.reason) });
    case 'merge':
      return { intoCaseId: text(v.intoCaseId) };
    default:
      // note / reason actions
      return compact({ note: text(v.note), reason: text(v.reason) });
  }
}
