import {
  CaseRecord,
  clocksAwaitingPlan,
  execute,
  nextWakeAt,
  openCase,
  recordSystemEvents,
  tick,
} from '../../workflows/domain';
import { at, clerk, dispatcherAt, domainIntake, liaison, supervisorAt } from './fixtures';
import { planPending, secondsPolicy } from './planner';


const intake = domainIntake;

/** Plays the workflow's part: every clock that waits for a plan gets `seconds` (warning at 80%). */
function plan(record: CaseRecord, seconds = 10, now = at(0)): CaseRecord {
  const all = { triage: seconds, respond: seconds, resolve: seconds, callback: seconds, repeatOverdue: seconds, pause: seconds };
  return planPending(record, secondsPolicy(all, 0.8), now);
}

function run(record: CaseRecord, now: string): CaseRecord {
  return plan(recordSystemEvents(record, tick(record.state, now), now), 10, now);
}

function ok(record: CaseRecord, ...args: Parameters<typeof execute> extends [unknown, ...infer R] ? R : never): CaseRecord {
  const result = execute(record, ...args);
  if (!result.ok) throw new Error(result.rejection.message);
  return plan(result.record, 10, args[2]);
}

const fresh = () => plan(openCase(intake, clerk, at(0)));

describe('the triage clock', () => {
  it('starts at intake and the workflow must wake at its warning, then at its deadline', () => {
    const record = fresh();
    expect(record.state.deadlines.triageBy).toBe(at(10));
    expect(nextWakeAt(record.state)).toBe(at(8));
    const warned = run(record, at(8));
    expect(warned.events.slice(-2).map((e) => e.type)).toEqual(['clock_warned', 'alert_raised']);
    expect(nextWakeAt(warned.state)).toBe(at(10));
  });

  it('when it passes, the case climbs one tier with overdue and escalated alerts for the new tier, and a fresh triage clock', () => {
    const climbed = run(fresh(), at(10));
    expect(climbed.state.tier).toBe('street');
    expect(climbed.state.escalations).toEqual([expect.objectContaining({ from: 'community', to: 'street', cause: 'deadline' })]);
    const alerts = climbed.events.flatMap((e) => (e.type === 'alert_raised' ? [e.alert] : []));
    expect(alerts.map((a) => [a.type, a.tier, a.jurisdictionId])).toEqual([
      ['overdue', 'street', 'S'],
      ['escalated', 'street', 'S'],
    ]);
    expect(alerts.every((a) => !a.message.includes('13800005678'))).toBe(true);
    expect(climbed.state.deadlines.triageBy).toBe(at(20));
    // The community's missed deadline stays unmet until a tier handles the case: the case is still overdue.
    expect(climbed.state.overdue).toBe(true);
  });

  it('past the city it repeats overdue reminders until a designation meets it', () => {
    let r = run(run(fresh(), at(10)), at(20));
    expect(r.state.tier).toBe('city');
    r = run(r, at(30)); // the city's own triage deadline passes: nowhere to climb
    expect(r.state.overdue).toBe(true);
    const repeat = r.state.clocks.find((c) => c.kind === 'repeatOverdue' && c.stoppedAt === null);
    expect(repeat?.due).toBe(at(40));
    r = run(r, at(40));
    const reminders = r.events.filter((e) => e.type === 'alert_raised' && e.alert.type === 'overdue' && e.alert.tier === 'city');
    // One on arrival (the street's deadline passed), one when the city's own passed, one reminder.
    expect(reminders.map((e) => e.at)).toEqual([at(20), at(30), at(40)]);
    r = ok(r, { type: 'dispatch', leadUnitId: 'U1', cooperatingUnitIds: [] }, dispatcherAt('CITY'), at(41));
    expect(r.state).toMatchObject({ mode: 'designated', overdue: false });
    expect(r.state.clocks.filter((c) => c.kind === 'repeatOverdue' && c.stoppedAt === null)).toEqual([]);
  });

  it('climbs at most one tier per look even when two deadlines passed together', () => {
    let r = ok(fresh(), { type: 'dispatch', leadUnitId: 'U1', cooperatingUnitIds: [] }, dispatcherAt('C'), at(1));
    r = run(r, at(60)); // respond and resolve deadlines both passed
    expect(r.state.escalations).toHaveLength(1);
  });
});

