/**
 * The chaos drill's verification (scripts/drill/verify*.ts) on synthetic rounds built with the real domain
 * rules: a faithful round passes, and each kind of loss or mismatch the drill hunts for is caught, naming
 * the case.
 */
import { execute, openCase, recordSystemEvents, tick, type CaseRecord } from '../../workflows/domain';
import { emptyLedger, type DrillPolicy, type Ledger, type ObservedCase, type Observation } from '../../scripts/drill/records';
import { unsettledCases } from '../../scripts/drill/settle';
import { verifyRound, type VerifyInput } from '../../scripts/drill/verify';
import { at, clerk, dispatcherAt, domainIntake } from '../domain/fixtures';

const policy: DrillPolicy = { triage: 20, respond: 20, resolve: 45, callback: 30 };
const plan = (record: CaseRecord, when: string): CaseRecord => {
  const plans = record.state.clocks
    .filter((c) => c.plan !== null && c.stoppedAt === null)
    .map((c) => ({ clockId: c.id, due: new Date(Date.parse(c.plan!.from) + policy[c.kind as keyof DrillPolicy] * 1000).toISOString(), warnAt: null, basis: 'calendar' as const }));
  return plans.length ? recordSystemEvents(record, [{ type: 'clocks_planned', plans }], when) : record;
};
/** What the timers do at `when` (as the workflow loop does), then the new clocks planned. */
const timePasses = (record: CaseRecord, when: string): CaseRecord => plan(recordSystemEvents(record, tick(record.state, when), when), when);

/**
 * Case n, opened at 0 s. `left` waiting, it climbs to the street when its triage deadline (20 s) is looked at,
 * at 25 s (inside the worker's outage, 15–24 s); `dispatched` at 5 s, it climbs when its respond deadline (25 s)
 * is looked at, at 27 s, unless `looked` is false (the timer never ran).
 */
function caseRecord(n: number, how: 'left' | 'dispatched', looked = true): CaseRecord {
  const id = `2026112300000${n}`;
  let record = plan(openCase({ ...domainIntake, id, caseNo: id, title: `演练 ${n}` }, clerk, at(0)), at(0));
  if (how === 'dispatched') {
    const done = execute(record, { type: 'dispatch', leadUnitId: 'unit-mobile', cooperatingUnitIds: [] }, dispatcherAt('C'), at(5));
    if (!done.ok) throw new Error(done.rejection.message);
    record = plan(done.record, at(5));
    if (looked) record = timePasses(record, at(27));
  } else {
    record = timePasses(record, at(25));
  }
  return record;
}

/** The stack as it should be: row, events and alerts exactly as the workflow projected them, read at 35 s. */
function observed(record: CaseRecord): ObservedCase {
  const { state, events } = record;
  return {
    id: state.id,
    row: { id: state.id, status: state.status, tier: state.tier, version: state.version, overdue: state.overdue, leadUnitId: state.assignments.find((a) => a.role === 'lead' && a.active)?.unitId ?? null, doc: structuredClone(state) },
    workflow: { state, timeline: events },
    workflowExists: true,
    workflowError: null,
    eventRows: events.map((e) => ({ seq: e.seq, type: e.type })),
    alertRows: events.flatMap((e) => (e.type === 'alert_raised' ? [{ type: e.alert.type, tier: e.alert.tier, dedupeKey: `${state.id}:${e.seq}` }] : [])),
    observedAt: at(35),
  };
}

function round(records: CaseRecord[]): { ledger: Ledger; observation: Observation } {
  const ledger = emptyLedger();
  const observation: Observation = { cases: new Map(), workflowIds: [], intakeKeys: new Map() };
  for (const r of records) {
    const key = `key-${r.state.id}`;
    ledger.intakes.push({ key, title: r.state.title, journey: 'idle', outcome: 'accepted', status: 201, code: null, caseId: r.state.id, attempts: 1, sentAt: at(0), answeredAt: at(1) });
    observation.cases.set(r.state.id, observed(r));
    observation.workflowIds.push(r.state.id);
    observation.intakeKeys.set(key, r.state.id);
    if (r.state.status === 'dispatched') {
      ledger.decisions.push({ key: `${key}-1`, caseId: r.state.id, command: 'dispatch', actor: 'u', outcome: 'accepted', status: 200, code: null, attempts: 2, sentAt: at(5), answeredAt: at(5) });
    }
  }
  return { ledger, observation };
}

const verify = (input: Pick<VerifyInput, 'ledger' | 'observation'>) => verifyRound({ ...input, policy, faults: [{ component: 'worker', killedAt: at(15), restartedAt: at(20), readyAt: at(24) }], graceMs: 5000 });
const failuresOf = (input: Pick<VerifyInput, 'ledger' | 'observation'>, titlePart: string) =>
  verify(input).checks.find((c) => c.title.includes(titlePart))!.failures;

