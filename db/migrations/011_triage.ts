import type { Knex } from 'knex';

/**
 * Smart dispatch (智能分拨) and duplicate proposals (并单), issue 13:
 * - `categories.keywords`: words citizens use for a category, a training source beside its name and description;
 * - `triage_examples`: labelled requests the classifier learns from that are not closed cases: the demo city's
 *   seed corpus, a city's imported history, and dispatchers' corrections (a recategorized case; every dispatch,
 *   with the units the responsibility list proposed and the ones the dispatcher chose);
 * - `triage_models`: every trained model, versioned; the API serves the newest;
 * - an index for the duplicate search: open cases by community and recency.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('categories', (t) => {
    t.specificType('keywords', 'text[]').notNullable().defaultTo('{}');
  });

  await knex.schema.createTable('triage_examples', (t) => {
    t.bigIncrements('id');
    /** seed (demo corpus), import (a city's history), correction (a dispatcher's change), dispatch (units chosen). */
    t.text('source').notNullable().checkIn(['seed', 'import', 'correction', 'dispatch'], 'triage_examples_source_check');
    /** Natural key within the source (seed: `seed:<category>:<n>`, import: the file's id, case: `<caseId>:<seq>`). */
    t.text('key').notNullable();
    t.text('text').notNullable();
    t.text('category_id').notNullable().references('id').inTable('categories');
    /** What the case had before a correction (recategorize), for the record and for error analysis. */
    t.text('previous_category_id');
    t.text('case_id');
    t.text('community_id');
    t.text('street_id');
    /** dispatch: the units chosen, and the lead the responsibility list proposed. */
    t.text('lead_unit_id');
    t.specificType('cooperating_unit_ids', 'text[]').notNullable().defaultTo('{}');
    t.text('proposed_lead_unit_id');
    t.text('actor_id');
    t.timestamp('at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['source', 'key']);
    t.index(['category_id', 'street_id']);
  });

  await knex.schema.createTable('triage_models', (t) => {
    t.increments('version').primary();
    t.timestamp('trained_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.integer('examples').notNullable();
    /** Examples per source, and how training went (epochs, accuracy on its own data). */
    t.jsonb('summary').notNullable();
    /** cli, schedule, bootstrap (the API found no model). */
    t.text('trigger').notNullable();
    /** The classifier: classes, features and weights (see triage/classifier.ts). Plain json: written once, read whole. */
    t.json('weights').notNullable();
  });

  // The duplicate search reads open cases of a community, newest first.
  await knex.raw(
    "create index cases_open_by_community_idx on cases (community_id, created_at desc) where status in ('triage', 'dispatched', 'in_progress', 'resolved')",
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index if exists cases_open_by_community_idx');
  await knex.schema.dropTableIfExists('triage_models');
  await knex.schema.dropTableIfExists('triage_examples');
  await knex.schema.alterTable('categories', (t) => {
    t.dropColumn('keywords');
  });
}
