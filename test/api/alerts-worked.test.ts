/**
 * Alerts that can be worked through (issue 12, item 4): newest first with a cursor, acknowledged once with
 * who and when, and what is still unacknowledged counted per tier, each within the caller's subtree.
 */
import { demo } from '../../db/seeds/demo-city';
import { arrange } from '../support/arrange';
import { startTestStack, TestStack } from '../support/stack';

const { users: u } = demo;
let stack: TestStack;
const { open, act, withdrawAll } = arrange(() => stack);

beforeAll(async () => {
  stack = await startTestStack({ ownDatabase: true });
});
afterAll(async () => {
  await withdrawAll();
  await stack?.stop();
});

const alerts = async (as: string, query: string) => (await stack.call('GET', `/api/v1/alerts?${query}`, { as })).body;
const counts = async (as: string) => (await stack.call('GET', '/api/v1/alerts/counts', { as })).body;

describe('working through alerts', () => {
  it('pages newest first, acknowledges once with who and when, and counts what is left per tier', async () => {
    const before = await counts(u.supervisorStreet);
    const ids: string[] = [];
    for (const title of ['告警一', '告警二', '告警三']) {
      const c = await open({ title });
      await act(c.id, 'escalate', u.dispatcherCommunity, { reason: '吹哨：需街道协调' });
      ids.push(c.id);
    }
    const after = await counts(u.supervisorStreet);
    expect(after.unacknowledged.street - before.unacknowledged.street).toBe(3);
    expect(after.total).toBe(after.unacknowledged.community + after.unacknowledged.street + after.unacknowledged.city);

    // Newest first, one per page: the three escalations come back in reverse order, then the cursor runs on.
    const first = await alerts(u.supervisorStreet, 'order=desc&limit=1&type=escalated');
    const second = await alerts(u.supervisorStreet, `order=desc&limit=1&type=escalated&cursor=${first.nextCursor}`);
    const third = await alerts(u.supervisorStreet, `order=desc&limit=1&type=escalated&cursor=${second.nextCursor}`);
    expect([first, second, third].map((p) => p.items[0].caseId)).toEqual([...ids].reverse());
    expect(Number(first.items[0].id)).toBeGreaterThan(Number(second.items[0].id));

    // Acknowledge the newest: who and when, once.
    const alertId = first.items[0].id;
    const acked = await stack.call('POST', `/api/v1/alerts/${alertId}/ack`, { as: u.supervisorStreet, body: {} });
    expect(acked.status).toBe(200);
    expect(acked.body).toMatchObject({ id: alertId, acknowledgedBy: { displayName: '开元街道督办员' }, acknowledgedAt: expect.any(String) });
    const again = await stack.call('POST', `/api/v1/alerts/${alertId}/ack`, { as: u.supervisorCity, body: {} });
    expect(again.body).toMatchObject({ acknowledgedBy: { displayName: '开元街道督办员' }, acknowledgedAt: acked.body.acknowledgedAt });
    expect((await counts(u.supervisorStreet)).unacknowledged.street).toBe(after.unacknowledged.street - 1);
    const unacked = await alerts(u.supervisorStreet, 'order=desc&acknowledged=false&type=escalated&limit=1000');
    expect(unacked.items.map((a: { id: string }) => a.id)).not.toContain(alertId);
    const done = await alerts(u.supervisorStreet, 'acknowledged=true&limit=1000');
    expect(done.items.map((a: { id: string }) => a.id)).toContain(alertId);
  });

  it('refuses an alert outside the subtree (403) and an unknown one (404); a liaison may not acknowledge', async () => {
    const c = await open();
    await act(c.id, 'escalate', u.dispatcherCommunity, { reason: '吹哨：需街道协调' });
    const [alert] = (await alerts(u.supervisorStreet, `caseId=${c.id}`)).items;
    const outside = await stack.call('POST', `/api/v1/alerts/${alert.id}/ack`, { as: u.dispatcherTown, body: {} });
    expect(outside.status).toBe(403);
    expect((await alerts(u.supervisorStreet, `caseId=${c.id}`)).items[0].acknowledgedAt).toBeNull();
    expect((await stack.call('POST', '/api/v1/alerts/999999999/ack', { as: u.supervisorCity, body: {} })).status).toBe(404);
    expect((await stack.call('POST', `/api/v1/alerts/${alert.id}/ack`, { as: u.liaisonMobile, body: {} })).status).toBe(403);
  });
});
