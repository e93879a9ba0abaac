/**
 * After the load stops, the stack needs a moment: timers that fell due while a part was down fire once it
 * is back, and projections catch up. The drill waits for that, boundedly, before it verifies; what is
 * still unsettled at the end is verified as it stands (and fails).
 */
import type { Observer } from './observe';
import type { Observation } from './records';

const timed = new Set(['triage', 'respond', 'resolve', 'callback']);

/** Cases whose projection lags their workflow, or with a deadline past the grace that has not fired yet. */
export function unsettledCases(seen: Observation, graceMs: number): string[] {
  const out: string[] = [];
  for (const c of seen.cases.values()) {
    const state = c.workflow?.state;
    if (!state) {
      // Not readable right now (the worker answers queries): read it again.
      out.push(c.id);
      continue;
    }
    const horizon = Date.parse(c.observedAt) - graceMs;
    const lagging = c.row?.version !== state.version;
    const waiting = state.clocks.some(
      (k) => timed.has(k.kind) && k.stoppedAt === null && k.due !== null && Date.parse(k.due) <= horizon && (k.kind === 'callback' || k.missedAt === null),
    );
    if (lagging || waiting) out.push(c.id);
  }
  return out;
}

export interface Settled {
  observation: Observation;
  settled: boolean;
  waitedMs: number;
}

/**
 * Observes every case, then reads the unsettled ones again until none is left or `timeoutMs` passed; the
 * last observation is what gets verified.
 */
export async function settle(observer: Observer, ids: string[], o: { graceMs: number; timeoutMs: number; say: (line: string) => void }): Promise<Settled> {
  const started = Date.now();
  const observation = await observer.observe(ids);
  for (;;) {
    const pending = unsettledCases(observation, o.graceMs);
    const waitedMs = Date.now() - started;
    if (pending.length === 0) return { observation, settled: true, waitedMs };
    if (waitedMs > o.timeoutMs) {
      o.say(`${o.timeoutMs / 1000}s 后仍有 ${pending.length} 件未稳定 (still unsettled): ${pending.slice(0, 10).join(', ')}`);
      return { observation, settled: false, waitedMs };
    }
    o.say(`等待稳定 (settling): ${pending.length} 件案件的时限或投影尚未赶上，或暂时读不到 (timers or projections behind, or not readable yet)`);
    await new Promise((r) => setTimeout(r, 3000));
    for (const id of pending) observation.cases.set(id, await observer.readCase(id));
  }
}
