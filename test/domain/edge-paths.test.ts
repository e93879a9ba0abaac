/**
 * The edge paths of a real city (issue 9), on pure state: each of these lost, crossed, stuck or escalated a
 * case twice before its fix. Clocks are planned by the worker's own planner on elapsed seconds.
 */
import { Actor, CaseCommand, CaseIntake, CaseRecord, execute, isOverdue, openCase, recordSystemEvents, tick } from '../../workflows/domain';
import { actor, at, clerk, dispatcherAt, domainIntake, liaison, supervisorAt } from './fixtures';
import { planPending, secondsPolicy } from './planner';

const gridWorker = actor({ userId: 'gw', role: 'gridWorker', jurisdictionId: 'C', jurisdictionPath: '/CITY/D/S/C/' });

/** Triage 10 s, respond 10 s, resolve 100 s, callback 50 s, reminders every 10 s, the longest pause 1000 s. */
const defaultPolicy = secondsPolicy({ triage: 10, respond: 10, resolve: 100, callback: 50, repeatOverdue: 10, pause: 1000 }, 0.8);

/** A case in community C of street S of district D of CITY, its path recorded at intake. */
const intake: CaseIntake = { ...domainIntake, location: { ...domainIntake.location, path: '/CITY/D/S/C/' } };

/** The same, with a triage deadline no test reaches: a tier that receives a case never climbs by it here. */
const slowTriage = secondsPolicy({ triage: 100_000, respond: 10, resolve: 100, callback: 50, repeatOverdue: 10, pause: 1000 }, 0.8);

class Drive {
  record: CaseRecord;

  constructor(private readonly policy = defaultPolicy) {
    this.record = planPending(openCase(intake, clerk, at(0)), policy, at(0));
  }

  get state() {
    return this.record.state;
  }

  /** Time passes to `seconds`, looking at the clocks as the workflow's loop does. */
  until(seconds: number): this {
    const now = at(seconds);
    for (let i = 0; i < 10; i++) {
      const events = tick(this.state, now);
      if (events.length === 0) break;
      this.record = planPending(recordSystemEvents(this.record, events, now), this.policy, now);
    }
    return this;
  }

  try(seconds: number, who: Actor, command: CaseCommand) {
    return execute(this.record, command, who, at(seconds));
  }

  do(seconds: number, who: Actor, command: CaseCommand): this {
    const result = this.try(seconds, who, command);
    if (!result.ok) throw new Error(`${command.type}: ${result.rejection.message}`);
    this.record = planPending(result.record, this.policy, at(seconds));
    return this;
  }

  alerts(type: string) {
    return this.record.events.flatMap((e) => (e.type === 'alert_raised' && e.alert.type === type ? [{ ...e.alert, at: e.at }] : []));
  }
}

const resolveClock = (d: Drive) => d.state.clocks.find((c) => c.kind === 'resolve' && c.stoppedAt === null)!;
const dispatchTo = (lead: string): CaseCommand => ({ type: 'dispatch', leadUnitId: lead, cooperatingUnitIds: [] });

