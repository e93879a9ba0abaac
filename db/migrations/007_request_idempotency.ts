import type { Knex } from 'knex';

/**
 * Idempotency-Key for every write that is not intake (case commands, user creation): the key is bound to what
 * it first asked (action + body hash), so the same key with another body is a 409, never a silent replay of
 * the first answer; `resource_id` names what the first call made (a user's token, to reissue on a retry).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('request_idempotency', (t) => {
    t.uuid('user_id').notNullable();
    t.text('key').notNullable();
    t.text('action').notNullable();
    t.text('request_hash').notNullable();
    t.text('resource_id');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['user_id', 'key']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('request_idempotency');
}
