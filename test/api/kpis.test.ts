/**
 * The measures of DOMAIN.md §6 through `GET /api/v1/kpis`, on a database of this file's own: a handful of
 * cases with known outcomes (seconds-long SLA policies where lateness is needed), then the exact numbers for
 * the total and every grouping, the half-open period, the caller's scope, nulls, and refusals.
 */
import { createProjectionActivities } from '../../activities/projection';
import { getCaseState } from '../../db/queries/cases';
import { demo } from '../../db/seeds/demo-city';
import { eventually } from '../support/eventually';
import { arrange } from '../support/arrange';
import { startTestStack, TestStack } from '../support/stack';
import type { KpiRow } from '../../db/queries/kpis';
import { beijingDay, beijingMidnight } from '../../db/queries/kpi-rollup';

const { users: u, units, categories, streets, communities } = demo;
let stack: TestStack;
const { open, act, get, setPolicy, withdrawAll } = arrange(() => stack);
const evidence = ['https://img.example/after.jpg'];
const sleepUntil = async (instant: string) => {
  const wait = Date.parse(instant) - Date.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
};

let start: string;
const end = () => new Date(Date.now() + 3_600_000).toISOString();
const c: Record<'A' | 'B' | 'C' | 'D' | 'E' | 'F' | 'G', { id: string; dispatchedAt?: string }> = {} as never;

const kpis = (as: string, query: string) => stack.call('GET', `/api/v1/kpis?${query}`, { as });
async function report(as: string, groupBy: string, from = start, to = end()) {
  const res = await kpis(as, `from=${from}&to=${to}&groupBy=${groupBy}`);
  expect(res.status).toBe(200);
  return res.body as { period: { from: string; to: string }; total: Row; groups: Row[] };
}

type Row = KpiRow;

type Rates = [number | null, number | null, number | null, number | null, number | null, number | null, number | null];
const rateFields = ['responseRate', 'onTimeFeedbackRate', 'onTimeCompletionRate', 'firstTimeResolutionRate', 'resolutionRate', 'satisfactionRate', 'escalationRate'] as const;

/** `dispatched`, then the seven rates in API order: null exactly where nothing was counted, else to 9 digits. */
function expectRow(row: Row | undefined, dispatched: number, rates: Rates) {
  expect(row).toBeDefined();
  expect(row!.dispatched).toBe(dispatched);
  rateFields.forEach((field, i) => {
    const want = rates[i] ?? null;
    if (want === null) expect({ field, value: row![field] }).toEqual({ field, value: null });
    else {
      expect({ field, isNumber: typeof row![field] }).toEqual({ field, isNumber: 'number' });
      expect(row![field]).toBeCloseTo(want, 9);
    }
  });
}
const groupOf = (body: { groups: Row[] }, key: string) => body.groups.find((g) => g.key === key);
const empty: Rates = [null, null, null, null, null, null, null];

/**
 * The cases, with what each contributes (lead at the end; assignments answered in time):
 * A 小池 线缆 移动+电信协办, all in time, satisfied at once.
 * B 小池 线缆 移动: answers late, resolves late (climbs twice), reopened, then basically satisfied.
 * C 小池 道路 广电 rejects in time → 电信 accepts; explained-but-unresolved, nobody rates it.
 * D 岩峪村 (东岗镇) 井盖, handled directly, satisfied.
 * E 小池 线缆 移动: extension approved in time, resolved after the original deadline but before the new one.
 * F 小池 线缆 电信: extension refused, resolved late (climbs once).
 * G never dispatched: counts nowhere.
 */