describe('a directly handled case (直接办) that escalates', () => {
  it('is dispatchable at its new tier, and the city can designate it', () => {
    const d = new Drive().do(1, gridWorker, { type: 'handleDirectly', note: '现场处置' }).until(101);
    expect(d.state).toMatchObject({ tier: 'street', mode: 'direct', status: 'in_progress' });
    d.do(102, dispatcherAt('S'), dispatchTo('U1'));
    expect(d.state).toMatchObject({ status: 'dispatched', tier: 'street', directHandler: null });
    expect(d.state.assignments).toEqual([expect.objectContaining({ unitId: 'U1', tier: 'street', active: true })]);
    // The grid worker no longer holds it: only the new lead unit resolves.
    expect(d.try(103, gridWorker, { type: 'resolve', summary: 'x', evidence: [], explainedUnresolved: false }).ok).toBe(false);
  });

  it('climbed to the city, it can be designated; reminders go on until the resolution meets the missed deadline', () => {
    const d = new Drive().do(1, gridWorker, { type: 'handleDirectly', note: '现场处置' }).until(101).until(111);
    expect(d.state.tier).toBe('city');
    d.do(112, dispatcherAt('CITY'), dispatchTo('U1'));
    expect(d.state).toMatchObject({ mode: 'designated', status: 'dispatched', overdue: true });
    d.do(113, liaison('U1'), { type: 'accept' }).do(114, liaison('U1'), { type: 'resolve', summary: '已修复', evidence: [], explainedUnresolved: false });
    expect(d.state.overdue).toBe(false);
    expect(d.state.clocks.filter((c) => c.kind === 'repeatOverdue' && c.stoppedAt === null)).toEqual([]);
  });

  it('may also be settled by agreement (商定办) at the street', () => {
    const d = new Drive().do(1, gridWorker, { type: 'handleDirectly', note: '现场处置' }).until(101);
    const agreed = d.try(102, dispatcherAt('S'), {
      type: 'recordAgreement',
      leadUnitId: 'U1',
      cooperatingUnitIds: [],
      participants: [{ name: '张三' }],
      plan: '共同维修',
    });
    expect(agreed.ok).toBe(true);
  });
});

describe('a missed deadline is counted once', () => {
  const missedResolve = () =>
    new Drive(slowTriage)
      .do(1, dispatcherAt('C'), dispatchTo('U1'))
      .do(2, liaison('U1'), { type: 'accept' })
      .until(101); // the resolve deadline (1 + 100 s) passed: street

  it('a pause after the miss, then a resume, does not climb again for the same miss', () => {
    const d = missedResolve();
    expect(d.state.tier).toBe('street');
    d.do(200, liaison('U1'), { type: 'pause', reason: '等待诉求人补充照片' }).do(3800, liaison('U1'), { type: 'resume' });
    // The new deadline counts the hour waited from the resumption, with its warning at 80%.
    expect(resolveClock(d)).toMatchObject({ due: at(3800 + 3600), warnAt: at(3800 + 2880) });
    d.until(3800 + 3600 + 1);
    expect(d.state.tier).toBe('street');
    expect(d.state.escalations).toHaveLength(1);
    expect(d.alerts('overdue').at(-1)).toMatchObject({ tier: 'street', at: at(7401) });
  });

  it('a late short extension starts from the approval, not from the deadline already passed', () => {
    const d = missedResolve()
      .do(102, liaison('U1'), { type: 'requestExtension', duration: 'PT30S', reason: '需要协调施工队' })
      .do(110, supervisorAt('S'), { type: 'decideExtension', approve: true });
    expect(resolveClock(d)).toMatchObject({ due: at(140), warnAt: at(134) });
    expect(d.state.overdue).toBe(false);
    d.until(139);
    expect(d.alerts('warning').at(-1)).toMatchObject({ at: at(139) });
    d.until(141);
    expect(d.state.tier).toBe('street'); // missed again: reminded, not climbed
    expect(d.state.escalations).toHaveLength(1);
  });

  it('an extension approved in time still adds to the deadline', () => {
    const d = new Drive()
      .do(1, dispatcherAt('C'), dispatchTo('U1'))
      .do(2, liaison('U1'), { type: 'accept' })
      .do(10, liaison('U1'), { type: 'requestExtension', duration: 'PT50S', reason: '需要协调施工队' })
      .do(20, supervisorAt('S'), { type: 'decideExtension', approve: true });
    expect(resolveClock(d).due).toBe(at(151));
  });
});

describe('a missed triage deadline that escalates', () => {
  it('keeps the case overdue until a tier handles it', () => {
    const d = new Drive().until(10);
    expect(d.state).toMatchObject({ tier: 'street', overdue: true });
    d.do(11, dispatcherAt('S'), dispatchTo('U1'));
    expect(d.state.overdue).toBe(false);
  });

  it('a manual escalation before the deadline replaces the triage clock, which never fires', () => {
    const d = new Drive().do(1, dispatcherAt('C'), { type: 'escalate', reason: '需街道协调' }).until(10);
    expect(d.state.escalations).toHaveLength(1);
    expect(isOverdue(d.state)).toBe(false);
  });
});

