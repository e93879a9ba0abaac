import type { Knex } from 'knex';

/**
 * Webhook deliveries: one row per subscription and alert (made once, however often planning is retried), and
 * one row per HTTP attempt. The `alerts` table is the outbox; `webhook_dispatch` holds how far it was read.
 */

export const deliveryStatuses = ['pending', 'delivered', 'failed', 'cancelled'] as const;
export type DeliveryStatus = (typeof deliveryStatuses)[number];

export interface PendingDelivery {
  id: string;
  attempts: number;
  lastAttemptAt: Date | null;
}

/**
 * Reads up to `maxAlerts` alerts past the dispatch cursor and makes a delivery for every active subscription
 * each one matches: the alert's community lies in the subscription's subtree, its type and tier pass the
 * filters, it was raised after the subscription started, and the supervisor it belongs to is still enabled and
 * still over that subtree. One transaction, the cursor row locked: the rows and the cursor move together.
 * Answers whether alerts were read.
 */
export async function planDeliveries(db: Knex, maxAlerts: number): Promise<{ alertsRead: number; lastAlertId: string }> {
  return db.transaction(async (trx) => {
    const cursor = await trx('webhook_dispatch').where({ id: 1 }).forUpdate().first('last_alert_id');
    const after = String(cursor?.last_alert_id ?? 0);
    const window = await trx
      .from(trx('alerts').select('id').where('id', '>', after).orderBy('id').limit(maxAlerts).as('w'))
      .first(trx.raw('max(id) as upper'), trx.raw('count(*)::int as n'));
    if (!window?.n) return { alertsRead: 0, lastAlertId: after };
    await trx.raw(
      `insert into webhook_deliveries (subscription_id, alert_id, event)
       select s.id, a.id, 'alert.' || a.type
         from alerts a
         join webhook_subscriptions s
           on s.active
          and a.id > s.after_alert_id
          and starts_with(a.jurisdiction_path, s.jurisdiction_path)
          and (s.alert_types is null or a.type = any (s.alert_types))
          and (s.tiers is null or a.tier = any (s.tiers))
         left join users o on o.id = s.owner_user_id
         left join jurisdictions oj on oj.id = o.jurisdiction_id
        where a.id > ? and a.id <= ?
          and (s.owner_user_id is null
               or (o.disabled_at is null and o.role = 'supervisor' and starts_with(s.jurisdiction_path, oj.path)))
        order by a.id, s.id
       on conflict (subscription_id, alert_id) do nothing`,
      [after, window.upper],
    );
    await trx('webhook_dispatch').where({ id: 1 }).update({ last_alert_id: window.upper, updated_at: trx.fn.now() });
    return { alertsRead: window.n, lastAlertId: String(window.upper) };
  });
}

/** Whether any alert lies past the dispatch cursor (a cheap look on the primary key, polled while idle). */
export async function alertsWaiting(db: Knex): Promise<boolean> {
  const row = await db('alerts')
    .where('id', '>', db('webhook_dispatch').select('last_alert_id').where({ id: 1 }))
    .first(db.raw('1 as x'));
  return !!row;
}

/** Pending alert deliveries after `afterId`, oldest first (test pings are sent by the API, never here). */
export async function pendingDeliveries(db: Knex, afterId: string, limit: number): Promise<PendingDelivery[]> {
  const rows = await db('webhook_deliveries')
    .select('id', 'attempts', 'last_attempt_at')
    .where('status', 'pending')
    .whereNotNull('alert_id')
    .where('id', '>', afterId)
    .orderBy('id')
    .limit(limit);
  return rows.map((r) => ({ id: String(r.id), attempts: r.attempts, lastAttemptAt: r.last_attempt_at }));
}

/** What one attempt needs: the delivery, its subscription's target and secret, and the alert it is about. */
export interface DeliveryTarget {
  id: string;
  status: DeliveryStatus;
  event: string;
  attempts: number;
  lastAttemptAt: Date | null;
  createdAt: string;
  subscriptionId: string;
  subscriptionActive: boolean;
  url: string;
  secret: string;
  alert: Record<string, unknown> | null;
}

export async function getDeliveryTarget(db: Knex, id: string): Promise<DeliveryTarget | null> {
  const r = await db('webhook_deliveries as d')
    .join('webhook_subscriptions as s', 's.id', 'd.subscription_id')
    .leftJoin('alerts as a', 'a.id', 'd.alert_id')
    .where('d.id', id)
    .first(
      'd.id', 'd.status', 'd.event', 'd.attempts', 'd.last_attempt_at', 'd.created_at', 'd.subscription_id', 's.active', 's.url', 's.secret',
      'a.id as alert_id', 'a.type', 'a.case_id', 'a.tier', 'a.jurisdiction_id', 'a.unit_id', 'a.deadline', 'a.at', 'a.message',
    );
  if (!r) return null;
  const iso = (v: Date | null) => (v ? new Date(v).toISOString() : null);
  return {
    id: String(r.id),
    status: r.status,
    event: r.event,
    attempts: r.attempts,
    lastAttemptAt: r.last_attempt_at,
    createdAt: iso(r.created_at)!,
    subscriptionId: r.subscription_id,
    subscriptionActive: r.active,
    url: r.url,
    secret: r.secret,
    alert: r.alert_id
      ? { id: String(r.alert_id), type: r.type, caseId: r.case_id, tier: r.tier, jurisdictionId: r.jurisdiction_id, unitId: r.unit_id, deadline: iso(r.deadline), at: iso(r.at), message: r.message }
      : null,
  };
}

