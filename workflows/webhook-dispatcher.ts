import * as wf from '@temporalio/workflow';
import type { DeliveryRetry, PlannedDelivery, WebhookActivities } from '../activities/webhooks';

export interface WebhookDispatcherInput {
  /** Deliveries under way at once (each is one activity, mostly waiting on the network). */
  maxInFlight?: number;
}

// Planning long-polls for alerts (about 20 s when idle) and heartbeats meanwhile; it is retried until it works.
const { nextWebhookDeliveries, failWebhookDelivery } = wf.proxyActivities<WebhookActivities>({
  startToCloseTimeout: '2 minutes',
  heartbeatTimeout: '20 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});

/**
 * Exponential back-off from the worker's settings. An attempt may first wait for an earlier run's attempt to let
 * go of the delivery, or for its back-off (activities/webhooks.ts): the timeouts leave room for that, and the
 * heartbeat still notices a worker that died.
 */
const deliveryActivity = (retry: DeliveryRetry, attemptsLeft: number) =>
  wf.proxyActivities<WebhookActivities>({
    startToCloseTimeout: 2 * retry.timeoutMs + retry.maxMs + 30_000,
    heartbeatTimeout: retry.timeoutMs + 15_000,
    retry: { initialInterval: retry.initialMs, maximumInterval: retry.maxMs, backoffCoefficient: 2, maximumAttempts: attemptsLeft },
  }).deliverWebhook;

/**
 * Pushes alerts to webhook subscribers (告警推送), on a task queue of its own: nothing a case does waits on it,
 * and a slow or failing endpoint only ever holds its own deliveries. The `alerts` table is the outbox: each
 * round turns new alerts into delivery rows and starts one activity per pending delivery, which Temporal
 * retries with back-off. The table, not this history, is the truth: a new run (continue-as-new, or a restart
 * after the workflow was terminated) takes over every pending delivery, keeping its attempt count and back-off.
 */
export async function webhookDispatcherWorkflow(input: WebhookDispatcherInput = {}): Promise<void> {
  const maxInFlight = input.maxInFlight ?? 100;
  const inFlight = new Set<string>();
  // Deliveries are started in id order; the pending ones above this are not started yet.
  let afterDeliveryId = '0';

  const deliver = async (delivery: PlannedDelivery, retry: DeliveryRetry): Promise<void> => {
    try {
      if (delivery.delayMs > 0) await wf.sleep(delivery.delayMs);
      await deliveryActivity(retry, delivery.attemptsLeft)({ deliveryId: delivery.id });
    } catch (err) {
      if (!(err instanceof wf.ActivityFailure)) throw err;
      await failWebhookDelivery({ deliveryId: delivery.id, reason: '重试次数已用尽 (retries exhausted)' });
    } finally {
      inFlight.delete(delivery.id);
    }
  };

  for (;;) {
    if (wf.workflowInfo().continueAsNewSuggested) {
      // Deliveries waiting out their back-off are left to the next run, which finds them pending in the table.
      return wf.continueAsNew<typeof webhookDispatcherWorkflow>(input);
    }
    await wf.condition(() => inFlight.size < maxInFlight || wf.workflowInfo().continueAsNewSuggested);
    if (inFlight.size >= maxInFlight) continue;
    const round = await nextWebhookDeliveries({ afterDeliveryId, limit: maxInFlight - inFlight.size });
    for (const delivery of round.deliveries) {
      inFlight.add(delivery.id);
      if (BigInt(delivery.id) > BigInt(afterDeliveryId)) afterDeliveryId = delivery.id;
      void deliver(delivery, round.retry);
    }
  }
}
