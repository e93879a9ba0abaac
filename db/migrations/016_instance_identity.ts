import type { Knex } from 'knex';

/**
 * One random id per jiesu database, made when the database is. A Temporal namespace records the id of the
 * database its cases project into, and workers and API replicas of another database refuse to use it
 * (config/namespace-owner.ts). A restored backup keeps the id: it is the same city's database.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table instance_identity (
      singleton boolean primary key default true check (singleton),
      id uuid not null default gen_random_uuid(),
      created_at timestamptz not null default now()
    )`);
  await knex.raw('insert into instance_identity default values');
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('instance_identity');
}
