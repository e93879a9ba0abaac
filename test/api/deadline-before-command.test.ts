/**
 * A command that reaches the case after a deadline passed must not stop the missed clock as if it were met
 * (found by the chaos drill): the engine can hand the workflow the timer and the command in one task, and
 * runs the command's handler first. Forced here by sending the command while no worker runs, after the
 * deadline: the next worker gets both at once.
 */
import { caseUpdates, workflowIdForCase } from '../../workflows/messages';
import { Client, Connection } from '@temporalio/client';
import { dataConverterFor, parsePayloadKeys } from '../../config/payload-codec';
import { getUserByUsername } from '../../db/queries/users';
import { demo } from '../../db/seeds/demo-city';
import { arrange } from '../support/arrange';
import { eventually } from '../support/eventually';
import { requireEnv, startTestStack, type TestStack } from '../support/stack';

let stack: TestStack;
const { open, act, get, setPolicy, withdrawAll } = arrange(() => stack);
const { users: u, units } = demo;

beforeAll(async () => {
  stack = await startTestStack({ ownDatabase: true });
});
afterAll(async () => {
  await withdrawAll().catch(() => undefined);
  await stack?.stop();
});

it('counts the missed respond deadline before the late acceptance, and escalates', async () => {
  await setPolicy({ respond: 'PT3S' });
  const c = await open({ title: '期限与指令同到' });
  const dispatched = await act(c.id, 'dispatch', u.dispatcherCommunity, { leadUnitId: units.mobile });
  const due = Date.parse(dispatched.deadlines.respondBy);
  await setPolicy();

  // The worker goes away; the deadline passes; the liaison's acceptance arrives while nobody runs the case.
  const { databaseUrl, taskQueue } = stack;
  const liaison = (await getUserByUsername(stack.db, u.liaisonMobile))!;
  await stack.stop({ keepDatabase: true });
  await new Promise((r) => setTimeout(r, Math.max(0, due - Date.now()) + 1_000));
  const connection = await Connection.connect({ address: requireEnv('TEMPORAL_ADDRESS') });
  const client = new Client({ connection, namespace: process.env.TEMPORAL_NAMESPACE ?? 'default', dataConverter: dataConverterFor(parsePayloadKeys(requireEnv('PAYLOAD_KEYS'))) });
  const actor = { userId: liaison.id, username: liaison.username, displayName: liaison.displayName, role: 'liaison' as const, unitId: units.mobile };
  const accepting = client.workflow
    .getHandle(workflowIdForCase(c.id))
    .executeUpdate(caseUpdates.accept, { args: [{ actor, command: {} as never }], updateId: `accept:late:${c.id}` })
    .then(() => 'accepted', (err: Error) => `refused: ${err.message}`);
  // Sent before any worker polls again: the next worker's first task carries the fired timer and the update.
  await new Promise((r) => setTimeout(r, 1_000));
  stack = await startTestStack({ databaseUrl, taskQueue, ownDatabase: true });
  await accepting;
  await connection.close();

  // The clock was missed (not met by the acceptance) and the case climbed to the street, alerted once.
  await eventually(async () => {
    const view = await get(c.id);
    expect(view.tier).toBe('street');
  });
  const respond = (await stack.db('cases').where({ id: c.id }).first('doc')).doc.clocks.filter((k: { kind: string }) => k.kind === 'respond');
  expect(respond[0].missedAt).not.toBeNull();
  const alerts = await stack.db('alerts').where({ case_id: c.id, type: 'escalated' });
  expect(alerts).toHaveLength(1);
});
