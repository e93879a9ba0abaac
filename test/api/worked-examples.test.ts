/**
 * DOMAIN.md §8: the cases the source articles tell, each played through the HTTP API to the end the
 * article describes (the calls are in test/support/worked-examples.ts, shared with bench/history-size.ts).
 */
import { demo } from '../../db/seeds/demo-city';
import { startTestStack, TestStack } from '../support/stack';
import { prepareWorkedExamples, WorkedExamples } from '../support/worked-examples';

const { units } = demo;
let stack: TestStack;
let examples: WorkedExamples;

beforeAll(async () => {
  stack = await startTestStack();
  // The admin bootstraps the people the demo seed does not have, as a city's admin would.
  examples = await prepareWorkedExamples({ baseUrl: stack.baseUrl, tokenFor: stack.tokenFor });
});
afterAll(async () => {
  await stack?.stop();
});

describe('the worked examples of DOMAIN.md §8', () => {
  it('林州 岩峪村: sagging cables of 4 operators go village → town → city, which designates 移动 to lead with 电信, 广电, 联通', async () => {
    const { designated, closed } = await examples.yanyu();
    expect(designated).toMatchObject({ tier: 'city', mode: 'designated' });
    expect(closed).toMatchObject({ status: 'closed', mode: 'designated', tier: 'city' });
    expect(closed.escalations.map((e: any) => e.cause)).toEqual(['manual', 'manual']);
    expect(closed.assignments.find((a: any) => a.role === 'lead').unitId).toBe(units.mobile);
  });

  it('林州 瓦窑社区: a pavement collapse; 豫广网络 is found responsible and agrees the repair with the community on site (商定办)', async () => {
    const { agreed, closed } = await examples.wayao();
    expect(agreed).toMatchObject({ mode: 'negotiated', status: 'in_progress' });
    expect(closed).toMatchObject({ status: 'closed', mode: 'negotiated', reopenCount: 0 });
  });

  it('林州 龙山社区: a leaking wall from a blocked shared drain; 28 households agree to share the cost at a meeting, fixed in 2 days', async () => {
    const { agreed, closed } = await examples.longshan();
    expect(agreed.agreement.costSharing).toContain('28户');
    expect(closed.status).toBe('closed');
  });

  it('义马: a dangerous utility pole reported in the mini-program involves 6 units and is removed jointly', async () => {
    const { closed } = await examples.yima();
    expect(closed.assignments).toHaveLength(6);
    expect(closed.assignments.every((a: any) => a.state === 'accepted')).toBe(true);
  });

  it('中原区: a dark path from a blocked street lamp (city app) and a cold radiator (7×24 utility class) each go to their unit', async () => {
    const { lampClosed, heating, heatingDispatched: dispatched } = await examples.zhongyuan();
    expect(lampClosed.status).toBe('closed');
    expect(heating.slaClass).toBe('utility');
    // Utility cases run round the clock: a 2-hour respond deadline in elapsed time.
    expect(Date.parse(dispatched.deadlines.respondBy) - Date.parse(dispatched.dispatchedAt)).toBe(2 * 3600_000);
  });

  it('渑池: a truck driver’s short video about potholes on national road 310 becomes a tracked case', async () => {
    const { closed } = await examples.mianchi();
    expect(closed).toMatchObject({ channel: 'socialMedia', status: 'closed', rating: 'satisfied' });
    expect(closed.reporter.name).toBe('张金宝'); // the clerk sees whom to call back
  });
});
