import { getCaseState, getTimeline } from '../../db/queries/cases';
import { demo } from '../../db/seeds/demo-city';
import { reprojectCases } from '../../scripts/reproject';
import { cableIntake } from '../support/fixtures';
import { startTestStack, TestStack } from '../support/stack';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.stop();
});

describe('rebuilding the read model from the workflows', () => {
  it('when case rows are lost, then reproject writes them back as the workflows know them, running or closed', async () => {
    const open = async () => (await stack.call('POST', '/api/v1/cases', { as: demo.users.clerk, body: cableIntake({ title: '重建测试' }) })).body;
    const running = await open();
    await stack.call('POST', `/api/v1/cases/${running.id}/dispatch`, { as: demo.users.dispatcherCommunity, body: { leadUnitId: demo.units.mobile } });
    const closed = await open();
    await stack.call('POST', `/api/v1/cases/${closed.id}/withdraw`, { as: demo.users.clerk, body: { reason: '诉求人撤回' } });
    const before = await Promise.all([running.id, closed.id].map(async (id) => [await getCaseState(stack.db, id), await getTimeline(stack.db, id)]));

    await stack.db('cases').whereIn('id', [running.id, closed.id]).delete(); // events and alerts go with them (cascade)
    expect(await getCaseState(stack.db, running.id)).toBeNull();

    // Visibility is eventually consistent: wait until both runs are listed before rebuilding.
    const filter = `TaskQueue = "${stack.taskQueue}" AND CaseNo IN ("${running.id}", "${closed.id}")`;
    let result = await reprojectCases({ client: stack.client, db: stack.db, filter });
    for (let i = 0; i < 20 && result.cases < 2; i++) {
      await new Promise((r) => setTimeout(r, 250));
      result = await reprojectCases({ client: stack.client, db: stack.db, filter });
    }
    expect(result).toEqual({ cases: 2, highestCaseNo: expect.any(Number), failed: [] });
    const after = await Promise.all([running.id, closed.id].map(async (id) => [await getCaseState(stack.db, id), await getTimeline(stack.db, id)]));
    expect(after).toEqual(before);
  });
});
