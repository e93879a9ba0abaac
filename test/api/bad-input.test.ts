import { demo } from '../../db/seeds/demo-city';
import { cableIntake as baseIntake } from '../support/fixtures';
import { startTestStack, TestStack } from '../support/stack';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.stop();
});

// Other test files write cases at the same time: count only what bodies marked by this run could have written.
const marker = `坏输入-${Date.now()}`;
const cableIntake = (over: Record<string, unknown> = {}) => baseIntake({ description: `${marker} 线缆下垂`, ...over });

async function countCasesAndWorkflows(): Promise<[number, number]> {
  const rows = await stack.db('cases').where('search_text', 'like', `%${marker}%`).count<{ count: string }[]>('* as count');
  const count = rows[0]?.count ?? '0';
  let workflows = 0;
  for await (const _ of stack.client.workflow.list({ query: `TaskQueue = "${stack.taskQueue}"` })) workflows++;
  return [Number(count), workflows];
}

const post = (body: unknown, extra: { rawBody?: string; headers?: Record<string, string> } = {}) =>
  stack.call('POST', '/api/v1/cases', { as: demo.users.clerk, body: extra.rawBody === undefined ? body : undefined, ...extra });

describe('bad input at intake: a 400 naming the fields, no workflow started, no row written', () => {
  const cases: [string, () => ReturnType<typeof post>, string[]][] = [
    ['malformed JSON', () => post(undefined, { rawBody: '{"title": "漏了括号"' }), []],
    ['an unknown field', () => post(cableIntake({ priority: 'high' })), ['priority']],
    ['a wrong type', () => post(cableIntake({ urgency: 3, location: { communityId: 42, address: 'x' } })), ['urgency', 'location.communityId']],
    ['a missing required field', () => post(cableIntake({ title: undefined, urgency: undefined })), ['title', 'urgency']],
    ['a community that does not exist', () => post(cableIntake({ location: { communityId: '999999999999', address: '无' } })), ['location.communityId']],
    ['a street given as the community', () => post(cableIntake({ location: { communityId: demo.streets.kaiyuan, address: '街道' } })), ['location.communityId']],
    ['a grid of another community', () => post(cableIntake({ location: { communityId: demo.communities.wayao, gridId: demo.grids.xiaochi1, address: 'x' } })), ['location.gridId']],
    ['an unknown category', () => post(cableIntake({ category: 'ufo-sighting' })), ['category']],
    ['a body that is an array', () => post([1, 2, 3]), ['(body)']],
  ];

  it.each(cases)('%s', async (_name, send, fields) => {
    const before = await countCasesAndWorkflows();
    const res = await send();
    expect(res.status).toBe(400);
    expect(res.body.error.code).toMatch(/^(VALIDATION_FAILED|MALFORMED_JSON)$/);
    expect(typeof res.body.error.message).toBe('string');
    const named = res.body.error.details.map((d: { field: string }) => d.field);
    for (const field of fields) expect(named).toContain(field);
    expect(await countCasesAndWorkflows()).toEqual(before);
  });

  it('when there is no token or a wrong one, then 401 in the error format', async () => {
    const none = await stack.call('POST', '/api/v1/cases', { body: cableIntake() });
    const wrong = await stack.call('GET', '/api/v1/cases', { token: 'jsu_not-a-real-token' });
    expect([none.status, wrong.status]).toEqual([401, 401]);
    expect(none.body.error.code).toBe('UNAUTHORIZED');
  });

  it('when a role that may not open cases tries, then 403 and nothing is written', async () => {
    const before = await countCasesAndWorkflows();
    const res = await stack.call('POST', '/api/v1/cases', { as: demo.users.liaisonMobile, body: cableIntake() });
    expect(res.status).toBe(403);
    expect(await countCasesAndWorkflows()).toEqual(before);
  });

  it('when a grid worker reports outside their community, then 403', async () => {
    const res = await stack.call('POST', '/api/v1/cases', {
      as: demo.users.grid,
      body: cableIntake({ location: { communityId: demo.communities.yanyu, address: '岩峪村' } }),
    });
    expect(res.status).toBe(403);
  });

  it('when the body is larger than the limit, then 413', async () => {
    const res = await post(cableIntake({ description: 'x'.repeat(300_000) }));
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('PAYLOAD_TOO_LARGE');
  });
});
