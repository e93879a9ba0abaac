/**
 * Lists for people at work (issue 12, item 3): every filter, due soonest as well as newest, keyset pages that
 * stay stable while cases are opened, and search that finds two-character Chinese words.
 */
import { demo } from '../../db/seeds/demo-city';
import { arrange } from '../support/arrange';
import { startTestStack, TestStack } from '../support/stack';

const { users: u, units } = demo;
let stack: TestStack;
const { open, act, setPolicy, withdrawAll } = arrange(() => stack);

beforeAll(async () => {
  stack = await startTestStack({ ownDatabase: true });
});
afterAll(async () => {
  await withdrawAll();
  await stack?.stop();
});

const arrived: string[] = [];

const list = async (query: string, as: string = u.supervisorCity) => {
  const res = await stack.call('GET', `/api/v1/cases?${query}`, { as });
  if (res.status !== 200) throw new Error(`${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { items: { id: string; title: string; deadlines: Record<string, string | null> }[]; nextCursor: string | null };
};

/** Every page, two by two; after the first page a matching case arrives that sorts before the cursor. */
async function allPages(query: string): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  do {
    const page = await list(`${query}&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
    ids.push(...page.items.map((c) => c.id));
    cursor = page.nextCursor;
    // A matching case opened while paging (newer, and due sooner) must not shift what comes next.
    if (cursor && ids.length === 2) {
      await setPolicy({ triage: 'PT60S' });
      arrived.push((await open({ title: '排序：翻页期间新来的' })).id);
      await setPolicy();
    }
  } while (cursor);
  return ids;
}

describe('case lists', () => {
  it('sorts by the nearest running deadline, and pages by keyset without repeats or gaps while cases arrive', async () => {
    await setPolicy({ triage: 'PT600S' });
    const slow = await open({ title: '排序：十分钟' });
    await setPolicy({ triage: 'PT300S' });
    const soon = await open({ title: '排序：五分钟' });
    await setPolicy({ triage: 'PT900S' });
    const late = await open({ title: '排序：十五分钟' });
    await setPolicy();
    const ordered = await allPages('sort=due&q=排序');
    expect(ordered).toEqual([soon.id, slow.id, late.id]);
    const newest = await allPages('sort=newest&q=排序');
    expect(newest).toEqual([arrived[0], late.id, soon.id, slow.id]); // the first arrival is newest; the second came after page one
    expect((await list('sort=due&q=排序&limit=10')).items.slice(0, 2).map((c) => c.id).sort()).toEqual([...arrived].sort());
  });

  it('finds two-character Chinese words in the title, description or address, and nothing that lacks them', async () => {
    const manhole = await open({ title: '小区门口窨井盖缺失', description: '晚上看不清，很危险', category: demo.categories.manholeCover });
    const lamp = await open({ title: '路灯不亮', location: { communityId: demo.communities.xiaochi, address: '和谐路东段井冈巷' } });
    expect((await list('q=井盖')).items.map((c) => c.id)).toEqual([manhole.id]);
    expect((await list('q=危险')).items.map((c) => c.id)).toContain(manhole.id);
    expect((await list('q=井冈巷')).items.map((c) => c.id)).toEqual([lamp.id]); // the address
    expect((await list('q=井')).items.map((c) => c.id)).toEqual(expect.arrayContaining([manhole.id, lamp.id])); // one character: a scan
    expect((await list('q=盖井')).items).toEqual([]);
  });

  it('filters by channel, request type, urgency, unit, category and the created and dispatched periods', async () => {
    const since = new Date().toISOString();
    const a = await open({ title: '筛选A', channel: 'app', requestType: 'complaint', urgency: 'urgent' });
    const b = await open({ title: '筛选B', channel: 'hotline', requestType: 'help' });
    await act(b.id, 'dispatch', u.dispatcherCommunity, { leadUnitId: units.telecom });
    const ids = async (q: string) => (await list(`q=筛选&${q}`)).items.map((c) => c.id);
    expect(await ids('channel=app')).toEqual([a.id]);
    expect(await ids('requestType=help')).toEqual([b.id]);
    expect(await ids('urgency=urgent')).toEqual([a.id]);
    expect(await ids(`unitId=${units.telecom}`)).toEqual([b.id]);
    expect(await ids(`createdFrom=${since}`)).toEqual([b.id, a.id]);
    expect(await ids(`dispatchedFrom=${since}`)).toEqual([b.id]);
    expect(await ids(`createdTo=${since}`)).toEqual([]);
    await act(b.id, 'accept', u.liaisonTelecom);
    await act(b.id, 'extension', u.liaisonTelecom, { duration: 'P2D', reason: '需协调施工队' });
    expect(await ids('awaiting=approval')).toEqual([b.id]);
    await act(b.id, 'extension/decision', u.supervisorStreet, { approve: true });
    expect(await ids('awaiting=approval')).toEqual([]);
    const bad = await stack.call('GET', '/api/v1/cases?channel=fax', { as: u.supervisorCity });
    expect(bad.status).toBe(400);
    const wrongSort = await stack.call('GET', `/api/v1/cases?sort=due&cursor=${(await list('q=筛选&limit=1')).nextCursor}`, { as: u.supervisorCity });
    expect(wrongSort.status).toBe(400); // a newest-first cursor does not continue a due-soonest list
  });
});
