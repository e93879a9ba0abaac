import type { Knex } from 'knex';

/**
 * Alerts that can be worked through: who acknowledged one and when. The partial index serves the counts of
 * what is still unacknowledged in a subtree, which a supervisor's console asks for all day.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('alerts', (t) => {
    t.timestamp('acknowledged_at', { useTz: true });
    t.uuid('acknowledged_by');
    t.text('acknowledged_by_name');
  });
  await knex.raw('create index alerts_unacknowledged_idx on alerts (jurisdiction_path text_pattern_ops, tier) where acknowledged_at is null');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index if exists alerts_unacknowledged_idx');
  await knex.schema.alterTable('alerts', (t) => {
    t.dropColumn('acknowledged_by_name');
    t.dropColumn('acknowledged_by');
    t.dropColumn('acknowledged_at');
  });
}
