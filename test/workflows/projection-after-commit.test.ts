/**
 * A case's rows are written only for what the engine has committed (found by the chaos drill): a projection that
 * runs before its task is committed leaves rows for a command the case never took, or for a deadline the re-run
 * task records at another instant, when the worker or the server dies in between. Checked where it happens: each
 * projection looks, as it runs, for its own schedule in the case's committed history (and a dispatch for the
 * command's acceptance), at intake, for a command and for a deadline that passed.
 */
import { randomUUID } from 'node:crypto';
import { temporal } from '@temporalio/proto';
import { NativeConnection, Worker } from '@temporalio/worker';
import { createActivities } from '../../activities';
import type { ProjectCaseInput } from '../../activities/projection';
import { dataConverterFor, parsePayloadKeys } from '../../config/payload-codec';
import { getCaseState } from '../../db/queries/cases';
import { putSlaPolicy } from '../../db/queries/sla-policies';
import { demo } from '../../db/seeds/demo-city';
import { defaultOfficeHoursText, parseOfficeHours } from '../../workflows/domain/calendar/deadline-arithmetic';
import type { Actor } from '../../workflows/domain';
import { workflowIdForCase } from '../../workflows/messages';
import { slowPolicy } from '../support/arrange';
import { eventually } from '../support/eventually';
import { workflowIntake } from '../support/fixtures';
import { recordHistory } from '../support/histories';
import { ownGateway, requireEnv, startTestStack, type TestStack } from '../support/stack';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.stop();
});

const dispatcher: Actor = {
  userId: 'id-dispatcher-community',
  username: 'dispatcher-community',
  displayName: '社区派单员',
  role: 'dispatcher',
  jurisdictionId: demo.communities.xiaochi,
  jurisdictionPath: `/${demo.cityId}/${demo.streets.kaiyuan}/${demo.communities.xiaochi}/`,
};
const clerk: Actor = { userId: 'id-clerk', username: 'clerk', displayName: '受理员', role: 'clerk', jurisdictionId: demo.cityId, jurisdictionPath: `/${demo.cityId}/` };

const { EventType } = temporal.api.enums.v1;

it('projects the intake, a command and a missed deadline only once each is in the committed history', async () => {
  const taskQueue = `commit-${randomUUID()}`;
  const updateId = `dispatch:${dispatcher.userId}:${randomUUID()}`;
  /** Per projection: how many projections of its case ran, and how many the committed history had scheduled. */
  const seen: { caseId: string; types: string[]; call: number; scheduled: number; dispatchAccepted: boolean }[] = [];
  const calls = new Map<string, number>();
  const real = createActivities({ db: stack.db, officeHours: parseOfficeHours(defaultOfficeHoursText) });

  const connection = await NativeConnection.connect({ address: requireEnv('TEMPORAL_ADDRESS') });
  const worker = await Worker.create({
    connection,
    namespace: process.env.TEMPORAL_NAMESPACE ?? 'default',
    taskQueue,
    workflowBundle: { codePath: requireEnv('JIESU_WORKFLOW_BUNDLE') },
    dataConverter: dataConverterFor(parsePayloadKeys(requireEnv('PAYLOAD_KEYS'))),
    activities: {
      ...real,
      async projectCase(input: ProjectCaseInput) {
        const caseId = input.state.id;
        const call = (calls.get(caseId) ?? 0) + 1;
        calls.set(caseId, call);
        const events = (await stack.client.workflow.getHandle(workflowIdForCase(caseId)).fetchHistory()).events ?? [];
        seen.push({
          caseId,
          types: input.events.map((e) => e.type),
          call,
          scheduled: events.filter((e) => e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED && e.activityTaskScheduledEventAttributes?.activityType?.name === 'projectCase').length,
          dispatchAccepted: events.some(
            (e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED && e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.meta?.updateId === updateId,
          ),
        });
        await real.projectCase(input);
      },
    },
  });

  await worker.runUntil(async () => {
    const { gateway, close } = ownGateway(stack, { taskQueue });
    const intake = await workflowIntake(stack.db, { title: '提交后才投影：线缆下垂', channel: 'hotline' });
    const id = intake.id;
    await gateway.open({ intake, openedBy: clerk }, 'fresh');
    const key = updateId.split(':').pop()!;
    await gateway.command(id, 'dispatch', { actor: dispatcher, command: { leadUnitId: demo.units.mobile, cooperatingUnitIds: [] } }, key);
    // The caller is answered after the rows are written, as before.
    expect((await getCaseState(stack.db, id))?.status).toBe('dispatched');
    // To the end, so that the recorded history (RECORD_HISTORIES=1) holds every kind of projection.
    const liaison: Actor = { userId: 'id-liaison-mobile', username: 'liaison-mobile', displayName: '移动联络员', role: 'liaison', unitId: demo.units.mobile };
    await gateway.command(id, 'accept', { actor: liaison, command: {} });
    await gateway.command(id, 'resolve', { actor: liaison, command: { summary: '已整改', evidence: [], explainedUnresolved: false } });
    await gateway.command(id, 'callback', { actor: clerk, command: { rating: 'satisfied' } });
    expect((await getCaseState(stack.db, id))?.status).toBe('closed');
    await stack.client.workflow.getHandle(workflowIdForCase(id)).result();
    await recordHistory(stack.client, 'projected-after-commit', id);

    // A deadline that passes with nobody acting: the case climbs, projected by the timer's own task.
    await putSlaPolicy(stack.db, 'general', { ...slowPolicy, triage: 'PT2S' } as never, null);
    const late = await workflowIntake(stack.db, { title: '提交后才投影：无人分派' });
    await gateway.open({ intake: late, openedBy: clerk }, 'fresh').finally(() => putSlaPolicy(stack.db, 'general', slowPolicy as never, null));
    await eventually(async () => expect((await getCaseState(stack.db, late.id))?.tier).toBe('street'));
    await gateway.command(late.id, 'withdraw', { actor: clerk, command: { reason: '测试结束，撤回' } });
    close();
  });
  await connection.close();

  // Every projection ran on a schedule the engine had already committed, the dispatch after its acceptance.
  expect(seen.filter((p) => p.scheduled < p.call)).toEqual([]);
  expect(seen.filter((p) => p.types.includes('dispatched')).map((p) => p.dispatchAccepted)).toEqual([true]);
  expect(seen.some((p) => p.types.includes('escalated'))).toBe(true);
  expect(seen.filter((p) => p.call === 1)).toHaveLength(2);
});
