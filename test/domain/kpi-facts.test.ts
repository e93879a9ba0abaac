/**
 * What each case contributes to the measures of DOMAIN.md §6, on pure state: every edge of every measure
 * (extensions approved in time, too late or refused, pauses, reopenings, explained-unresolved, not rated,
 * late and rejected responses, negotiated assignments).
 */
import {
  Actor,
  CaseCommand,
  CaseRecord,
  CaseState,
  execute,
  kpiFacts,
  openCase,
  recordSystemEvents,
  tick,
} from '../../workflows/domain';
import { domainIntake } from './fixtures';
import { planPending, secondsPolicy } from './planner';

const t0 = Date.parse('2026-11-23T02:00:00.000Z');
const MIN = 60;
const HOUR = 3600;
const at = (seconds: number) => new Date(t0 + seconds * 1000).toISOString();

const actor = (over: Partial<Actor>): Actor => ({ userId: 'u', username: 'u', displayName: 'U', role: 'clerk', ...over });
const clerk = actor({ userId: 'clerk', jurisdictionId: 'CITY', jurisdictionPath: '/CITY/' });
const dispatcher = actor({ userId: 'dc', role: 'dispatcher', jurisdictionId: 'C', jurisdictionPath: '/CITY/S/C/' });
const gridWorker = actor({ userId: 'gw', role: 'gridWorker', jurisdictionId: 'C', jurisdictionPath: '/CITY/S/C/' });
const supervisor = actor({ userId: 'sv', role: 'supervisor', jurisdictionId: 'S', jurisdictionPath: '/CITY/S/' });
const liaison = (unitId: string) => actor({ userId: `l-${unitId}`, role: 'liaison', unitId });
const mobile = liaison('mobile');
const telecom = liaison('telecom');
const cable = liaison('cable');

const intake = domainIntake;

/** The policy this file plans with, in seconds (calendar time: the arithmetic is not under test here). */
const policy = secondsPolicy({ triage: 2 * HOUR, respond: 1 * HOUR, resolve: 10 * HOUR, callback: 3 * HOUR, repeatOverdue: HOUR, pause: 5 * 86400 });

/**
 * Plays the workflow's part on a case: commands at given instants, with every new clock planned at once
 * (extensions add their duration to the due, pauses shift it by the wait) and time passing by `tick`.
 */
class Drive {
  record: CaseRecord;

  constructor() {
    this.record = this.planned(openCase(intake, clerk, at(0)), at(0));
  }

  get state(): CaseState {
    return this.record.state;
  }

  private planned(record: CaseRecord, now: string): CaseRecord {
    return planPending(record, policy, now);
  }

  /** Time passes up to `seconds`: every deadline met on the way is missed (and climbs a tier) as the workflow would. */
  until(seconds: number): this {
    const now = at(seconds);
    for (let i = 0; i < 10; i++) {
      const events = tick(this.state, now);
      if (events.length === 0) break;
      this.record = this.planned(recordSystemEvents(this.record, events, now), now);
    }
    return this;
  }

  do(seconds: number, who: Actor, command: CaseCommand): this {
    this.until(seconds);
    const result = execute(this.record, command, who, at(seconds));
    if (!result.ok) throw new Error(`${command.type}: ${result.rejection.message}`);
    this.record = this.planned(result.record, at(seconds));
    return this;
  }

  dispatch(seconds: number, lead = 'mobile', cooperating: string[] = []): this {
    return this.do(seconds, dispatcher, { type: 'dispatch', leadUnitId: lead, cooperatingUnitIds: cooperating });
  }

  resolve(seconds: number, who: Actor = mobile, over: Partial<{ evidence: string[]; explainedUnresolved: boolean }> = {}): this {
    return this.do(seconds, who, { type: 'resolve', summary: '已处理', evidence: ['https://img.example/after.jpg'], explainedUnresolved: false, ...over });
  }

  rate(seconds: number, rating: 'satisfied' | 'basically_satisfied' | 'unsatisfied'): this {
    return this.do(seconds, clerk, { type: 'callback', rating });
  }

  get facts() {
    return kpiFacts(this.state);
  }
}

/** Dispatched to 移动 at 0, accepted at 10 minutes: resolve deadline at 10 hours. */
const working = () => new Drive().dispatch(0).do(10 * MIN, mobile, { type: 'accept' });

