/**
 * `/metrics` tells operations how the city's work stands (README "Operations"): open cases by tier and status,
 * overdue ones, unacknowledged alerts. On a database of this file's own, so the counts are this file's cases.
 */
import { demo } from '../../db/seeds/demo-city';
import { arrange } from '../support/arrange';
import { eventually } from '../support/eventually';
import { startTestStack, type TestStack } from '../support/stack';

let stack: TestStack;
const { open, act, withdrawAll } = arrange(() => stack);
const { users: u } = demo;

beforeAll(async () => {
  stack = await startTestStack({ ownDatabase: true });
});
afterAll(async () => {
  await withdrawAll();
  await stack?.stop();
});

/** The value of one series (labels in any order), or 0 when the gauge has no such series. */
async function series(name: string, labels: Record<string, string>): Promise<number> {
  const text = await (await fetch(`${stack.baseUrl}/metrics`)).text();
  for (const line of text.split('\n')) {
    const m = /^(\w+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) return Number(m[3]);
  }
  return 0;
}

describe('GET /metrics', () => {
  it('counts open cases by tier and status as they are opened and end', async () => {
    const first = await open({ title: '指标：第一件' });
    await open({ title: '指标：第二件' });
    await eventually(async () => expect(await series('jiesu_cases_open', { tier: 'community', status: 'triage' })).toBe(2));
    await act(first.id, 'withdraw', u.clerk, { reason: '市民撤回' });
    await eventually(async () => expect(await series('jiesu_cases_open', { tier: 'community', status: 'triage' })).toBe(1));
    expect(await series('jiesu_cases_overdue', { tier: 'community' })).toBe(0);
  });

  it('counts unacknowledged alerts by tier and type, and stops counting one once acknowledged', async () => {
    const { id } = await open({ title: '指标：告警' });
    // An alert as the projection stores it; acknowledging goes through the API.
    const [alert] = await stack.db('alerts')
      .insert({ type: 'overdue', case_id: id, tier: 'community', jurisdiction_id: demo.communities.xiaochi, jurisdiction_path: stack.db('jurisdictions').select('path').where('id', demo.communities.xiaochi), at: new Date().toISOString(), message: '测试告警', dedupe_key: `${id}:metrics` })
      .returning('id');
    expect(await series('jiesu_alerts_unacknowledged', { tier: 'community', type: 'overdue' })).toBe(1);
    const ack = await stack.call('POST', `/api/v1/alerts/${alert.id}/ack`, { as: u.supervisorCity });
    expect(ack.status).toBe(200);
    expect(await series('jiesu_alerts_unacknowledged', { tier: 'community', type: 'overdue' })).toBe(0);
  });
});
