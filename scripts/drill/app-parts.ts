/**
 * The drill's Temporal dev server, workers and APIs as processes: the same entry points and flags as
 * `npm start` (scripts/stack/temporal-server.ts, worker/main.ts, api/server.ts), on the round's own ports.
 */
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { devServerArgs } from '../stack/temporal-server';
import type { ProcessSpec } from './managed-process';

const root = path.resolve(__dirname, '..', '..');

/** Whether a Temporal frontend answers and knows the namespace, within about a second. */
export async function temporalAnswers(address: string, namespace: string): Promise<boolean> {
  let connection: Connection | undefined;
  try {
    connection = await Connection.connect({ address, connectTimeout: 1000 });
    await connection.withDeadline(Date.now() + 1000, () => connection!.workflowService.describeNamespace({ namespace }));
    return true;
  } catch {
    return false;
  } finally {
    await connection?.close().catch(() => undefined);
  }
}

/** The dev server on a persistent SQLite file in `dataDir`: a restart finds every case and timer again. */
export function temporalDevServerPart(o: { name: string; cli: string; port: number; uiPort: number; namespace: string; dataDir: string; logFile: string }): ProcessSpec {
  const address = `127.0.0.1:${o.port}`;
  return {
    name: o.name,
    kind: 'temporal',
    ports: { grpc: o.port, ui: o.uiPort },
    command: o.cli,
    args: devServerArgs({ port: o.port, uiPort: o.uiPort, namespace: o.namespace, dataDir: o.dataDir }),
    ready: () => temporalAnswers(address, o.namespace),
    readyTimeoutMs: 90_000,
    stopSignal: 'SIGTERM',
    logFile: o.logFile,
  };
}

/** What every worker and API process of the stack is told. */
export interface AppEnv {
  databaseUrl: string;
  temporalAddress: string;
  namespace: string;
  taskQueue: string;
  payloadKeys: string;
}

function childEnv(app: AppEnv, extra: Record<string, string>): NodeJS.ProcessEnv {
  // The caller's jiesu settings (a PORT, a DATABASE_URL of their own stack) must not leak into the drill's.
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !/^(PORT|HOST|DATABASE_URL|PG_DATABASE|TEMPORAL_.*|PAYLOAD_KEYS|DATA_DIR)$/.test(k)),
  );
  return {
    ...inherited,
    NODE_ENV: 'development',
    LOG_LEVEL: 'warn',
    DATABASE_URL: app.databaseUrl,
    TEMPORAL_ADDRESS: app.temporalAddress,
    TEMPORAL_NAMESPACE: app.namespace,
    TEMPORAL_TASK_QUEUE: app.taskQueue,
    PAYLOAD_KEYS: app.payloadKeys,
    ...extra,
  };
}

/** A worker is ready once it polls the task queue under its own identity (`pid@host`, the SDK's default). */
async function workerPolls(app: AppEnv, pid: number): Promise<boolean> {
  let connection: Connection | undefined;
  try {
    connection = await Connection.connect({ address: app.temporalAddress, connectTimeout: 1000 });
    const res = await connection.withDeadline(Date.now() + 2000, () =>
      connection!.workflowService.describeTaskQueue({
        namespace: app.namespace,
        taskQueue: { name: app.taskQueue },
        taskQueueType: 1, // TASK_QUEUE_TYPE_WORKFLOW
      }),
    );
    return (res.pollers ?? []).some((p) => (p.identity ?? '').startsWith(`${pid}@`));
  } catch {
    return false;
  } finally {
    await connection?.close().catch(() => undefined);
  }
}

export function workerPart(o: { name: string; app: AppEnv; logFile: string }): ProcessSpec {
  return {
    name: o.name,
    kind: 'worker',
    ports: {},
    command: process.execPath,
    args: ['--import', 'tsx', path.join(root, 'worker', 'main.ts')],
    cwd: root,
    env: childEnv(o.app, {}),
    ready: (pid) => workerPolls(o.app, pid),
    // The worker bundles the workflow code at every start; on a busy two-core machine that takes a while.
    readyTimeoutMs: 180_000,
    stopSignal: 'SIGTERM',
    logFile: o.logFile,
  };
}

export function apiPart(o: { name: string; app: AppEnv; port: number; logFile: string }): ProcessSpec {
  return {
    name: o.name,
    kind: 'api',
    ports: { http: o.port },
    command: process.execPath,
    args: ['--import', 'tsx', path.join(root, 'api', 'server.ts')],
    cwd: root,
    // The drill's clients are few tokens sending many requests: the per-token limit is not what is drilled.
    env: childEnv(o.app, { PORT: String(o.port), HOST: '127.0.0.1', RATE_LIMIT_PER_MINUTE: '1000000' }),
    ready: async () => (await fetch(`http://127.0.0.1:${o.port}/healthz`, { signal: AbortSignal.timeout(1000) })).ok,
    readyTimeoutMs: 120_000,
    stopSignal: 'SIGTERM',
    logFile: o.logFile,
  };
}