describe('dispatch and its instant', () => {
  it('when a case was never dispatched nor handled, then it counts nowhere', () => {
    const f = new Drive().facts;
    expect(f).toMatchObject({ dispatchedAt: null, dispatchedToUnit: false, leadUnitId: null, feedbackOnTime: null, completedOnTime: null });
    expect(f.assignments).toEqual([]);
  });

  it('when a case is handled directly, then it is dated by that instant but is not dispatched to a unit', () => {
    const f = new Drive().do(5 * MIN, gridWorker, { type: 'handleDirectly', note: '当场处理' }).facts;
    expect(f).toMatchObject({ dispatchedAt: at(5 * MIN), dispatchedToUnit: false, leadUnitId: null, feedbackOnTime: null, completedOnTime: null });
  });

  it('when a case is dispatched twice, then the period instant is the first dispatch and the lead is the last round\'s', () => {
    const d = new Drive()
      .dispatch(5 * MIN)
      .do(20 * MIN, mobile, { type: 'reject', reason: '线缆产权不属于移动' })
      .dispatch(30 * MIN, 'telecom');
    expect(d.facts).toMatchObject({ dispatchedAt: at(5 * MIN), dispatchedToUnit: true, leadUnitId: 'telecom' });
  });
});

describe('response rate facts (响应率)', () => {
  it('when the lead accepts in time and a cooperating unit accepts after its deadline was missed, then only the first is in time', () => {
    const d = new Drive()
      .dispatch(0, 'mobile', ['telecom'])
      .do(30 * MIN, mobile, { type: 'accept' })
      .do(2 * HOUR, telecom, { type: 'accept' });
    expect(d.state.assignments.find((a) => a.unitId === 'telecom')?.state).toBe('accepted');
    expect(d.facts.assignments).toEqual([
      { unitId: 'mobile', role: 'lead', respondedInTime: true },
      { unitId: 'telecom', role: 'cooperating', respondedInTime: false },
    ]);
  });

  it('when a unit answers exactly at its deadline, then that is in time ("by respondBy")', () => {
    expect(new Drive().dispatch(0).do(HOUR, mobile, { type: 'accept' }).facts.assignments[0]!.respondedInTime).toBe(true);
  });

  it('when the lead rejects in time, then its rejection is an answer in time; the cooperating unit that never answered is not; the new round counts too', () => {
    const d = new Drive()
      .dispatch(0, 'mobile', ['cable'])
      .do(10 * MIN, mobile, { type: 'reject', reason: '线缆产权不属于移动' })
      .dispatch(20 * MIN, 'telecom')
      .do(2 * HOUR, telecom, { type: 'accept' });
    expect(d.facts.assignments).toEqual([
      { unitId: 'mobile', role: 'lead', respondedInTime: true },
      { unitId: 'cable', role: 'cooperating', respondedInTime: false },
      { unitId: 'telecom', role: 'lead', respondedInTime: false },
    ]);
    expect(d.facts.leadUnitId).toBe('telecom');
  });

  it('when a rejection comes after the deadline, then it is late, and with no new round nobody leads at the end', () => {
    const d = new Drive().dispatch(0).do(90 * MIN, mobile, { type: 'reject', reason: '线缆产权不属于移动' });
    expect(d.facts.assignments).toEqual([{ unitId: 'mobile', role: 'lead', respondedInTime: false }]);
    expect(d.facts).toMatchObject({ leadUnitId: null, dispatchedToUnit: true, feedbackOnTime: false, completedOnTime: false });
  });

  it('when a unit has not answered yet, then it is not (yet) an answer in time', () => {
    expect(new Drive().dispatch(0).facts.assignments).toEqual([{ unitId: 'mobile', role: 'lead', respondedInTime: false }]);
  });

  it('when the units were named in a negotiated agreement, then they answered at once', () => {
    const d = new Drive().do(10 * MIN, dispatcher, {
      type: 'recordAgreement',
      leadUnitId: 'cable',
      cooperatingUnitIds: ['mobile'],
      participants: [{ name: '豫广网络负责人', unitId: 'cable' }],
      plan: '先排查管线、再回填硬化',
    });
    expect(d.facts.assignments.map((a) => a.respondedInTime)).toEqual([true, true]);
    expect(d.facts).toMatchObject({ dispatchedAt: at(10 * MIN), leadUnitId: 'cable' });
  });
});

