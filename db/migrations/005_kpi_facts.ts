import type { Knex } from 'knex';

/**
 * What each case contributes to the measures of DOMAIN.md §6 (`workflows/domain/kpi-facts.ts`), projected next
 * to the case so that the KPI report is one aggregation in SQL. The period is cut on `dispatched_at` (already a
 * column); case measures group by street, community, category or the lead unit (`lead_unit_id`, already there);
 * the response rate counts assignments, one row each.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('cases', (t) => {
    t.boolean('dispatched_to_unit').notNullable().defaultTo(false);
    // Null when the case was not dispatched to a unit: outside those two denominators.
    t.boolean('feedback_on_time');
    t.boolean('completed_on_time');
    t.boolean('closed_case').notNullable().defaultTo(false);
    t.boolean('reopened').notNullable().defaultTo(false);
    t.boolean('first_time').notNullable().defaultTo(false);
    t.boolean('resolved_case').notNullable().defaultTo(false);
    t.integer('ratings_total').notNullable().defaultTo(0);
    t.integer('ratings_satisfied').notNullable().defaultTo(0);
    t.boolean('escalated').notNullable().defaultTo(false);
    // False on rows projected before this migration: the next projection of the same version may fill them in
    // (so `cli reproject` backfills), which the version guard would otherwise refuse.
    t.boolean('kpi_facts').notNullable().defaultTo(false);
  });
  await knex.raw('create index cases_dispatched_at_idx on cases (dispatched_at) where dispatched_at is not null');
  await knex.raw('create index cases_lead_unit_kpi_idx on cases (lead_unit_id, dispatched_at) where lead_unit_id is not null');
  await knex.raw('create index cases_category_kpi_idx on cases (category_id, dispatched_at)');

  await knex.schema.createTable('case_assignment_facts', (t) => {
    t.text('case_id').notNullable().references('cases.id').onDelete('cascade');
    /** Position in the case's assignment list (every round, in order). */
    t.integer('seq').notNullable();
    t.text('unit_id').notNullable();
    t.text('role').notNullable().checkIn(['lead', 'cooperating'], 'case_assignment_facts_role_check');
    t.boolean('responded_in_time').notNullable();
    t.primary(['case_id', 'seq']);
    t.index(['unit_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('case_assignment_facts');
  await knex.raw('drop index if exists cases_category_kpi_idx');
  await knex.raw('drop index if exists cases_lead_unit_kpi_idx');
  await knex.raw('drop index if exists cases_dispatched_at_idx');
  await knex.schema.alterTable('cases', (t) => {
    for (const column of [
      'dispatched_to_unit',
      'feedback_on_time',
      'completed_on_time',
      'closed_case',
      'reopened',
      'first_time',
      'resolved_case',
      'ratings_total',
      'ratings_satisfied',
      'escalated',
      'kpi_facts',
    ]) {
      t.dropColumn(column);
    }
  });
}
