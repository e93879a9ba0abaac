import type { Knex } from 'knex';

/** A webhook subscription as admins and supervisors see it: never the secret, only its first characters. */
export interface WebhookSubscription {
  id: string;
  url: string;
  description: string | null;
  jurisdictionId: string;
  jurisdictionName: string;
  alertTypes: string[] | null;
  tiers: string[] | null;
  active: boolean;
  disabledAt: string | null;
  disabledReason: string | null;
  consecutiveFailures: number;
  owner: { userId: string; displayName: string } | null;
  secretHint: string;
  secretRotatedAt: string | null;
  createdAt: string;
  createdBy: { userId: string; displayName: string };
  updatedAt: string;
  updatedBy: { userId: string; displayName: string };
}

export interface NewWebhookSubscription {
  url: string;
  description: string | null;
  jurisdictionId: string;
  jurisdictionPath: string;
  alertTypes: string[] | null;
  tiers: string[] | null;
  ownerUserId: string | null;
  secret: string;
  createdBy: string;
}

const iso = (v: Date | string | null): string | null => (v ? new Date(v).toISOString() : null);
const secretHint = (secret: string): string => `${secret.slice(0, 10)}…`;

const selectSubscriptions = (db: Knex) =>
  db('webhook_subscriptions as s')
    .join('jurisdictions as j', 'j.id', 's.jurisdiction_id')
    .leftJoin('users as o', 'o.id', 's.owner_user_id')
    .join('users as c', 'c.id', 's.created_by')
    .join('users as u', 'u.id', 's.updated_by')
    .select('s.*', 'j.name as jurisdiction_name', 'o.display_name as owner_name', 'c.display_name as created_by_name', 'u.display_name as updated_by_name');

const toSubscription = (r: Record<string, any>): WebhookSubscription => ({
  id: r.id,
  url: r.url,
  description: r.description,
  jurisdictionId: r.jurisdiction_id,
  jurisdictionName: r.jurisdiction_name,
  alertTypes: r.alert_types,
  tiers: r.tiers,
  active: r.active,
  disabledAt: iso(r.disabled_at),
  disabledReason: r.disabled_reason,
  consecutiveFailures: r.consecutive_failures,
  owner: r.owner_user_id ? { userId: r.owner_user_id, displayName: r.owner_name } : null,
  secretHint: secretHint(r.secret),
  secretRotatedAt: iso(r.secret_rotated_at),
  createdAt: iso(r.created_at)!,
  createdBy: { userId: r.created_by, displayName: r.created_by_name },
  updatedAt: iso(r.updated_at)!,
  updatedBy: { userId: r.updated_by, displayName: r.updated_by_name },
});

/** The newest alert now: a subscription receives only what is raised after it starts (or starts again). */
const newestAlertId = (db: Knex) => db('alerts').max('id');

export async function createWebhookSubscription(db: Knex, input: NewWebhookSubscription): Promise<WebhookSubscription> {
  const [row] = await db('webhook_subscriptions')
    .insert({
      url: input.url,
      description: input.description,
      jurisdiction_id: input.jurisdictionId,
      jurisdiction_path: input.jurisdictionPath,
      alert_types: input.alertTypes,
      tiers: input.tiers,
      owner_user_id: input.ownerUserId,
      secret: input.secret,
      after_alert_id: db.raw('coalesce((?), 0)', [newestAlertId(db)]),
      created_by: input.createdBy,
      updated_by: input.createdBy,
    })
    .returning('id');
  return (await getWebhookSubscription(db, null, row.id))!;
}

/** One subscription, if its jurisdiction lies in the subtree (null: anywhere). */
export async function getWebhookSubscription(db: Knex, scopePath: string | null, id: string): Promise<WebhookSubscription | null> {
  let query = selectSubscriptions(db).where('s.id', id);
  if (scopePath !== null) query = query.whereRaw('starts_with(s.jurisdiction_path, ?)', [scopePath]);
  const row = await query.first();
  return row ? toSubscription(row) : null;
}

