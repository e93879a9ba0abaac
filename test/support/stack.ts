/**
 * A whole jiesu stack inside one test file: a real worker on its own task queue, the real Express app on
 * an ephemeral port, against the run's real Temporal dev server and PostgreSQL database (global setup).
 */
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { createApp } from '../../api/app';
import { answerClientErrors, parseOrigins } from '../../api/security';
import { CaseGateway } from '../../api/case-gateway';
import { ProjectionWatch } from '../../api/projection-watch';
import { createClockActivities } from '../../activities/clocks';
import { AlertFeed } from '../../api/alert-feed';
import { createLogger, type Logger } from '../../config/logger';
import { createDb, Db, migrateLatest } from '../../db/connection';
import { seedDemoCity } from '../../db/seeds/demo-city';
import { createDatabase, dropDatabase, withDatabase } from '../../scripts/stack/postgres';
import { httpCaller, tokenIssuer } from './http-call';
import { startTopologyTestStack, topologyRun } from './topology-stack';
import { createCaseWorker } from '../../worker/main';
import { dataConverterFor, parsePayloadKeys } from '../../config/payload-codec';
import { loadEnv } from '../../config/env';
import { defaultOfficeHoursText, parseOfficeHours } from '../../workflows/domain/calendar/deadline-arithmetic';

export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export interface TestStack {
  baseUrl: string;
  databaseUrl: string;
  db: Db;
  client: Client;
  taskQueue: string;
  /** A fresh token for a seeded (or test-created) user. */
  tokenFor(username: string): Promise<string>;
  /** The "act" client: returns every status, never throws on 4xx/5xx. */
  call<T = any>(method: string, path: string, options?: { as?: string; token?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> }): Promise<ApiResponse<T>>;
  /** `keepDatabase`: leave the stack's own database for another stack to restart on (it drops it then). */
  stop(options?: { keepDatabase?: boolean }): Promise<void>;
}

export function requireEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run tests through \`npm test\` (jest global setup provides it)`);
  return value;
}

/**
 * A database of the test file's own (migrated and seeded, dropped at stop), for tests that change shared
 * data such as SLA policies: the run's database is shared by files running in parallel.
 */
export async function ownDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const shared = requireEnv('DATABASE_URL');
  const name = `${new URL(shared).pathname.slice(1)}_${randomUUID().slice(0, 8)}`;
  await createDatabase(shared, name);
  const url = withDatabase(shared, name);
  const db = createDb(url, { max: 1 });
  try {
    await migrateLatest(db);
    await seedDemoCity(db);
    // Case numbers name workflows on the shared Temporal server: start this database's far from the others'.
    await db.raw(`alter sequence case_no_seq restart with ${100_000_000 + Math.floor(Math.random() * 800_000_000)}`);
  } finally {
    await db.destroy();
  }
  return { url, drop: () => dropDatabase(shared, name) };
}

const dropOwn = (url: string): Promise<void> => dropDatabase(requireEnv('DATABASE_URL'), new URL(url).pathname.slice(1));

/**
 * A gateway of a test's own on a stack's Temporal and database (another task queue, another timeout), with the
 * projection watch it waits on; `close` ends the watch's connection.
 */
export function ownGateway(stack: Pick<TestStack, 'client' | 'db' | 'databaseUrl' | 'taskQueue'>, options: { taskQueue?: string; timeoutMs?: number } = {}) {
  const projections = new ProjectionWatch(stack.db, stack.databaseUrl, createLogger({ level: 'silent', name: 'test' }));
  const planner = createClockActivities({ db: stack.db, officeHours: parseOfficeHours(defaultOfficeHoursText) });
  const gateway = new CaseGateway(stack.client, { taskQueue: options.taskQueue ?? stack.taskQueue, timeoutMs: options.timeoutMs ?? 15_000, projections, planner });
  return { gateway, close: () => projections.close() };
}

export async function startTestStack(options: TestStackOptions = {}): Promise<TestStack> {
  // Under jest.topology.config.js: the run's topology (separate worker processes, two API replicas) instead.
  if (topologyRun()) return startTopologyTestStack(options);
  return startInProcessStack(options);
}

export interface TestStackOptions {
  gatewayTimeoutMs?: number;
  ownDatabase?: boolean;
  /**
   * Run against this database and task queue (another stack's, to restart on it); with `ownDatabase` the
   * database is this stack's to drop at stop.
   */
  databaseUrl?: string;
  taskQueue?: string;
  officeHours?: string;
  /** Per token; high by default so that polling tests are never limited. */
  rateLimitPerMinute?: number;
  corsOrigins?: string[];
  /** The API's logger (silent by default), e.g. one writing into a buffer that a test reads. */
  logger?: Logger;
}

async function startInProcessStack(options: TestStackOptions): Promise<TestStack> {
  const officeHours = parseOfficeHours(options.officeHours ?? defaultOfficeHoursText);
  const address = requireEnv('TEMPORAL_ADDRESS');
  const namespace = process.env.TEMPORAL_NAMESPACE ?? 'default';
  const own = options.ownDatabase && !options.databaseUrl ? await ownDatabase() : null;
  const databaseUrl = options.databaseUrl ?? own?.url ?? requireEnv('DATABASE_URL');
  const db = createDb(databaseUrl, { max: 5 });
  const taskQueue = options.taskQueue ?? `test-${randomUUID()}`;
  // The run's key (global setup): every stack encrypts payloads as production does.
  const dataConverter = dataConverterFor(parsePayloadKeys(requireEnv('PAYLOAD_KEYS')));

  const nativeConnection = await NativeConnection.connect({ address });
  const worker: Worker = await createCaseWorker({
    connection: nativeConnection,
    namespace,
    taskQueue,
    db,
    workflowBundlePath: requireEnv('JIESU_WORKFLOW_BUNDLE'),
    officeHours,
    dataConverter,
  });
  const running = worker.run();

  const connection = await Connection.connect({ address });
  const client = new Client({ connection, namespace, dataConverter });
  const log = options.logger ?? createLogger({ level: 'silent', name: 'test' });
  const projections = new ProjectionWatch(db, databaseUrl, log);
  const planner = createClockActivities({ db, officeHours });
  const gateway = new CaseGateway(client, { taskQueue, timeoutMs: options.gatewayTimeoutMs ?? 15_000, projections, planner });
  const alertFeed = new AlertFeed(databaseUrl, log);
  const app = createApp({
    db,
    gateway,
    log,
    alertFeed,
    officeHours,
    rateLimitPerMinute: options.rateLimitPerMinute ?? 1_000_000,
    corsOrigins: options.corsOrigins,
    codec: { codec: dataConverter.payloadCodecs[0]!, namespace, corsOrigins: parseOrigins(loadEnv({}).CODEC_CORS_ORIGINS) },
  });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  answerClientErrors(server);
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const tokenFor = tokenIssuer(db);

  const call = httpCaller(() => baseUrl, tokenFor);

  return {
    baseUrl,
    databaseUrl,
    db,
    client,
    taskQueue,
    tokenFor,
    call,
    async stop(stopOptions = {}) {
      alertFeed.close();
      projections.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      worker.shutdown();
      await running;
      await connection.close();
      await nativeConnection.close();
      await db.destroy();
      if (!stopOptions.keepDatabase) await (own?.drop ?? (options.databaseUrl && options.ownDatabase ? () => dropOwn(options.databaseUrl!) : null))?.();
    },
  };
}
