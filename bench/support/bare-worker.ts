/**
 * The bare engine's worker process (started by bench/support/bench-stack.ts): the workflows of
 * bench/workflows/bare.ts on their own task queue, with the case worker's settings. createCaseWorker
 * (worker/main.ts) sets nothing but the connection, namespace, task queue, activities, data converter and
 * workflows, so the SDK's defaults (slots, sticky cache, pollers) are the same here; keep them in step if
 * it ever tunes one.
 */
import { NativeConnection, Worker } from '@temporalio/worker';
import { loadEnv, requirePayloadKeys } from '../../config/env';
import { dataConverterFor } from '../../config/payload-codec';
import { createDb } from '../../db/connection';
import { bareTaskQueue, createBareActivities } from './bare-activities';

async function main(): Promise<void> {
  const env = loadEnv();
  if (!env.DATABASE_URL || !env.TEMPORAL_ADDRESS) throw new Error('bare worker needs DATABASE_URL and TEMPORAL_ADDRESS');
  const db = createDb(env.DATABASE_URL);
  const connection = await NativeConnection.connect({ address: env.TEMPORAL_ADDRESS });
  const worker = await Worker.create({
    connection,
    namespace: env.TEMPORAL_NAMESPACE,
    taskQueue: bareTaskQueue,
    activities: createBareActivities(db),
    // Payloads encrypted as the case worker's are: the same codec work per task.
    dataConverter: dataConverterFor(requirePayloadKeys(env, 'worker')),
    workflowsPath: require.resolve('../workflows/bare'),
  });
  await worker.run();
  await Promise.all([db.destroy(), connection.close()]);
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