/** The subscriptions whose jurisdiction lies in the subtree (null: all), newest first. */
export async function listWebhookSubscriptions(db: Knex, scopePath: string | null, filter: { active?: boolean } = {}): Promise<WebhookSubscription[]> {
  let query = selectSubscriptions(db).orderBy('s.created_at', 'desc').orderBy('s.id');
  if (scopePath !== null) query = query.whereRaw('starts_with(s.jurisdiction_path, ?)', [scopePath]);
  if (filter.active !== undefined) query = query.where('s.active', filter.active);
  return (await query).map(toSubscription);
}

/** Disabled by a person (or, after failures in a row, by the platform): its pending deliveries are cancelled as they come up. */
export async function disableWebhookSubscription(db: Knex, id: string, by: string, reason: string | null): Promise<void> {
  await db('webhook_subscriptions')
    .where({ id, active: true })
    .update({ active: false, disabled_at: db.fn.now(), disabled_reason: reason, updated_at: db.fn.now(), updated_by: by });
}

/** Enabled again: from the next alert on, with a clean failure count; what was raised meanwhile is not sent. */
export async function enableWebhookSubscription(db: Knex, id: string, by: string): Promise<void> {
  await db('webhook_subscriptions')
    .where({ id, active: false })
    .update({
      active: true,
      disabled_at: null,
      disabled_reason: null,
      consecutive_failures: 0,
      after_alert_id: db.raw('coalesce((?), 0)', [newestAlertId(db)]),
      updated_at: db.fn.now(),
      updated_by: by,
    });
}

/** A new secret, effective from the next attempt (retries of older deliveries included). */
export async function rotateWebhookSecret(db: Knex, id: string, by: string, secret: string): Promise<void> {
  await db('webhook_subscriptions').where({ id }).update({ secret, secret_rotated_at: db.fn.now(), updated_at: db.fn.now(), updated_by: by });
}

export interface WebhookAttempt {
  attempt: number;
  at: string;
  httpStatus: number | null;
  error: string | null;
  durationMs: number;
}

export interface WebhookDelivery {
  id: string;
  event: string;
  alertId: string | null;
  status: string;
  attempts: number;
  createdAt: string;
  lastAttemptAt: string | null;
  completedAt: string | null;
  lastHttpStatus: number | null;
  lastError: string | null;
  attemptLog: WebhookAttempt[];
}

/** A subscription's deliveries, newest first, below `beforeId`; each with every attempt it took. */
export async function listWebhookDeliveries(
  db: Knex,
  subscriptionId: string,
  filter: { status?: string; beforeId?: string },
  limit: number,
): Promise<WebhookDelivery[]> {
  let query = db('webhook_deliveries').where({ subscription_id: subscriptionId });
  if (filter.status) query = query.where('status', filter.status);
  if (filter.beforeId) query = query.where('id', '<', filter.beforeId);
  const rows = await query.orderBy('id', 'desc').limit(limit);
  const attempts = rows.length
    ? await db('webhook_attempts').whereIn('delivery_id', rows.map((r) => r.id)).orderBy(['delivery_id', 'attempt'])
    : [];
  return rows.map((r) => ({
    id: String(r.id),
    event: r.event,
    alertId: r.alert_id === null ? null : String(r.alert_id),
    status: r.status,
    attempts: r.attempts,
    createdAt: iso(r.created_at)!,
    lastAttemptAt: iso(r.last_attempt_at),
    completedAt: iso(r.completed_at),
    lastHttpStatus: r.last_http_status,
    lastError: r.last_error,
    attemptLog: attempts
      .filter((a) => String(a.delivery_id) === String(r.id))
      .map((a) => ({ attempt: a.attempt, at: iso(a.at)!, httpStatus: a.http_status, error: a.error, durationMs: a.duration_ms })),
  }));
}
