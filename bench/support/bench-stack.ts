/**
 * A stack of the bench's own, the way `npm start` runs one: a Temporal dev server (the same CLI and flags)
 * on free ports with its SQLite file in a temporary folder, a fresh PostgreSQL database (migrated, demo city
 * seeded), the real worker (worker/main.ts) and API (api/server.ts) as child processes, and, when asked,
 * the bare engine's worker (bare-worker.ts) as a third. `dispose` stops everything and deletes what the run
 * made, so a bench leaves nothing behind. Everything listens on 127.0.0.1 only.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { loadEnv } from '../../config/env';
import { dataConverterFor, newPayloadKeySetting, parsePayloadKeys } from '../../config/payload-codec';
import { createDb, Db, migrateLatest } from '../../db/connection';
import { getUserByUsername, issueToken } from '../../db/queries/users';
import { seedDemoCity } from '../../db/seeds/demo-city';
import { LineSink, ManagedChild, startTsChild, stopChild } from '../../scripts/stack/children';
import { freePorts } from '../../scripts/stack/disposable-topology';
import { createDatabase, dropDatabase, PostgresHandle, resolvePostgres, withDatabase } from '../../scripts/stack/postgres';
import { findOrBuildTemporalCli, type Log } from '../../scripts/stack/temporal-cli';
import { startTemporalDevServer, TemporalHandle } from '../../scripts/stack/temporal-server';
import { bareTaskQueue } from './bare-activities';
import { pidListeningOn, type Watched } from './process-memory';

const root = path.resolve(__dirname, '..', '..');

export interface BenchStack {
  apiUrl: string;
  temporalAddress: string;
  databaseUrl: string;
  namespace: string;
  caseTaskQueue: string;
  bareTaskQueue: string;
  /** A small pool of the bench's own on the stack's database. */
  db: Db;
  /** A client that encrypts payloads as the API does. */
  client: Client;
  tokenFor(username: string): Promise<string>;
  /** The processes whose memory a bench reports. */
  processes: Watched[];
  dispose(): Promise<void>;
}

export interface BenchStackOptions {
  /** Prefix of the database name (lower case, digits, _). */
  prefix: string;
  log: Log;
  bareWorker: boolean;
}

