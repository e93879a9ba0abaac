/**
 * A case as one row of an exported list: the case as the list answers it to this caller (`caseView`, so the
 * reporter is masked exactly as in the JSON), with Chinese words for codes and names for ids.
 */
import type { Db } from '../../db/connection';
import { listCategories } from '../../db/queries/categories';
import { getJurisdictions } from '../../db/queries/jurisdictions';
import { listUnits } from '../../db/queries/units';
import type { AuthenticatedUser } from '../../db/queries/users';
import { exportColumns, zh, type CaseState } from '../../workflows/domain';
import { caseView } from '../case-view';
import type { Column } from './table';

type CaseView = ReturnType<typeof caseView>;

/** Names for the ids a case carries; an id nobody named stays as it is. */
export interface NameBook {
  category(id: string): string;
  unit(id: string): string;
  place(id: string): string;
  /** Looks up the places of these cases not seen before (one query per page at most). */
  learnPlacesOf(states: readonly CaseState[]): Promise<void>;
}

/** Categories and units are a few hundred rows, read once; places (down to grids) are read as cases name them. */
export async function nameBook(db: Db): Promise<NameBook> {
  const [categories, units] = await Promise.all([listCategories(db), listUnits(db)]);
  const categoryNames = new Map(categories.map((c) => [c.id, c.name]));
  const unitNames = new Map(units.map((u) => [u.id, u.name]));
  const placeNames = new Map<string, string>();
  return {
    category: (id) => categoryNames.get(id) ?? id,
    unit: (id) => unitNames.get(id) ?? id,
    place: (id) => placeNames.get(id) ?? id,
    async learnPlacesOf(states) {
      const ids = new Set(states.flatMap((s) => [s.location.streetId, s.location.communityId]));
      const unknown = [...ids].filter((id) => !placeNames.has(id));
      for (const j of await getJurisdictions(db, unknown)) placeNames.set(j.id, j.name);
    },
  };
}

export interface CaseRow {
  view: CaseView;
  names: NameBook;
}

export const caseRow = (state: CaseState, user: AuthenticatedUser, names: NameBook): CaseRow => ({ view: caseView(state, user), names });

const activeUnits = (v: CaseView, role: 'lead' | 'cooperating') => v.assignments.filter((a) => a.active && a.role === role).map((a) => a.unitId);

const h = exportColumns.case;
const text = (header: string, width: number, value: (r: CaseRow) => string | null): Column<CaseRow> => ({ header, kind: 'text', width, value });
const time = (header: string, value: (v: CaseView) => string | null | undefined): Column<CaseRow> => ({
  header,
  kind: 'time',
  width: 20,
  value: (r) => value(r.view) ?? null,
});

/** The columns of a case export, in order (the headers' order in terms.ts). */
export const caseColumns: readonly Column<CaseRow>[] = [
  text(h.caseNo, 17, (r) => r.view.caseNo),
  time(h.createdAt, (v) => v.createdAt),
  text(h.channel, 12, (r) => zh.channel[r.view.channel]),
  text(h.requestType, 8, (r) => zh.requestType[r.view.requestType]),
  text(h.category, 14, (r) => r.names.category(r.view.category)),
  text(h.urgency, 8, (r) => zh.urgency[r.view.urgency]),
  text(h.title, 30, (r) => r.view.title),
  text(h.description, 50, (r) => r.view.description),
  text(h.street, 12, (r) => r.names.place(r.view.location.streetId)),
  text(h.community, 12, (r) => r.names.place(r.view.location.communityId)),
  text(h.address, 30, (r) => r.view.location.address),
  text(h.reporterName, 10, (r) => r.view.reporter.name),
  text(h.reporterPhone, 15, (r) => r.view.reporter.phone),
  text(h.status, 12, (r) => zh.status[r.view.status]),
  text(h.tier, 14, (r) => zh.tier[r.view.tier]),
  text(h.mode, 8, (r) => (r.view.mode ? zh.mode[r.view.mode] : null)),
  text(h.leadUnit, 20, (r) => activeUnits(r.view, 'lead').map(r.names.unit).join('、') || null),
  text(h.cooperatingUnits, 30, (r) => activeUnits(r.view, 'cooperating').map(r.names.unit).join('、') || null),
  time(h.dispatchedAt, (v) => v.dispatchedAt),
  time(h.resolveBy, (v) => v.deadlines.resolveBy),
  text(h.overdue, 8, (r) => (r.view.overdue ? exportColumns.yes : exportColumns.no)),
  time(h.resolvedAt, (v) => v.resolvedAt),
  time(h.closedAt, (v) => v.closedAt),
  text(h.rating, 10, (r) => (r.view.rating ? zh.rating[r.view.rating] : null)),
  { header: h.reopenCount, kind: 'integer', width: 8, value: (r) => r.view.reopenCount },
];
