import { ApplicationFailure, Context } from '@temporalio/activity';
import type { Db } from '../db/connection';
import {
  alertsWaiting,
  cancelDelivery,
  claimDelivery,
  failDelivery,
  getDeliveryTarget,
  pendingDeliveries,
  planDeliveries,
  recordAttempt,
  type DeliveryStatus,
  type DeliveryTarget,
} from '../db/queries/webhook-deliveries';
import { backoffAfter, sendWebhook, webhookBody, type WebhookSettings } from './webhook-http';

/** A delivery for the dispatcher to start: how many attempts it has left, and how long to wait before the next. */
export interface PlannedDelivery {
  id: string;
  attemptsLeft: number;
  delayMs: number;
}

/** The worker's settings the dispatcher builds its retry policy from (workflow code cannot read the environment). */
export interface DeliveryRetry {
  initialMs: number;
  maxMs: number;
  timeoutMs: number;
}

export interface DeliveryRound {
  deliveries: PlannedDelivery[];
  retry: DeliveryRetry;
}

export interface WebhookActivities {
  /**
   * Turns new alerts into deliveries, then answers the pending ones after `afterDeliveryId` (at most `limit`).
   * With nothing to do it waits for alerts (a long poll of up to ~20 s) instead of answering empty at once.
   */
  nextWebhookDeliveries(input: { afterDeliveryId: string; limit: number }): Promise<DeliveryRound>;
  /** One attempt; throws to be retried (with back-off) while attempts are left; answers once the delivery ended. */
  deliverWebhook(input: { deliveryId: string }): Promise<{ status: DeliveryStatus | 'missing'; attempts: number }>;
  /** The engine gave up on a delivery (its retries spent without an attempt recorded as the last one). */
  failWebhookDelivery(input: { deliveryId: string; reason: string }): Promise<void>;
}

const alertsPerRound = 200;

export function createWebhookActivities(deps: { db: Db; settings: WebhookSettings; idleWaitMs?: number; idlePollMs?: number }): WebhookActivities {
  const { db, settings } = deps;
  const idleWaitMs = deps.idleWaitMs ?? 20_000;
  const idlePollMs = deps.idlePollMs ?? 1_000;
  // An attempt holds its delivery a little longer than the HTTP call may take; a dead worker's hold lapses by itself.
  const holdMs = settings.timeoutMs + 10_000;

  const planned = (pending: Awaited<ReturnType<typeof pendingDeliveries>>): DeliveryRound => ({
    deliveries: pending.map((d) => ({
      id: d.id,
      // One spare: an activity attempt that failed before its HTTP attempt was recorded is not a delivery attempt.
      attemptsLeft: Math.max(1, settings.maxAttempts - d.attempts) + 1,
      // A delivery taken over from an earlier run keeps its back-off.
      delayMs: d.lastAttemptAt ? Math.max(0, d.lastAttemptAt.getTime() + backoffAfter(d.attempts, settings) - Date.now()) : 0,
    })),
    retry: { initialMs: settings.retryInitialMs, maxMs: settings.retryMaxMs, timeoutMs: settings.timeoutMs },
  });

  return {
    async nextWebhookDeliveries({ afterDeliveryId, limit }) {
      const context = Context.current();
      const deadline = Date.now() + idleWaitMs;
      for (;;) {
        const { alertsRead } = await planDeliveries(db, alertsPerRound);
        const pending = await pendingDeliveries(db, afterDeliveryId, limit);
        if (pending.length > 0 || Date.now() >= deadline) return planned(pending);
        if (alertsRead === alertsPerRound) continue;
        // Idle: a look at the alerts' primary key now and then costs far less than a workflow round each time.
        while (Date.now() < deadline && !(await alertsWaiting(db))) {
          context.heartbeat();
          await context.sleep(idlePollMs);
        }
      }
    },

    async deliverWebhook({ deliveryId }) {
      const context = Context.current();
      let target: DeliveryTarget | null;
      // Normally one pass. A run that continued as new can leave an attempt under way, or take over a delivery
      // whose last attempt ended after it was planned: then this waits for the hold to lapse and the back-off.
      for (;;) {
        target = await getDeliveryTarget(db, deliveryId);
        if (!target) return { status: 'missing', attempts: 0 };
        if (target.status !== 'pending') return { status: target.status, attempts: target.attempts };
        if (!target.subscriptionActive) {
          await cancelDelivery(db, deliveryId, '订阅已停用，不再推送 (subscription disabled)');
          return { status: 'cancelled', attempts: target.attempts };
        }
        const dueIn = target.lastAttemptAt ? target.lastAttemptAt.getTime() + backoffAfter(target.attempts, settings) - Date.now() : 0;
        if (dueIn <= 0 && (await claimDelivery(db, deliveryId, holdMs))) break;
        context.heartbeat();
        await context.sleep(Math.min(Math.max(dueIn, 200), 1_000));
      }
      context.heartbeat();
      const outcome = await sendWebhook(
        { url: target.url, secret: target.secret, deliveryId, event: target.event, attempt: target.attempts + 1, body: webhookBody(target) },
        settings,
      );
      const recorded = await recordAttempt(db, deliveryId, outcome, settings);
      if (recorded.status === 'pending') {
        throw ApplicationFailure.retryable(`第 ${recorded.attempt} 次推送失败：${outcome.error}`, 'WebhookAttemptFailed');
      }
      return { status: recorded.status, attempts: recorded.attempt };
    },

    async failWebhookDelivery({ deliveryId, reason }) {
      await failDelivery(db, deliveryId, reason, settings.disableAfterFailures);
    },
  };
}
