import type { Knex } from 'knex';
import type { AlertData, CaseEvent, CaseKpiFacts, CaseState, CaseStatus } from '../../workflows/domain';
import { saveAlerts } from './alerts';
import { kpiColumns, saveAssignmentFacts } from './kpis';

export interface CaseFilter {
  /** The caller's phone, any formatting: the digits are compared. */
  phone?: string;
  status?: string;
  tier?: string;
  mode?: string;
  unitId?: string;
  streetId?: string;
  communityId?: string;
  category?: string;
  channel?: string;
  requestType?: string;
  urgency?: string;
  overdue?: boolean;
  /** `approval`: an extension or the complex mark waits for a supervisor. */
  awaiting?: 'approval';
  createdFrom?: string;
  createdTo?: string;
  dispatchedFrom?: string;
  dispatchedTo?: string;
  /** Words in the title, description or address (a phrase, Chinese or not). */
  q?: string;
}

/** Newest first (by intake), or the nearest running deadline first (cases with none last). */
export type CaseSort = 'newest' | 'due';

/** What part of the read model a caller may see: a jurisdiction subtree, or the cases a unit is assigned. */
export type CaseScope = { kind: 'all' } | { kind: 'jurisdiction'; path: string } | { kind: 'unit'; unitId: string };

export interface TimelineRow {
  seq: number;
  type: string;
  at: string;
  actor: { userId: string; displayName: string; role: string; unitId: string | null } | null;
  data: Record<string, unknown>;
}

const deadlineKinds: ReadonlySet<string> = new Set(['triage', 'respond', 'resolve', 'callback']);

/** The nearest deadline still running (a missed one first): what "due soonest" sorts on; null when none runs. */
const nextDue = (state: CaseState): string | null =>
  state.clocks
    .filter((c) => c.stoppedAt === null && c.due && !c.pausedAt && deadlineKinds.has(c.kind))
    .map((c) => c.due!)
    .sort()[0] ?? null;

/** A phone number as digits only, so `138-0000-5678` and `13800005678` are the same caller. */
export const phoneDigits = (phone: string | null | undefined): string | null => phone?.replace(/\D/g, '') || null;

/** An alert as a case raised it: the event's place on the timeline keys it, so it is stored once. */
export interface RaisedAlert {
  seq: number;
  at: string;
  alert: AlertData;
}

/**
 * Everything the read model keeps of one case version, computed by the projection activity
 * (activities/projection.ts): the state, its measures' facts, the alerts and events not yet known to be stored.
 */
export interface CaseProjection {
  state: CaseState;
  facts: CaseKpiFacts;
  alerts: RaisedAlert[];
  events: CaseEvent[];
}

/**
 * Upserts the case row and appends its new events. Guarded by `version`, so a retried or late projection
 * never overwrites a newer one, and events are keyed by (case, seq), so sending one twice is harmless.
 */
export async function saveCaseProjection(db: Knex, { state, facts, alerts, events }: CaseProjection): Promise<void> {
  const searchText = [state.caseNo, state.title, state.description, state.location.address].join(' ');
  const row = {
    id: state.id,
    case_no: state.caseNo,
    status: state.status,
    tier: state.tier,
    mode: state.mode,
    request_type: state.requestType,
    category_id: state.category,
    urgency: state.urgency,
    sla_class: state.slaClass,
    title: state.title,
    channel: state.channel,
    community_id: state.location.communityId,
    street_id: state.location.streetId,
    city_id: state.location.cityId,
    grid_id: state.location.gridId ?? null,
    jurisdiction_path: db('jurisdictions').select('path').where('id', state.location.communityId),
    lead_unit_id: facts.leadUnitId,
    unit_ids: [...new Set(state.assignments.map((a) => a.unitId))],
    overdue: state.overdue,
    reopen_count: state.reopenCount,
    rating: state.rating,
    created_at: state.createdAt,
    dispatched_at: state.dispatchedAt,
    resolved_at: state.resolvedAt,
    closed_at: state.closedAt,
    updated_at: state.updatedAt,
    version: state.version,
    doc: JSON.stringify(state),
    search_text: searchText,
    search_bigrams: db.raw('jiesu_bigrams(?)', [searchText]),
    next_due: nextDue(state),
    reporter_phone: phoneDigits(state.reporter.phone),
    disclosed: state.public === true,
    awaiting_approval: state.extension?.state === 'pending' || state.complexMark?.state === 'pending',
    ...kpiColumns(facts),
  };
  await db.transaction(async (trx) => {
    const written = await trx('cases')
      .insert(row)
      .onConflict('id')
      .merge()
      // Same version again only for a row projected before its KPI facts existed: `reproject` fills them in.
      .where((q) => q.where('cases.version', '<', state.version).orWhere((same) => same.where('cases.version', state.version).andWhere('cases.kpi_facts', false)))
      .returning('id');
    // The assignment facts move with the row: never from a projection the version guard turned away.
    if (written.length > 0) await saveAssignmentFacts(trx, state.id, facts);
    await saveAlerts(trx, state, alerts);
    if (events.length > 0) {
      await trx('case_events')
        .insert(
          events.map((e) => {
            const { seq, type, at, actor, ...data } = e;
            return {
              case_id: state.id,
              seq,
              type,
              at,
              actor_id: actor?.userId ?? null,
              actor_name: actor?.displayName ?? null,
              actor_role: actor?.role ?? null,
              actor_unit_id: actor?.unitId ?? null,
              data: JSON.stringify(data),
            };
          }),
        )
        .onConflict(['case_id', 'seq'])
        .ignore();
    }
  });
}

