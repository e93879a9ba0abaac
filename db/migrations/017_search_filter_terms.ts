import type { Knex } from 'knex';

/**
 * Search within a scope and filters, intersected inside the index. A frequent word found through the bigram index
 * used to hand over every case in the city holding it, each row then read to keep one street's (243 ms for 井盖 in
 * a street at a million cases). The indexed array now also holds a case's scope and filter values as terms, so the
 * GIN index intersects the street, status, category and unit with the words before any row is read. Terms are
 * longer than two characters and carry a marker, so they never equal a bigram:
 * `@<path>` for the case's jurisdiction and each one above it (a path ends in `/`, as scope paths do),
 * `s:<status>`, `k:<category>`, `u:<unit>` for each unit the case is assigned to.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create or replace function jiesu_search_terms(t text, path text, status text, category text, units text[])
    returns text[] language sql immutable parallel safe as $$
      select array_remove(
        jiesu_bigrams(t)
        || coalesce((select array_agg('@' || substr(path, 1, i)) from generate_series(2, length(path)) as i where substr(path, i, 1) = '/'), '{}')
        || array['s:' || status, 'k:' || category]
        || coalesce((select array_agg('u:' || u) from unnest(units) as u), '{}'),
        null)
    $$`);
  await knex.raw('update cases set search_bigrams = jiesu_search_terms(search_text, jurisdiction_path, status, category_id, unit_ids)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('update cases set search_bigrams = jiesu_bigrams(search_text)');
  await knex.raw('drop function if exists jiesu_search_terms(text, text, text, text, text[])');
}
