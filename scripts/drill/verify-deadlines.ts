/**
 * The drill's checks on time: every deadline that passed was noticed (none lost in an outage, none fired
 * early), each was planned as the policy says, and each miss climbed one tier exactly once, with one
 * `escalated` alert per climb.
 */
import type { CaseEvent, CaseState, Clock, Escalation, Tier } from '../../workflows/domain';
import { CheckBuilder, CheckResult } from './check';
import type { DrillPolicy, FaultWindow, Observation } from './records';

/** Deadlines whose passing makes a case overdue and climbs a tier (the callback window closes it instead). */
const accountable = new Set<Clock['kind']>(['triage', 'respond', 'resolve']);
const planned = new Set<Clock['kind']>(['triage', 'respond', 'resolve', 'callback']);
const tiers: Tier[] = ['community', 'street', 'city'];
const above = (tier: Tier): Tier | null => tiers[tiers.indexOf(tier) + 1] ?? null;

const ms = (instant: string): number => Date.parse(instant);

/** Inside a fault window, from the kill until the component answered again. */
export function duringOutage(instant: string, faults: FaultWindow[]): boolean {
  const t = ms(instant);
  return faults.some((f) => t >= ms(f.killedAt) && t <= (f.readyAt ? ms(f.readyAt) : Number.POSITIVE_INFINITY));
}

/** The deadline ran until it was due: not met (stopped) before then. */
const ranUntilDue = (c: Clock): boolean => c.due !== null && (c.stoppedAt === null || ms(c.stoppedAt) >= ms(c.due));

/** The command that stopped a clock at `at` (the timeline's event then with an actor), for the report. */
function stoppedBy(timeline: CaseEvent[], at: string): string {
  const e = timeline.find((x) => x.at === at && x.actor);
  return e ? ` ${e.type}（${e.actor!.username}，seq ${e.seq}）` : '命令';
}

/** 3. Deadlines that passed were acted on, no earlier than due; planned deadlines follow the policy. */
export function deadlinesFired(seen: Observation, policy: DrillPolicy, faults: FaultWindow[], graceMs: number): CheckResult {
  const check = new CheckBuilder('到期时限均已触发 (passed deadlines fired)');
  let inOutage = 0;
  for (const c of seen.cases.values()) {
    const state = c.workflow?.state;
    if (!state) continue; // reported by the projection check
    const horizon = ms(c.observedAt) - graceMs;
    for (const clock of state.clocks) {
      if (!planned.has(clock.kind) || clock.due === null) continue;
      const label = `${clock.id}（到期 due ${clock.due}）`;
      if (!clock.adjustments?.length && clock.plan === null) {
        const allowed = policy[clock.kind as keyof DrillPolicy] * 1000;
        const got = ms(clock.due) - ms(clock.startedAt);
        if (got !== allowed) check.fail(c.id, `${label} 的时限为 ${got / 1000}s，策略为 ${allowed / 1000}s (planned off the policy)`);
      }
      if (clock.missedAt !== null && ms(clock.missedAt) < ms(clock.due)) check.fail(c.id, `${label} 在 ${clock.missedAt} 提前判为超时 (fired early)`);
      if (ms(clock.due) > horizon || !ranUntilDue(clock)) continue;
      check.checked++;
      if (duringOutage(clock.due, faults)) inOutage++;
      if (accountable.has(clock.kind)) {
        if (clock.missedAt !== null) continue;
        if (clock.stoppedAt === null) check.fail(c.id, `${label} 已过 ${Math.round((ms(c.observedAt) - ms(clock.due)) / 1000)}s 仍未判为超时 (deadline passed, never fired)`);
        else check.fail(c.id, `${label} 已过，但在 ${clock.stoppedAt} 被${stoppedBy(c.workflow!.timeline, clock.stoppedAt)}停止且未记超时 (stopped after due without a miss: no escalation)`);
      } else if (clock.stoppedAt === null) {
        check.fail(c.id, `${label} 回访期限已过，案件仍未结案 (callback window passed, case not closed)`);
      }
    }
  }
  return check.result(`其中 ${inOutage} 个在故障期间到期 (${inOutage} fell due during an outage)`);
}