describe('stopping and moving clocks', () => {
  const inProgress = () => {
    let r = ok(fresh(), { type: 'dispatch', leadUnitId: 'U1', cooperatingUnitIds: ['U2'] }, dispatcherAt('C'), at(1));
    r = ok(r, { type: 'accept' }, liaison('U1'), at(2));
    return r;
  };

  it('dispatch stops triage; each unit gets its own respond clock; accepting stops only its own', () => {
    const r = inProgress();
    const running = (kind: string) => r.state.clocks.filter((c) => c.kind === kind && c.stoppedAt === null).map((c) => c.unitId ?? null);
    expect(running('triage')).toEqual([]);
    expect(running('respond')).toEqual(['U2']);
    expect(running('resolve')).toEqual([null]);
    expect(r.state.assignments.map((a) => a.respondBy)).toEqual([at(11), at(11)]);
  });

  it('a late acceptance is recorded as late and the unit stays accountable after escalation', () => {
    let r = ok(fresh(), { type: 'dispatch', leadUnitId: 'U1', cooperatingUnitIds: [] }, dispatcherAt('C'), at(1));
    r = run(r, at(11));
    expect(r.state.tier).toBe('street');
    r = ok(r, { type: 'accept' }, liaison('U1'), at(12));
    const accepted = r.events.find((e) => e.type === 'assignment_accepted');
    expect(accepted).toMatchObject({ late: true });
  });

  it('an approved extension asks the planner to add its duration to the current deadline; a pause asks for a shift', () => {
    let r = inProgress();
    r = ok(r, { type: 'requestExtension', duration: 'P3D', reason: '需协调施工' }, liaison('U1'), at(3));
    const resolveBefore = r.state.deadlines.resolveBy;
    const decided = execute(r, { type: 'decideExtension', approve: true }, supervisorAt('S'), at(4));
    if (!decided.ok) throw new Error(decided.rejection.message);
    const pending = clocksAwaitingPlan(decided.record.state);
    expect(pending).toEqual([expect.objectContaining({ kind: 'resolve', plan: expect.objectContaining({ base: resolveBefore, steps: [{ kind: 'extend', duration: 'P3D', at: at(4) }] }) })]);

    const paused = execute(inProgress(), { type: 'pause', reason: '等待照片' }, liaison('U1'), at(5));
    if (!paused.ok) throw new Error(paused.rejection.message);
    expect(nextWakeAt(plan(paused.record, 100, at(5)).state)).not.toBe(at(11)); // the paused resolve clock does not wake anyone
    const resumed = execute(plan(paused.record, 100, at(5)), { type: 'resume' }, liaison('U1'), at(8));
    if (!resumed.ok) throw new Error(resumed.rejection.message);
    const shift = clocksAwaitingPlan(resumed.record.state).find((c) => c.kind === 'resolve');
    expect(shift?.plan).toEqual(expect.objectContaining({ base: shift?.due, steps: [{ kind: 'shift', from: at(5), to: at(8) }] }));
  });

  it('an extension is at most 10 days, once; only a supervisor holding the case decides it', () => {
    const r = inProgress();
    const tooLong = execute(r, { type: 'requestExtension', duration: 'P11D', reason: 'x' }, liaison('U1'), at(3));
    expect(tooLong.ok ? null : tooLong.rejection.field).toBe('duration');
    const asked = ok(r, { type: 'requestExtension', duration: 'P2D', reason: 'x' }, liaison('U1'), at(3));
    const other = execute(asked, { type: 'decideExtension', approve: true }, supervisorAt('OTHER'), at(4));
    expect(other.ok ? null : other.rejection.code).toBe('FORBIDDEN');
    const approved = ok(asked, { type: 'decideExtension', approve: true }, supervisorAt('CITY'), at(4));
    const again = execute(approved, { type: 'requestExtension', duration: 'P1D', reason: 'x' }, liaison('U1'), at(5));
    expect(again.ok ? null : again.rejection.code).toBe('INVALID_STATE');
  });

  it('resolution stops every clock and starts the callback window; its expiry closes the case as not rated', () => {
    let r = ok(inProgress(), { type: 'resolve', summary: '已处理', evidence: [], explainedUnresolved: false }, liaison('U1'), at(3));
    expect(r.state.clocks.filter((c) => c.stoppedAt === null).map((c) => c.kind)).toEqual(['callback']);
    r = run(r, at(20));
    expect(r.state).toMatchObject({ status: 'closed', notRated: true, rating: null });
  });
});

describe('disputes and manual escalation', () => {
  it('a second lead rejection climbs one tier as a dispute; at the street the first one does', () => {
    let r = ok(fresh(), { type: 'dispatch', leadUnitId: 'U1', cooperatingUnitIds: [] }, dispatcherAt('C'), at(1));
    r = ok(r, { type: 'reject', reason: '不属于本单位职责' }, liaison('U1'), at(2));
    expect(r.state).toMatchObject({ status: 'triage', tier: 'community', leadRejections: 1 });
    r = ok(r, { type: 'dispatch', leadUnitId: 'U2', cooperatingUnitIds: [] }, dispatcherAt('C'), at(3));
    r = ok(r, { type: 'reject', reason: '也不属于本单位' }, liaison('U2'), at(4));
    expect(r.state.tier).toBe('street');
    expect(r.state.escalations.at(-1)?.cause).toBe('dispute');
  });

  it('only the current tier or one above may blow the whistle, and not past the city', () => {
    const r = fresh();
    const fromBelow = execute(ok(r, { type: 'escalate', reason: '吹哨' }, dispatcherAt('C'), at(1)), { type: 'escalate', reason: '再吹' }, dispatcherAt('C'), at(2));
    expect(fromBelow.ok ? null : fromBelow.rejection.code).toBe('FORBIDDEN');
    const atCity = ok(ok(r, { type: 'escalate', reason: '吹哨' }, supervisorAt('S'), at(1)), { type: 'escalate', reason: '报市' }, supervisorAt('CITY'), at(2));
    const beyond = execute(atCity, { type: 'escalate', reason: '还要升' }, supervisorAt('CITY'), at(3));
    expect(beyond.ok ? null : beyond.rejection.code).toBe('INVALID_STATE');
  });
});
