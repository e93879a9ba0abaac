import type { Knex } from 'knex';

/**
 * Lists for people at work: the nearest running deadline of each case (sort by due soonest), and search over
 * title, description and address that works for Chinese. Chinese has no spaces and most words are two
 * characters, which trigram search cannot index; so every case keeps the set of its character bigrams, a GIN
 * index finds the rows holding all the query's bigrams, and `like` confirms the exact phrase.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create or replace function jiesu_bigrams(t text) returns text[] language sql immutable parallel safe as $$
      select coalesce(array_agg(distinct substr(lower(t), i, 2)), '{}')
      from generate_series(1, greatest(length(t) - 1, 0)) as i
      where substr(t, i, 2) !~ '\\s'
    $$`);
  await knex.schema.alterTable('cases', (t) => {
    t.timestamp('next_due', { useTz: true });
    t.specificType('search_bigrams', 'text[]').notNullable().defaultTo('{}');
  });
  await knex.raw(`update cases set search_bigrams = jiesu_bigrams(search_text),
    next_due = (select min((c->>'due')::timestamptz) from jsonb_array_elements(doc->'clocks') as c
      where c->>'stoppedAt' is null and c->>'pausedAt' is null and c->>'due' is not null
        and c->>'kind' in ('triage', 'respond', 'resolve', 'callback'))`);
  await knex.raw('create index cases_search_bigrams_idx on cases using gin (search_bigrams)');
  // Ascending puts nulls (nothing running) last, as the due-soonest order wants.
  await knex.raw('create index cases_due_idx on cases (next_due, id)');
  await knex.raw('create index cases_dispatched_idx on cases (dispatched_at desc, id desc)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index if exists cases_dispatched_idx');
  await knex.raw('drop index if exists cases_due_idx');
  await knex.raw('drop index if exists cases_search_bigrams_idx');
  await knex.schema.alterTable('cases', (t) => {
    t.dropColumn('search_bigrams');
    t.dropColumn('next_due');
  });
  await knex.raw('drop function if exists jiesu_bigrams(text)');
}
