import type { Knex } from 'knex';

/**
 * The read model of cases, projected by the case workflows (the workflows are the source of truth),
 * plus intake idempotency and alerts.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('create sequence case_no_seq');

  await knex.schema.createTable('cases', (t) => {
    t.text('id').primary(); // equals case_no: what citizens and clerks quote
    t.text('case_no').notNullable().unique();
    t.text('status').notNullable();
    t.text('tier').notNullable();
    t.text('mode');
    t.text('request_type').notNullable();
    t.text('category_id').notNullable().references('categories.id');
    t.text('urgency').notNullable();
    t.text('sla_class').notNullable();
    t.text('title').notNullable();
    t.text('channel').notNullable();
    t.text('community_id').notNullable().references('jurisdictions.id');
    t.text('street_id').notNullable().references('jurisdictions.id');
    t.text('city_id').notNullable().references('jurisdictions.id');
    t.text('grid_id');
    /** The community's materialized path: "cases in my subtree" is a prefix match. */
    t.text('jurisdiction_path').notNullable();
    t.text('lead_unit_id').references('units.id');
    t.specificType('unit_ids', 'text[]').notNullable().defaultTo('{}');
    t.boolean('overdue').notNullable().defaultTo(false);
    t.integer('reopen_count').notNullable().defaultTo(0);
    t.text('rating');
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('dispatched_at', { useTz: true });
    t.timestamp('resolved_at', { useTz: true });
    t.timestamp('closed_at', { useTz: true });
    t.timestamp('updated_at', { useTz: true }).notNullable();
    t.bigInteger('version').notNullable();
    /** The whole case state as the workflow last projected it; the columns above are for filtering. */
    t.jsonb('doc').notNullable();
    t.text('search_text').notNullable().defaultTo('');
  });
  await knex.raw('create index cases_path_idx on cases (jurisdiction_path text_pattern_ops)');
  await knex.raw('create index cases_unit_ids_idx on cases using gin (unit_ids)');
  await knex.raw('create index cases_list_idx on cases (created_at desc, id desc)');
  await knex.raw('create index cases_status_idx on cases (status, tier)');

  await knex.schema.createTable('case_events', (t) => {
    t.text('case_id').notNullable().references('cases.id').onDelete('cascade');
    t.integer('seq').notNullable();
    t.text('type').notNullable();
    t.timestamp('at', { useTz: true }).notNullable();
    t.text('actor_id');
    t.text('actor_name');
    t.text('actor_role');
    t.text('actor_unit_id');
    t.jsonb('data').notNullable();
    t.primary(['case_id', 'seq']);
  });

  await knex.schema.createTable('intake_idempotency', (t) => {
    t.uuid('user_id').notNullable();
    t.text('key').notNullable();
    t.text('request_hash').notNullable();
    t.text('case_id').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['user_id', 'key']);
  });

  await knex.schema.createTable('alerts', (t) => {
    t.bigIncrements('id');
    t.text('type').notNullable();
    t.text('case_id').notNullable().references('cases.id').onDelete('cascade');
    t.text('tier').notNullable();
    t.text('jurisdiction_id').notNullable().references('jurisdictions.id');
    t.text('jurisdiction_path').notNullable();
    t.text('unit_id').references('units.id');
    t.timestamp('deadline', { useTz: true });
    t.timestamp('at', { useTz: true }).notNullable();
    t.text('message').notNullable();
    /** Workflow-chosen key so a retried activity never raises the same alert twice. */
    t.text('dedupe_key').notNullable().unique();
  });
  await knex.raw('create index alerts_path_idx on alerts (jurisdiction_path text_pattern_ops, id)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('alerts');
  await knex.schema.dropTableIfExists('intake_idempotency');
  await knex.schema.dropTableIfExists('case_events');
  await knex.schema.dropTableIfExists('cases');
  await knex.raw('drop sequence if exists case_no_seq');
}