/** Case numbers read like `20261123000042`: the intake date in Beijing time, then a city-wide sequence. */
/**
 * The next case number: the Shanghai date and a sequence that never restarts. `skip` > 1 jumps the sequence
 * that far ahead (a number proved taken by the engine: the database was restored behind it).
 */
export async function allocateCaseNo(db: Knex, at: Date, skip = 1): Promise<string> {
  const { rows } = await db.raw<{ rows: { n: string }[] }>(
    skip > 1 ? "select setval('case_no_seq', nextval('case_no_seq') + ?)::text as n" : "select nextval('case_no_seq')::text as n",
    skip > 1 ? [skip - 1] : [],
  );
  const day = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' })
    .format(at)
    .replaceAll('-', '');
  return `${day}${rows[0]!.n.padStart(6, '0')}`;
}

/** The sequence part of a case number (after the 8-digit date), or null for a number of another shape. */
export const caseNoSequence = (caseNo: string): number | null => (/^\d{9,}$/.test(caseNo) ? Number(caseNo.slice(8)) : null);

/** Moves the number sequence past `highest` (never back), e.g. to what the engine holds after a restore. */
export async function advanceCaseNoPast(db: Knex, highest: number): Promise<void> {
  await db.raw("select setval('case_no_seq', greatest(?, (select last_value from case_no_seq)))", [highest]);
}

export async function getCaseState(db: Knex, id: string): Promise<CaseState | null> {
  const row = await db('cases').select('doc').where({ id }).first();
  return row ? (row.doc as CaseState) : null;
}

export async function getCaseScopeInfo(db: Knex, id: string): Promise<{ path: string; unitIds: string[]; status: CaseStatus } | null> {
  const row = await db('cases').select('jurisdiction_path', 'unit_ids', 'status').where({ id }).first();
  return row ? { path: row.jurisdiction_path, unitIds: row.unit_ids, status: row.status } : null;
}

export async function getTimeline(db: Knex, caseId: string): Promise<TimelineRow[]> {
  const rows = await db('case_events').where({ case_id: caseId }).orderBy('seq');
  return rows.map((r) => ({
    seq: r.seq,
    type: r.type,
    at: new Date(r.at).toISOString(),
    actor: r.actor_id ? { userId: r.actor_id, displayName: r.actor_name, role: r.actor_role, unitId: r.actor_unit_id } : null,
    data: r.data,
  }));
}

function applyScope(query: Knex.QueryBuilder, scope: CaseScope): Knex.QueryBuilder {
  if (scope.kind === 'jurisdiction') return query.where('jurisdiction_path', 'like', `${scope.path}%`);
  if (scope.kind === 'unit') return query.whereRaw('unit_ids @> ?::text[]', [[scope.unitId]]);
  return query;
}

/** Where a page ended: the sort keys of its last row. */
interface Cursor {
  sort: CaseSort;
  key: string | null;
  id: string;
}

const encodeCursor = (c: Cursor): string => Buffer.from(JSON.stringify(c)).toString('base64url');