beforeAll(async () => {
  stack = await startTestStack({ ownDatabase: true });
  start = new Date(Date.now() - 1000).toISOString();
  await setPolicy();

  c.G = await open({ title: '未分派的诉求' });

  c.A = await open({ title: 'A 线缆下垂' });
  await act(c.A.id, 'dispatch', u.dispatcherCommunity, { leadUnitId: units.mobile, cooperatingUnitIds: [units.telecom] });
  await act(c.A.id, 'accept', u.liaisonMobile);
  await act(c.A.id, 'accept', u.liaisonTelecom);
  await act(c.A.id, 'progress', u.liaisonMobile, { note: '已联系诉求人' });
  await act(c.A.id, 'resolve', u.liaisonMobile, { summary: '线缆已抬升', evidence });
  await act(c.A.id, 'callback', u.clerk, { rating: 'satisfied' });

  await setPolicy({ callback: 'PT2S' });
  c.C = await open({ title: 'C 路面塌陷', category: categories.roadDamage });
  await act(c.C.id, 'dispatch', u.dispatcherCommunity, { leadUnitId: units.cable });
  await act(c.C.id, 'reject', u.liaisonCable, { reason: '非广电线路，无法处理' });
  await act(c.C.id, 'dispatch', u.dispatcherCommunity, { leadUnitId: units.telecom });
  await act(c.C.id, 'accept', u.liaisonTelecom);
  await act(c.C.id, 'resolve', u.liaisonTelecom, { summary: '产权单位待确认，已向诉求人说明', explainedUnresolved: true });
  await setPolicy();

  c.D = await open({ title: 'D 井盖破损', category: categories.manholeCover, location: { communityId: communities.yanyu, address: '岩峪村村口' } }, u.gridYanyu);
  await act(c.D.id, 'handle-directly', u.gridYanyu, { note: '当场更换井盖' });
  await act(c.D.id, 'resolve', u.gridYanyu, { summary: '井盖已更换', evidence });
  await act(c.D.id, 'callback', u.clerk, { rating: 'satisfied' });

  await setPolicy({ respond: 'PT2S', resolve: 'PT5S' });
  c.B = await open({ title: 'B 线缆下垂' });
  await act(c.B.id, 'dispatch', u.dispatcherCommunity, { leadUnitId: units.mobile });
  await setPolicy();
  await eventually(async () => expect((await get(c.B.id)).tier).toBe('street'));
  await act(c.B.id, 'accept', u.liaisonMobile);
  await eventually(async () => expect((await get(c.B.id)).escalations).toHaveLength(2));
  await act(c.B.id, 'resolve', u.liaisonMobile, { summary: '线缆已抬升', evidence });
  await act(c.B.id, 'callback', u.clerk, { rating: 'unsatisfied' });
  await act(c.B.id, 'resolve', u.liaisonMobile, { summary: '重新整理线缆', evidence });
  await act(c.B.id, 'callback', u.clerk, { rating: 'basically_satisfied' });

  // E's extension must be approved before its deadline passes: E goes first with a deadline that leaves
  // room for the round trips on a loaded 2-core machine, and the test checks that premise.
  await setPolicy({ resolve: 'PT15S' });
  c.E = await open({ title: 'E 线缆下垂' });
  await act(c.E.id, 'dispatch', u.dispatcherCommunity, { leadUnitId: units.mobile });
  await setPolicy({ resolve: 'PT3S' });
  c.F = await open({ title: 'F 线缆下垂' });
  await act(c.F.id, 'dispatch', u.dispatcherCommunity, { leadUnitId: units.telecom });
  await setPolicy();
  const eAccepted = await act(c.E.id, 'accept', u.liaisonMobile);
  await act(c.E.id, 'extension', u.liaisonMobile, { duration: 'P1D', reason: '需协调断路施工' }, 202);
  const approved = await act(c.E.id, 'extension/decision', u.supervisorStreet, { approve: true });
  expect(Date.parse(approved.extension.decidedAt)).toBeLessThan(Date.parse(eAccepted.deadlines.resolveBy));
  expect(Date.parse(approved.deadlines.resolveBy) - Date.parse(eAccepted.deadlines.resolveBy)).toBe(86_400_000);
  await act(c.F.id, 'accept', u.liaisonTelecom);
  await act(c.F.id, 'extension', u.liaisonTelecom, { duration: 'P1D', reason: '需协调断路施工' }, 202);
  await act(c.F.id, 'extension/decision', u.supervisorStreet, { approve: false });
  await eventually(async () => expect((await get(c.F.id)).escalations).toHaveLength(1));
  await sleepUntil(eAccepted.deadlines.resolveBy);
  await act(c.E.id, 'resolve', u.liaisonMobile, { summary: '线缆已抬升', evidence });
  await act(c.F.id, 'resolve', u.liaisonTelecom, { summary: '线缆已抬升', evidence });

  await eventually(async () => expect((await get(c.C.id)).status).toBe('closed'));
  for (const key of Object.keys(c) as (keyof typeof c)[]) c[key].dispatchedAt = (await get(c[key].id)).dispatchedAt;
}, 120_000);

