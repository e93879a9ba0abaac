import type { Knex } from 'knex';

/** Which jiesu database this is: a random id made by its first migration (016_instance_identity). */
export async function databaseInstanceId(db: Knex): Promise<string> {
  let row: { id: string } | undefined;
  try {
    row = await db('instance_identity').first('id');
  } catch (err) {
    // 42P01 undefined_table: the database predates the migration, or was never migrated.
    if ((err as { code?: string }).code === '42P01') row = undefined;
    else throw err;
  }
  if (!row) {
    throw new Error('数据库尚未迁移，缺少 instance_identity (database not migrated: run `npm run cli -- migrate`)');
  }
  return row.id;
}
