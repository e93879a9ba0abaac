import type { Knex } from 'knex';
import type { AlertType, CaseState } from '../../workflows/domain';
import type { RaisedAlert } from './cases';

/** The channel the API listens on to push new alerts to open SSE streams. */
export const alertChannel = 'jiesu_alerts';

export interface AlertRow {
  id: string;
  type: AlertType;
  caseId: string;
  tier: string;
  jurisdictionId: string;
  unitId: string | null;
  deadline: string | null;
  at: string;
  message: string;
}

/**
 * Stores the alerts a case raised, once each (keyed by the event that raised it). Inserts take one
 * transaction-scoped lock so alert ids become visible in id order: a stream that resumes after the
 * last id it delivered can then never skip one that committed late.
 */
export async function saveAlerts(trx: Knex.Transaction, state: CaseState, raised: RaisedAlert[]): Promise<void> {
  if (raised.length === 0) return;
  await trx.raw('select pg_advisory_xact_lock(hashtext(?))', [alertChannel]);
  const path = trx('jurisdictions').select('path').where('id', state.location.communityId);
  const inserted = await trx('alerts')
    .insert(
      raised.map(({ seq, at, alert }) => ({
        type: alert.type,
        case_id: state.id,
        tier: alert.tier,
        jurisdiction_id: alert.jurisdictionId,
        jurisdiction_path: path,
        unit_id: alert.unitId ?? null,
        deadline: alert.deadline ?? null,
        at,
        message: alert.message,
        dedupe_key: `${state.id}:${seq}`,
      })),
    )
    .onConflict('dedupe_key')
    .ignore()
    .returning('id');
  if (inserted.length > 0) await trx.raw('select pg_notify(?, ?)', [alertChannel, '']);
}

export interface AlertFilter {
  afterId?: string;
  /** Newest first, below this id (the cursor of a page read newest first). */
  beforeId?: string;
  since?: string;
  type?: AlertType;
  caseId?: string;
  tier?: string;
  acknowledged?: boolean;
}

export interface AlertWithAck extends AlertRow {
  acknowledgedAt: string | null;
  acknowledgedBy: { userId: string; displayName: string } | null;
}

const toAlert = (r: Record<string, any>): AlertWithAck => ({
  id: String(r.id),
  type: r.type,
  caseId: r.case_id,
  tier: r.tier,
  jurisdictionId: r.jurisdiction_id,
  unitId: r.unit_id,
  deadline: r.deadline ? new Date(r.deadline).toISOString() : null,
  at: new Date(r.at).toISOString(),
  message: r.message,
  acknowledgedAt: r.acknowledged_at ? new Date(r.acknowledged_at).toISOString() : null,
  acknowledgedBy: r.acknowledged_by ? { userId: r.acknowledged_by, displayName: r.acknowledged_by_name } : null,
});

const inSubtree = (query: Knex.QueryBuilder, scopePath: string | null): Knex.QueryBuilder =>
  scopePath ? query.where('jurisdiction_path', 'like', `${scopePath.replace(/[\\%_]/g, '\\$&')}%`) : query;

/**
 * Alerts of the cases located in a jurisdiction subtree (null: everywhere): oldest first (a stream resuming
 * after an id), or newest first (a supervisor working through them, paged below an id).
 */
export async function listAlerts(
  db: Knex,
  scopePath: string | null,
  filter: AlertFilter,
  limit: number,
  order: 'asc' | 'desc' = 'asc',
): Promise<AlertWithAck[]> {
  let query = inSubtree(db('alerts').select('*'), scopePath);
  if (filter.afterId) query = query.where('id', '>', filter.afterId);
  if (filter.beforeId) query = query.where('id', '<', filter.beforeId);
  if (filter.since) query = query.where('at', '>=', filter.since);
  if (filter.type) query = query.where('type', filter.type);
  if (filter.caseId) query = query.where('case_id', filter.caseId);
  if (filter.tier) query = query.where('tier', filter.tier);
  if (filter.acknowledged !== undefined) query = filter.acknowledged ? query.whereNotNull('acknowledged_at') : query.whereNull('acknowledged_at');
  const rows = await query.orderBy('id', order).limit(limit);
  return rows.map(toAlert);
}

/** One alert, if it lies in the subtree. */
export async function getAlert(db: Knex, scopePath: string | null, id: string): Promise<AlertWithAck | null> {
  const row = await inSubtree(db('alerts').select('*').where({ id }), scopePath).first();
  return row ? toAlert(row) : null;
}

/** Marks an alert acknowledged by a user; the first acknowledgement stands (a second changes nothing). */
export async function acknowledgeAlert(db: Knex, id: string, by: { userId: string; displayName: string }): Promise<void> {
  await db('alerts')
    .where({ id })
    .whereNull('acknowledged_at')
    .update({ acknowledged_at: db.fn.now(), acknowledged_by: by.userId, acknowledged_by_name: by.displayName });
}

/** What is still unacknowledged in the subtree, per tier the alerts were raised for. */
export async function unacknowledgedCounts(db: Knex, scopePath: string | null): Promise<Record<string, number>> {
  const rows = await inSubtree(db('alerts').select('tier').count<{ tier: string; count: string }[]>('* as count').whereNull('acknowledged_at'), scopePath).groupBy('tier');
  return Object.fromEntries(rows.map((r: { tier: string; count: string }) => [r.tier, Number(r.count)]));
}

export async function latestAlertId(db: Knex): Promise<string> {
  const row = await db('alerts').max<{ max: string | null }>('id as max').first();
  return String(row?.max ?? 0);
}