afterAll(async () => {
  await withdrawAll();
  await stack?.stop();
});

describe('the cases behave as the scenario says', () => {
  it('B climbed twice and was reopened, C closed unrated, E stayed at the community, F climbed, G was never dispatched', async () => {
    expect(await get(c.B.id)).toMatchObject({ status: 'closed', reopenCount: 1, tier: 'city' });
    expect(await get(c.C.id)).toMatchObject({ status: 'closed', notRated: true });
    expect(await get(c.E.id)).toMatchObject({ status: 'resolved', tier: 'community', escalations: [] });
    expect((await get(c.F.id)).escalations).toHaveLength(1);
    expect(c.G.dispatchedAt).toBeNull();
  });
});

// Totals over the whole city: 6 cases; 7 assignments, 6 in time (B's was late); 5 dispatched to a unit, of which
// A, C, E fed back and completed on time; 4 closed (A B C D), 3 first time (not B), 3 resolved (not C);
// ratings A 1/1, B 1/2, D 1/1; escalated B and F.
const cityTotal: Rates = [6 / 7, 3 / 5, 3 / 5, 3 / 4, 3 / 4, 3 / 4, 2 / 6];
// 开元街道 (everything but D).
const kaiyuan: Rates = [6 / 7, 3 / 5, 3 / 5, 2 / 3, 2 / 3, 2 / 3, 2 / 5];
const donggang: Rates = [null, null, null, 1, 1, 1, 0];