export interface ExpectedClimb {
  at: string;
  /** The earliest deadline the look found missed. */
  due: string;
  from: Tier;
  to: Tier;
}

/**
 * The climbs a case must have made: each look at the clocks (the instant of its misses) that found a first
 * miss climbs one tier while there is one above; manual and dispute escalations move the tier as recorded.
 */
export function expectedDeadlineEscalations(state: CaseState): ExpectedClimb[] {
  // Each look, with the earliest deadline it found missed.
  const looks = new Map<string, string>();
  for (const c of state.clocks) {
    if (!accountable.has(c.kind) || c.missedAt === null || c.due === null) continue;
    const earliest = looks.get(c.missedAt);
    if (earliest === undefined || ms(c.due) < ms(earliest)) looks.set(c.missedAt, c.due);
  }
  const moves: { at: string; look: boolean; due?: string; to?: Tier }[] = [
    ...[...looks].map(([at, due]) => ({ at, due, look: true })),
    ...state.escalations.filter((e) => e.cause !== 'deadline').map((e) => ({ at: e.at, look: false, to: e.to })),
  ];
  // A command and a look at the same instant: the command's update ran first.
  moves.sort((a, b) => (a.at === b.at ? Number(a.look) - Number(b.look) : ms(a.at) - ms(b.at)));
  const expected: ExpectedClimb[] = [];
  let tier: Tier = 'community';
  for (const m of moves) {
    if (!m.look) {
      tier = m.to!;
      continue;
    }
    const up = above(tier);
    if (!up) continue;
    expected.push({ at: m.at, due: m.due!, from: tier, to: up });
    tier = up;
  }
  return expected;
}

const describe = (e: { at: string; from: Tier; to: Tier }): string => `${e.from}→${e.to}@${e.at}`;

/** 4. Each passed deadline climbed exactly once: the workflow's escalations, its timeline and the alerts table agree. */
export function escalatedOnce(seen: Observation, faults: FaultWindow[]): CheckResult {
  const check = new CheckBuilder('超时升级恰好一次 (escalated exactly once)');
  let inOutage = 0;
  for (const c of seen.cases.values()) {
    const wf = c.workflow;
    if (!wf) continue;
    const expected = expectedDeadlineEscalations(wf.state);
    const actual = wf.state.escalations.filter((e: Escalation) => e.cause === 'deadline');
    check.checked += expected.length;
    inOutage += expected.filter((e) => duringOutage(e.due, faults)).length;
    const want = expected.map(describe).join(' ');
    const got = actual.map(describe).join(' ');
    if (want !== got) check.fail(c.id, `应升级 [${want || '无'}]，实际 [${got || '无'}] (expected vs actual climbs)`);

    const missedPerClock = new Map<string, number>();
    for (const e of wf.timeline) if (e.type === 'clock_missed') missedPerClock.set(e.clockId, (missedPerClock.get(e.clockId) ?? 0) + 1);
    for (const [clockId, n] of missedPerClock) if (n > 1) check.fail(c.id, `${clockId} 被判超时 ${n} 次 (one deadline missed ${n} times)`);
    const escalatedEvents = wf.timeline.filter((e) => e.type === 'escalated').length;
    if (escalatedEvents !== wf.state.escalations.length) {
      check.fail(c.id, `时间线有 ${escalatedEvents} 次升级，状态记录 ${wf.state.escalations.length} 次 (timeline vs state)`);
    }

    // One `escalated` alert row per climb, for the tier climbed to.
    const climbs = countBy(wf.state.escalations.map((e) => e.to));
    const alerts = countBy(c.alertRows.filter((a) => a.type === 'escalated').map((a) => a.tier));
    for (const tier of new Set([...climbs.keys(), ...alerts.keys()])) {
      const n = alerts.get(tier) ?? 0;
      const m = climbs.get(tier) ?? 0;
      if (n !== m) check.fail(c.id, `升级至 ${tier} ${m} 次，escalated 告警 ${n} 条 (alerts per climb)`);
    }
  }
  return check.result(`其中 ${inOutage} 次的时限在故障期间到期 (${inOutage} for deadlines due during an outage)`);
}

function countBy(values: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return counts;
}
