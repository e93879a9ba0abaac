import type { Env } from '../../config/env';
import { embeddedServerUrl, startEmbedded } from './embedded-postgres';
import { createDatabase, databaseOf, LOCAL_URL, maskDatabaseUrl, neverExits, pgAnswers, PostgresHandle, PostgresSource, withDatabase } from './pg-admin';
import type { Log } from './temporal-cli';

// Where the stack's PostgreSQL comes from: DATABASE_URL, else the local server, else the embedded one.
export * from './pg-admin';
export { embeddedServerUrl } from './embedded-postgres';

export interface ResolveOptions {
  /** Create PG_DATABASE when missing (default true; tests create their own database instead). */
  createDatabase?: boolean;
}

/**
 * DATABASE_URL if set (it must answer); else the local server on 127.0.0.1:5432 as `postgres`; else an
 * embedded PostgreSQL under DATA_DIR. The returned URL points at PG_DATABASE (or DATABASE_URL's database).
 */
export async function resolvePostgres(
  env: Pick<Env, 'DATABASE_URL' | 'PG_DATABASE' | 'EMBEDDED_PG_PORT' | 'DATA_DIR' | 'JIESU_EMBEDDED_PG'>,
  log: Log,
  options: ResolveOptions = {},
): Promise<PostgresHandle> {
  const create = options.createDatabase !== false;
  if (env.DATABASE_URL) {
    const url = env.DATABASE_URL;
    let err = await pgAnswers(url, 5000);
    // 3D000 invalid_catalog_name: the server is fine, only the database is missing; make it.
    if (err && (err as { code?: string }).code === '3D000' && create) {
      await createDatabase(url, databaseOf(url));
      log(`已创建数据库 (created database) ${databaseOf(url)}`);
      err = await pgAnswers(url, 5000);
    }
    if (err) {
      throw new Error(
        `无法连接 DATABASE_URL=${maskDatabaseUrl(url)} (cannot connect): ${err.message}. ` +
          '请确认 PostgreSQL 已启动且地址、用户、密码正确，或取消设置 DATABASE_URL 让启动器自动寻找/启动 (or unset DATABASE_URL to let the launcher find or start one).',
      );
    }
    return { url, source: 'env', detail: 'DATABASE_URL', exited: neverExits, stop: async () => undefined, kill: () => undefined };
  }

  if (!env.JIESU_EMBEDDED_PG) {
    const err = await pgAnswers(withDatabase(LOCAL_URL, 'postgres'), 2000);
    if (!err) {
      const url = withDatabase(LOCAL_URL, env.PG_DATABASE);
      if (create && (await createDatabase(url, env.PG_DATABASE))) log(`已创建数据库 (created database) ${env.PG_DATABASE}`);
      return { url, source: 'local', detail: '本机 PostgreSQL (local server)', exited: neverExits, stop: async () => undefined, kill: () => undefined };
    }
    const code = (err as { code?: string }).code;
    if (code !== 'ECONNREFUSED' && code !== undefined) {
      // Something answers on 5432 but will not let us in; say so rather than silently using another server.
      log(
        `127.0.0.1:5432 上的 PostgreSQL 拒绝了用户 postgres (${err.message})；改用内嵌 PostgreSQL。` +
          '要用本机服务器请设置 DATABASE_URL (the local server refused us; falling back to embedded; set DATABASE_URL to use it)',
      );
    }
  }
  return startEmbedded(env, log, create);
}

/** For the CLI: a server that already runs (never starts one). */
export async function findRunningPostgres(
  env: Pick<Env, 'DATABASE_URL' | 'PG_DATABASE' | 'EMBEDDED_PG_PORT' | 'JIESU_EMBEDDED_PG'>,
): Promise<{ url: string; source: PostgresSource }> {
  if (env.DATABASE_URL) {
    const err = await pgAnswers(env.DATABASE_URL, 5000);
    if (err) throw new Error(`无法连接 DATABASE_URL=${maskDatabaseUrl(env.DATABASE_URL)} (cannot connect): ${err.message}`);
    return { url: env.DATABASE_URL, source: 'env' };
  }
  const candidates: [string, PostgresSource][] = [];
  if (!env.JIESU_EMBEDDED_PG) candidates.push([LOCAL_URL, 'local']);
  candidates.push([embeddedServerUrl(env.EMBEDDED_PG_PORT), 'embedded']);
  for (const [server, source] of candidates) {
    const url = withDatabase(server, env.PG_DATABASE);
    // Both the server and the database must be there: the CLI works on the stack's database.
    if (!(await pgAnswers(url, 2000))) return { url, source };
  }
  throw new Error(
    `找不到正在运行、且有数据库 ${env.PG_DATABASE} 的 PostgreSQL (no running PostgreSQL with database ${env.PG_DATABASE}): ` +
      `试过 (tried) 127.0.0.1:5432 与内嵌端口 (embedded port) ${env.EMBEDDED_PG_PORT}. ` +
      '先运行 npm start，或设置 DATABASE_URL (run `npm start` first, or set DATABASE_URL).',
  );
}