describe('on-time feedback and completion (按时反馈率, 按期办结率)', () => {
  it('when the unit notes progress in time and resolves late, then feedback is on time and completion is not', () => {
    const f = working()
      .do(HOUR, mobile, { type: 'noteProgress', note: '已联系诉求人' })
      .resolve(11 * HOUR).facts;
    expect(f).toMatchObject({ feedbackOnTime: true, completedOnTime: false });
  });

  it('when the resolution is the first feedback, then both are judged on its instant, inclusive of the deadline', () => {
    expect(working().resolve(10 * HOUR).facts).toMatchObject({ feedbackOnTime: true, completedOnTime: true });
    expect(working().resolve(10 * HOUR + 1).facts).toMatchObject({ feedbackOnTime: false, completedOnTime: false });
  });

  it('when an extension is approved before the deadline, then the extended deadline counts', () => {
    const d = working()
      .do(HOUR, mobile, { type: 'requestExtension', duration: 'P1D', reason: '需协调断路施工' })
      .do(2 * HOUR, supervisor, { type: 'decideExtension', approve: true })
      .resolve(20 * HOUR);
    expect(d.state.deadlines.resolveBy).toBe(at(34 * HOUR));
    expect(d.facts).toMatchObject({ feedbackOnTime: true, completedOnTime: true });
  });

  it('when the extension is refused, then the original deadline stands', () => {
    const f = working()
      .do(HOUR, mobile, { type: 'requestExtension', duration: 'P1D', reason: '需协调断路施工' })
      .do(2 * HOUR, supervisor, { type: 'decideExtension', approve: false })
      .resolve(20 * HOUR).facts;
    expect(f).toMatchObject({ feedbackOnTime: false, completedOnTime: false });
  });

  it('when the extension is approved only after the deadline passed, then the deadline as it stood when it was due still counts', () => {
    const d = working()
      .do(9 * HOUR, mobile, { type: 'requestExtension', duration: 'P1D', reason: '需协调断路施工' })
      .do(12 * HOUR, supervisor, { type: 'decideExtension', approve: true })
      .resolve(20 * HOUR);
    // The case shows the new deadline, counted from the approval since the old one had passed, ...
    expect(d.state.deadlines.resolveBy).toBe(at(36 * HOUR));
    // ... but the measures judge on the 10-hour deadline that had already passed.
    expect(d.facts).toMatchObject({ feedbackOnTime: false, completedOnTime: false });
  });

  it('when the unit waits for the citizen before the deadline, then the wait moves the deadline and counts', () => {
    const f = working()
      .do(9 * HOUR, mobile, { type: 'pause', reason: '等待诉求人补充照片' })
      .do(12 * HOUR, clerk, { type: 'resume', note: '照片已补充' })
      .resolve(12 * HOUR + 30 * MIN).facts;
    expect(f).toMatchObject({ feedbackOnTime: true, completedOnTime: true });
  });

  it('when a reopened case is resolved again late, then the first resolution counts against the first deadline', () => {
    const d = working().resolve(2 * HOUR).rate(3 * HOUR, 'unsatisfied').resolve(20 * HOUR).rate(21 * HOUR, 'satisfied');
    expect(d.state.resolvedAt).toBe(at(20 * HOUR));
    expect(d.facts).toMatchObject({ feedbackOnTime: true, completedOnTime: true, reopened: true });
  });

  it('when the first resolution was late, then a quick second one after reopening does not make it on time', () => {
    const f = working().resolve(11 * HOUR).rate(11 * HOUR + 5 * MIN, 'unsatisfied').resolve(11 * HOUR + 30 * MIN).facts;
    expect(f).toMatchObject({ feedbackOnTime: false, completedOnTime: false });
  });

  it('when the case is still being worked before its deadline, then it has not (yet) fed back or completed on time', () => {
    expect(working().facts).toMatchObject({ dispatchedToUnit: true, feedbackOnTime: false, completedOnTime: false });
  });

  it('when the state predates firstResolvedAt, then the first resolution is read from the first resolve clock', () => {
    const d = working().resolve(11 * HOUR).rate(12 * HOUR, 'unsatisfied').resolve(13 * HOUR);
    const legacy = { ...d.state } as Partial<CaseState>;
    delete legacy.firstResolvedAt;
    expect(kpiFacts(legacy as CaseState)).toMatchObject({ completedOnTime: false });
    const onTime = working().resolve(9 * HOUR).rate(9 * HOUR + 1, 'unsatisfied');
    const legacyOnTime = { ...onTime.state } as Partial<CaseState>;
    delete legacyOnTime.firstResolvedAt;
    expect(kpiFacts(legacyOnTime as CaseState)).toMatchObject({ completedOnTime: true });
  });
});

