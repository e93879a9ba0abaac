import type { DataConverter } from '@temporalio/common';
import { NativeConnection, Worker, WorkerOptions } from '@temporalio/worker';
import { createActivities } from '../activities';
import { OfficeHours, parseOfficeHours } from '../workflows/domain/calendar/deadline-arithmetic';
import { EnvError, loadEnv, requirePayloadKeys } from '../config/env';
import { dataConverterFor } from '../config/payload-codec';
import { createDb, Db } from '../db/connection';
import { Client } from '@temporalio/client';
import { ensureTriageTrainingSchedule } from './triage-schedule';

export interface CaseWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  db: Db;
  officeHours: OfficeHours;
  /** A prebuilt workflow bundle (tests build one per run); otherwise the workflows are bundled at start. */
  workflowBundlePath?: string;
  /** Encrypts payloads (`dataConverterFor(PAYLOAD_KEYS)`); the SDK's default, unencrypted, when absent. */
  dataConverter?: DataConverter;
}

/** The case worker: the case workflow plus its activities, bound to PostgreSQL. */
export function createCaseWorker(options: CaseWorkerOptions): Promise<Worker> {
  const workflows: Pick<WorkerOptions, 'workflowBundle' | 'workflowsPath'> = options.workflowBundlePath
    ? { workflowBundle: { codePath: options.workflowBundlePath } }
    : { workflowsPath: require.resolve('../workflows') };
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    activities: createActivities({ db: options.db, officeHours: options.officeHours }),
    dataConverter: options.dataConverter,
    ...workflows,
  });
}

async function main(): Promise<void> {
  const env = loadEnv();
  if (!env.DATABASE_URL || !env.TEMPORAL_ADDRESS) {
    throw new EnvError('worker 需要 DATABASE_URL 和 TEMPORAL_ADDRESS（npm start 会自动设置）');
  }
  const dataConverter = dataConverterFor(requirePayloadKeys(env, 'worker'));
  const db = createDb(env.DATABASE_URL);
  const connection = await NativeConnection.connect({ address: env.TEMPORAL_ADDRESS });
  const worker = await createCaseWorker({
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
  // Worker.run handles SIGINT/SIGTERM itself: it drains in-flight tasks, then resolves.
  await worker.run();
  await Promise.all([db.destroy(), connection.close()]);
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err instanceof EnvError ? err.message : err);
    process.exit(1);
  });
}
