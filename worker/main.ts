import type { DataConverter } from '@temporalio/common';
import { bundleWorkflowCode, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { createActivities } from '../activities';
import { OfficeHours, parseOfficeHours } from '../workflows/domain/calendar/deadline-arithmetic';
import { EnvError, loadEnv, requirePayloadKeys } from '../config/env';
import { dataConverterFor } from '../config/payload-codec';
import { createDb, Db } from '../db/connection';
import { Client } from '@temporalio/client';
import { ensureTriageTrainingSchedule } from './triage-schedule';
import { createWebhookWorker, ensureWebhookDispatcher, webhookTaskQueue } from './webhooks';
import { webhookSettings } from '../activities/webhook-http';
import { claimNamespace, databaseLabel } from '../config/namespace-owner';
import { databaseInstanceId } from '../db/queries/instance';
import { workflowSource, workflowsEntry, type WorkflowCode } from './workflow-code';

export interface CaseWorkerOptions extends WorkflowCode {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  db: Db;
  officeHours: OfficeHours;
  /** Encrypts payloads (`dataConverterFor(PAYLOAD_KEYS)`); the SDK's default, unencrypted, when absent. */
  dataConverter?: DataConverter;
}

/** The case worker: the case workflow plus its activities, bound to PostgreSQL. */
export function createCaseWorker(options: CaseWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    activities: createActivities({ db: options.db, officeHours: options.officeHours }),
    dataConverter: options.dataConverter,
    ...workflowSource(options),
  });
}

async function main(): Promise<void> {
  const env = loadEnv();
  if (!env.DATABASE_URL || !env.TEMPORAL_ADDRESS) {
    throw new EnvError('worker 需要 DATABASE_URL 和 TEMPORAL_ADDRESS（npm start 会自动设置）');
  }
  // Temporal's own worker metrics (task latencies, free slots, sticky cache) for Prometheus, when asked for.
  if (env.WORKER_METRICS_ADDRESS) {
    Runtime.install({ telemetryOptions: { metrics: { prometheus: { bindAddress: env.WORKER_METRICS_ADDRESS, useSecondsForDurations: true } } } });
  }
  const dataConverter = dataConverterFor(requirePayloadKeys(env, 'worker'));
  const db = createDb(env.DATABASE_URL);
  const connection = await NativeConnection.connect({ address: env.TEMPORAL_ADDRESS });
  // Before anything runs: a namespace that belongs to another jiesu database is refused (config/namespace-owner.ts).
  const claim = await claimNamespace(connection.workflowService, env.TEMPORAL_NAMESPACE, { id: await databaseInstanceId(db), label: databaseLabel(env.DATABASE_URL) });
  if (claim === 'unrecorded') console.error(JSON.stringify({ msg: '命名空间不允许记录所属数据库，未能防止串库 (namespace owner not recorded)', namespace: env.TEMPORAL_NAMESPACE }));
  // Bundled once for both workers (the case queue and the webhook queue run the same workflow code).
  const { code: workflowBundleCode } = await bundleWorkflowCode({ workflowsPath: workflowsEntry });
  const worker = await createCaseWorker({
    workflowBundleCode,
    connection,
    namespace: env.TEMPORAL_NAMESPACE,
    taskQueue: env.TEMPORAL_TASK_QUEUE,
    db,
    officeHours: parseOfficeHours(env.OFFICE_HOURS),
    dataConverter,
  });
  // The nightly retraining of the smart-dispatch model (a Temporal Schedule), created once by whichever worker starts first.
  await ensureTriageTrainingSchedule(new Client({ connection, namespace: env.TEMPORAL_NAMESPACE, dataConverter }), { taskQueue: env.TEMPORAL_TASK_QUEUE })
    .then((outcome) => console.log(JSON.stringify({ msg: 'triage training schedule', outcome })))
    .catch((err: Error) => console.error(JSON.stringify({ msg: 'triage training schedule not ensured', error: err.message })));
  // Alert webhooks: the dispatcher and its deliveries on a queue and a database pool of their own (worker/webhooks.ts).
  const webhookDb = createDb(env.DATABASE_URL, { max: 8 });
  const webhooks = await createWebhookWorker({
    workflowBundleCode,
    connection,
    namespace: env.TEMPORAL_NAMESPACE,
    taskQueue: webhookTaskQueue(env.TEMPORAL_TASK_QUEUE),
    db: webhookDb,
    settings: webhookSettings(),
    dataConverter,
  });
  await ensureWebhookDispatcher(new Client({ connection, namespace: env.TEMPORAL_NAMESPACE, dataConverter }), { taskQueue: webhookTaskQueue(env.TEMPORAL_TASK_QUEUE) })
    .then((outcome) => console.log(JSON.stringify({ msg: 'webhook dispatcher', outcome })))
    .catch((err: Error) => console.error(JSON.stringify({ msg: 'webhook dispatcher not ensured', error: err.message })));
  // Worker.run handles SIGINT/SIGTERM itself: it drains in-flight tasks, then resolves.
  await Promise.all([worker.run(), webhooks.run()]);
  await Promise.all([db.destroy(), webhookDb.destroy(), connection.close()]);
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err instanceof EnvError ? err.message : err);
    process.exit(1);
  });
}
