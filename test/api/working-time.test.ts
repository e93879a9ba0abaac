/**
 * Working-basis deadlines on real timers. The office here is open round the clock and today is forced to
 * be a workday, so a deadline "3 working seconds" away is 3 real seconds away at any hour a test runs;
 * the counting itself is covered date by date in test/calendar.
 */
import { putCalendarOverride } from '../../db/queries/calendar';
import { putSlaPolicy } from '../../db/queries/sla-policies';
import { demo } from '../../db/seeds/demo-city';
import { shanghaiDate } from '../../workflows/domain/calendar/deadline-arithmetic';
import { eventually } from '../support/eventually';
import { arrange } from '../support/arrange';
import { startTestStack, TestStack } from '../support/stack';

const { users: u, units } = demo;
let stack: TestStack;
const { open, get, withdrawAll } = arrange(() => stack);

beforeAll(async () => {
  stack = await startTestStack({ ownDatabase: true, officeHours: '00:00-24:00' });
  const day = 86_400_000;
  for (const offset of [-day, 0, day, 2 * day]) {
    await putCalendarOverride(stack.db, shanghaiDate(new Date(Date.now() + offset)), { kind: 'workday', note: '测试：全天办公' }, null);
  }
});
afterAll(async () => {
  await withdrawAll();
  await stack?.stop();
});

describe('working-basis deadlines', () => {
  it('when the triage deadline is counted in working time by the activity, then its timer fires and the case climbs', async () => {
    await putSlaPolicy(stack.db, 'general', { triage: 'PT3S', respond: 'P1D', resolve: 'P5D', callback: 'P3D', warnAt: 0.8, basis: 'working' }, null);
    const c = await open();
    expect(Date.parse(c.deadlines.triageBy) - Date.parse(c.createdAt)).toBeGreaterThanOrEqual(3000);
    expect(Date.parse(c.deadlines.triageBy) - Date.parse(c.createdAt)).toBeLessThan(4000);
    expect(c.timeLeft.triageBy).toMatch(/^剩余/);
    await eventually(async () => {
      const now = await get(c.id);
      expect(now.tier).toBe('street');
      expect(now.escalations[0].cause).toBe('deadline');
    });
  });

  it('when a supervisor approves the complex mark, then the running deadlines are counted again on the complex policy', async () => {
    await putSlaPolicy(stack.db, 'general', { triage: 'PT1H', respond: 'P1D', resolve: 'P5D', callback: 'P3D', warnAt: 0.8, basis: 'working' }, null);
    const c = await open();
    await stack.call('POST', `/api/v1/cases/${c.id}/dispatch`, { as: u.dispatcherCommunity, body: { leadUnitId: units.mobile } });
    const accepted = (await stack.call('POST', `/api/v1/cases/${c.id}/accept`, { as: u.liaisonMobile, body: {} })).body;
    const asked = await stack.call('POST', `/api/v1/cases/${c.id}/complex`, { as: u.dispatcherCommunity, body: { reason: '涉及多家产权单位，需联合勘查' } });
    expect(asked.status).toBe(200);
    expect(asked.body).toMatchObject({ slaClass: 'general', complexMark: { state: 'pending' } });
    expect((await stack.call('POST', `/api/v1/cases/${c.id}/complex/decision`, { as: u.dispatcherStreet, body: { approve: true } })).status).toBe(403);
    const approved = (await stack.call('POST', `/api/v1/cases/${c.id}/complex/decision`, { as: u.supervisorStreet, body: { approve: true } })).body;
    expect(approved).toMatchObject({ slaClass: 'complex', complexMark: { state: 'approved' } });
    expect(Date.parse(approved.deadlines.resolveBy)).toBeGreaterThan(Date.parse(accepted.deadlines.resolveBy));
    expect(approved.timeLeft.resolveBy).toMatch(/^剩余 \d+ 个工作日/);
  });
});