/** A test ping: a delivery of its own, sent at once by the caller (the dispatcher never picks it up). */
export async function createPingDelivery(db: Knex, subscriptionId: string): Promise<string> {
  const [row] = await db('webhook_deliveries').insert({ subscription_id: subscriptionId, event: 'ping' }).returning('id');
  return String(row.id);
}

/**
 * Takes the delivery for one attempt, unless another attempt holds it (a run of the dispatcher that continued as
 * new may leave one behind) or it is no longer pending. The hold lapses by itself should a worker die mid-attempt.
 */
export async function claimDelivery(db: Knex, id: string, holdMs: number): Promise<boolean> {
  const n = await db('webhook_deliveries')
    .where({ id, status: 'pending' })
    .where((q) => q.whereNull('claimed_until').orWhere('claimed_until', '<', db.fn.now()))
    .update({ claimed_until: db.raw(`now() + make_interval(secs => ?)`, [holdMs / 1000]) });
  return n === 1;
}

export async function cancelDelivery(db: Knex, id: string, reason: string): Promise<void> {
  await db('webhook_deliveries').where({ id, status: 'pending' }).update({ status: 'cancelled', last_error: reason, completed_at: db.fn.now(), claimed_until: null });
}

export interface AttemptRecord {
  ok: boolean;
  httpStatus: number | null;
  error: string | null;
  at: Date;
  durationMs: number;
}

/**
 * Records an attempt and what it means for the delivery: delivered, failed once `maxAttempts` are spent, else
 * still pending. A delivery that ends also moves its subscription's run of failures, which disables it at
 * `disableAfterFailures` (0: never). Pings count for neither. Answers the attempt's number and the new status.
 */
export async function recordAttempt(
  db: Knex,
  id: string,
  attempt: AttemptRecord,
  policy: { maxAttempts: number; disableAfterFailures: number },
): Promise<{ attempt: number; status: DeliveryStatus }> {
  return db.transaction(async (trx) => {
    const current = await trx('webhook_deliveries').where({ id }).forUpdate().first('attempts', 'subscription_id', 'event', 'status');
    const number = current.attempts + 1;
    const ping = current.event === 'ping';
    // An attempt that ends after its delivery was given up on (or cancelled) is recorded; the outcome stands.
    const ended = current.status !== 'pending';
    const status: DeliveryStatus = ended ? current.status : attempt.ok ? 'delivered' : ping || number >= policy.maxAttempts ? 'failed' : 'pending';
    await trx('webhook_deliveries')
      .where({ id })
      .update({
        attempts: number,
        status,
        last_attempt_at: attempt.at,
        last_http_status: attempt.httpStatus,
        last_error: attempt.error,
        claimed_until: null,
        ...(ended ? {} : { completed_at: status === 'pending' ? null : trx.fn.now() }),
      });
    await trx('webhook_attempts').insert({
      delivery_id: id,
      attempt: number,
      at: attempt.at,
      http_status: attempt.httpStatus,
      error: attempt.error,
      duration_ms: attempt.durationMs,
    });
    if (!ping && !ended && status !== 'pending') await countOutcome(trx, current.subscription_id, status === 'delivered', policy.disableAfterFailures);
    return { attempt: number, status };
  });
}

/** A delivery the engine gave up on (retries spent without an attempt recorded as the last one). */
export async function failDelivery(db: Knex, id: string, reason: string, disableAfterFailures: number): Promise<void> {
  await db.transaction(async (trx) => {
    const [row] = await trx('webhook_deliveries')
      .where({ id, status: 'pending' })
      .update({ status: 'failed', last_error: reason, completed_at: trx.fn.now(), claimed_until: null })
      .returning('subscription_id');
    if (row) await countOutcome(trx, row.subscription_id, false, disableAfterFailures);
  });
}

async function countOutcome(trx: Knex.Transaction, subscriptionId: string, delivered: boolean, disableAfterFailures: number): Promise<void> {
  if (delivered) {
    await trx('webhook_subscriptions').where({ id: subscriptionId }).update({ consecutive_failures: 0 });
    return;
  }
  const [row] = await trx('webhook_subscriptions')
    .where({ id: subscriptionId })
    .increment('consecutive_failures', 1)
    .returning(['consecutive_failures', 'active']);
  if (row && row.active && disableAfterFailures > 0 && row.consecutive_failures >= disableAfterFailures) {
    await trx('webhook_subscriptions')
      .where({ id: subscriptionId })
      .update({ active: false, disabled_at: trx.fn.now(), disabled_reason: `连续 ${row.consecutive_failures} 次推送失败，已自动停用`, updated_at: trx.fn.now() });
  }
}
