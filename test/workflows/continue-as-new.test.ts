/**
 * A case whose history grows long (overdue at the city, reminded every second) continues as new when the
 * engine suggests it (the test server suggests it at a low event count, see global setup): the case, its
 * timeline and a client's retried update all carry over, and it goes on to its end.
 */
import { demo } from '../../db/seeds/demo-city';
import { getTimeline } from '../../db/queries/cases';
import { reprojectCases } from '../../scripts/reproject';
import { workflowIdForCase } from '../../workflows/messages';
import { arrange } from '../support/arrange';
import { recordHistory } from '../support/histories';
import { eventually } from '../support/eventually';
import { startTestStack, TestStack } from '../support/stack';

const { users: u, units } = demo;
let stack: TestStack;
const { open, act, get, setPolicy, post, withdrawAll } = arrange(() => stack);

beforeAll(async () => {
  stack = await startTestStack({ ownDatabase: true });
});
afterAll(async () => {
  await withdrawAll();
  await stack?.stop();
});

describe('continue-as-new', () => {
  it('carries a long-running case over to a new run: state, timeline, retried updates, and its end', async () => {
    await setPolicy({ triage: 'PT1S', repeatOverdue: 'PT1S' });
    const c = await open();
    const handle = stack.client.workflow.getHandle(workflowIdForCase(c.id));
    const firstRun = (await handle.describe()).runId;
    await eventually(async () => expect((await get(c.id)).tier).toBe('city'));

    // A command before the run ends, with a key; its retry will land on the next run.
    const key = { 'idempotency-key': 'complex-across-runs' };
    const marked = await post(c.id, 'complex', u.dispatcherCity, { reason: '涉及多个部门' }, key);
    expect(marked.status).toBe(200);

    const nextRun = await eventually(async () => {
      const d = await handle.describe();
      expect(d.runId).not.toBe(firstRun);
      return d;
    }, 60_000);
    expect(nextRun.status.name).toBe('RUNNING');

    // The retry is answered, not refused as a second request ("already pending").
    const retried = await post(c.id, 'complex', u.dispatcherCity, { reason: '涉及多个部门' }, key);
    expect(retried.status).toBe(200);
    expect(retried.body.complexMark).toMatchObject({ state: 'pending' });

    // The case goes on in the new run: designated, and the reminders stop.
    await setPolicy();
    const designated = await act(c.id, 'dispatch', u.dispatcherCity, { leadUnitId: units.mobile });
    expect(designated).toMatchObject({ mode: 'designated', status: 'dispatched' });
    const timeline = await getTimeline(stack.db, c.id);
    expect(timeline.map((e) => e.seq)).toEqual(timeline.map((_, i) => i + 1));
    expect(timeline.filter((e) => e.type === 'alert_raised').length).toBeGreaterThan(3);

    // Reproject reads the new run's snapshot, which holds the whole timeline.
    await stack.db('cases').where({ id: c.id }).delete();
    const result = await eventually(async () => {
      const r = await reprojectCases({ client: stack.client, db: stack.db, filter: `CaseNo = "${c.id}"` });
      expect(r.cases).toBe(1);
      return r;
    });
    expect(result.failed).toEqual([]);
    expect((await getTimeline(stack.db, c.id)).length).toBeGreaterThanOrEqual(timeline.length);
    await withdrawAll();
    await handle.result();
    await recordHistory(stack.client, 'continued-as-new-then-withdrawn', c.id);
  }, 90_000);
});
