import type { Knex } from 'knex';

/** Cases waiting for a supervisor's decision (an extension or the complex mark): the approvals queue. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('cases', (t) => {
    t.boolean('awaiting_approval').notNullable().defaultTo(false);
  });
  await knex.raw(`update cases set awaiting_approval = (doc->'extension'->>'state' = 'pending' or doc->'complexMark'->>'state' = 'pending') is true`);
  await knex.raw('create index cases_awaiting_approval_idx on cases (created_at desc, id desc) where awaiting_approval');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index if exists cases_awaiting_approval_idx');
  await knex.schema.alterTable('cases', (t) => {
    t.dropColumn('awaiting_approval');
  });
}