describe('first-time resolution, resolution and satisfaction (一次办结率, 解决率, 满意率)', () => {
  it('when the citizen is satisfied at once, then it is closed, first time, resolved, one satisfied rating', () => {
    expect(working().resolve(HOUR).rate(2 * HOUR, 'satisfied').facts).toMatchObject({
      closed: true,
      reopened: false,
      firstTime: true,
      resolvedCase: true,
      ratingsTotal: 1,
      ratingsSatisfied: 1,
    });
  });

  it('when a case was reopened and then rated basically satisfied, then it is resolved but not first time, and the unsatisfied rating stays counted', () => {
    expect(working().resolve(HOUR).rate(2 * HOUR, 'unsatisfied').resolve(3 * HOUR).rate(4 * HOUR, 'basically_satisfied').facts).toMatchObject({
      closed: true,
      reopened: true,
      firstTime: false,
      resolvedCase: true,
      ratingsTotal: 2,
      ratingsSatisfied: 1,
    });
  });

  it('when nobody rates a resolution with evidence, then it closes as resolved first time with no rating', () => {
    const d = working().resolve(HOUR).until(HOUR + 3 * HOUR);
    expect(d.state).toMatchObject({ status: 'closed', notRated: true });
    expect(d.facts).toMatchObject({ closed: true, firstTime: true, resolvedCase: true, ratingsTotal: 0, ratingsSatisfied: 0 });
  });

  it('when nobody rates a resolution without evidence, then it is not counted as resolved', () => {
    expect(working().resolve(HOUR, mobile, { evidence: [] }).until(5 * HOUR).facts).toMatchObject({ closed: true, firstTime: true, resolvedCase: false });
  });

  it('when an explained-but-unresolved case closes unrated, then it is first time but not resolved', () => {
    expect(working().resolve(HOUR, mobile, { explainedUnresolved: true }).until(5 * HOUR).facts).toMatchObject({
      closed: true,
      firstTime: true,
      resolvedCase: false,
    });
  });

  it('when an explained-but-unresolved case is rated basically satisfied, then the rating makes it resolved', () => {
    expect(working().resolve(HOUR, mobile, { explainedUnresolved: true }).rate(2 * HOUR, 'basically_satisfied').facts).toMatchObject({
      firstTime: true,
      resolvedCase: true,
    });
  });

  it('when a reopened case closes unrated, then it is neither first time nor resolved', () => {
    const d = working().resolve(HOUR).rate(2 * HOUR, 'unsatisfied').resolve(3 * HOUR).until(7 * HOUR);
    expect(d.state).toMatchObject({ status: 'closed', notRated: true });
    expect(d.facts).toMatchObject({ closed: true, reopened: true, firstTime: false, resolvedCase: false, ratingsTotal: 1, ratingsSatisfied: 0 });
  });

  it('when a case is resolved but waits for its callback, or was withdrawn, then it is not closed', () => {
    expect(working().resolve(HOUR).facts).toMatchObject({ closed: false, firstTime: false, resolvedCase: false, completedOnTime: true });
    const withdrawn = working().do(HOUR, clerk, { type: 'withdraw', reason: '诉求人撤回' });
    expect(withdrawn.facts).toMatchObject({ closed: false, firstTime: false, resolvedCase: false, completedOnTime: false });
  });
});

describe('escalation (升级率)', () => {
  it('when a case climbs by hand, by deadline or by dispute, then it is escalated; otherwise not', () => {
    expect(working().facts.escalated).toBe(false);
    expect(new Drive().do(MIN, dispatcher, { type: 'escalate', reason: '社区无法协调' }).facts.escalated).toBe(true);
    expect(new Drive().until(2 * HOUR).facts.escalated).toBe(true);
    const late = new Drive().dispatch(0).until(HOUR);
    expect(late.state.tier).toBe('street');
    expect(late.facts.escalated).toBe(true);
  });

  it('keeps the facts of a cable-sagging dispute across units', () => {
    const d = new Drive()
      .dispatch(0, 'mobile')
      .do(MIN, mobile, { type: 'reject', reason: '线缆产权不属于移动' })
      .dispatch(2 * MIN, 'cable')
      .do(3 * MIN, cable, { type: 'reject', reason: '非广电线路，无法处理' });
    expect(d.state.escalations.map((e) => e.cause)).toEqual(['dispute']);
    expect(d.facts).toMatchObject({ escalated: true, leadUnitId: null });
    expect(d.facts.assignments.map((a) => [a.unitId, a.respondedInTime])).toEqual([
      ['mobile', true],
      ['cable', true],
    ]);
  });
});