describe('two deadlines due at the same instant', () => {
  it('climb for the clock that started first, whatever order the clocks are stored in', () => {
    const d = new Drive().do(0, dispatcherAt('C'), { type: 'dispatch', leadUnitId: 'U1', cooperatingUnitIds: ['U2'] });
    const reversed = { ...d.record, state: { ...d.state, clocks: [...d.state.clocks].reverse() } };
    for (const record of [d.record, reversed]) {
      const events = tick(record.state, at(10));
      const climbed = events.find((e) => e.type === 'escalated');
      expect(climbed).toMatchObject({ type: 'escalated', reason: expect.stringContaining('签收时限') });
      expect(events.find((e) => e.type === 'alert_raised' && e.alert.type === 'escalated')).toMatchObject({ alert: { unitId: 'U1' } });
    }
  });
});

describe('a rejection at the street (改派)', () => {
  it('the first lead rejection at the street goes back to the street dispatcher; the second is a dispute for the city', () => {
    const d = new Drive().do(1, dispatcherAt('C'), { type: 'escalate', reason: '社区无法协调' }).do(2, dispatcherAt('S'), dispatchTo('U1'));
    d.do(3, liaison('U1'), { type: 'reject', reason: '不属于本单位职责范围' });
    expect(d.state).toMatchObject({ tier: 'street', status: 'triage' });
    d.do(4, dispatcherAt('S'), dispatchTo('U2')).do(5, liaison('U2'), { type: 'reject', reason: '不属于本单位职责范围' });
    expect(d.state).toMatchObject({ tier: 'city', status: 'triage' });
    expect(d.state.escalations.at(-1)).toMatchObject({ cause: 'dispute', from: 'street', to: 'city' });
  });

  it('a community rejection before the climb does not count as the street\'s first', () => {
    const d = new Drive()
      .do(1, dispatcherAt('C'), dispatchTo('U1'))
      .do(2, liaison('U1'), { type: 'reject', reason: '不属于本单位职责范围' })
      .do(3, dispatcherAt('C'), { type: 'escalate', reason: '社区无法协调' })
      .do(4, dispatcherAt('S'), dispatchTo('U2'))
      .do(5, liaison('U2'), { type: 'reject', reason: '不属于本单位职责范围' });
    expect(d.state).toMatchObject({ tier: 'street', status: 'triage' });
  });
});

describe('district staff (区/县) act on the cases of their whole subtree', () => {
  const inProgress = () => new Drive().do(1, dispatcherAt('C'), dispatchTo('U1')).do(2, liaison('U1'), { type: 'accept' });

  it('a district supervisor approves extensions and the complex mark; a district dispatcher merges', () => {
    const d = inProgress().do(3, liaison('U1'), { type: 'requestExtension', duration: 'PT20S', reason: '需要协调施工队' });
    expect(d.try(4, supervisorAt('D'), { type: 'decideExtension', approve: true }).ok).toBe(true);
    const marked = new Drive().do(1, dispatcherAt('C'), { type: 'markComplex', reason: '涉及多个部门' });
    expect(marked.try(2, supervisorAt('D'), { type: 'decideComplex', approve: true }).ok).toBe(true);
    expect(new Drive().try(1, dispatcherAt('D'), { type: 'merge', intoCaseId: '2' }).ok).toBe(true);
  });

  it('a district may blow the whistle on a case at the street or below, not at the city', () => {
    expect(new Drive().try(1, supervisorAt('D'), { type: 'escalate', reason: '区级督办' }).ok).toBe(true);
    const atCity = new Drive().until(10).until(20);
    expect(atCity.state.tier).toBe('city');
    expect(atCity.try(21, supervisorAt('D'), { type: 'escalate', reason: '区级督办' }).ok).toBe(false);
  });

  it('another district does not', () => {
    const d = inProgress().do(3, liaison('U1'), { type: 'requestExtension', duration: 'PT20S', reason: '需要协调施工队' });
    expect(d.try(4, supervisorAt('D2'), { type: 'decideExtension', approve: true })).toMatchObject({ ok: false, rejection: { code: 'FORBIDDEN' } });
  });
});

