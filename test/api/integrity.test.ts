/**
 * Integrity through the API (issue 9): merges that would lose a report, idempotency keys reused with another
 * body, district staff in their own district, the street's right to re-dispatch, reference data for all.
 * Each of these answered wrongly before its fix.
 */
import { childPath } from '../../db/queries/jurisdictions';
import { createUser } from '../../db/queries/users';
import { demo } from '../../db/seeds/demo-city';
import { arrange } from '../support/arrange';
import { startTestStack, TestStack } from '../support/stack';

const { users: u, units } = demo;
let stack: TestStack;
const { open, act, post, withdrawAll } = arrange(() => stack);

/** A district (区) between the city and a street of its own, with a community, as a city with districts has. */
const district = { id: '410581900', street: '410581900001', community: '410581900001001' };
const districtUsers = { supervisor: 'supervisor-district', dispatcher: 'dispatcher-district', dispatcherCommunity: 'dispatcher-district-community' };

beforeAll(async () => {
  stack = await startTestStack({ ownDatabase: true });
  const cityPath = childPath(null, demo.cityId);
  const districtPath = childPath(cityPath, district.id);
  const streetPath = childPath(districtPath, district.street);
  await stack.db('jurisdictions').insert([
    { id: district.id, name: '演示区', level: 'district', parent_id: demo.cityId, path: districtPath },
    { id: district.street, name: '演示区街道', level: 'street', parent_id: district.id, path: streetPath },
    { id: district.community, name: '演示区社区', level: 'community', parent_id: district.street, path: childPath(streetPath, district.community) },
  ]);
  await createUser(stack.db, { username: districtUsers.supervisor, displayName: '演示区督办员', role: 'supervisor', jurisdictionId: district.id });
  await createUser(stack.db, { username: districtUsers.dispatcher, displayName: '演示区调度员', role: 'dispatcher', jurisdictionId: district.id });
  await createUser(stack.db, { username: districtUsers.dispatcherCommunity, displayName: '演示区社区调度员', role: 'dispatcher', jurisdictionId: district.community });
});
afterAll(async () => {
  await withdrawAll();
  await stack?.stop();
});

describe('merging a repeat report (并单)', () => {
  it('refuses a primary that already ended with 409, and keeps the repeat report open', async () => {
    const primary = await open({ title: '主案件（已撤回）' });
    await act(primary.id, 'withdraw', u.clerk, { reason: '诉求人撤回' });
    const repeat = await open({ title: '重复诉求' });
    const res = await post(repeat.id, 'merge', u.dispatcherCommunity, { intoCaseId: primary.id });
    expect(res.status).toBe(409);
    expect(res.body.error.message).toContain('不能并入');
    expect((await stack.call('GET', `/api/v1/cases/${repeat.id}`, { as: u.clerk })).body.status).toBe('triage');
  });

  it('refuses a primary outside the dispatcher\'s area with 404, as if it did not exist', async () => {
    const elsewhere = await open({ title: '岩峪村的案件', location: { communityId: demo.communities.yanyu, address: '东岗镇岩峪村' } });
    const repeat = await open({ title: '重复诉求' });
    const res = await post(repeat.id, 'merge', u.dispatcherCommunity, { intoCaseId: elsewhere.id });
    expect(res.status).toBe(404);
    expect(res.body.error.details).toEqual([expect.objectContaining({ field: 'intoCaseId' })]);
    expect((await stack.call('GET', `/api/v1/cases/${repeat.id}`, { as: u.clerk })).body.status).toBe('triage');
  });

  it('merges into an open primary in the area', async () => {
    const primary = await open({ title: '主案件' });
    const repeat = await open({ title: '重复诉求' });
    expect((await post(repeat.id, 'merge', u.dispatcherCommunity, { intoCaseId: primary.id })).body.status).toBe('merged');
  });
});

