/**
 * How late the timers fired (issue 16: "no timer late by more than the worker's restart"). A deadline's timer
 * fired when the workflow looked at it: the instant its miss was recorded (`missedAt`), or, for the callback
 * window, the instant the window closed the case. It may be as late as the grace (what the fired check
 * already allows a deadline still on its way), or, when a part that fires or runs timers was down around the
 * deadline, until that part answered again plus the grace: the outage, from the kill until the restarted part
 * was ready, is the restart the issue bounds lateness by. A killed worker also holds the cases it had cached for
 * Temporal's sticky timeout, however fast it restarts (STICKY_TIMEOUT_MS).
 */
import type { CaseEvent, Clock } from '../../workflows/domain';
import { CheckBuilder, type CheckResult } from './check';
import type { FaultWindow, Observation } from './records';

const ms = (instant: string): number => Date.parse(instant);
const accountable = new Set<Clock['kind']>(['triage', 'respond', 'resolve']);

/**
 * A killed worker's cases stay bound to its own (sticky) task queue: a timer of one of them that fires within
 * this long of the worker's last poll is handed to that queue, where nobody polls any more (a restarted worker
 * polls a new one), and reaches the other workers only when its schedule-to-start timeout expires. Both are
 * 10 s: the server's sticky-poller window and the SDK's `stickyQueueScheduleToStartTimeout`, which jiesu keeps
 * at its default. A task the killed worker had started waits out the same 10 s (the task timeout).
 */
export const STICKY_TIMEOUT_MS = 10_000;

/** An API replica holds no timer: its outage allows no timer to be later. */
export const holdsTimers = (f: FaultWindow): boolean => (f.kind ?? f.component.replace(/-\d+$/, '')) !== 'api';

/** When the timer of a deadline fired and what it was due at, or null when it has not fired (or was moved). */
export function firing(clock: Clock, timeline: CaseEvent[]): { due: string; firedAt: string } | null {
  if (clock.adjustments?.length) return null; // a moved deadline has no single due instant to measure against
  if (accountable.has(clock.kind) && clock.missedAt !== null) {
    const due = clock.missedDue ?? clock.due;
    return due ? { due, firedAt: clock.missedAt } : null;
  }
  if (clock.kind === 'callback' && clock.due !== null && clock.stoppedAt !== null) {
    const closedByWindow = timeline.some((e) => e.type === 'callback_window_expired' && e.at === clock.stoppedAt);
    return closedByWindow ? { due: clock.due, firedAt: clock.stoppedAt } : null;
  }
  return null;
}

/**
 * The latest a deadline due at `due` may fire on time: `slackMs` after it, or, for each outage of a part holding
 * timers that began by then and had not ended before the deadline, `slackMs` after the part was ready again; for
 * a deadline due from just before a worker's kill until the sticky timeout after it, that timeout and `slackMs`.
 */
export function latestOnTime(due: number, faults: FaultWindow[], slackMs: number): { limit: number; by: FaultWindow | null } {
  let limit = due + slackMs;
  let by: FaultWindow | null = null;
  // Outages in a row each push the limit on: repeat until no further outage reaches it.
  for (let changed = true; changed; ) {
    changed = false;
    for (const f of faults) {
      if (!holdsTimers(f)) continue;
      const ready = f.readyAt ? ms(f.readyAt) : Number.POSITIVE_INFINITY;
      if (ms(f.killedAt) <= limit && ready >= due && ready + slackMs > limit) {
        limit = ready + slackMs;
        by = f;
        changed = true;
      }
      const stuck = (f.kind ?? f.component.replace(/-\d+$/, '')) === 'worker' && due >= ms(f.killedAt) - slackMs && due <= ms(f.killedAt) + STICKY_TIMEOUT_MS;
      if (stuck && due + STICKY_TIMEOUT_MS + slackMs > limit) {
        limit = due + STICKY_TIMEOUT_MS + slackMs;
        by = f;
        changed = true;
      }
    }
  }
  return { limit, by };
}

const s = (n: number): string => `${(n / 1000).toFixed(1)}s`;

function quantile(sorted: number[], q: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]! : 0;
}

/** 3b. No timer fired later than its bound; the note gives the lateness outside and inside each outage. */
export function timersOnTime(seen: Observation, faults: FaultWindow[], slackMs: number): CheckResult {
  const check = new CheckBuilder('定时器迟到不超过重启 (no timer later than the restart)');
  const calm: number[] = [];
  const perFault = new Map<FaultWindow, number[]>(faults.filter(holdsTimers).map((f) => [f, []]));
  for (const c of seen.cases.values()) {
    const wf = c.workflow;
    if (!wf) continue; // reported by the projection check
    for (const clock of wf.state.clocks) {
      const fired = firing(clock, wf.timeline);
      if (!fired) continue;
      check.checked++;
      const due = ms(fired.due);
      const late = ms(fired.firedAt) - due;
      const { limit, by } = latestOnTime(due, faults, slackMs);
      (by ? (perFault.get(by) ?? perFault.set(by, []).get(by)!) : calm).push(late);
      if (ms(fired.firedAt) > limit) {
        const bound = by ? `${by.component} 恢复就绪 (ready again) ${by.readyAt} 后 ${s(slackMs)}` : `宽限 (grace) ${s(slackMs)}`;
        check.fail(c.id, `${clock.id}（到期 due ${fired.due}）迟到 ${s(late)} 于 ${fired.firedAt} 才触发，上限为${bound} (timer late beyond its bound)`);
      }
    }
  }
  calm.sort((a, b) => a - b);
  const parts = [`故障外 (no outage) ${calm.length} 个：p50 ${s(quantile(calm, 0.5))}，p95 ${s(quantile(calm, 0.95))}，最大 max ${s(calm.at(-1) ?? 0)}`];
  for (const [f, late] of perFault) {
    const outage = f.readyAt ? s(ms(f.readyAt) - ms(f.killedAt)) : '∞';
    // None at all says the fault struck where no deadline fell: it proved nothing about timers.
    parts.push(`${f.component} 不可用 ${outage} 内外 (around its outage) ${late.length} 个${late.length ? `：最大 max ${s(Math.max(...late))}` : ''}`);
  }
  return check.result(parts.join('；'));
}
