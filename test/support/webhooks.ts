/**
 * For the webhook tests: a receiver on 127.0.0.1 (a random port) that answers by path and checks signatures as a
 * receiver would, and the webhook worker and dispatcher of a test stack, on the stack's own queue and database.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { NativeConnection } from '@temporalio/worker';
import type { WebhookSettings } from '../../activities/webhook-http';
import { dataConverterFor, parsePayloadKeys } from '../../config/payload-codec';
import { createDb } from '../../db/connection';
import { createWebhookWorker, ensureWebhookDispatcher } from '../../worker/webhooks';
import { requireEnv, type TestStack } from './stack';

export interface Received {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/**
 * A webhook receiver: `/ok/*` answers 200, `/fail/*` 500, `/flaky/*` 500 twice per delivery then 204; `/hang/*` and
 * `/pause/*` hold the request while `hanging`, else answer 503 and 204.
 */
export function startReceiver() {
  const received: Received[] = [];
  const held: http.ServerResponse[] = [];
  const triesPerDelivery = new Map<string, number>();
  const state = { hanging: true, url: '' };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r: Received = { path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      received.push(r);
      const kind = r.path.split('/')[1];
      if (kind === 'flaky') {
        const delivery = String(r.headers['x-jiesu-delivery']);
        const n = (triesPerDelivery.get(delivery) ?? 0) + 1;
        triesPerDelivery.set(delivery, n);
        res.writeHead(n <= 2 ? 500 : 204).end();
      } else if (kind === 'hang' || kind === 'pause') {
        if (state.hanging) held.push(res);
        else res.writeHead(kind === 'hang' ? 503 : 204).end();
      } else if (kind === 'fail') res.writeHead(500).end('nope');
      else res.writeHead(200).end('ok');
    });
  });
  return {
    state,
    received,
    held,
    listen: () => new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => {
      state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      resolve();
    })),
    /** The held requests are cut (the sender sees the connection close). */
    cutHeld: () => held.splice(0).forEach((res) => res.socket?.destroy()),
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** What a receiver does: recompute the HMAC of `${timestamp}.${rawBody}` and refuse a timestamp outside 5 minutes. */
export function verifies(r: Pick<Received, 'headers' | 'body'>, secret: string): boolean {
  const timestamp = Number(r.headers['x-jiesu-timestamp']);
  if (!Number.isInteger(timestamp) || Math.abs(Date.now() / 1000 - timestamp) > 300) return false;
  const expected = Buffer.from(`v1=${createHmac('sha256', secret).update(`${timestamp}.${r.body}`).digest('hex')}`);
  const given = Buffer.from(String(r.headers['x-jiesu-signature']));
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** The webhook worker and a dispatcher of the stack's own (its id names the stack's queue); `stop` ends both. */
export async function startWebhookDispatcher(stack: TestStack, settings: WebhookSettings, idleWaitMs: number) {
  const connection = await NativeConnection.connect({ address: requireEnv('TEMPORAL_ADDRESS') });
  const db = createDb(stack.databaseUrl, { max: 4 });
  const taskQueue = `${stack.taskQueue}-webhooks`;
  const worker = await createWebhookWorker({
    connection,
    namespace: process.env.TEMPORAL_NAMESPACE ?? 'default',
    taskQueue,
    db,
    settings,
    idleWaitMs,
    workflowBundlePath: requireEnv('JIESU_WORKFLOW_BUNDLE'),
    dataConverter: dataConverterFor(parsePayloadKeys(requireEnv('PAYLOAD_KEYS'))),
  });
  const running = worker.run();
  const dispatcherId = `webhook-dispatcher-${stack.taskQueue}`;
  const ensure = () => ensureWebhookDispatcher(stack.client, { taskQueue, workflowId: dispatcherId });
  return {
    dispatcherId,
    ensure,
    /** Before the stack stops: the database it drops must have no connection of ours left. */
    async stop() {
      await stack.client.workflow.getHandle(dispatcherId).terminate('测试结束').catch(() => undefined);
      worker.shutdown();
      await running;
      await connection.close();
      await db.destroy();
    },
  };
}

/** The admin routes as the tests call them: register (the secret beside the subscription), deliveries, disable. */
export function webhookCalls(stack: () => TestStack) {
  const register = async (as: string, body: Record<string, unknown>) => {
    const res = await stack().call('POST', '/api/v1/webhooks', { as, body });
    if (res.status !== 201) throw new Error(`register as ${as}: ${res.status} ${JSON.stringify(res.body)}`);
    return { ...res.body.subscription, secret: res.body.secret as string };
  };
  const deliveriesOf = async (subscriptionId: string) =>
    (await stack().call('GET', `/api/v1/webhooks/${subscriptionId}/deliveries?limit=100`, { as: 'admin' })).body.items as any[];
  const disable = (id: string) => stack().call('POST', `/api/v1/webhooks/${id}/disable`, { as: 'admin', body: { reason: '本测试结束' } });
  return { register, deliveriesOf, disable };
}
