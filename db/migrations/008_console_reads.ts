import type { Knex } from 'knex';

/**
 * What the console and the public board read without opening every document: the caller's phone (digits
 * only, for a clerk's "earlier cases of this caller"), and whether the citizen agreed that the text of the
 * request may be shown on the public board (公开).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('cases', (t) => {
    t.text('reporter_phone');
    t.boolean('disclosed').notNullable().defaultTo(false);
  });
  await knex.raw(`update cases set reporter_phone = nullif(regexp_replace(coalesce(doc->'reporter'->>'phone', ''), '\\D', '', 'g'), ''),
    disclosed = coalesce((doc->>'public')::boolean, false)`);
  await knex.raw('create index cases_reporter_phone_idx on cases (reporter_phone, created_at desc) where reporter_phone is not null');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index if exists cases_reporter_phone_idx');
  await knex.schema.alterTable('cases', (t) => {
    t.dropColumn('disclosed');
    t.dropColumn('reporter_phone');
  });
}
