import type { Knex } from 'knex';

/**
 * Reference data: the jurisdiction tree, units, the category catalogue and its 权责清单, users and their
 * API tokens, SLA policies and the holiday calendar overrides. Case tables live in 002.
 */

const levels = ['city', 'district', 'street', 'community', 'grid'];
const unitKinds = ['department', 'utility', 'telecom', 'enterprise'];
const slaClasses = ['urgent', 'utility', 'general', 'complex'];
const roles = ['clerk', 'gridWorker', 'dispatcher', 'liaison', 'supervisor', 'admin'];

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('jurisdictions', (t) => {
    t.text('id').primary();
    t.text('name').notNullable();
    t.text('level').notNullable().checkIn(levels, 'jurisdictions_level_check');
    t.text('parent_id').nullable().references('id').inTable('jurisdictions');
    t.text('path').notNullable().unique();
    t.index(['parent_id']);
    // The path must end in the node's own id, so a subtree query can never be fooled by a stale path.
    t.check("path like '/%/' and right(path, length(id) + 2) = '/' || id || '/'", undefined, 'jurisdictions_path_check');
  });
  // The unique index uses the database collation, which cannot serve `like 'prefix%'`; this one can.
  await knex.raw('create index jurisdictions_path_prefix_idx on jurisdictions (path text_pattern_ops)');

  await knex.schema.createTable('units', (t) => {
    t.text('id').primary();
    t.text('name').notNullable();
    t.text('short_name').notNullable();
    t.text('kind').notNullable().checkIn(unitKinds, 'units_kind_check');
    t.text('jurisdiction_id').notNullable().references('id').inTable('jurisdictions');
    t.boolean('active').notNullable().defaultTo(true);
    t.index(['jurisdiction_id']);
  });

  await knex.schema.createTable('categories', (t) => {
    t.text('id').primary();
    t.text('name').notNullable();
    t.text('parent_id').nullable().references('id').inTable('categories');
    t.text('sla_class').notNullable().defaultTo('general').checkIn(slaClasses, 'categories_sla_class_check');
    t.text('description').nullable();
    t.index(['parent_id']);
  });

  await knex.schema.createTable('responsibilities', (t) => {
    t.increments('id').primary();
    t.text('category_id').notNullable().references('id').inTable('categories');
    t.text('jurisdiction_id').notNullable().references('id').inTable('jurisdictions');
    t.text('unit_id').notNullable().references('id').inTable('units');
    t.text('role').notNullable().checkIn(['lead', 'cooperating'], 'responsibilities_role_check');
    t.unique(['category_id', 'jurisdiction_id', 'unit_id']);
    t.index(['jurisdiction_id']);
    t.index(['unit_id']);
  });
  // "一门主责、其他配合": at most one lead unit per category and area.
  await knex.raw(
    "create unique index responsibilities_one_lead_idx on responsibilities (category_id, jurisdiction_id) where role = 'lead'",
  );

  await knex.schema.createTable('users', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.text('username').notNullable().unique();
    t.text('display_name').notNullable();
    t.text('role').notNullable().checkIn(roles, 'users_role_check');
    t.text('jurisdiction_id').nullable().references('id').inTable('jurisdictions');
    t.text('unit_id').nullable().references('id').inTable('units');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('disabled_at', { useTz: true }).nullable();
    // Stored lower-case so the plain unique index behaves like citext without the extension.
    t.check("username = lower(username) and username <> ''", undefined, 'users_username_check');
    // A liaison acts for a unit; everyone else acts within a jurisdiction (their scope).
    t.check(
      "(role = 'liaison' and unit_id is not null) or (role <> 'liaison' and jurisdiction_id is not null)",
      undefined,
      'users_scope_check',
    );
    t.index(['jurisdiction_id']);
    t.index(['unit_id']);
  });

  await knex.schema.createTable('api_tokens', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.uuid('user_id').notNullable().references('id').inTable('users').onDelete('CASCADE');
    t.text('token_hash').notNullable().unique();
    t.text('label').nullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('expires_at', { useTz: true }).nullable();
    t.timestamp('revoked_at', { useTz: true }).nullable();
    t.timestamp('last_used_at', { useTz: true }).nullable();
    t.index(['user_id']);
  });

  await knex.schema.createTable('sla_policies', (t) => {
    t.text('sla_class').primary().checkIn(slaClasses, 'sla_policies_sla_class_check');
    // ISO 8601 durations (PT15M, P5D); the API validates their syntax, the deadline activity their meaning.
    t.text('triage').notNullable();
    t.text('respond').notNullable();
    t.text('resolve').notNullable();
    t.text('callback').notNullable();
    t.text('repeat_overdue').notNullable();
    t.decimal('warn_at', 4, 3).notNullable().defaultTo(0.8);
    t.text('basis').notNullable().checkIn(['calendar', 'working'], 'sla_policies_basis_check');
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    // Set null rather than block: deleting a user must not be held up by an old policy edit.
    t.uuid('updated_by').nullable().references('id').inTable('users').onDelete('SET NULL');
    t.check('warn_at > 0 and warn_at <= 1', undefined, 'sla_policies_warn_at_check');
  });

  await knex.schema.createTable('calendar_overrides', (t) => {
    t.date('date').primary();
    t.text('kind').notNullable().checkIn(['holiday', 'workday'], 'calendar_overrides_kind_check');
    t.text('note').nullable();
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.uuid('updated_by').nullable().references('id').inTable('users').onDelete('SET NULL');
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of [
    'calendar_overrides',
    'sla_policies',
    'api_tokens',
    'users',
    'responsibilities',
    'categories',
    'units',
    'jurisdictions',
  ]) {
    await knex.schema.dropTableIfExists(table);
  }
}
