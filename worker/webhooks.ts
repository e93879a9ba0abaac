import type { DataConverter } from '@temporalio/common';
import { Client, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { workflowSource, type WorkflowCode } from './workflow-code';
import { createWebhookActivities } from '../activities/webhooks';
import type { WebhookSettings } from '../activities/webhook-http';
import type { Db } from '../db/connection';

export const webhookDispatcherId = 'webhook-dispatcher';
export const webhookTaskQueue = (caseTaskQueue: string): string => `${caseTaskQueue}-webhooks`;

export interface WebhookWorkerOptions extends WorkflowCode {
  connection: NativeConnection;
  namespace: string;
  /** `${TEMPORAL_TASK_QUEUE}-webhooks`: the case queue's slots are never taken by an endpoint that hangs. */
  taskQueue: string;
  /** A pool of its own, so that deliveries never wait for (or hold) the connections projections use. */
  db: Db;
  settings: WebhookSettings;
  /** How long a planning round waits for alerts before it answers empty (20 s by default). */
  idleWaitMs?: number;
  dataConverter?: DataConverter;
}

/** The worker of the webhook dispatcher and its delivery activities. */
export function createWebhookWorker(options: WebhookWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    activities: createWebhookActivities({ db: options.db, settings: options.settings, idleWaitMs: options.idleWaitMs }),
    dataConverter: options.dataConverter,
    // Attempts mostly wait on the network; the dispatcher starts at most 100 at once.
    maxConcurrentActivityTaskExecutions: 120,
    ...workflowSource(options),
  });
}

/**
 * Starts the one dispatcher unless it runs already: every worker calls this at start, so a deployment needs
 * no extra step and a dispatcher that was terminated comes back with the next worker start.
 */
export async function ensureWebhookDispatcher(client: Client, options: { taskQueue: string; workflowId?: string }): Promise<'started' | 'running'> {
  try {
    await client.workflow.start('webhookDispatcherWorkflow', {
      workflowId: options.workflowId ?? webhookDispatcherId,
      taskQueue: options.taskQueue,
      args: [{}],
    });
    return 'started';
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return 'running';
    throw err;
  }
}
