/**
 * Alert webhooks' admin routes (issue 12, item 5): the signed test ping, secret rotation, enable after disable,
 * the audit trail, an attempt's timeout and the private-target guard, and the OpenAPI document. Deliveries by the
 * dispatcher are in webhooks.test.ts.
 */
import { sendWebhook } from '../../activities/webhook-http';
import { demo } from '../../db/seeds/demo-city';
import { eventually } from '../support/eventually';
import { startTestStack, type TestStack } from '../support/stack';
import { startReceiver, verifies, webhookCalls } from '../support/webhooks';

const { users: u, streets } = demo;

// The API's own settings come from the environment: a receiver on loopback is allowed in this file only.
process.env.WEBHOOK_ALLOW_PRIVATE_TARGETS = '1';

let stack: TestStack;
const receiver = startReceiver();
const { register, deliveriesOf, disable } = webhookCalls(() => stack);

beforeAll(async () => {
  await receiver.listen();
  stack = await startTestStack();
});
afterAll(async () => {
  receiver.cutHeld();
  await receiver.close();
  await stack?.stop();
});

describe('the admin routes', () => {
  it('sends a signed test ping at once, records it, rotates the secret, enables again, and audits each action', async () => {
    const sub = await register(u.admin, { url: `${receiver.state.url}/ok/ping`, jurisdictionId: streets.wulong });
    const ping = await stack.call('POST', `/api/v1/webhooks/${sub.id}/test`, { as: u.admin, body: {} });
    expect(ping.status).toBe(200);
    expect(ping.body).toMatchObject({ delivered: true, httpStatus: 200, failure: null, durationMs: expect.any(Number) });
    const first = receiver.received.filter((r) => r.headers['x-jiesu-delivery'] === ping.body.deliveryId);
    expect(first).toHaveLength(1);
    expect(first[0]!.headers['x-jiesu-event']).toBe('ping');
    expect(verifies(first[0]!, sub.secret)).toBe(true);
    expect(JSON.parse(first[0]!.body)).toMatchObject({ id: ping.body.deliveryId, event: 'ping', subscriptionId: sub.id });
    const [logged] = await deliveriesOf(sub.id);
    expect(logged).toMatchObject({ id: ping.body.deliveryId, event: 'ping', alertId: null, status: 'delivered', attempts: 1 });
    expect(logged.attemptLog).toEqual([expect.objectContaining({ attempt: 1, httpStatus: 200, error: null })]);

    const rotated = await stack.call('POST', `/api/v1/webhooks/${sub.id}/rotate-secret`, { as: u.admin, body: {} });
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).not.toBe(sub.secret);
    expect(rotated.body.subscription.secretRotatedAt).not.toBeNull();
    const again = await stack.call('POST', `/api/v1/webhooks/${sub.id}/test`, { as: u.admin, body: {} });
    const [second] = receiver.received.filter((r) => r.headers['x-jiesu-delivery'] === again.body.deliveryId);
    expect([verifies(second!, rotated.body.secret), verifies(second!, sub.secret)]).toEqual([true, false]);

    // A disabled subscription can still be tested; enabling it again clears its failures.
    await disable(sub.id);
    const enabled = await stack.call('POST', `/api/v1/webhooks/${sub.id}/enable`, { as: u.admin, body: {} });
    expect(enabled.body).toMatchObject({ active: true, disabledAt: null, disabledReason: null, consecutiveFailures: 0 });

    const failing = await register(u.admin, { url: `${receiver.state.url}/fail/ping`, jurisdictionId: streets.wulong });
    const refused = await stack.call('POST', `/api/v1/webhooks/${failing.id}/test`, { as: u.admin, body: {} });
    expect(refused.body).toMatchObject({ delivered: false, httpStatus: 500, failure: expect.stringContaining('HTTP 500') });
    expect((await deliveriesOf(failing.id))[0]).toMatchObject({ status: 'failed', attempts: 1, lastHttpStatus: 500 });

    await eventually(async () => {
      const rows = await stack.db('audit_log').where({ action: 'webhooks.write', username: u.admin }).select('route', 'outcome');
      const routes = rows.map((r) => `${r.route} ${r.outcome}`);
      for (const route of ['/api/v1/webhooks', '/api/v1/webhooks/:id/test', '/api/v1/webhooks/:id/rotate-secret', '/api/v1/webhooks/:id/disable', '/api/v1/webhooks/:id/enable']) {
        expect(routes).toContain(`${route} ok`);
      }
    });
    for (const s of [sub, failing]) await disable(s.id);
  });

  it('an attempt times out, and refuses private targets unless allowed, without sending anything', async () => {
    receiver.state.hanging = true;
    const message = { url: `${receiver.state.url}/hang/timeout`, secret: 'whsec_t', deliveryId: '1', event: 'ping', attempt: 1, body: '{}' };
    const timedOut = await sendWebhook(message, { timeoutMs: 300, allowPrivateTargets: true });
    expect(timedOut).toMatchObject({ ok: false, httpStatus: null, error: expect.stringContaining('超时') });
    const before = receiver.received.length;
    for (const url of [`${receiver.state.url}/ok/private`, 'http://localhost:9/x', 'http://[::1]:9/x', 'http://10.1.2.3/x', 'http://169.254.169.254/latest']) {
      const refused = await sendWebhook({ ...message, url }, { timeoutMs: 300, allowPrivateTargets: false });
      expect({ url, error: refused.error }).toEqual({ url, error: expect.stringContaining('内网') });
    }
    expect(receiver.received.length).toBe(before);
    receiver.cutHeld();
  });

  it('documents every webhook route and the payload in the OpenAPI document', async () => {
    const doc = (await stack.call('GET', '/openapi.json')).body;
    const paths = Object.keys(doc.paths);
    for (const p of ['/api/v1/webhooks', '/api/v1/webhooks/{id}', '/api/v1/webhooks/{id}/disable', '/api/v1/webhooks/{id}/enable', '/api/v1/webhooks/{id}/rotate-secret', '/api/v1/webhooks/{id}/test', '/api/v1/webhooks/{id}/deliveries']) {
      expect(paths).toContain(p);
    }
    expect(Object.keys(doc.paths['/api/v1/webhooks'])).toEqual(expect.arrayContaining(['get', 'post']));
    expect(doc.components.schemas).toHaveProperty('WebhookPayload');
    expect(doc.components.schemas.CreateWebhookRequest.additionalProperties).toBe(false);
  });
});
