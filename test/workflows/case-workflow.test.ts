/**
 * The case workflow on a real Temporal dev server, driven through its Updates (no HTTP), with the real
 * projection into PostgreSQL. With RECORD_HISTORIES=1 each path's history is saved as a replay fixture.
 */
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { CaseGateway } from '../../api/case-gateway';
import { demo } from '../../db/seeds/demo-city';
import type { Actor, CaseIntake } from '../../workflows/domain';
import { workflowIdForCase } from '../../workflows/messages';
import { getCaseState, getTimeline } from '../../db/queries/cases';
import { workflowIntake } from '../support/fixtures';
import { recordHistory } from '../support/histories';
import { ownGateway, startTestStack, TestStack } from '../support/stack';

let stack: TestStack;
let gateway: CaseGateway;
let closeGateway = () => undefined as void;
beforeAll(async () => {
  stack = await startTestStack();
  ({ gateway, close: closeGateway } = ownGateway(stack));
});
afterAll(async () => {
  closeGateway();
  await stack?.stop();
});

const actor = (username: string, over: Partial<Actor>): Actor => ({
  userId: `id-${username}`,
  username,
  displayName: username,
  role: 'clerk',
  ...over,
});
const clerk = actor('clerk', { role: 'clerk', jurisdictionId: demo.cityId, jurisdictionPath: `/${demo.cityId}/` });
const dispatcher = actor('dispatcher-community', {
  role: 'dispatcher',
  jurisdictionId: demo.communities.xiaochi,
  jurisdictionPath: `/${demo.cityId}/${demo.streets.kaiyuan}/${demo.communities.xiaochi}/`,
});
const liaison = (unitId: string) => actor(`liaison-${unitId}`, { role: 'liaison', unitId });

const newIntake = (): Promise<CaseIntake> => workflowIntake(stack.db);

const record = (name: string, caseId: string) => recordHistory(stack.client, name, caseId);

async function expectRefused(promise: Promise<unknown>, type: string): Promise<void> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
  expect((err as WorkflowUpdateFailedError).cause).toBeInstanceOf(ApplicationFailure);
  expect(((err as WorkflowUpdateFailedError).cause as ApplicationFailure).type).toBe(type);
}

describe('the case workflow', () => {
  it('dispatch → accept → resolve → satisfied: completes, and refused updates never enter its history', async () => {
    const intake = await newIntake();
    const opened = await gateway.open({ intake, openedBy: clerk }, 'fresh');
    if (opened.kind !== 'opened') throw new Error(opened.kind);
    // The update answers only the version; the case is read where the API reads it.
    expect(opened).toEqual({ kind: 'opened', version: expect.any(Number) });
    const triage = await getCaseState(stack.db, intake.id);
    expect(triage?.status).toBe('triage');
    expect(triage?.version).toBeGreaterThanOrEqual(opened.version);
    expect(triage?.deadlines.triageBy).toBeTruthy();

    await expectRefused(gateway.command(intake.id, 'accept', { actor: liaison('unit-mobile'), command: {} }), 'INVALID_STATE');
    await expectRefused(
      gateway.command(intake.id, 'dispatch', { actor: liaison('unit-mobile'), command: { leadUnitId: 'unit-mobile', cooperatingUnitIds: [] } }),
      'FORBIDDEN',
    );
    await gateway.command(intake.id, 'dispatch', { actor: dispatcher, command: { leadUnitId: 'unit-mobile', cooperatingUnitIds: ['unit-telecom'] } });
    await expectRefused(gateway.command(intake.id, 'resolve', { actor: liaison('unit-mobile'), command: { summary: 'x', evidence: [], explainedUnresolved: false } }), 'INVALID_STATE');
    await gateway.command(intake.id, 'accept', { actor: liaison('unit-telecom'), command: {} });
    await gateway.command(intake.id, 'accept', { actor: liaison('unit-mobile'), command: { note: '已联系诉求人' } });
    await gateway.command(intake.id, 'resolve', {
      actor: liaison('unit-mobile'),
      command: { summary: '线缆已抬升', evidence: [], explainedUnresolved: false },
    });
    const closed = await gateway.command(intake.id, 'callback', { actor: clerk, command: { rating: 'satisfied' } });
    expect((await getCaseState(stack.db, intake.id))?.version).toBeGreaterThanOrEqual(closed.version);

    const handle = stack.client.workflow.getHandle(workflowIdForCase(intake.id));
    await handle.result();
    const history = await handle.fetchHistory();
    const accepted = history.events!.filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes);
    // opened + 5 commands; the three refused ones were rejected by their validators before acceptance.
    expect(accepted).toHaveLength(6);

    // The projection is complete and in order.
    expect((await getCaseState(stack.db, intake.id))?.status).toBe('closed');
    const timeline = await getTimeline(stack.db, intake.id);
    expect(timeline.map((e) => e.seq)).toEqual(timeline.map((_, i) => i + 1));
    expect(timeline.filter((e) => e.actor).map((e) => e.type)).toEqual([
      'case_opened',
      'dispatched',
      'assignment_accepted',
      'assignment_accepted',
      'resolved',
      'callback_recorded',
    ]);
    await record('dispatch-accept-resolve-close', intake.id);
  });

  it('reject → re-dispatch → accept: the rejected round stays on record', async () => {
    const intake = await newIntake();
    await gateway.open({ intake, openedBy: clerk }, 'fresh');
    await gateway.command(intake.id, 'dispatch', { actor: dispatcher, command: { leadUnitId: 'unit-mobile', cooperatingUnitIds: [] } });
    await gateway.command(intake.id, 'reject', { actor: liaison('unit-mobile'), command: { reason: '产权属于电信公司' } });
    expect((await getCaseState(stack.db, intake.id))?.status).toBe('triage');
    await gateway.command(intake.id, 'dispatch', { actor: dispatcher, command: { leadUnitId: 'unit-telecom', cooperatingUnitIds: [] } });
    await gateway.command(intake.id, 'accept', { actor: liaison('unit-telecom'), command: {} });
    const accepted = await getCaseState(stack.db, intake.id);
    expect(accepted?.assignments.map((a) => `${a.unitId}:${a.state}`)).toEqual(['unit-mobile:rejected', 'unit-telecom:accepted']);
    await record('reject-redispatch-accept', intake.id);
  });

  it('when the same number is started again, then only a retry of the same request finds the running case', async () => {
    const intake = await newIntake();
    const first = await gateway.open({ intake, openedBy: clerk, fingerprint: 'request-a' }, 'fresh');
    expect(first.kind).toBe('opened');
    // The same request again (an Idempotency-Key retry): the same case, no duplicate.
    const retry = await gateway.open({ intake: { ...intake, title: '重复提交' }, openedBy: clerk, fingerprint: 'request-a' }, 'retry');
    expect(retry.kind).toBe('opened');
    expect((await getCaseState(stack.db, intake.id))?.title).toBe(intake.title);
    // Another request that met the number: never answered with this case.
    expect(await gateway.open({ intake, openedBy: clerk, fingerprint: 'request-b' }, 'retry')).toEqual({ kind: 'crossed' });
    expect(await gateway.open({ intake, openedBy: clerk, fingerprint: 'request-b' }, 'fresh')).toEqual({ kind: 'taken' });
    // A fresh number never opens onto an existing workflow, even one opened by an identical request.
    expect(await gateway.open({ intake, openedBy: clerk, fingerprint: 'request-a' }, 'fresh')).toEqual({ kind: 'taken' });
  });
});
