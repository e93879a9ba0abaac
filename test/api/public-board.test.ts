/**
 * The public board (晾晒) without a login, and what the console reads besides the cases: who am I, and a
 * caller's earlier cases by phone. Nothing public carries a reporter, nor free text unless the citizen agreed.
 */
import { demo } from '../../db/seeds/demo-city';
import { arrange } from '../support/arrange';
import { startTestStack, TestStack } from '../support/stack';

const { users: u, units } = demo;
let stack: TestStack;
const { open, act, withdrawAll } = arrange(() => stack);
const month = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 7);

beforeAll(async () => {
  stack = await startTestStack({ ownDatabase: true });
});
afterAll(async () => {
  await withdrawAll();
  await stack?.stop();
});

const anonymous = (path: string) => stack.call('GET', `/api/v1/public${path}`);

describe('the public board, without a login', () => {
  it('tells a case by number: its progress in plain words, no reporter, the text only when the citizen agreed', async () => {
    const reporter = { name: '公开栏测试人', phone: '13911112222' };
    const hidden = await open({ title: '未公开的诉求标题', reporter });
    await act(hidden.id, 'dispatch', u.dispatcherCommunity, { leadUnitId: units.mobile, note: '内部备注：不公开' });
    await act(hidden.id, 'accept', u.liaisonMobile);
    await act(hidden.id, 'resolve', u.liaisonMobile, { summary: '线缆已抬升（内部说明）', evidence: [] });
    await act(hidden.id, 'callback', u.clerk, { rating: 'satisfied' });

    const res = await anonymous(`/cases/${hidden.caseNo}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ caseNo: hidden.caseNo, status: 'closed', statusName: '已结案', leadUnitName: '中国移动林州分公司', title: null, description: null });
    expect(res.body.steps.map((s: { label: string }) => s.label)).toEqual(['已受理', '派单至中国移动林州分公司牵头办理', '中国移动林州分公司已签收', '已办结', '回访评价：满意']);
    const text = JSON.stringify(res.body);
    for (const secret of [reporter.name, reporter.phone, '内部备注', '内部说明', '未公开的诉求标题']) expect(text).not.toContain(secret);

    const shown = await open({ title: '同意公开的诉求', public: true });
    expect((await anonymous(`/cases/${shown.caseNo}`)).body).toMatchObject({ title: '同意公开的诉求', description: expect.any(String) });
    const listed = await anonymous(`/cases?month=${month}&limit=100`);
    const titles = new Map(listed.body.items.map((c: { caseNo: string; title: string | null }) => [c.caseNo, c.title]));
    expect(titles.get(shown.caseNo)).toBe('同意公开的诉求');
    expect(titles.get(hidden.caseNo)).toBeNull();
  });

  it('counts this month by street and category, and shows each unit\'s scorecard', async () => {
    const overview = await anonymous(`/overview?month=${month}`);
    expect(overview.status).toBe(200);
    expect(overview.body.byStreet).toEqual(expect.arrayContaining([expect.objectContaining({ id: demo.streets.kaiyuan, name: '开元街道' })]));
    expect(overview.body.byCategory.find((c: { id: string }) => c.id === demo.categories.cableSagging)?.received).toBeGreaterThan(0);
    const cards = await anonymous(`/scorecards?month=${month}`);
    expect(cards.body.units).toEqual(expect.arrayContaining([expect.objectContaining({ unitId: units.mobile, dispatched: expect.any(Number) })]));
  });

  it('answers an unknown number with 404 and a bad month with 400, in Chinese', async () => {
    expect((await anonymous('/cases/19990101000000')).body.error).toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('未找到') });
    const bad = await anonymous('/overview?month=2026-13');
    expect(bad.status).toBe(400);
    expect(bad.body.error.details).toEqual([expect.objectContaining({ field: 'query.month' })]);
  });
});

describe('what the console reads', () => {
  it('GET /me: the role and the place or unit the user works for', async () => {
    expect((await stack.call('GET', '/api/v1/me', { as: u.dispatcherCommunity })).body).toMatchObject({
      role: 'dispatcher',
      jurisdiction: { id: demo.communities.xiaochi, name: '小池社区', level: 'community' },
      unit: null,
    });
    expect((await stack.call('GET', '/api/v1/me', { as: u.liaisonMobile })).body).toMatchObject({ role: 'liaison', unit: { id: units.mobile } });
    expect((await stack.call('GET', '/api/v1/me')).status).toBe(401);
  });

  it('a clerk finds a caller\'s earlier cases by phone, however it is written; others may not search by it', async () => {
    const first = await open({ reporter: { name: '来电人', phone: '13722223333' } });
    const second = await open({ reporter: { name: '来电人', phone: '137-2222-3333' } });
    await open({ reporter: { name: '别人', phone: '13799998888' } });
    const found = await stack.call('GET', '/api/v1/cases?phone=137%202222%203333', { as: u.clerk });
    expect(found.status).toBe(200);
    expect(found.body.items.map((c: { id: string }) => c.id)).toEqual([second.id, first.id]);
    const refused = await stack.call('GET', '/api/v1/cases?phone=13722223333', { as: u.dispatcherCommunity });
    expect(refused.status).toBe(403);
  });
});
