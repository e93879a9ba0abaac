import type { Knex } from 'knex';

/**
 * The callback window is counted in working days by default whatever the class's basis (DOMAIN.md §5),
 * but a drill that runs a whole case in seconds at night needs it on elapsed time too: make it data.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('sla_policies', (t) => {
    t.text('callback_basis').notNullable().defaultTo('working');
  });
  await knex.raw("alter table sla_policies add constraint sla_policies_callback_basis_check check (callback_basis in ('calendar', 'working'))");
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('sla_policies', (t) => {
    t.dropColumn('callback_basis');
  });
}
