/**
 * The clock edges of issue 9 through the API, on real timers with policies of seconds: a direct case that
 * climbs, a deadline nobody can compute, a pause or a late extension after a miss, the extension cap in
 * working hours, overdue after a climb, an ended case's pause, the complex mark keeping an extension.
 * Each answered wrongly before its fix (stuck, 500, climbed twice, accepted, ...).
 */
import { demo } from '../../db/seeds/demo-city';
import { workflowIdForCase } from '../../workflows/messages';
import { arrange } from '../support/arrange';
import { eventually } from '../support/eventually';
import { startTestStack, TestStack } from '../support/stack';

const { users: u, units } = demo;
let stack: TestStack;
const { open, act, post, get, alertsOf, setPolicy, withdrawAll } = arrange(() => stack);

beforeAll(async () => {
  stack = await startTestStack({ ownDatabase: true });
});
afterAll(async () => {
  await withdrawAll();
  await stack?.stop();
});
beforeEach(() => setPolicy());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function accepted() {
  const c = await open();
  await act(c.id, 'dispatch', u.dispatcherCommunity, { leadUnitId: units.mobile });
  return act(c.id, 'accept', u.liaisonMobile);
}

describe('a directly handled case (直接办) that escalates', () => {
  it('is dispatched by the street it climbed to, instead of being stuck', async () => {
    await setPolicy({ resolve: 'PT2S' });
    const c = await open();
    await act(c.id, 'handle-directly', u.grid, { note: '网格员现场处置' });
    await eventually(async () => expect((await get(c.id)).tier).toBe('street'));
    const dispatched = await act(c.id, 'dispatch', u.dispatcherStreet, { leadUnitId: units.mobile });
    expect(dispatched).toMatchObject({ status: 'dispatched', tier: 'street' });
    expect(dispatched.assignments).toEqual([expect.objectContaining({ unitId: units.mobile, tier: 'street' })]);
  });
});

describe('a deadline nobody can compute', () => {
  it('is refused at the door when asked for (an extension of PT1.5S is a 400 naming the field)', async () => {
    const c = await accepted();
    const res = await post(c.id, 'extension', u.liaisonMobile, { duration: 'PT1.5S', reason: '需协调施工' });
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual([expect.objectContaining({ field: 'duration' })]);
  });

  it('never fails the case: a policy the planner cannot count is recorded, alerted, and the case goes on', async () => {
    // A value the API refuses, written behind its back, as a bad migration or a hand edit would.
    await stack.db('sla_policies').where({ sla_class: 'general' }).update({ resolve: 'PT1.5S' });
    const c = await open();
    const dispatched = await act(c.id, 'dispatch', u.dispatcherCommunity, { leadUnitId: units.mobile });
    expect(dispatched.status).toBe('dispatched');
    const alerts = await alertsOf(c.id);
    expect(alerts).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'plan_failed', tier: 'community' })]));
    expect(alerts.find((a) => a.type === 'plan_failed')!.message).toContain('办结时限');
    const description = await stack.client.workflow.getHandle(workflowIdForCase(c.id)).describe();
    expect(description.status.name).toBe('RUNNING');
    await setPolicy();
    expect((await act(c.id, 'accept', u.liaisonMobile)).status).toBe('in_progress');
  });
});

describe('a missed deadline is counted once', () => {
  it('a pause and resume after the resolve deadline passed do not climb the case again for the same miss', async () => {
    await setPolicy({ resolve: 'PT2S', triage: 'PT600S' });
    const c = await accepted();
    await eventually(async () => expect((await get(c.id)).tier).toBe('street'));
    await act(c.id, 'pause', u.liaisonMobile, { reason: '等待诉求人补充照片' });
    await sleep(1000);
    const resumed = await act(c.id, 'resume', u.liaisonMobile);
    // The time waited counts again from the resumption: a deadline in the future, not one already missed.
    expect(Date.parse(resumed.deadlines.resolveBy)).toBeGreaterThan(Date.parse(resumed.updatedAt));
    await eventually(async () => expect((await alertsOf(c.id)).filter((a) => a.type === 'overdue' && a.tier === 'street')).toHaveLength(2));
    await sleep(500);
    const after = await get(c.id);
    expect(after.tier).toBe('street');
    expect(after.escalations).toHaveLength(1);
  });

  it('a short extension approved after the miss starts from the approval', async () => {
    await setPolicy({ resolve: 'PT2S', triage: 'PT600S' });
    const c = await accepted();
    await eventually(async () => expect((await get(c.id)).tier).toBe('street'));
    await act(c.id, 'extension', u.liaisonMobile, { duration: 'PT30S', reason: '需协调施工队' });
    const approved = await act(c.id, 'extension/decision', u.supervisorStreet, { approve: true });
    expect(Date.parse(approved.deadlines.resolveBy) - Date.parse(approved.extension.decidedAt)).toBe(30_000);
    expect(approved.overdue).toBe(false);
    await sleep(1500);
    expect((await get(c.id)).tier).toBe('street');
  });
});

describe('the extension cap', () => {
  it('weighs hours on a working-day policy as office hours: PT230H is refused, PT70H (10 working days) allowed', async () => {
    await setPolicy({ basis: 'working', resolve: 'P5D' });
    const c = await accepted();
    const tooLong = await post(c.id, 'extension', u.liaisonMobile, { duration: 'PT230H', reason: '需协调施工' });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.error.details).toEqual([expect.objectContaining({ field: 'duration' })]);
    expect((await post(c.id, 'extension', u.liaisonMobile, { duration: 'PT70H', reason: '需协调施工' })).status).toBe(202);
  });
});

describe('what a case shows', () => {
  it('stays overdue after a missed triage deadline climbs it, until the new tier handles it', async () => {
    await setPolicy({ triage: 'PT2S' });
    const c = await open();
    await setPolicy(); // the street's triage clock will be slow
    const atStreet = await eventually(async () => {
      const now = await get(c.id);
      expect(now.tier).toBe('street');
      return now;
    });
    expect(atStreet.overdue).toBe(true);
    const listed = await stack.call('GET', `/api/v1/cases?overdue=true&limit=100`, { as: u.supervisorCity });
    expect(listed.body.items.map((x: { id: string }) => x.id)).toContain(c.id);
    expect((await act(c.id, 'dispatch', u.dispatcherStreet, { leadUnitId: units.mobile })).overdue).toBe(false);
  });

  it('a withdrawn case no longer shows a pause', async () => {
    const c = await accepted();
    await act(c.id, 'pause', u.liaisonMobile, { reason: '等待诉求人补充照片' });
    const withdrawn = await act(c.id, 'withdraw', u.clerk, { reason: '诉求人撤回' });
    expect(withdrawn.paused).toBeNull();
  });

  it('approving the complex mark keeps an approved extension', async () => {
    await setPolicy({ resolve: 'PT1000S' }, 'complex');
    const c = await accepted();
    await act(c.id, 'extension', u.liaisonMobile, { duration: 'PT100S', reason: '需协调施工' });
    await act(c.id, 'extension/decision', u.supervisorStreet, { approve: true });
    await act(c.id, 'complex', u.dispatcherCommunity, { reason: '涉及多个部门' });
    const complex = await act(c.id, 'complex/decision', u.supervisorStreet, { approve: true });
    expect(Date.parse(complex.deadlines.resolveBy) - Date.parse(complex.dispatchedAt)).toBe(1_100_000);
  });
});
