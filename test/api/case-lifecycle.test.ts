import { demo } from '../../db/seeds/demo-city';
import { arrange } from '../support/arrange';
import { cableIntake } from '../support/fixtures';
import { recordHistory } from '../support/histories';
import { startTestStack, TestStack } from '../support/stack';

const { users: u, units } = demo;
let stack: TestStack;
const { open } = arrange(() => stack);

beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.stop();
});

describe('a case travels API → workflow → PostgreSQL and back', () => {
  it('when a clerk opens, a dispatcher dispatches, the liaison accepts and resolves and the citizen is satisfied, then it is closed', async () => {
    const opened = await open();
    expect(opened).toMatchObject({ status: 'triage', tier: 'community', mode: null, slaClass: 'general' });
    // The triage clock was planned from the SLA policy before the answer came back.
    expect(Date.parse(opened.deadlines.triageBy)).toBeGreaterThan(Date.parse(opened.createdAt));
    expect(opened.id).toMatch(/^\d{14}$/);
    expect(opened.location).toMatchObject({ streetId: demo.streets.kaiyuan, cityId: demo.cityId });
    expect(opened.reporter.phone).toBe('13800005678'); // the clerk took the call and sees the number

    const id = opened.id;
    const dispatched = await stack.call('POST', `/api/v1/cases/${id}/dispatch`, {
      as: u.dispatcherCommunity,
      body: { leadUnitId: units.mobile, cooperatingUnitIds: [units.telecom, units.unicom, units.cable], note: '线缆归属待核实' },
    });
    expect(dispatched.status).toBe(200);
    expect(dispatched.body.status).toBe('dispatched');
    expect(dispatched.body.reporter.phone).toBe('138****5678');
    expect(dispatched.body.assignments).toHaveLength(4);

    const asLiaison = await stack.call('GET', `/api/v1/cases/${id}`, { as: u.liaisonMobile });
    expect(asLiaison.body.reporter).toEqual({ name: '郭*', phone: '138****5678' });

    const accepted = await stack.call('POST', `/api/v1/cases/${id}/accept`, { as: u.liaisonMobile, body: { note: '明天到现场' } });
    expect(accepted.status).toBe(200);
    expect(accepted.body.status).toBe('in_progress');
    expect(accepted.body.reporter.phone).toBe('13800005678'); // the lead unit needs to call back once it owns the case

    const resolved = await stack.call('POST', `/api/v1/cases/${id}/resolve`, {
      as: u.liaisonMobile,
      body: { summary: '已对下垂线缆集中梳理抬升', evidence: ['https://files.example.org/after.jpg'] },
    });
    expect(resolved.body).toMatchObject({ status: 'resolved', resolution: { explainedUnresolved: false } });

    const closed = await stack.call('POST', `/api/v1/cases/${id}/callback`, { as: u.clerk, body: { rating: 'satisfied' } });
    expect(closed.status).toBe(200);
    expect(closed.body).toMatchObject({ status: 'closed', rating: 'satisfied', reopenCount: 0 });

    const detail = await stack.call('GET', `/api/v1/cases/${id}`, { as: u.supervisorStreet });
    expect(detail.status).toBe(200);
    expect(detail.body.version).toBe(closed.body.version);
    const userEvents = detail.body.timeline.filter((e: { actor: unknown }) => e.actor !== null);
    expect(userEvents.map((e: { type: string }) => e.type)).toEqual([
      'case_opened',
      'dispatched',
      'assignment_accepted',
      'resolved',
      'callback_recorded',
    ]);
    expect(userEvents[1].actor).toMatchObject({ displayName: '小池社区调度员', role: 'dispatcher' });
    expect(JSON.stringify(detail.body.timeline)).not.toContain('13800005678');

    // The workflow ran to its end once the case closed.
    const description = await stack.client.workflow.getHandle(`case-${id}`).describe();
    expect(description.status.name).toBe('COMPLETED');

    const refused = await stack.call('POST', `/api/v1/cases/${id}/accept`, { as: u.liaisonTelecom, body: {} });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ code: 'INVALID_STATE', status: 'closed' });
  });

  it('when the lead unit rejects with a reason, then the case goes back to triage and can be re-dispatched and accepted', async () => {
    const { id } = await open();
    await stack.call('POST', `/api/v1/cases/${id}/dispatch`, { as: u.dispatcherCommunity, body: { leadUnitId: units.mobile } });
    const rejected = await stack.call('POST', `/api/v1/cases/${id}/reject`, { as: u.liaisonMobile, body: { reason: '该线缆产权属于电信公司' } });
    expect(rejected.status).toBe(200);
    expect(rejected.body.status).toBe('triage');
    const again = await stack.call('POST', `/api/v1/cases/${id}/dispatch`, { as: u.dispatcherCommunity, body: { leadUnitId: units.telecom } });
    expect(again.status).toBe(200);
    const accepted = await stack.call('POST', `/api/v1/cases/${id}/accept`, { as: u.liaisonTelecom, body: {} });
    expect(accepted.body.status).toBe('in_progress');
    expect(accepted.body.assignments.map((a: any) => [a.unitId, a.state, a.active])).toEqual([
      [units.mobile, 'rejected', false],
      [units.telecom, 'accepted', true],
    ]);
  });

  it('when a grid worker handles it directly and the citizen is unsatisfied, then it reopens; a second callback closes it', async () => {
    const { id } = await open({ category: demo.categories.manholeCover, title: '化粪池井盖破损' }, u.grid);
    const handled = await stack.call('POST', `/api/v1/cases/${id}/handle-directly`, { as: u.grid, body: { note: '联系建设单位当天更换' } });
    expect(handled.body).toMatchObject({ status: 'in_progress', mode: 'direct' });
    const resolve = () => stack.call('POST', `/api/v1/cases/${id}/resolve`, { as: u.grid, body: { summary: '井盖已更换' } });
    expect((await resolve()).status).toBe(200);
    const reopened = await stack.call('POST', `/api/v1/cases/${id}/callback`, { as: u.clerk, body: { rating: 'unsatisfied', comment: '新井盖不平' } });
    expect(reopened.body).toMatchObject({ status: 'in_progress', reopenCount: 1 });
    expect((await resolve()).status).toBe(200);
    const closed = await stack.call('POST', `/api/v1/cases/${id}/callback`, { as: u.clerk, body: { rating: 'basically_satisfied' } });
    expect(closed.body).toMatchObject({ status: 'closed', reopenCount: 1, rating: 'basically_satisfied' });
    await recordHistory(stack.client, 'direct-unsatisfied-reopened-closed', id);
  });
});

