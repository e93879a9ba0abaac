import { Actor, CaseIntake, CaseRecord, execute, openCase, Execution, slaClassFor } from '../../workflows/domain';

const at = '2026-11-23T02:00:00.000Z';
const actor = (over: Partial<Actor>): Actor => ({ userId: 'u', username: 'u', displayName: 'U', role: 'clerk', ...over });
const clerk = actor({ userId: 'clerk', role: 'clerk', jurisdictionId: '410581', jurisdictionPath: '/410581/' });
const communityDispatcher = actor({ userId: 'dc', role: 'dispatcher', jurisdictionId: 'C1', jurisdictionPath: '/410581/S1/C1/' });
const streetDispatcher = actor({ userId: 'ds', role: 'dispatcher', jurisdictionId: 'S1', jurisdictionPath: '/410581/S1/' });
const gridWorker = actor({ userId: 'gw', role: 'gridWorker', jurisdictionId: 'C1-g1', jurisdictionPath: '/410581/S1/C1/C1-g1/' });
const liaison = (unitId: string) => actor({ userId: `l-${unitId}`, role: 'liaison', unitId });

const intake: CaseIntake = {
  id: '20261123000001',
  caseNo: '20261123000001',
  requestType: 'report',
  category: 'cable-sagging',
  slaClass: 'general',
  urgency: 'normal',
  title: '通信线缆下垂',
  description: '最低处距地面仅3米',
  channel: 'gridPatrol',
  location: { communityId: 'C1', streetId: 'S1', cityId: '410581', address: '东大线' },
  reporter: { name: '傅文军', phone: '13800005678' },
  attachments: [],
};

function ok(result: Execution): CaseRecord {
  if (!result.ok) throw new Error(`expected the command to pass, got ${result.rejection.code}: ${result.rejection.message}`);
  return result.record;
}

function refused(result: Execution) {
  if (result.ok) throw new Error('expected a refusal');
  return result.rejection;
}

const opened = () => openCase(intake, clerk, at);
const dispatched = (cooperating: string[] = []) =>
  ok(execute(opened(), { type: 'dispatch', leadUnitId: 'unit-mobile', cooperatingUnitIds: cooperating }, communityDispatcher, at));

describe('a new case', () => {
  it('waits for triage at the community with version 1 and one timeline event', () => {
    const record = opened();
    expect(record.state).toMatchObject({ status: 'triage', tier: 'community', mode: null, version: 1 });
    expect(record.events.map((e) => e.type)).toEqual(['case_opened']);
    expect(record.events[0]!.actor?.userId).toBe('clerk');
  });
});

describe('dispatch (派单)', () => {
  it('when the community dispatcher names a lead and cooperating units, then each gets a pending assignment', () => {
    const record = dispatched(['unit-telecom', 'unit-unicom']);
    expect(record.state.status).toBe('dispatched');
    expect(record.state.dispatchedAt).toBe(at);
    expect(record.state.assignments.map((a) => [a.unitId, a.role, a.state])).toEqual([
      ['unit-mobile', 'lead', 'pending'],
      ['unit-telecom', 'cooperating', 'pending'],
      ['unit-unicom', 'cooperating', 'pending'],
    ]);
  });

  it('when a dispatcher of another tier dispatches, then it is forbidden', () => {
    const r = refused(execute(opened(), { type: 'dispatch', leadUnitId: 'unit-mobile', cooperatingUnitIds: [] }, streetDispatcher, at));
    expect(r.code).toBe('FORBIDDEN');
  });

  it('when the lead is also cooperating or a unit repeats, then the field is named', () => {
    const both = refused(execute(opened(), { type: 'dispatch', leadUnitId: 'a', cooperatingUnitIds: ['a'] }, communityDispatcher, at));
    const twice = refused(execute(opened(), { type: 'dispatch', leadUnitId: 'a', cooperatingUnitIds: ['b', 'b'] }, communityDispatcher, at));
    expect([both.field, twice.field]).toEqual(['cooperatingUnitIds', 'cooperatingUnitIds']);
  });

  it('when the case was already dispatched, then a second dispatch is refused with the state it is in', () => {
    const r = refused(execute(dispatched(), { type: 'dispatch', leadUnitId: 'x', cooperatingUnitIds: [] }, communityDispatcher, at));
    expect(r).toMatchObject({ code: 'INVALID_STATE', status: 'dispatched' });
    expect(r.message).toContain('已派单');
  });
});

