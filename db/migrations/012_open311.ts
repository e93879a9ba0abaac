import type { Knex } from 'knex';

/**
 * Open311 GeoReport v2 (../shared/spec/OPEN311.md):
 * - where each community is, so that a reported point finds its community: a centroid (WGS84 degrees) and,
 *   where known, its area as a GeoJSON Polygon or MultiPolygon geometry ([lng, lat] positions);
 * - the clients that may post requests: one row per client, its api key stored as a sha256 hash only, the
 *   system user (a clerk at the city) the cases are opened by, revocable;
 * - what a client sent that is not on the case (email, device and account ids, extra attributes): private,
 *   never in a public answer, one row per case the client opened.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('jurisdictions', (t) => {
    t.double('centroid_lat').nullable();
    t.double('centroid_lng').nullable();
    t.jsonb('area').nullable();
  });
  await knex.raw(`alter table jurisdictions add constraint jurisdictions_centroid_check check (
    (centroid_lat is null) = (centroid_lng is null)
    and (centroid_lat is null or (centroid_lat between -90 and 90 and centroid_lng between -180 and 180)))`);

  await knex.schema.createTable('open311_clients', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.text('name').notNullable();
    t.text('key_hash').notNullable().unique();
    /** The key's first characters, so an admin can tell keys apart without the secret. */
    t.text('key_hint').notNullable();
    t.uuid('user_id').notNullable().references('id').inTable('users');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('last_used_at', { useTz: true }).nullable();
    t.timestamp('revoked_at', { useTz: true }).nullable();
  });
  // One active client per name (case-insensitive); a revoked one's name may be given again.
  await knex.raw('create unique index open311_clients_active_name_idx on open311_clients (lower(name)) where revoked_at is null');

  await knex.schema.createTable('open311_requests', (t) => {
    t.text('case_id').primary();
    t.uuid('client_id').notNullable().references('id').inTable('open311_clients');
    t.text('email').nullable();
    t.text('device_id').nullable();
    t.text('account_id').nullable();
    t.jsonb('attributes').notNullable().defaultTo('{}');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['client_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('open311_requests');
  await knex.schema.dropTableIfExists('open311_clients');
  await knex.raw('alter table jurisdictions drop constraint if exists jurisdictions_centroid_check');
  await knex.schema.alterTable('jurisdictions', (t) => {
    t.dropColumn('area');
    t.dropColumn('centroid_lng');
    t.dropColumn('centroid_lat');
  });
}