describe('the chaos drill verification', () => {
  it('passes a round in which everything the API accepted is there once, escalated once and projected as the workflow says', () => {
    const r = round([caseRecord(1, 'left'), caseRecord(2, 'dispatched')]);
    const verdict = verify(r);
    expect(verdict.checks.map((c) => [c.title, c.failures])).toEqual(verdict.checks.map((c) => [c.title, []]));
    expect(verdict.ok).toBe(true);
    const escalation = verdict.checks.find((c) => c.title.includes('escalated exactly once'))!;
    expect(escalation).toMatchObject({ checked: 2, note: expect.stringContaining('1 for deadlines due during an outage') });
    expect(unsettledCases(r.observation, 5000)).toEqual([]);
  });

  it('catches an accepted case that is missing from the database and from Temporal', () => {
    const r = round([caseRecord(1, 'left'), caseRecord(2, 'left')]);
    r.observation.cases.delete('20261123000002');
    expect(failuresOf(r, 'accepted cases exist')).toEqual([{ caseId: '20261123000002', detail: expect.stringContaining('no cases row') }]);
    expect(verify(r).ok).toBe(false);
  });

  it('catches a request that became two cases', () => {
    const twin = caseRecord(3, 'left');
    const r = round([caseRecord(1, 'left'), twin]);
    const copy = observed({ ...twin, state: { ...twin.state, id: '20261123000099', caseNo: '20261123000099', title: '演练 1' } });
    r.observation.cases.set(copy.id, { ...copy, row: { ...copy.row!, doc: { ...copy.row!.doc, title: '演练 1' } } });
    expect(failuresOf(r, 'no duplicates')).toEqual([{ caseId: expect.any(String), detail: expect.stringContaining('20261123000099') }]);
  });

  it('catches a climb alerted twice, and a climb the workflow made twice', () => {
    const r = round([caseRecord(1, 'left')]);
    const seen = r.observation.cases.get('20261123000001')!;
    seen.alertRows.push({ ...seen.alertRows.find((a) => a.type === 'escalated')!, dedupeKey: 'copy' });
    expect(failuresOf(r, 'escalated exactly once')).toEqual([{ caseId: '20261123000001', detail: expect.stringContaining('escalated 告警 2 条') }]);

    const twice = caseRecord(2, 'left');
    const doubled = { ...twice.state, escalations: [...twice.state.escalations, { ...twice.state.escalations[0]!, from: 'street' as const, to: 'city' as const }] };
    const r2 = round([{ ...twice, state: doubled }]);
    expect(failuresOf(r2, 'escalated exactly once').map((f) => f.detail).join('\n')).toContain('expected vs actual climbs');
  });

  it('catches a deadline that passed while a part was down and never fired', () => {
    const record = caseRecord(1, 'dispatched', false); // its respond deadline (25 s) passed by 35 s, but no timer ran
    const r = round([record]);
    expect(failuresOf(r, 'passed deadlines fired')).toEqual([{ caseId: record.state.id, detail: expect.stringContaining('never fired') }]);
    expect(unsettledCases(r.observation, 5000)).toEqual([record.state.id]);
  });

  it('catches a deadline that passed unnoticed and was then stopped by a command, so it never escalated', () => {
    const dispatched = caseRecord(1, 'dispatched', false); // respond deadline 25 s, no timer ran
    const accepted = execute(dispatched, { type: 'accept', note: null }, { userId: 'l', username: 'liaison', displayName: 'L', role: 'liaison', unitId: 'unit-mobile' }, at(30));
    if (!accepted.ok) throw new Error(accepted.rejection.message);
    const r = round([plan(accepted.record, at(30))]);
    expect(failuresOf(r, 'passed deadlines fired')).toEqual([
      { caseId: dispatched.state.id, detail: expect.stringMatching(/respond-2.*assignment_accepted（liaison，seq \d+）.*stopped after due without a miss/) },
    ]);
    // Nothing is waiting on a timer any more, so settling does not hide it.
    expect(unsettledCases(r.observation, 5000)).toEqual([]);
  });

  it('catches a deadline planned off the policy', () => {
    const record = caseRecord(1, 'left');
    const clocks = record.state.clocks.map((c) => (c.id === 'triage-2' ? { ...c, due: new Date(Date.parse(c.due!) + 60_000).toISOString() } : c));
    const r = round([{ ...record, state: { ...record.state, clocks } }]);
    expect(failuresOf(r, 'passed deadlines fired').map((f) => f.detail).join('\n')).toContain('planned off the policy');
  });

  it('catches a read model that differs from the workflow, and a timeline row that is missing', () => {
    const r = round([caseRecord(1, 'left'), caseRecord(2, 'left')]);
    const one = r.observation.cases.get('20261123000001')!;
    one.row = { ...one.row!, doc: { ...one.row!.doc, tier: 'community' }, tier: 'street' };
    r.observation.cases.get('20261123000002')!.eventRows.pop();
    expect(failuresOf(r, 'projection = workflow')).toEqual([
      { caseId: '20261123000001', detail: expect.stringContaining('$.tier: "community" ≠ "street"') },
      { caseId: '20261123000002', detail: expect.stringContaining('timeline differs') },
    ]);
  });

  it('catches an accepted decision that never reached the timeline, and a refused one that took effect', () => {
    const dispatched = caseRecord(1, 'dispatched');
    const r = round([dispatched, caseRecord(2, 'left')]);
    r.ledger.decisions.push({ key: 'k-lost', caseId: '20261123000002', command: 'dispatch', actor: 'u', outcome: 'accepted', status: 200, code: null, attempts: 3, sentAt: at(6), answeredAt: at(7) });
    r.ledger.decisions[0] = { ...r.ledger.decisions[0]!, outcome: 'refused', status: 409 };
    const failures = failuresOf(r, 'decisions applied once');
    expect(failures).toEqual([
      { caseId: dispatched.state.id, detail: expect.stringContaining('applied more than answered') },
      { caseId: '20261123000002', detail: expect.stringContaining('accepted decision lost') },
    ]);
  });
});
