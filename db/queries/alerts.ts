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
  since?: string;
  type?: AlertType;
  caseId?: string;
}

/** Alerts of the cases located in a jurisdiction subtree (null: everywhere), oldest first. */
export async function listAlerts(db: Knex, scopePath: string | null, filter: AlertFilter, limit: number): Promise<AlertRow[]> {
  let query = db('alerts').select('*');
  if (scopePath) query = query.where('jurisdiction_path', 'like', `${scopePath}%`);
  if (filter.afterId) query = query.where('id', '>', filter.afterId);
  if (filter.since) query = query.where('at', '>=', filter.since);
  if (filter.type) query = query.where('type', filter.type);
  if (filter.caseId) query = query.where('case_id', filter.caseId);
  const rows = await query.orderBy('id').limit(limit);
  return rows.map((r) => ({
    id: String(r.id),
    type: r.type,
    caseId: r.case_id,
    tier: r.tier,
    jurisdictionId: r.jurisdiction_id,
    unitId: r.unit_id,
    deadline: r.deadline ? new Date(r.deadline).toISOString() : null,
    at: new Date(r.at).toISOString(),
    message: r.message,
  }));
}

export async function latestAlertId(db: Knex): Promise<string> {
  const row = await db('alerts').max<{ max: string | null }>('id as max').first();
  return String(row?.max ?? 0);
}
