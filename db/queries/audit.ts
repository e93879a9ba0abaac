import type { Knex } from 'knex';

export type AuditOutcome = 'ok' | 'refused' | 'error';

export interface AuditEntry {
  userId: string | null;
  username: string | null;
  role: string | null;
  tokenId: string | null;
  ip: string | null;
  method: string;
  route: string;
  caseId: string | null;
  action: string;
  outcome: AuditOutcome;
  status: number;
  code: string | null;
}

export interface AuditRow extends AuditEntry {
  id: string;
  at: string;
}

export async function appendAudit(db: Knex, entry: AuditEntry): Promise<void> {
  await db('audit_log').insert({
    user_id: entry.userId,
    username: entry.username,
    role: entry.role,
    token_id: entry.tokenId,
    ip: entry.ip,
    method: entry.method,
    route: entry.route,
    case_id: entry.caseId,
    action: entry.action,
    outcome: entry.outcome,
    status: entry.status,
    code: entry.code,
  });
}

export interface AuditFilter {
  caseId?: string;
  userId?: string;
  from?: string;
  to?: string;
  outcome?: AuditOutcome;
  /** Only rows about cases located under this jurisdiction path (a supervisor's subtree). */
  casePath?: string;
  /** Rows with a smaller id than this (the page before). */
  beforeId?: string;
}

/** Newest first; one more row than asked tells whether there is a next page. */
export async function listAudit(db: Knex, filter: AuditFilter, limit: number): Promise<{ items: AuditRow[]; nextCursor: string | null }> {
  let q = db('audit_log as a').select('a.*');
  if (filter.caseId) q = q.where('a.case_id', filter.caseId);
  if (filter.userId) q = q.where('a.user_id', filter.userId);
  if (filter.from) q = q.where('a.at', '>=', filter.from);
  if (filter.to) q = q.where('a.at', '<', filter.to);
  if (filter.outcome) q = q.where('a.outcome', filter.outcome);
  if (filter.beforeId) q = q.where('a.id', '<', filter.beforeId);
  if (filter.casePath !== undefined) {
    q = q.whereIn('a.case_id', db('cases').select('id').where('jurisdiction_path', 'like', `${filter.casePath.replace(/[\\%_]/g, '\\$&')}%`));
  }
  const rows = await q.orderBy('a.id', 'desc').limit(limit + 1);
  const items = rows.slice(0, limit).map(
    (r): AuditRow => ({
      id: String(r.id),
      at: new Date(r.at).toISOString(),
      userId: r.user_id,
      username: r.username,
      role: r.role,
      tokenId: r.token_id,
      ip: r.ip,
      method: r.method,
      route: r.route,
      caseId: r.case_id,
      action: r.action,
      outcome: r.outcome,
      status: r.status,
      code: r.code,
    }),
  );
  return { items, nextCursor: rows.length > limit ? items[items.length - 1]!.id : null };
}
