import type { Knex } from 'knex';
import type { AlertData, CaseEvent, CaseKpiFacts, CaseState, CaseStatus } from '../../workflows/domain';
import { saveAlerts } from './alerts';
import { kpiColumns, saveAssignmentFacts } from './kpis';
import { applyRollupDelta, projectedSnapshot, readSnapshot, rollupDelta } from './kpi-rollup';

import { phoneDigits } from './case-lists';

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
/** Where the projection announces each version it writes (api/projection-watch.ts listens). */
export const caseProjectedChannel = 'jiesu_case_projected';

export async function saveCaseProjection(db: Knex, { state, facts, alerts, events }: CaseProjection): Promise<void> {
  const searchText = [state.caseNo, state.title, state.description, state.location.address].join(' ');
  const unitIds = [...new Set(state.assignments.map((a) => a.unitId))];
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
    unit_ids: unitIds,
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
    // The words' bigrams and the scope and filter terms a search intersects in the index (migration 017).
    search_bigrams: db.raw('jiesu_search_terms(?, (select path from jurisdictions where id = ?), ?, ?, ?::text[])', [
      searchText,
      state.location.communityId,
      state.status,
      state.category,
      unitIds,
    ]),
    next_due: nextDue(state),
    reporter_phone: phoneDigits(state.reporter.phone),
    disclosed: state.public === true,
    awaiting_approval: state.extension?.state === 'pending' || state.complexMark?.state === 'pending',
    ...kpiColumns(facts),
  };
  await db.transaction(async (trx) => {
    // One projection of a case at a time, so the rollup's "before" is the row this write replaces. The notice
    // (`id:version`) reaches listeners only if this commits; a version the guard below turns away is older than
    // the row, which was announced when it was written.
    await trx.raw('select pg_advisory_xact_lock(hashtext(?)), pg_notify(?, ?)', [`case:${state.id}`, caseProjectedChannel, `${state.id}:${state.version}`]);
    const before = await readSnapshot(trx, state.id);
    const written: { jurisdiction_path: string }[] = await trx('cases')
      .insert(row)
      .onConflict('id')
      .merge()
      // Same version again only for a row projected before its KPI facts existed: `reproject` fills them in.
      .where((q) => q.where('cases.version', '<', state.version).orWhere((same) => same.where('cases.version', state.version).andWhere('cases.kpi_facts', false)))
      .returning('jurisdiction_path');
    // The assignment facts and the rollup move with the row: never from a projection the version guard turned away.
    if (written.length > 0) await saveAssignmentFacts(trx, state.id, facts, before === null);
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
    if (written.length > 0) await applyRollupDelta(trx, rollupDelta(before, projectedSnapshot(state, written[0]!.jurisdiction_path, facts)));
  });
}

/** Built once: a formatter costs far more to make than to use (it was most of an intake's own CPU in the API). */
const shanghaiDate = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' });

/**
 * The next case number, read like `20261123000042`: the intake date in Beijing time and a city-wide sequence
 * that never restarts. `skip` > 1 jumps the sequence
 * that far ahead (a number proved taken by the engine: the database was restored behind it).
 */
export async function allocateCaseNo(db: Knex, at: Date, skip = 1): Promise<string> {
  const { rows } = await db.raw<{ rows: { n: string }[] }>(
    skip > 1 ? "select setval('case_no_seq', nextval('case_no_seq') + ?)::text as n" : "select nextval('case_no_seq')::text as n",
    skip > 1 ? [skip - 1] : [],
  );
  const day = shanghaiDate.format(at).replaceAll('-', '');
  return `${day}${rows[0]!.n.padStart(6, '0')}`;
}

/** The sequence part of a case number (after the 8-digit date), or null for a number of another shape. */
export const caseNoSequence = (caseNo: string): number | null => (/^\d{9,}$/.test(caseNo) ? Number(caseNo.slice(8)) : null);

/** Moves the number sequence past `highest` (never back), e.g. to what the engine holds after a restore. */
export async function advanceCaseNoPast(db: Knex, highest: number): Promise<void> {
  await db.raw("select setval('case_no_seq', greatest(?, (select last_value from case_no_seq)))", [highest]);
}

/** The projected version of a case; 0 when it has no row yet. */
export async function getCaseVersion(db: Knex, id: string): Promise<number> {
  const row = await db('cases').select('version').where({ id }).first();
  return row ? Number(row.version) : 0;
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
