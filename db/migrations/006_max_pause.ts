import type { Knex } from 'knex';

/** How long a case may wait for the citizen's information (待补充材料) is policy, like every other clock. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('sla_policies', (t) => {
    t.text('max_pause').notNullable().defaultTo('P5D');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('sla_policies', (t) => {
    t.dropColumn('max_pause');
  });
}