describe('an Idempotency-Key used again', () => {
  it('with another body on a case command is a 409, never the first answer replayed', async () => {
    const c = await open();
    await act(c.id, 'dispatch', u.dispatcherCommunity, { leadUnitId: units.mobile });
    const key = { 'idempotency-key': 'accept-once' };
    expect((await post(c.id, 'accept', u.liaisonMobile, { note: '已联系诉求人' }, key)).status).toBe(200);
    expect((await post(c.id, 'accept', u.liaisonMobile, { note: '已联系诉求人' }, key)).status).toBe(200);
    const other = await post(c.id, 'progress', u.liaisonMobile, { note: '另一件事' }, key);
    expect(other.status).toBe(409);
    expect(other.body.error.code).toBe('IDEMPOTENCY_CONFLICT');
    const otherBody = await post(c.id, 'accept', u.liaisonMobile, { note: '不同的内容' }, key);
    expect(otherBody.status).toBe(409);
  });

  it('a retried command that ended the case answers with the case as it ended', async () => {
    const c = await open();
    const key = { 'idempotency-key': 'withdraw-once' };
    expect((await post(c.id, 'withdraw', u.clerk, { reason: '诉求人撤回' }, key)).body.status).toBe('withdrawn');
    const again = await post(c.id, 'withdraw', u.clerk, { reason: '诉求人撤回' }, key);
    expect(again.status).toBe(200);
    expect(again.body.status).toBe('withdrawn');
    expect((await post(c.id, 'withdraw', u.clerk, { reason: '诉求人撤回' })).status).toBe(409); // without the key: refused
  });

  it('on POST /users: a retry returns the same user with a working token, the lost one revoked; another body is a 409', async () => {
    const body = { username: 'idem-user', displayName: '幂等测试用户', role: 'clerk', jurisdictionId: demo.cityId };
    const key = { 'idempotency-key': 'create-idem-user' };
    const first = await stack.call('POST', '/api/v1/users', { as: u.admin, body, headers: key });
    expect(first.status).toBe(201);
    const retry = await stack.call('POST', '/api/v1/users', { as: u.admin, body, headers: key });
    expect(retry.status).toBe(201);
    expect(retry.body.user.id).toBe(first.body.user.id);
    expect((await stack.call('GET', '/api/v1/categories', { token: retry.body.token })).status).toBe(200);
    expect((await stack.call('GET', '/api/v1/categories', { token: first.body.token })).status).toBe(401);
    const other = await stack.call('POST', '/api/v1/users', { as: u.admin, body: { ...body, displayName: '另一个' }, headers: key });
    expect(other.status).toBe(409);
    expect(other.body.error.code).toBe('IDEMPOTENCY_CONFLICT');
  });
});

describe('district staff (区)', () => {
  const inDistrict = () => open({ title: '演示区的案件', location: { communityId: district.community, address: '演示区社区' } });

  it('a district supervisor approves extensions and the complex mark of cases in the district', async () => {
    const c = await inDistrict();
    await act(c.id, 'dispatch', districtUsers.dispatcherCommunity, { leadUnitId: units.mobile });
    await act(c.id, 'accept', u.liaisonMobile);
    await act(c.id, 'extension', u.liaisonMobile, { duration: 'P2D', reason: '需协调施工' });
    expect((await post(c.id, 'extension/decision', districtUsers.supervisor, { approve: true })).status).toBe(200);

    const d = await inDistrict();
    await act(d.id, 'complex', districtUsers.dispatcherCommunity, { reason: '涉及多个部门' });
    expect((await post(d.id, 'complex/decision', districtUsers.supervisor, { approve: false })).status).toBe(200);
  });

  it('a district dispatcher escalates and merges cases in the district', async () => {
    const c = await inDistrict();
    expect((await post(c.id, 'escalate', districtUsers.dispatcher, { reason: '区级吹哨' })).body.tier).toBe('street');
    const primary = await inDistrict();
    const repeat = await inDistrict();
    expect((await post(repeat.id, 'merge', districtUsers.dispatcher, { intoCaseId: primary.id })).status).toBe(200);
  });

  it('district staff cannot act on another district\'s cases', async () => {
    const c = await open();
    expect((await post(c.id, 'escalate', districtUsers.dispatcher, { reason: '区级吹哨' })).status).toBe(403);
  });
});

describe('a rejection at the street (改派)', () => {
  it('the first lead rejection goes back to the street dispatcher; a second one there is a dispute for the city', async () => {
    const c = await open();
    await act(c.id, 'escalate', u.dispatcherCommunity, { reason: '社区无法协调' });
    await act(c.id, 'dispatch', u.dispatcherStreet, { leadUnitId: units.mobile });
    const back = await act(c.id, 'reject', u.liaisonMobile, { reason: '产权不属于本公司' });
    expect(back).toMatchObject({ status: 'triage', tier: 'street' });
    await act(c.id, 'dispatch', u.dispatcherStreet, { leadUnitId: units.telecom });
    const dispute = await act(c.id, 'reject', u.liaisonTelecom, { reason: '产权不属于本公司' });
    expect(dispute).toMatchObject({ status: 'triage', tier: 'city' });
  });
});

describe('reference data', () => {
  it.each([u.clerk, u.liaisonMobile, u.grid])('SLA policies are read by everyone (%s)', async (who) => {
    expect((await stack.call('GET', '/api/v1/sla-policies', { as: who })).status).toBe(200);
    expect((await stack.call('GET', '/api/v1/sla-policies/general', { as: who })).status).toBe(200);
  });
});