async function waitFor(what: string, timeoutMs: number, probe: () => Promise<boolean>, exited: () => string | null): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const gone = exited();
    if (gone) throw new Error(`${what}: 进程已退出 (process exited) ${gone}`);
    if (await probe().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`${what}: ${timeoutMs / 1000}s 内未就绪 (not ready in time)`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

export async function startBenchStack(o: BenchStackOptions): Promise<BenchStack> {
  const env = loadEnv();
  const children: ManagedChild[] = [];
  const exitedHow = new Map<ManagedChild, string>();
  let temporal: TemporalHandle | undefined;
  let postgres: PostgresHandle | undefined;
  let database: string | undefined;
  let db: Db | undefined;
  let connection: Connection | undefined;
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), `${o.prefix.replace(/_/g, '-')}-`));

  let disposing: Promise<void> | undefined;
  const dispose = (): Promise<void> => (disposing ??= disposeNow());
  const disposeNow = async (): Promise<void> => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    const problems: string[] = [];
    const attempt = async (what: string, fn: () => Promise<unknown>) => fn().catch((err: Error) => problems.push(`${what}: ${err.message}`));
    // The API first, then the workers, then the server; the database once nothing holds it.
    for (const child of [...children].reverse()) await attempt(child.name, () => stopChild(child, 20_000, o.log));
    await attempt('client', async () => connection?.close());
    await attempt('bench pool', async () => db?.destroy());
    await attempt('temporal', async () => temporal?.stop());
    if (postgres && database) await attempt(`database ${database}`, () => dropDatabase(postgres!.url, database!));
    await attempt('data folder', () => fs.rm(dataDir, { recursive: true, force: true }));
    await attempt('PostgreSQL', async () => postgres?.stop());
    if (problems.length) o.log(`清理时出错 (cleanup problems): ${problems.join('; ')}`);
  };

  // Ctrl-C at any moment (the children run in process groups of their own, so it reaches only the bench).
  const onSignal = (signal: NodeJS.Signals) => {
    o.log(`收到 ${signal}，正在清理 (cleaning up) ...`);
    void dispose().finally(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  try {
    const [temporalPort, uiPort, apiPort] = await freePorts(3);
    const cli = await findOrBuildTemporalCli(env, o.log);
    [temporal, postgres] = await Promise.all([
      startTemporalDevServer({ cli, port: temporalPort!, uiPort: uiPort!, namespace: 'default', dataDir, log: o.log }),
      resolvePostgres({ ...env, DATA_DIR: path.resolve(root, env.DATA_DIR) }, o.log, { createDatabase: false }),
    ]);
    database = `${o.prefix}_${Date.now()}_${process.pid}`;
    await createDatabase(postgres.url, database);
    const databaseUrl = withDatabase(postgres.url, database);
    db = createDb(databaseUrl, { max: 8 });
    await migrateLatest(db);
    await seedDemoCity(db);

    const payloadKeys = newPayloadKeySetting('bench');
    const namespace = 'default';
    const caseTaskQueue = 'jiesu-cases';
    const childEnv: NodeJS.ProcessEnv = {
      ...process.env,
      DATABASE_URL: databaseUrl,
      TEMPORAL_ADDRESS: temporal.address,
      TEMPORAL_NAMESPACE: namespace,
      TEMPORAL_TASK_QUEUE: caseTaskQueue,
      PORT: String(apiPort),
      HOST: '127.0.0.1',
      PAYLOAD_KEYS: payloadKeys,
      LOG_LEVEL: 'warn',
      // The bench is one token sending thousands of requests a minute.
      RATE_LIMIT_PER_MINUTE: '100000000',
    };
    const sink: LineSink = (line) => process.stderr.write(`${line}\n`);
    const spawn = (name: string, file: string): ManagedChild => {
      const child = startTsChild(name, file, childEnv, sink);
      void child.exited.then((how) => exitedHow.set(child, how));
      children.push(child);
      return child;
    };
    const worker = spawn('worker', 'worker/main.ts');
    const bare = o.bareWorker ? spawn('bare-worker', 'bench/support/bare-worker.ts') : undefined;
    const api = spawn('api', 'api/server.ts');

    connection = await Connection.connect({ address: temporal.address });
    const client = new Client({ connection, namespace, dataConverter: dataConverterFor(parsePayloadKeys(payloadKeys)) });
    const apiUrl = `http://127.0.0.1:${apiPort}`;
    const polled = (queue: string) => async () => {
      const res = await connection!.workflowService.describeTaskQueue({ namespace, taskQueue: { name: queue }, taskQueueType: 1 });
      return (res.pollers ?? []).length > 0;
    };
    const gone = (child: ManagedChild | undefined) => () => (child && exitedHow.get(child)) ?? null;
    await waitFor('api', 120_000, async () => (await fetch(`${apiUrl}/healthz`, { signal: AbortSignal.timeout(1000) })).ok, gone(api));
    await waitFor('worker', 120_000, polled(caseTaskQueue), gone(worker));
    if (bare) await waitFor('bare-worker', 120_000, polled(bareTaskQueue), gone(bare));

    const tokens = new Map<string, string>();
    const benchDb = db;
    const tokenFor = async (username: string): Promise<string> => {
      if (!tokens.has(username)) {
        const user = await getUserByUsername(benchDb, username);
        if (!user) throw new Error(`no user ${username}`);
        tokens.set(username, (await issueToken(benchDb, user.id, { label: 'bench' })).token);
      }
      return tokens.get(username)!;
    };
    const processes: Watched[] = [
      { name: 'temporal', pid: await pidListeningOn(temporalPort!) },
      { name: 'worker', pid: worker.proc.pid },
      ...(bare ? [{ name: 'bare-worker', pid: bare.proc.pid }] : []),
      { name: 'api', pid: api.proc.pid },
    ];
    return { apiUrl, temporalAddress: temporal.address, databaseUrl, namespace, caseTaskQueue, bareTaskQueue, db, client, tokenFor, processes, dispose };
  } catch (err) {
    await dispose();
    throw err;
  }
}
