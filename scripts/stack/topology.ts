/**
 * The production shape on one machine, without Docker: the real Temporal server persisting to PostgreSQL,
 * N workers and M API replicas as separate processes, each kept running by a supervisor. Used by
 * `npm run topology`, the topology test run (test/setup/topology-setup.ts) and bench/topology-throughput.ts.
 */
import { createDb, migrateLatest } from '../../db/connection';
import { seedDemoCity } from '../../db/seeds/demo-city';
import { LineSink, ManagedChild, startTsChild, stopChild } from './children';
import { BackoffPolicy, RestartEvent, Supervisor } from './supervisor';
import type { Log } from './temporal-cli';
import { ensureNamespace, waitForPollers } from './temporal-namespace';
import type { ServerBinaries } from './temporal-server-binaries';
import type { ServerPorts } from './temporal-server-config';
import type { TemporalHandle } from './temporal-server';
import { startTemporalSqlServer } from './temporal-sql-server';
import { postgresTarget, prepareTemporalDatabases } from './temporal-sql-schema';

export interface TopologyOptions {
  binaries: ServerBinaries;
  /** Any database URL of the PostgreSQL server that holds Temporal's databases (the jiesu one's server). */
  serverUrl: string;
  temporalDatabases: { database: string; visibilityDatabase: string };
  ports: ServerPorts;
  historyShards: number;
  /** The jiesu database: migrated, and seeded with the demo city when `seed`. */
  databaseUrl: string;
  seed: boolean;
  namespace: string;
  taskQueue: string;
  workers: number;
  apiPorts: number[];
  host: string;
  payloadKeys: string;
  /** Folder for the server's generated config. */
  dataDir: string;
  /** Extra variables for every worker and API (LOG_LEVEL, RATE_LIMIT_PER_MINUTE, ...). */
  childEnv?: NodeJS.ProcessEnv;
  dynamicValues?: Record<string, unknown>;
  backoff?: BackoffPolicy;
  log: Log;
  /** Where the children's and the server's lines go (default: the console). */
  sink?: LineSink;
  onRestart?: (event: RestartEvent) => void;
}

/**
 * What has been started so far, filled in as start-up goes: a launcher interrupted half-way (Ctrl-C while the
 * workers bundle) stops exactly these.
 */
export interface TopologyParts {
  temporal?: TemporalHandle;
  workers: Supervisor[];
  apis: Supervisor[];
}

export const newParts = (): TopologyParts => ({ workers: [], apis: [] });

/** APIs, then workers (they drain in-flight activities, so they get longer), then the server. */
export async function stopParts(parts: TopologyParts, log: Log): Promise<void> {
  const grace = (ms: number) => (child: ManagedChild) => stopChild(child, ms, log);
  await Promise.all(parts.apis.map((s) => s.stop(grace(10_000))));
  await Promise.all(parts.workers.map((s) => s.stop(grace(30_000))));
  await parts.temporal?.stop();
}

export function killParts(parts: TopologyParts): void {
  for (const s of [...parts.apis, ...parts.workers]) s.kill();
  parts.temporal?.kill();
}

export interface Topology {
  temporal: TemporalHandle;
  apiUrls: string[];
  workers: Supervisor[];
  apis: Supervisor[];
  /** True when every worker polled the task queue before start-up finished. */
  workersPolling: boolean;
  /** APIs, then workers, then the server (stopParts). */
  stop(): Promise<void>;
  kill(): void;
}

const seconds = (since: number) => `${((Date.now() - since) / 1000).toFixed(1)}s`;

/** The address a client on this machine reaches a listener at (a wildcard listen address is not one). */
export const reachableHost = (host: string) => (host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host);

async function waitForReady(url: string, supervisor: Supervisor, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const res = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2000) });
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    // A process that dies at every start (a refused namespace, a bad setting) will not get better by waiting.
    if (supervisor.restarts >= 3) throw new Error(`${supervisor.name} 启动后反复退出，已重启 ${supervisor.restarts} 次 (keeps exiting at start-up; see its lines)`);
    if (Date.now() > deadline) {
      throw new Error(`${supervisor.name} (${url}) ${timeoutMs / 1000} 秒内未就绪，已重启 ${supervisor.restarts} 次 (not ready in time; see its lines)`);
    }
    await new Promise((r) => setTimeout(r, 300));
  }
}

export async function startTopology(o: TopologyOptions, parts: TopologyParts = newParts()): Promise<Topology> {
  const sink = o.sink;
  const serverLog: Log | undefined = sink ? (line) => sink(line, 'stdout') : undefined;
  await prepareTemporalDatabases(o.binaries.sqlTool, o.serverUrl, o.temporalDatabases, o.log);

  const started = Date.now();
  const temporal = await startTemporalSqlServer({
    binary: o.binaries.server,
    ports: o.ports,
    postgres: postgresTarget(o.serverUrl),
    ...o.temporalDatabases,
    historyShards: o.historyShards,
    dataDir: o.dataDir,
    dynamicValues: o.dynamicValues,
    log: o.log,
    serverLog,
  });
  parts.temporal = temporal;
  const kill = () => killParts(parts);
  try {
    o.log(`Temporal 服务器已启动，用时 ${seconds(started)} (server up) on ${temporal.address}`);
    await ensureNamespace(temporal.address, o.namespace, o.log);

    const migrated = Date.now();
    const db = createDb(o.databaseUrl, { max: 2 });
    try {
      await migrateLatest(db);
      if (o.seed) await seedDemoCity(db);
    } finally {
      await db.destroy();
    }
    o.log(`jiesu 数据库迁移${o.seed ? '与种子数据' : ''}完成，用时 ${seconds(migrated)} (migrated${o.seed ? ' and seeded' : ''})`);

    const base: NodeJS.ProcessEnv = {
      ...process.env,
      ...o.childEnv,
      DATABASE_URL: o.databaseUrl,
      TEMPORAL_ADDRESS: temporal.address,
      TEMPORAL_NAMESPACE: o.namespace,
      TEMPORAL_TASK_QUEUE: o.taskQueue,
      PAYLOAD_KEYS: o.payloadKeys,
    };
    const supervise = (into: Supervisor[], name: string, file: string, env: NodeJS.ProcessEnv) => {
      const s = new Supervisor(name, (): ManagedChild => startTsChild(name, file, env, sink), { policy: o.backoff, onRestart: o.onRestart });
      into.push(s);
      return s;
    };
    const workers = Array.from({ length: o.workers }, (_, i) => supervise(parts.workers, `worker-${i + 1}`, 'worker/main.ts', base));
    const apis = o.apiPorts.map((port, i) => supervise(parts.apis, `api-${i + 1}`, 'api/server.ts', { ...base, PORT: String(port), HOST: o.host }));
    const apiUrls = o.apiPorts.map((port) => `http://${reachableHost(o.host)}:${port}`);

    await Promise.all(apis.map((s, i) => waitForReady(apiUrls[i]!, s, 120_000)));
    // Each worker bundles the workflows at start (tens of seconds on a busy small machine).
    const crashing = () => workers.find((w) => w.restarts >= 3);
    const workersPolling = await waitForPollers(temporal.address, o.namespace, o.taskQueue, o.workers, 240_000, () => !!crashing());
    const crashed = crashing();
    if (crashed) throw new Error(`${crashed.name} 启动后反复退出，已重启 ${crashed.restarts} 次 (keeps exiting at start-up; see its lines)`);

    return { temporal, apiUrls, workers, apis, workersPolling, stop: () => stopParts(parts, o.log), kill };
  } catch (err) {
    kill();
    throw err;
  }
}
