/**
 * Open311 GeoReport v2 (../shared/spec/OPEN311.md): the published cases as the public endpoint reads them,
 * and the names it answers with.
 */
import type { Knex } from 'knex';
import type { CaseState, CaseStatus } from '../../workflows/domain';


export type Publish = 'open311' | 'all';

export const openStatuses: readonly CaseStatus[] = ['triage', 'dispatched', 'in_progress'];
export const closedStatuses: readonly CaseStatus[] = ['resolved', 'closed', 'withdrawn', 'merged'];

export interface RequestFilter {
  /** Overrides every other filter. */
  ids?: string[];
  serviceCodes?: string[];
  statuses?: CaseStatus[];
  from?: Date;
  /** Exclusive. */
  to?: Date;
  limit: number;
}

export interface PublishedCase {
  state: CaseState;
  /** The citizen's text may be shown: it came in through Open311 (a public channel) or the citizen agreed. */
  disclosed: boolean;
}

/** Which cases the public endpoint shows: those that came in through Open311, or every one but 举报 reports. */
function published(query: Knex.QueryBuilder, publish: Publish): Knex.QueryBuilder {
  return publish === 'open311' ? query.where('channel', 'open311') : query.whereNot('request_type', 'report');
}

export async function publishedCases(db: Knex, publish: Publish, filter: RequestFilter): Promise<PublishedCase[]> {
  let query = published(db('cases').select('doc', 'channel', 'disclosed'), publish);
  if (filter.ids) query = query.whereIn('id', filter.ids);
  else {
    if (filter.serviceCodes) query = query.whereIn('category_id', filter.serviceCodes);
    if (filter.statuses) query = query.whereIn('status', filter.statuses);
    if (filter.from) query = query.where('created_at', '>=', filter.from);
    if (filter.to) query = query.where('created_at', '<', filter.to);
  }
  const rows = await query.orderBy([{ column: 'created_at', order: 'desc' }, { column: 'id', order: 'desc' }]).limit(filter.limit);
  return rows.map((r: { doc: CaseState; channel: string; disclosed: boolean }) => ({ state: r.doc, disclosed: r.channel === 'open311' || r.disclosed === true }));
}

/** The latest progress note of each case (for `status_notes`). */
export async function latestProgressNotes(db: Knex, caseIds: string[]): Promise<Map<string, string>> {
  if (caseIds.length === 0) return new Map();
  const rows = await db('case_events')
    .distinctOn('case_id')
    .select('case_id', db.raw("data->>'note' as note"))
    .whereIn('case_id', caseIds)
    .where('type', 'progress_noted')
    .orderBy([{ column: 'case_id' }, { column: 'seq', order: 'desc' }]);
  return new Map(rows.filter((r: { note: string | null }) => r.note).map((r: { case_id: string; note: string }) => [r.case_id, r.note]));
}

/** Names of categories (with their parent's), units and jurisdictions, for the answers. */
export async function nameBook(db: Knex): Promise<{ categories: Map<string, string>; units: Map<string, string>; places: Map<string, string> }> {
  const [categories, units, places] = await Promise.all([
    db('categories').select('id', 'name'),
    db('units').select('id', 'name'),
    db('jurisdictions').whereIn('level', ['city', 'district', 'street', 'community', 'grid']).select('id', 'name'),
  ]);
  const map = (rows: { id: string; name: string }[]) => new Map(rows.map((r) => [r.id, r.name]));
  return { categories: map(categories), units: map(units), places: map(places) };
}

/** Leaf categories (no children): the services. */
export async function leafCategories(db: Knex): Promise<{ id: string; name: string; description: string | null; parentName: string | null }[]> {
  return db('categories as k')
    .leftJoin('categories as p', 'p.id', 'k.parent_id')
    .whereNotExists(db('categories as child').whereRaw('child.parent_id = k.id'))
    .select('k.id', 'k.name', 'k.description', 'p.name as parentName')
    .orderByRaw('coalesce(k.parent_id, k.id), k.id');
}