describe('responsibility decisions (签收 / 退单)', () => {
  it('when the lead accepts, then the case is in progress; a cooperating acceptance alone does not start it', () => {
    const coop = ok(execute(dispatched(['unit-telecom']), { type: 'accept' }, liaison('unit-telecom'), at));
    expect(coop.state.status).toBe('dispatched');
    const lead = ok(execute(coop, { type: 'accept', note: '明天到现场' }, liaison('unit-mobile'), at));
    expect(lead.state.status).toBe('in_progress');
  });

  it('when a unit that was not assigned decides, then it is forbidden; deciding twice is a conflict', () => {
    expect(refused(execute(dispatched(), { type: 'accept' }, liaison('unit-power'), at)).code).toBe('FORBIDDEN');
    const accepted = ok(execute(dispatched(), { type: 'accept' }, liaison('unit-mobile'), at));
    expect(refused(execute(accepted, { type: 'accept' }, liaison('unit-mobile'), at)).code).toBe('INVALID_STATE');
  });

  it('when the lead rejects with a reason, then the round ends and the case returns to triage for re-dispatch', () => {
    const rejected = ok(execute(dispatched(['unit-telecom']), { type: 'reject', reason: '线缆产权属于电信公司' }, liaison('unit-mobile'), at));
    expect(rejected.state.status).toBe('triage');
    expect(rejected.state.assignments.every((a) => !a.active)).toBe(true);
    expect(rejected.state.assignments[0]).toMatchObject({ state: 'rejected', reason: '线缆产权属于电信公司' });
    const again = ok(execute(rejected, { type: 'dispatch', leadUnitId: 'unit-telecom', cooperatingUnitIds: [] }, communityDispatcher, at));
    expect(again.state.assignments.filter((a) => a.active).map((a) => a.unitId)).toEqual(['unit-telecom']);
  });

  it('when a reason is shorter than 5 characters, then the rejection is invalid', () => {
    expect(refused(execute(dispatched(), { type: 'reject', reason: '不归我' }, liaison('unit-mobile'), at))).toMatchObject({
      code: 'VALIDATION_FAILED',
      field: 'reason',
    });
  });
});

describe('direct handling (直接办), resolution and callback (回访)', () => {
  const handled = () => ok(execute(opened(), { type: 'handleDirectly', note: '现场更换井盖' }, gridWorker, at));

  it('when a grid worker of the community handles it, then it is in progress in direct mode and they may resolve it', () => {
    const record = handled();
    expect(record.state).toMatchObject({ status: 'in_progress', mode: 'direct', dispatchedAt: at });
    const resolved = ok(execute(record, { type: 'resolve', summary: '已更换', evidence: [], explainedUnresolved: false }, gridWorker, at));
    expect(resolved.state.status).toBe('resolved');
  });

  it('when someone else resolves a case, then it is forbidden', () => {
    expect(refused(execute(handled(), { type: 'resolve', summary: 'x', evidence: [], explainedUnresolved: false }, liaison('unit-mobile'), at)).code).toBe(
      'FORBIDDEN',
    );
  });

  it('when the citizen is unsatisfied, then the case reopens and counts it; satisfied closes it', () => {
    const resolve = (r: CaseRecord) => ok(execute(r, { type: 'resolve', summary: '已处理', evidence: [], explainedUnresolved: false }, gridWorker, at));
    const reopened = ok(execute(resolve(handled()), { type: 'callback', rating: 'unsatisfied', comment: '还是坏的' }, clerk, at));
    expect(reopened.state).toMatchObject({ status: 'in_progress', reopenCount: 1, rating: 'unsatisfied', resolution: null });
    const closed = ok(execute(resolve(reopened), { type: 'callback', rating: 'basically_satisfied' }, clerk, at));
    expect(closed.state).toMatchObject({ status: 'closed', reopenCount: 1, rating: 'basically_satisfied', closedAt: at });
    expect(closed.state.callbacks).toHaveLength(2);
    expect(closed.events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(closed.state.version).toBe(6);
  });

  it('when only a street dispatcher would handle directly, then it is forbidden (直接办 is the community’s)', () => {
    expect(refused(execute(opened(), { type: 'handleDirectly', note: 'x' }, streetDispatcher, at)).code).toBe('FORBIDDEN');
  });
});

describe('SLA class', () => {
  it('is urgent for urgent requests whatever the category, otherwise the category’s class, never complex unapproved', () => {
    expect(slaClassFor('urgent', 'general')).toBe('urgent');
    expect(slaClassFor('normal', 'utility')).toBe('utility');
    expect(slaClassFor('normal', 'complex')).toBe('general');
  });
});
