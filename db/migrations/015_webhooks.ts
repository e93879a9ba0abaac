import type { Knex } from 'knex';

/**
 * Alert webhooks (告警推送). The `alerts` table is the outbox; these tables say who wants which alerts pushed
 * where, and what happened to each push:
 * - `webhook_subscriptions`: a target URL for the alerts of a jurisdiction subtree, optionally only some alert
 *   types and tiers; the HMAC secret (the receiver holds the same one); active or disabled, by whom and why;
 * - `webhook_deliveries`: one per subscription and alert (or per test ping), pending until delivered or failed;
 * - `webhook_attempts`: every HTTP attempt of a delivery, with its status or error and how long it took;
 * - `webhook_dispatch`: the one row holding how far the dispatcher has read the alerts.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('webhook_subscriptions', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.text('description').nullable();
    t.text('url').notNullable();
    t.text('secret').notNullable();
    t.text('jurisdiction_id').notNullable().references('jurisdictions.id');
    /** Copied from the jurisdiction at registration: alerts are matched on it without a join. */
    t.text('jurisdiction_path').notNullable();
    /** Null: every type (tier). */
    t.specificType('alert_types', 'text[]').nullable();
    t.specificType('tiers', 'text[]').nullable();
    /** The supervisor it was registered for (deliveries stop while they are disabled or moved out of its scope); null: the jurisdiction's own, registered by an admin. */
    t.uuid('owner_user_id').nullable().references('users.id');
    t.boolean('active').notNullable().defaultTo(true);
    t.timestamp('disabled_at', { useTz: true }).nullable();
    t.text('disabled_reason').nullable();
    /** Deliveries that ended failed one after another; a success resets it. */
    t.integer('consecutive_failures').notNullable().defaultTo(0);
    /** The newest alert when it was registered: only later alerts are pushed, never the backlog. */
    t.bigInteger('after_alert_id').notNullable().defaultTo(0);
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.uuid('created_by').notNullable().references('users.id');
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.uuid('updated_by').notNullable().references('users.id');
    t.timestamp('secret_rotated_at', { useTz: true }).nullable();
  });
  await knex.raw('create index webhook_subscriptions_active_idx on webhook_subscriptions (jurisdiction_path text_pattern_ops) where active');

  await knex.schema.createTable('webhook_deliveries', (t) => {
    t.bigIncrements('id');
    t.uuid('subscription_id').notNullable().references('webhook_subscriptions.id').onDelete('cascade');
    /** Null for a test ping. */
    t.bigInteger('alert_id').nullable().references('alerts.id').onDelete('cascade');
    /** `alert.<type>` or `ping`: the X-Jiesu-Event header. */
    t.text('event').notNullable();
    t.text('status').notNullable().defaultTo('pending');
    t.integer('attempts').notNullable().defaultTo(0);
    /** While an attempt is under way: another worker leaves the delivery alone until then. */
    t.timestamp('claimed_until', { useTz: true }).nullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('last_attempt_at', { useTz: true }).nullable();
    t.timestamp('completed_at', { useTz: true }).nullable();
    t.integer('last_http_status').nullable();
    t.text('last_error').nullable();
    t.unique(['subscription_id', 'alert_id']);
  });
  await knex.raw(`alter table webhook_deliveries add constraint webhook_deliveries_status_check
    check (status in ('pending', 'delivered', 'failed', 'cancelled'))`);
  await knex.raw('create index webhook_deliveries_pending_idx on webhook_deliveries (id) where status = \'pending\'');
  await knex.raw('create index webhook_deliveries_alert_idx on webhook_deliveries (alert_id)');
  await knex.raw('create index webhook_deliveries_subscription_idx on webhook_deliveries (subscription_id, id desc)');

  await knex.schema.createTable('webhook_attempts', (t) => {
    t.bigIncrements('id');
    t.bigInteger('delivery_id').notNullable().references('webhook_deliveries.id').onDelete('cascade');
    t.integer('attempt').notNullable();
    t.timestamp('at', { useTz: true }).notNullable();
    t.integer('http_status').nullable();
    t.text('error').nullable();
    t.integer('duration_ms').notNullable();
    t.unique(['delivery_id', 'attempt']);
  });

  // One row; it starts at the newest alert so that an existing city's history is not read through.
  await knex.schema.createTable('webhook_dispatch', (t) => {
    t.integer('id').primary();
    t.bigInteger('last_alert_id').notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw('alter table webhook_dispatch add constraint webhook_dispatch_one_row check (id = 1)');
  await knex.raw('insert into webhook_dispatch (id, last_alert_id) select 1, coalesce(max(id), 0) from alerts');
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('webhook_dispatch');
  await knex.schema.dropTableIfExists('webhook_attempts');
  await knex.schema.dropTableIfExists('webhook_deliveries');
  await knex.schema.dropTableIfExists('webhook_subscriptions');
}
