/**
 * Steady open-loop load: new cases arrive at `rate` per second (exponential gaps) whether or not earlier
 * requests were answered, as callers do not wait for the platform's outage to end. Each arrival runs its
 * journey; when the load stops, journeys finish the request they are in and take no further step.
 */
import { runJourney, type JourneyContext } from './journeys';
import type { Random } from './random';
import type { JourneyKind } from './records';

/** How often each journey is chosen: a good share is left waiting so that deadlines pass during outages. */
export const journeyMix: Record<JourneyKind, number> = {
  idle: 25,
  dispatchIdle: 15,
  full: 30,
  reject: 10,
  direct: 10,
  withdraw: 10,
};

export interface LoadOptions {
  /** New cases per second. */
  rate: number;
  random: Random;
  /** Resolves when the arrivals should stop. */
  until: Promise<void>;
  context: Omit<JourneyContext, 'random' | 'stopping'>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs the arrivals until `until`, then waits for every journey to end; returns how many cases arrived. */
export async function runLoad(o: LoadOptions): Promise<number> {
  let stopped = false;
  void o.until.then(() => (stopped = true));
  const journeys: Promise<void>[] = [];
  let n = 0;
  const started = Date.now();
  let nextAt = started;
  while (!stopped) {
    nextAt += o.random.exponential(1000 / o.rate);
    const wait = nextAt - Date.now();
    if (wait > 0) await Promise.race([sleep(wait), o.until]);
    if (stopped) break;
    n++;
    const kind = o.random.weighted(journeyMix);
    const context: JourneyContext = { ...o.context, random: o.random.fork(), stopping: () => stopped };
    journeys.push(runJourney(kind, n, context).catch((err: Error) => console.error(`[drill] 第 ${n} 号旅程出错 (journey failed): ${err.stack ?? err.message}`)));
  }
  await Promise.all(journeys);
  return n;
}
