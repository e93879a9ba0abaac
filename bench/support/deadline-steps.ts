/**
 * One step of bench/escalation-scale.ts: a batch whose deadlines fall due at a steady rate, and how late
 * each one was acted on. Deadlines are `afterSeconds` after each opening, and the openings are paced at the
 * rate, so the deadlines are as evenly spread as the openings were; the step measures the spread it got.
 */
import type { Db } from '../../db/connection';
import { sleep, spread, type Spread } from './stats';

export interface PacedBatch {
  ids: string[];
  errors: number;
  firstError: string | null;
  /** When the first opening was sent (epoch ms): no deadline of the batch can fall before it + afterSeconds. */
  firstSentAt: number;
  /** Openings not sent because the first deadline was near (the system could not open at the rate). */
  notSent: number;
}

/**
 * Opens `count` things at `rate` a second. Sending stops 2 s before the first deadline could fall, so that
 * nothing is still being opened while deadlines fall; `beforeDeadlines` runs once the openings are done, or
 * at that cut, whichever comes first (before any deadline falls either way).
 */
export async function openPaced(
  o: { rate: number; count: number; afterSeconds: number; maxInFlight: number },
  open: (n: number) => Promise<string>,
  beforeDeadlines: (batch: PacedBatch) => Promise<void>,
): Promise<PacedBatch> {
  const batch: PacedBatch = { ids: [], errors: 0, firstError: null, firstSentAt: Date.now(), notSent: 0 };
  const cutAt = batch.firstSentAt + o.afterSeconds * 1000 - 2000;
  const inFlight = new Set<Promise<void>>();
  for (let n = 0; n < o.count; n++) {
    await sleep(batch.firstSentAt + (n * 1000) / o.rate - Date.now());
    while (inFlight.size >= o.maxInFlight && Date.now() < cutAt) await Promise.race([...inFlight, sleep(cutAt - Date.now())]);
    if (Date.now() >= cutAt) {
      batch.notSent = o.count - n;
      break;
    }
    const p: Promise<void> = open(n)
      .then(
        (id) => void batch.ids.push(id),
        (err: Error) => {
          batch.errors++;
          batch.firstError ??= String(err?.message ?? err).slice(0, 200);
        },
      )
      .finally(() => inFlight.delete(p));
    inFlight.add(p);
  }
  // Openings still under way get the policy they were sent under, unless the first deadline comes first.
  await Promise.race([Promise.all(inFlight), sleep(cutAt - Date.now())]);
  await beforeDeadlines(batch);
  await Promise.all(inFlight);
  return batch;
}

/** A deadline and when its consequence was stored (null: not yet), per id; the workflow's own look when known. */
export interface Firing {
  id: string;
  due: number;
  storedAt: number | null;
  lookedAt?: number | null;
}

/** Polls `read` until every id has fired or `giveUpAt` (epoch ms) passed. */
export async function awaitFirings(read: () => Promise<Firing[]>, expected: number, giveUpAt: () => number): Promise<Firing[]> {
  for (;;) {
    const firings = await read();
    if (firings.filter((f) => f.storedAt !== null).length >= expected || Date.now() > giveUpAt()) return firings;
    await sleep(1000);
  }
}

export interface StepOutcome {
  /** Deadlines in the step (openings whose deadline fell in the window). */
  measured: number;
  /** Deadlines a second, from the first to the last. */
  dueRate: number;
  /** Deadline → stored, ms. */
  lateness: Spread;
  /** Deadline → the workflow's look at it (jiesu: the alert's `at`), ms, when known. */
  looked: Spread | null;
  /** Deadlines whose consequence was never stored within the grace. */
  missing: number;
  /** A few of them, to look at. */
  missingIds: string[];
}

export function outcomeOf(firings: Firing[]): StepOutcome {
  const dues = firings.map((f) => f.due).filter(Number.isFinite).sort((a, b) => a - b);
  const span = dues.length > 1 ? (dues.at(-1)! - dues[0]!) / 1000 : 0;
  const stored = firings.filter((f) => f.storedAt !== null);
  const looked = stored.filter((f) => f.lookedAt != null);
  return {
    measured: firings.length,
    dueRate: span > 0 ? (dues.length - 1) / span : Number.NaN,
    lateness: spread(stored.map((f) => f.storedAt! - f.due)),
    looked: looked.length ? spread(looked.map((f) => f.lookedAt! - f.due)) : null,
    missing: firings.length - stored.length,
    missingIds: firings.filter((f) => f.storedAt === null).slice(0, 3).map((f) => f.id),
  };
}

const epoch = (v: Date | string | null): number | null => (v === null ? null : new Date(v).getTime());

/** The cases' triage deadlines and their first `escalated` alert (bench_escalations, see bare-activities.ts). */
export async function caseFirings(db: Db, ids: string[], dueBefore: number): Promise<Firing[]> {
  const { rows } = await db.raw(
    // Once a case climbed, its triage deadline is the next tier's: the missed one is the alert's.
    `select c.id, coalesce(e.deadline, (c.doc->'deadlines'->>'triageBy')::timestamptz) as due, e.stored_at, e.at
       from cases c
       left join lateral (select deadline, stored_at, at from bench_escalations e where e.case_id = c.id order by alert_id limit 1) e on true
      where c.id = any(?)`,
    [ids],
  );
  // A case opened after the policy went back to a far deadline is not part of the step.
  return (rows as { id: string; due: Date; stored_at: Date | null; at: Date | null }[])
    .filter((r) => r.due && r.due.getTime() < dueBefore)
    .map((r) => ({ id: r.id, due: r.due.getTime(), storedAt: epoch(r.stored_at), lookedAt: epoch(r.at) }));
}

/** The bare timers (bench_timer_fired); one that has not fired yet has no known deadline (NaN). */
export async function bareFirings(db: Db, ids: string[]): Promise<Firing[]> {
  const { rows } = await db.raw('select id, due, fired_at from bench_timer_fired where id = any(?)', [ids]);
  const fired = new Map((rows as { id: string; due: Date; fired_at: Date }[]).map((r) => [r.id, r]));
  return ids.map((id) => {
    const r = fired.get(id);
    return { id, due: r ? r.due.getTime() : Number.NaN, storedAt: r ? r.fired_at.getTime() : null };
  });
}