describe('refused actions change nothing', () => {
  it('when a liaison accepts before any dispatch, then 409 names the state; when an unassigned unit accepts, then 403', async () => {
    const { id } = await open();
    const early = await stack.call('POST', `/api/v1/cases/${id}/accept`, { as: u.liaisonMobile, body: {} });
    // Not assigned yet, so the liaison cannot even see it.
    expect(early.status).toBe(403);
    const dispatched = await stack.call('POST', `/api/v1/cases/${id}/dispatch`, { as: u.dispatcherCommunity, body: { leadUnitId: units.mobile } });
    const outOfTurn = await stack.call('POST', `/api/v1/cases/${id}/resolve`, { as: u.liaisonMobile, body: { summary: '已处理' } });
    expect(outOfTurn.status).toBe(409);
    expect(outOfTurn.body.error.code).toBe('INVALID_STATE');
    expect(outOfTurn.body.error.status).toBe('dispatched');
    expect(outOfTurn.body.error.message).toContain('已派单');
    const otherUnit = await stack.call('POST', `/api/v1/cases/${id}/dispatch`, { as: u.dispatcherStreet, body: { leadUnitId: units.power } });
    expect(otherUnit.status).toBe(409);
    const wrongRole = await stack.call('POST', `/api/v1/cases/${id}/dispatch`, { as: u.clerk, body: { leadUnitId: units.power } });
    expect(wrongRole.status).toBe(403);
    const after = await stack.call('GET', `/api/v1/cases/${id}`, { as: u.clerk });
    expect(after.body.version).toBe(dispatched.body.version);
    expect(after.body.timeline).toHaveLength(dispatched.body.version);
  });

  it('when a dispatcher of another street dispatches, then 403 and nothing changes', async () => {
    const { id } = await open();
    const res = await stack.call('POST', `/api/v1/cases/${id}/dispatch`, { as: u.dispatcherTown, body: { leadUnitId: units.mobile } });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('FORBIDDEN');
  });

  it('when the lead unit does not exist, then 400 names the field', async () => {
    const { id } = await open();
    const res = await stack.call('POST', `/api/v1/cases/${id}/dispatch`, {
      as: u.dispatcherCommunity,
      body: { leadUnitId: 'unit-nobody', cooperatingUnitIds: [units.telecom, 'unit-ghost'] },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.details.map((d: { field: string }) => d.field)).toEqual(['leadUnitId', 'cooperatingUnitIds.1']);
  });

  it('when the case does not exist, then 404', async () => {
    const res = await stack.call('POST', '/api/v1/cases/19990101999999/accept', { as: u.liaisonMobile, body: {} });
    expect(res.status).toBe(404);
  });
});

describe('idempotency', () => {
  it('when the same Idempotency-Key and body are sent twice, then one case is opened and the second answer is 200 with it', async () => {
    const key = `intake-${Date.now()}`;
    const body = cableIntake({ title: '幂等测试' });
    const first = await stack.call('POST', '/api/v1/cases', { as: u.clerk, body, headers: { 'idempotency-key': key } });
    const second = await stack.call('POST', '/api/v1/cases', { as: u.clerk, body, headers: { 'idempotency-key': key } });
    expect([first.status, second.status]).toEqual([201, 200]);
    expect(second.body.id).toBe(first.body.id);
    const rows = await stack.db('cases').where({ title: '幂等测试' }).count<{ count: string }[]>('* as count');
    expect(Number(rows[0]!.count)).toBe(1);
    const different = await stack.call('POST', '/api/v1/cases', { as: u.clerk, body: { ...body, title: '另一件事' }, headers: { 'idempotency-key': key } });
    expect(different.status).toBe(409);
    expect(different.body.error.code).toBe('IDEMPOTENCY_CONFLICT');
  });

  it('when a command is retried with the same Idempotency-Key, then it acts once', async () => {
    const { id } = await open();
    await stack.call('POST', `/api/v1/cases/${id}/dispatch`, { as: u.dispatcherCommunity, body: { leadUnitId: units.mobile } });
    const headers = { 'idempotency-key': 'accept-once' };
    const first = await stack.call('POST', `/api/v1/cases/${id}/accept`, { as: u.liaisonMobile, body: {}, headers });
    const retry = await stack.call('POST', `/api/v1/cases/${id}/accept`, { as: u.liaisonMobile, body: {}, headers });
    expect([first.status, retry.status]).toEqual([200, 200]);
    expect(retry.body.version).toBe(first.body.version);
  });
});

describe('reading cases', () => {
  it('lists cases in the caller’s scope, newest first, with filters and a cursor', async () => {
    const a = await open({ title: '列表测试A' });
    const b = await open({ title: '列表测试B' });
    const page = await stack.call('GET', '/api/v1/cases?q=列表测试&limit=1', { as: u.supervisorStreet });
    expect(page.status).toBe(200);
    expect(page.body.items.map((c: { id: string }) => c.id)).toEqual([b.id]);
    const next = await stack.call('GET', `/api/v1/cases?q=列表测试&limit=1&cursor=${page.body.nextCursor}`, { as: u.supervisorStreet });
    expect(next.body.items.map((c: { id: string }) => c.id)).toEqual([a.id]);
    const otherTown = await stack.call('GET', '/api/v1/cases?q=列表测试', { as: u.dispatcherTown });
    expect(otherTown.body.items).toEqual([]);
    const bad = await stack.call('GET', '/api/v1/cases?status=lost&limit=0', { as: u.clerk });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.map((d: { field: string }) => d.field).sort()).toEqual(['query.limit', 'query.status']);
  });
});