describe('merging into another case (并单)', () => {
  it.each(['closed', 'withdrawn', 'merged'] as const)('refuses a primary that is %s and keeps the repeat report open', (status) => {
    const d = new Drive();
    const refused = d.try(1, dispatcherAt('C'), { type: 'merge', intoCaseId: '2', into: { status } });
    expect(refused).toMatchObject({ ok: false, rejection: { code: 'INVALID_STATE' } });
    expect(d.state.status).toBe('triage');
  });
});

describe('the extension cap of 10 working days', () => {
  const inProgress = () => new Drive().do(1, dispatcherAt('C'), dispatchTo('U1')).do(2, liaison('U1'), { type: 'accept' });
  const ask = (d: Drive, duration: string) => d.try(3, liaison('U1'), { type: 'requestExtension', duration, reason: '需要协调施工队' });
  const workingResolve = (d: Drive): Drive => {
    const clocks = d.state.clocks.map((c) => (c.kind === 'resolve' ? { ...c, basis: 'working' as const, workdaySeconds: 7 * 3600 } : c));
    d.record = { ...d.record, state: { ...d.state, clocks } };
    return d;
  };

  it('weighs hours on the working basis as office hours: PT230H is about 33 working days', () => {
    expect(ask(workingResolve(inProgress()), 'PT230H')).toMatchObject({ ok: false, rejection: { field: 'duration' } });
    expect(ask(workingResolve(inProgress()), 'PT70H').ok).toBe(true); // exactly 10 working days
    expect(ask(workingResolve(inProgress()), 'PT71H').ok).toBe(false);
  });

  it('on the calendar basis a day is 24 hours', () => {
    expect(ask(inProgress(), 'PT240H').ok).toBe(true);
    expect(ask(inProgress(), 'PT241H').ok).toBe(false);
  });

  it('refuses fractions, which no layer can count', () => {
    expect(ask(inProgress(), 'PT1.5S')).toMatchObject({ ok: false, rejection: { field: 'duration', message: expect.stringContaining('整数') } });
  });
});

describe('a case that ended', () => {
  it.each([
    ['withdraw', clerk, { type: 'withdraw', reason: '诉求人撤回' }],
    ['merge', dispatcherAt('C'), { type: 'merge', intoCaseId: '2' }],
  ] as const)('by %s no longer shows a pause', (_name, who, command) => {
    const d = new Drive()
      .do(1, dispatcherAt('C'), dispatchTo('U1'))
      .do(2, liaison('U1'), { type: 'accept' })
      .do(3, liaison('U1'), { type: 'pause', reason: '等待诉求人补充照片' })
      .do(4, who, command as CaseCommand);
    expect(d.state.paused).toBeNull();
  });
});

describe('approving the complex mark', () => {
  it('replans from the start on the complex policy and keeps an approved extension and a pause', () => {
    const d = new Drive()
      .do(1, dispatcherAt('C'), dispatchTo('U1'))
      .do(2, liaison('U1'), { type: 'accept' })
      .do(3, liaison('U1'), { type: 'requestExtension', duration: 'PT20S', reason: '需要协调施工队' })
      .do(4, supervisorAt('S'), { type: 'decideExtension', approve: true })
      .do(5, liaison('U1'), { type: 'pause', reason: '等待诉求人补充照片' })
      .do(15, liaison('U1'), { type: 'resume' });
    expect(resolveClock(d).due).toBe(at(1 + 100 + 20 + 10));
    d.do(16, dispatcherAt('C'), { type: 'markComplex', reason: '涉及多个部门' }).do(17, supervisorAt('S'), { type: 'decideComplex', approve: true });
    // The same policy here, so the same deadline: nothing the case had earned is lost.
    expect(resolveClock(d).due).toBe(at(1 + 100 + 20 + 10));
    expect(resolveClock(d).adjustments).toHaveLength(2);
  });
});
