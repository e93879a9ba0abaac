import type { Knex } from 'knex';

/**
 * The audit trail: who did or tried what, when and from where. Append-only: a trigger refuses every UPDATE,
 * DELETE and TRUNCATE, so not even a bug in the application (or a careless admin session without superuser
 * rights to drop the trigger) can rewrite history. Request bodies are never stored: they hold citizens' data.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('audit_log', (t) => {
    t.bigIncrements('id').primary();
    t.timestamp('at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    // No foreign keys: an audit row must outlive what it names, and a 401 has no user at all.
    t.uuid('user_id').nullable();
    t.text('username').nullable();
    t.text('role').nullable();
    t.uuid('token_id').nullable();
    t.text('ip').nullable();
    t.text('method').notNullable();
    /** The route pattern (`/api/v1/cases/:id/accept`), never the raw URL: query strings may carry personal data. */
    t.text('route').notNullable();
    t.text('case_id').nullable();
    /** The permission the route stands for (`cases.accept`), or `unknown` for an unmatched path. */
    t.text('action').notNullable();
    t.text('outcome').notNullable().checkIn(['ok', 'refused', 'error'], 'audit_log_outcome_check');
    t.integer('status').notNullable();
    t.text('code').nullable();
    t.index(['case_id', 'id']);
    t.index(['user_id', 'id']);
    t.index(['at']);
  });
  await knex.raw(`
    create function audit_log_append_only() returns trigger language plpgsql as $$
    begin
      raise exception 'audit_log is append-only (% refused)', tg_op using errcode = 'insufficient_privilege';
    end
    $$`);
  await knex.raw(`
    create trigger audit_log_no_update_delete before update or delete on audit_log
    for each row execute function audit_log_append_only()`);
  await knex.raw(`
    create trigger audit_log_no_truncate before truncate on audit_log
    for each statement execute function audit_log_append_only()`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('audit_log');
  await knex.raw('drop function if exists audit_log_append_only()');
}
