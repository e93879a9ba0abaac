import type { Knex } from 'knex';
import type { CaseKpiFacts, CaseState } from '../../workflows/domain';

/**
 * The KPI fast path (issue 12): per Beijing day, per scope (every jurisdiction a case lies under, and the whole
 * city as ''), per grouping and key, the counts the measures of DOMAIN.md §6 divide. Kept exact as cases change:
 * every projection that writes a case row adds (new contribution − old contribution) in the same transaction.
 * So a year's report reads a few thousand counters instead of a year of cases, and no batch ever runs.
 *
 * Invariant: `kpi_rollup` = Σ `contribution(row)` over every row of `cases` (with its assignment facts).
 */

/** The groupings of `GET /kpis`, and `total` for the scope as a whole (key ''). */
export const rollupDims = ['total', 'unit', 'street', 'community', 'category', 'tier'] as const;
export type RollupDim = (typeof rollupDims)[number];

/** The counters, in the order of the table's columns. */
export const rollupCounters = [
  'dispatched',
  'to_unit',
  'feedback_on_time',
  'completed_on_time',
  'closed',
  'first_time',
  'resolved',
  'ratings_total',
  'ratings_satisfied',
  'escalated',
  'assignments',
  'responded_in_time',
] as const;
type Counters = number[];

/** What of a case row the measures read: the columns `kpiReport` scans, and the case's assignment facts. */
export interface KpiSnapshot {
  dispatchedAt: Date | string | null;
  path: string;
  streetId: string | null;
  communityId: string | null;
  categoryId: string | null;
  tier: string | null;
  leadUnitId: string | null;
  dispatchedToUnit: boolean;
  feedbackOnTime: boolean | null;
  completedOnTime: boolean | null;
  closed: boolean;
  firstTime: boolean;
  resolved: boolean;
  ratingsTotal: number;
  ratingsSatisfied: number;
  escalated: boolean;
  assignments: { unitId: string; respondedInTime: boolean }[];
}

const BEIJING_OFFSET_MS = 8 * 3_600_000;

/** The Beijing calendar day of an instant (China keeps one offset all year), as YYYY-MM-DD. */
export const beijingDay = (at: Date | string): string => new Date(new Date(at).getTime() + BEIJING_OFFSET_MS).toISOString().slice(0, 10);

/** The instant a Beijing day begins. */
export const beijingMidnight = (day: string): Date => new Date(Date.parse(`${day}T00:00:00Z`) - BEIJING_OFFSET_MS);

/** '' (the whole city) and every path a case's community path lies under, itself included: `/a/b/` → '', /a/, /a/b/. */
export function scopesOf(path: string): string[] {
  const scopes = [''];
  for (let i = path.indexOf('/', 1); i > 0; i = path.indexOf('/', i + 1)) scopes.push(path.slice(0, i + 1));
  return scopes;
}

const SEP = '\u0000';

/** The counters a snapshot adds to each rollup row, keyed `scope␀dim␀day␀key`. */
export function contribution(s: KpiSnapshot): Map<string, Counters> {
  const out = new Map<string, Counters>();
  if (s.dispatchedAt === null) return out;
  const day = beijingDay(s.dispatchedAt);
  const add = (scope: string, dim: RollupDim, key: string | null, counters: Counters) => {
    // A case without the grouping's key counts in the total only, as in the scan (`having … is not null`).
    if (key === null) return;
    const id = [scope, dim, day, key].join(SEP);
    const sum = out.get(id) ?? rollupCounters.map(() => 0);
    counters.forEach((v, i) => (sum[i]! += v));
    out.set(id, sum);
  };
  const b = (v: boolean | null) => (v ? 1 : 0);
  const caseCounters = [1, b(s.dispatchedToUnit), b(s.feedbackOnTime), b(s.completedOnTime), b(s.closed), b(s.firstTime), b(s.resolved), s.ratingsTotal, s.ratingsSatisfied, b(s.escalated), 0, 0];
  const caseKeys: [RollupDim, string | null][] = [
    ['total', ''],
    ['unit', s.leadUnitId],
    ['street', s.streetId],
    ['community', s.communityId],
    ['category', s.categoryId],
    ['tier', s.tier],
  ];
  for (const scope of scopesOf(s.path)) {
    for (const [dim, key] of caseKeys) add(scope, dim, key, caseCounters);
    // The response rate counts assignments: by the assigned unit when grouping by unit, else by the case's key.
    for (const a of s.assignments) {
      const counters = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, b(a.respondedInTime)];
      for (const [dim, key] of caseKeys) add(scope, dim, dim === 'unit' ? a.unitId : key, counters);
    }
  }
  return out;
}