export function decodeCursor(cursor: string, sort: CaseSort): Cursor | null {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    // A page of another sort does not continue this one.
    if (parsed?.sort !== sort || typeof parsed.id !== 'string') return null;
    if (parsed.key !== null && (typeof parsed.key !== 'string' || Number.isNaN(Date.parse(parsed.key)))) return null;
    return parsed as Cursor;
  } catch {
    return null;
  }
}

/** The character bigrams of a phrase, as jiesu_bigrams() computes them for the rows (migration 012). */
function bigramsOf(q: string): string[] {
  const chars = [...q.toLowerCase()];
  const grams = new Set<string>();
  for (let i = 0; i + 1 < chars.length; i++) {
    const gram = chars[i]! + chars[i + 1]!;
    if (!/\s/.test(gram)) grams.add(gram);
  }
  return [...grams];
}

const likeEscaped = (text: string): string => text.replace(/[\\%_]/g, '\\$&');

/**
 * One page of cases in a scope, keyset-paginated (deep pages cost what the first does, and a case opened
 * meanwhile never shifts a page): newest first, or due soonest. Each filter is one indexed column.
 */
export async function listCases(
  db: Knex,
  filter: CaseFilter,
  scope: CaseScope,
  page: { limit: number; sort: CaseSort; cursor?: Cursor | null },
): Promise<{ items: CaseState[]; nextCursor: string | null }> {
  const keyColumn = page.sort === 'due' ? 'next_due' : 'created_at';
  let query = applyScope(db('cases').select('doc', 'id', `${keyColumn} as sort_key`), scope);
  const equal: [keyof CaseFilter, string][] = [
    ['status', 'status'],
    ['tier', 'tier'],
    ['mode', 'mode'],
    ['streetId', 'street_id'],
    ['communityId', 'community_id'],
    ['category', 'category_id'],
    ['channel', 'channel'],
    ['requestType', 'request_type'],
    ['urgency', 'urgency'],
  ];
  for (const [key, column] of equal) if (filter[key] !== undefined) query = query.where(column, filter[key] as string);
  if (filter.unitId) query = query.whereRaw('unit_ids @> ?::text[]', [[filter.unitId]]);
  if (filter.overdue !== undefined) query = query.where('overdue', filter.overdue);
  if (filter.awaiting === 'approval') query = query.where('awaiting_approval', true);
  if (filter.phone) query = query.where('reporter_phone', phoneDigits(filter.phone) ?? '');
  if (filter.createdFrom) query = query.where('created_at', '>=', filter.createdFrom);
  if (filter.createdTo) query = query.where('created_at', '<', filter.createdTo);
  if (filter.dispatchedFrom) query = query.where('dispatched_at', '>=', filter.dispatchedFrom);
  if (filter.dispatchedTo) query = query.where('dispatched_at', '<', filter.dispatchedTo);
  if (filter.q) {
    // The bigram index narrows to rows holding every pair of characters; `like` keeps the exact phrase.
    const grams = bigramsOf(filter.q);
    if (grams.length > 0) query = query.whereRaw('search_bigrams @> ?::text[]', [grams]);
    query = query.whereRaw("lower(search_text) like '%' || ? || '%'", [likeEscaped(filter.q.toLowerCase())]);
  }
  if (page.sort === 'due') {
    if (page.cursor?.key) {
      query = query.whereRaw('(next_due > ?::timestamptz or (next_due = ?::timestamptz and id > ?) or next_due is null)', [page.cursor.key, page.cursor.key, page.cursor.id]);
    } else if (page.cursor) query = query.whereNull('next_due').where('id', '>', page.cursor.id);
    query = query.orderByRaw('next_due asc nulls last, id asc');
  } else {
    if (page.cursor) query = query.whereRaw('(created_at, id) < (?::timestamptz, ?)', [page.cursor.key, page.cursor.id]);
    query = query.orderBy([{ column: 'created_at', order: 'desc' }, { column: 'id', order: 'desc' }]);
  }
  const rows = await query.limit(page.limit + 1);
  const items = rows.slice(0, page.limit);
  const last = items[items.length - 1];
  const key = (v: unknown): string | null => (v ? new Date(v as string).toISOString() : null);
  return {
    items: items.map((r: { doc: CaseState }) => r.doc),
    nextCursor: rows.length > page.limit && last ? encodeCursor({ sort: page.sort, key: key(last.sort_key), id: last.id }) : null,
  };
}