describe('GET /api/v1/kpis', () => {
  it('by street: the city total, each street, and the streets with nothing counted as nulls', async () => {
    const body = await report(u.supervisorCity, 'street');
    expect(body.total).toMatchObject({ key: 'total', name: '合计' });
    expectRow(body.total, 6, cityTotal);
    expectRow(groupOf(body, streets.kaiyuan), 5, kaiyuan);
    expect(groupOf(body, streets.kaiyuan)!.name).toBe('开元街道');
    expectRow(groupOf(body, streets.donggang), 1, donggang);
    for (const street of [streets.zhenlin, streets.longshan, streets.guiyuan, streets.wulong]) expectRow(groupOf(body, street), 0, empty);
    expect(body.groups).toHaveLength(6);
  });

  it('by community: the case\'s community', async () => {
    const body = await report(u.admin, 'community');
    expectRow(body.total, 6, cityTotal);
    expectRow(groupOf(body, communities.xiaochi), 5, kaiyuan);
    expectRow(groupOf(body, communities.yanyu), 1, donggang);
    expect(groupOf(body, communities.yanyu)!.name).toBe('岩峪村');
    expectRow(groupOf(body, communities.wayao), 0, empty);
  });

  it('by unit: every assignment of the unit for the response rate, the cases it leads at the end for the rest', async () => {
    const body = await report(u.supervisorCity, 'unit');
    expectRow(body.total, 6, cityTotal);
    // 移动 answered A and E in time, B late; leads A, B, E: B late and reopened, A and B closed, B climbed.
    expectRow(groupOf(body, units.mobile), 3, [2 / 3, 2 / 3, 2 / 3, 1 / 2, 1, 2 / 3, 1 / 3]);
    expect(groupOf(body, units.mobile)!.name).toBe('中国移动林州分公司');
    // 电信 cooperated on A and led C and F, all answered in time; of C and F only C was on time; C closed unresolved, unrated.
    expectRow(groupOf(body, units.telecom), 2, [1, 1 / 2, 1 / 2, 1, 0, null, 1 / 2]);
    // 广电 rejected C in time and leads nothing.
    expectRow(groupOf(body, units.cable), 0, [1, null, null, null, null, null, null]);
    expectRow(groupOf(body, units.power), 0, empty);
  });

  it('by tier: the tier each case reached (A, C, D, E stayed at the community; F climbed once; B twice)', async () => {
    const body = await report(u.supervisorCity, 'tier');
    expectRow(body.total, 6, cityTotal);
    expect(body.groups.map((g) => [g.key, g.name, g.dispatched, g.escalationRate])).toEqual([
      ['city', '市接诉即办平台', 1, 1],
      ['community', '社区（村）', 4, 0],
      ['street', '街道（乡镇）', 1, 1],
    ]);
  });

  it('by category: the case\'s category', async () => {
    const body = await report(u.supervisorCity, 'category');
    expectRow(body.total, 6, cityTotal);
    expectRow(groupOf(body, categories.cableSagging), 4, [4 / 5, 2 / 4, 2 / 4, 1 / 2, 1, 2 / 3, 2 / 4]);
    expectRow(groupOf(body, categories.roadDamage), 1, [1, 1, 1, 1, 0, null, 0]);
    expectRow(groupOf(body, categories.manholeCover), 1, [null, null, null, 1, 1, 1, 0]);
    expect(groupOf(body, categories.manholeCover)!.name).toBe('井盖破损');
    expectRow(groupOf(body, categories.noise), 0, empty);
    // The catalogue's groups hold no cases of their own.
    expect(groupOf(body, 'municipal')).toBeUndefined();
  });

  it('cuts the period half-open on the first dispatch (or direct handling) instant', async () => {
    const a = c.A.dispatchedAt!;
    const justAfter = new Date(Date.parse(a) + 1).toISOString();
    expect((await report(u.admin, 'street', a, justAfter)).total.dispatched).toBe(1);
    expect((await report(u.admin, 'street', start, a)).total.dispatched).toBe(0);
    expect((await report(u.admin, 'street', justAfter, end())).total.dispatched).toBe(5);
    const d = c.D.dispatchedAt!;
    const onlyD = await report(u.admin, 'street', d, new Date(Date.parse(d) + 1).toISOString());
    expectRow(onlyD.total, 1, donggang);
    expect(onlyD.period).toEqual({ from: d, to: new Date(Date.parse(d) + 1).toISOString() });
  });

  it('when nothing was dispatched in the period, then every rate is null, never 0 or 1', async () => {
    const body = await report(u.supervisorCity, 'unit', '2030-01-01T00:00:00Z', '2030-02-01T00:00:00Z');
    expectRow(body.total, 0, empty);
    for (const g of body.groups) expectRow(g, 0, empty);
  });

  it('keeps a street supervisor to their street', async () => {
    const byStreet = await report(u.supervisorStreet, 'street');
    expectRow(byStreet.total, 5, kaiyuan);
    expect(byStreet.groups.map((g) => g.key)).toEqual([streets.kaiyuan]);
    const byCommunity = await report(u.supervisorStreet, 'community');
    expect(byCommunity.groups.map((g) => g.key).sort()).toEqual([communities.xiaochi, communities.wayao].sort());
    const byCategory = await report(u.supervisorStreet, 'category');
    expectRow(groupOf(byCategory, categories.manholeCover), 0, empty);
    const byUnit = await report(u.supervisorStreet, 'unit');
    expectRow(byUnit.total, 5, kaiyuan);
  });

  it('reads whole Beijing days from the rollup and agrees with the count of the same cases', async () => {
    // The day before the first case to the day after now: whole days, so the rollup answers all but nothing.
    const firstDay = beijingMidnight(beijingDay(new Date(Date.parse(start) - 86_400_000)));
    const endDay = beijingMidnight(beijingDay(new Date(Date.now() + 2 * 86_400_000)));
    for (const groupBy of ['unit', 'street', 'community', 'category', 'tier']) {
      const days = await report(u.supervisorCity, groupBy, firstDay.toISOString(), endDay.toISOString());
      const exact = await report(u.supervisorCity, groupBy);
      expect({ groupBy, total: days.total, groups: days.groups }).toEqual({ groupBy, total: exact.total, groups: exact.groups });
    }
  });

  it('answers 400 for a bad query, naming the field', async () => {
    const from = '2026-01-01T00:00:00Z';
    const to = '2026-02-01T00:00:00Z';
    const bad = async (query: string, field: string) => {
      const res = await kpis(u.supervisorCity, query);
      expect({ query, status: res.status, code: res.body.error?.code }).toEqual({ query, status: 400, code: 'VALIDATION_FAILED' });
      expect(res.body.error.details.map((d: { field: string }) => d.field)).toContain(field);
    };
    await bad(`to=${to}&groupBy=unit`, 'query.from');
    await bad(`from=${from}&groupBy=unit`, 'query.to');
    await bad(`from=${from}&to=${to}`, 'query.groupBy');
    await bad(`from=${from}&to=${to}&groupBy=grid`, 'query.groupBy');
    await bad(`from=${to}&to=${from}&groupBy=unit`, 'query.to');
    await bad(`from=${from}&to=${from}&groupBy=unit`, 'query.to');
    await bad(`from=yesterday&to=${to}&groupBy=unit`, 'query.from');
    await bad(`from=0000-01-01T00:00:00Z&to=${to}&groupBy=unit`, 'query.from');
    await bad(`from=${from}&to=${to}&groupBy=unit&unitId=${units.mobile}`, 'query.unitId');
    await bad(`from=${from}&from=${from}&to=${to}&groupBy=unit`, 'query.from');
  });

  it('answers 403 to a liaison, a dispatcher and a clerk, and 401 without a token', async () => {
    const query = `from=${start}&to=${end()}&groupBy=unit`;
    for (const who of [u.liaisonMobile, u.dispatcherCity, u.clerk]) {
      const res = await kpis(who, query);
      expect({ who, status: res.status, code: res.body.error?.code }).toEqual({ who, status: 403, code: 'FORBIDDEN' });
    }
    expect((await stack.call('GET', `/api/v1/kpis?${query}`)).status).toBe(401);
  });

  it('when a row was projected before its facts existed, then projecting the same version again fills them in, once', async () => {
    const facts = () => stack.db('cases').select('kpi_facts', 'first_time', 'closed_case').where({ id: c.A.id }).first();
    const assignments = () => stack.db('case_assignment_facts').where({ case_id: c.A.id }).orderBy('seq');
    await stack.db('cases').where({ id: c.A.id }).update({ kpi_facts: false, first_time: false, closed_case: false });
    await stack.db('case_assignment_facts').where({ case_id: c.A.id }).delete();
    const state = (await getCaseState(stack.db, c.A.id))!;
    await createProjectionActivities(stack.db).projectCase({ state, events: [] });
    expect(await facts()).toEqual({ kpi_facts: true, first_time: true, closed_case: true });
    expect((await assignments()).map((r) => [r.unit_id, r.role, r.responded_in_time])).toEqual([
      [units.mobile, 'lead', true],
      [units.telecom, 'cooperating', true],
    ]);
    // With the facts there, the version guard is back to refusing the same version.
    await stack.db('cases').where({ id: c.A.id }).update({ first_time: false });
    await createProjectionActivities(stack.db).projectCase({ state, events: [] });
    expect((await facts()).first_time).toBe(false);
    await stack.db('cases').where({ id: c.A.id }).update({ first_time: true });
  });
});