/** new − old, without the rows that did not move. */
export function rollupDelta(before: KpiSnapshot | null, after: KpiSnapshot | null): Map<string, Counters> {
  const delta = after ? contribution(after) : new Map<string, Counters>();
  for (const [id, old] of before ? contribution(before) : []) {
    const sum = delta.get(id) ?? rollupCounters.map(() => 0);
    old.forEach((v, i) => (sum[i]! -= v));
    delta.set(id, sum);
  }
  for (const [id, counters] of delta) if (counters.every((v) => v === 0)) delta.delete(id);
  return delta;
}

const toRow = (id: string, counters: Counters) => {
  const [scope_path, dim, day, gkey] = id.split(SEP);
  return { scope_path, dim, day, gkey, ...Object.fromEntries(rollupCounters.map((c, i) => [c, counters[i]])) };
};

/**
 * Adds a delta. Rows go in key order, so two transactions lock shared rows in the same order and cannot deadlock;
 * call it last in the projection's transaction, so the busiest rows (the city's total for today) are held briefly.
 */
export async function applyRollupDelta(trx: Knex.Transaction, delta: Map<string, Counters>): Promise<void> {
  if (delta.size === 0) return;
  const rows = [...delta.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([id, c]) => toRow(id, c));
  const sums = Object.fromEntries(rollupCounters.map((c) => [c, trx.raw('kpi_rollup.?? + excluded.??', [c, c])]));
  await trx('kpi_rollup').insert(rows).onConflict(['scope_path', 'dim', 'day', 'gkey']).merge(sums);
}

const snapshotColumns = ['dispatched_at', 'jurisdiction_path', 'street_id', 'community_id', 'category_id', 'tier', 'lead_unit_id',
  'dispatched_to_unit', 'feedback_on_time', 'completed_on_time', 'closed_case', 'first_time', 'resolved_case', 'ratings_total',
  'ratings_satisfied', 'escalated'];

const toSnapshot = (r: Record<string, any>, assignments: KpiSnapshot['assignments']): KpiSnapshot => ({
  dispatchedAt: r.dispatched_at,
  path: r.jurisdiction_path ?? '',
  streetId: r.street_id,
  communityId: r.community_id,
  categoryId: r.category_id,
  tier: r.tier,
  leadUnitId: r.lead_unit_id,
  dispatchedToUnit: r.dispatched_to_unit,
  feedbackOnTime: r.feedback_on_time,
  completedOnTime: r.completed_on_time,
  closed: r.closed_case,
  firstTime: r.first_time,
  resolved: r.resolved_case,
  ratingsTotal: r.ratings_total,
  ratingsSatisfied: r.ratings_satisfied,
  escalated: r.escalated,
  assignments,
});

/** The rollup's view of a case version being written (the same values `saveCaseProjection` puts in the row). */
export const projectedSnapshot = (state: CaseState, path: string, facts: CaseKpiFacts): KpiSnapshot => ({
  dispatchedAt: state.dispatchedAt,
  path,
  streetId: state.location.streetId,
  communityId: state.location.communityId,
  categoryId: state.category,
  tier: state.tier,
  leadUnitId: facts.leadUnitId,
  dispatchedToUnit: facts.dispatchedToUnit,
  feedbackOnTime: facts.feedbackOnTime,
  completedOnTime: facts.completedOnTime,
  closed: facts.closed,
  firstTime: facts.firstTime,
  resolved: facts.resolvedCase,
  ratingsTotal: facts.ratingsTotal,
  ratingsSatisfied: facts.ratingsSatisfied,
  escalated: facts.escalated,
  assignments: facts.assignments.map((a) => ({ unitId: a.unitId, respondedInTime: a.respondedInTime })),
});

