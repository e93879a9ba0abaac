/**
 * Temporal's two databases on the PostgreSQL in use: created when missing, then brought to the schema of the
 * server release by its own tool (`temporal-sql-tool`, the schemas embedded in it). Safe on every start: an
 * existing schema is only updated, which is also the upgrade step after a server bump.
 */
import { execFile } from 'node:child_process';
import { Client } from 'pg';
import { createDatabase, dropDatabase, withDatabase } from './pg-admin';
import type { Log } from './temporal-cli';

export interface PostgresTarget {
  host: string;
  port: number;
  user: string;
  password: string;
}

/** The server, user and password of a connection URL (`postgres://user:pw@host:port/db`). */
export function postgresTarget(url: string): PostgresTarget {
  const u = new URL(url);
  return {
    host: u.hostname || '127.0.0.1',
    port: Number(u.port || 5432),
    user: decodeURIComponent(u.username || 'postgres'),
    password: decodeURIComponent(u.password),
  };
}

/** The embedded schema directories of the `postgres12` plugin, one per database. */
const schemas = { temporal: 'postgresql/v12/temporal', visibility: 'postgresql/v12/visibility' } as const;

function runSqlTool(tool: string, target: PostgresTarget, database: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      tool,
      args,
      {
        // The tool reads every connection setting from SQL_*; the password stays out of the process list.
        env: {
          ...process.env,
          SQL_PLUGIN: 'postgres12',
          SQL_HOST: target.host,
          SQL_PORT: String(target.port),
          SQL_USER: target.user,
          SQL_PASSWORD: target.password,
          SQL_DATABASE: database,
        },
        timeout: 5 * 60_000,
        maxBuffer: 16 * 1024 * 1024,
      },
      (err, stdout, stderr) => {
        if (err) reject(new Error(`temporal-sql-tool ${args.join(' ')} (${database}) 失败 (failed): ${err.message}\n${stderr || stdout}`));
        else resolve(stdout + stderr);
      },
    );
  });
}

async function hasVersionTable(url: string): Promise<boolean> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  client.on('error', () => undefined);
  await client.connect();
  try {
    const res = await client.query<{ found: string | null }>("select to_regclass('schema_version')::text as found");
    return res.rows[0]?.found != null;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function prepareOne(tool: string, serverUrl: string, database: string, schema: string, log: Log): Promise<void> {
  const target = postgresTarget(serverUrl);
  if (await createDatabase(serverUrl, database)) log(`已创建数据库 (created database) ${database}`);
  // `setup-schema -v 0.0` only creates the version tables; on a database that has them it would fail.
  if (!(await hasVersionTable(withDatabase(serverUrl, database)))) await runSqlTool(tool, target, database, ['setup-schema', '-v', '0.0']);
  await runSqlTool(tool, target, database, ['update-schema', '--schema-name', schema]);
}

/** Creates (if missing) and migrates the history and visibility databases; both in turn, each is quick. */
export async function prepareTemporalDatabases(
  tool: string,
  serverUrl: string,
  names: { database: string; visibilityDatabase: string },
  log: Log,
): Promise<void> {
  const started = Date.now();
  await prepareOne(tool, serverUrl, names.database, schemas.temporal, log);
  await prepareOne(tool, serverUrl, names.visibilityDatabase, schemas.visibility, log);
  log(`Temporal 数据库已就绪 (schemas up to date) ${names.database}, ${names.visibilityDatabase}，用时 ${((Date.now() - started) / 1000).toFixed(1)}s`);
}

/** For runs that made their own (tests, benches): both databases go. */
export async function dropTemporalDatabases(serverUrl: string, names: { database: string; visibilityDatabase: string }): Promise<void> {
  await dropDatabase(serverUrl, names.database);
  await dropDatabase(serverUrl, names.visibilityDatabase);
}
