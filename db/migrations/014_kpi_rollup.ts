import type { Knex } from 'knex';
import { rebuildKpiRollup, rollupCounters } from '../queries/kpi-rollup';

/**
 * The KPI fast path (db/queries/kpi-rollup.ts): counters per Beijing day, scope, grouping and key, kept exact
 * by the projection. The key serves the report's one read: a scope, a grouping, a range of days. Also the list
 * indexes for a street's, a community's or a category's newest cases.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('kpi_rollup', (t) => {
    /** '' for the whole city, else a jurisdiction path the cases lie under. */
    t.text('scope_path').notNullable();
    t.text('dim').notNullable();
    t.date('day').notNullable();
    /** The group's id ('' for the total). */
    t.text('gkey').notNullable();
    for (const counter of rollupCounters) t.integer(counter).notNullable().defaultTo(0);
    t.primary(['scope_path', 'dim', 'day', 'gkey']);
  });
  // `truncate cases` (a restore drill, a reset) empties the rollup too, so it never counts cases that are gone.
  await knex.raw(`
    create function kpi_rollup_truncate() returns trigger language plpgsql as $$
    begin
      truncate kpi_rollup;
      return null;
    end $$;
    create trigger cases_truncate_kpi_rollup after truncate on cases for each statement execute function kpi_rollup_truncate();`);
  await rebuildKpiRollup(knex);
  // Lists filtered to a street or a community, newest first: without these the newest-first scan filters a
  // whole city's cases for one street's page.
  await knex.raw('create index cases_street_list_idx on cases (street_id, created_at desc, id desc)');
  await knex.raw('create index cases_community_list_idx on cases (community_id, created_at desc, id desc)');
  await knex.raw('create index cases_category_list_idx on cases (category_id, created_at desc, id desc)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index if exists cases_street_list_idx; drop index if exists cases_community_list_idx; drop index if exists cases_category_list_idx');
  await knex.raw('drop trigger if exists cases_truncate_kpi_rollup on cases; drop function if exists kpi_rollup_truncate()');
  await knex.schema.dropTableIfExists('kpi_rollup');
}