/** A case as the rollup last counted it; null when it has no row yet. Read inside the writing transaction. */
export async function readSnapshot(trx: Knex.Transaction, caseId: string): Promise<KpiSnapshot | null> {
  const row = await trx('cases').select(snapshotColumns).where({ id: caseId }).first();
  if (!row) return null;
  const facts = await trx('case_assignment_facts').select('unit_id', 'responded_in_time').where({ case_id: caseId }).orderBy('seq');
  return toSnapshot(row, facts.map((f) => ({ unitId: f.unit_id, respondedInTime: f.responded_in_time })));
}

/**
 * Recounts the whole rollup from `cases`, a batch of cases at a time in dispatch order, writing each day once
 * it is complete. For a database loaded without projections (migration, the bench generator): not while
 * projections run, since their deltas would land on a table being rebuilt.
 */
export async function rebuildKpiRollup(db: Knex, options: { batch?: number; onProgress?: (cases: number) => void } = {}): Promise<number> {
  const batch = options.batch ?? 20_000;
  await db('kpi_rollup').delete();
  const pending = new Map<string, Counters>();
  const flush = async (beforeDay: string | null) => {
    const ready = [...pending.entries()].filter(([id]) => beforeDay === null || id.split(SEP)[2]! < beforeDay);
    // Column arrays through unnest: one statement per 20,000 rows, without building a bind list per value.
    for (let i = 0; i < ready.length; i += 20_000) {
      const chunk = ready.slice(i, i + 20_000).map(([id, c]) => [...id.split(SEP), ...c]);
      const columns = chunk.length === 0 ? [] : chunk[0]!.map((_, col) => chunk.map((row) => row[col]!));
      await db.raw(
        `insert into kpi_rollup (scope_path, dim, day, gkey, dispatched, to_unit, feedback_on_time, completed_on_time, closed, first_time,
          resolved, ratings_total, ratings_satisfied, escalated, assignments, responded_in_time)
        select * from unnest(?::text[], ?::text[], ?::date[], ?::text[], ?::int[], ?::int[], ?::int[], ?::int[], ?::int[], ?::int[],
          ?::int[], ?::int[], ?::int[], ?::int[], ?::int[], ?::int[])`,
        columns as unknown as Knex.Value[],
      );
    }
    for (const [id] of ready) pending.delete(id);
  };
  // The cursor keeps the instant as PostgreSQL wrote it: a JS Date would drop the microseconds and stall.
  let after: { at: string; id: string } | null = null;
  let counted = 0;
  for (;;) {
    const rows: Record<string, any>[] = await db('cases')
      .select('id', db.raw('dispatched_at::text as cursor_at'), ...snapshotColumns)
      .whereNotNull('dispatched_at')
      .modify((q) => {
        if (after) q.whereRaw('(dispatched_at, id) > (?::timestamptz, ?)', [after.at, after.id]);
      })
      .orderBy([{ column: 'dispatched_at' }, { column: 'id' }])
      .limit(batch);
    if (rows.length === 0) break;
    const facts = await db('case_assignment_facts').select('case_id', 'unit_id', 'responded_in_time').whereIn('case_id', rows.map((r) => r.id)).orderBy(['case_id', 'seq']);
    const byCase = new Map<string, KpiSnapshot['assignments']>();
    for (const f of facts) byCase.set(f.case_id, [...(byCase.get(f.case_id) ?? []), { unitId: f.unit_id, respondedInTime: f.responded_in_time }]);
    for (const r of rows) {
      for (const [id, c] of contribution(toSnapshot(r, byCase.get(r.id) ?? []))) {
        const sum = pending.get(id) ?? rollupCounters.map(() => 0);
        c.forEach((v, i) => (sum[i]! += v));
        pending.set(id, sum);
      }
    }
    counted += rows.length;
    options.onProgress?.(counted);
    const last = rows[rows.length - 1]!;
    after = { at: last.cursor_at, id: last.id };
    await flush(beijingDay(last.dispatched_at));
  }
  await flush(null);
  return counted;
}
