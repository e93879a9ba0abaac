/**
 * The two ways the benches load a system. Closed loop: N callers, each sending the next request when the
 * last one answered (what a fixed pool of clerks does; latency hides queueing, because a slow answer delays
 * the next send). Open loop: requests leave at fixed instants whatever happened before (what a city of
 * callers does); each latency counts from the instant the request was due to leave, so a bench that falls
 * behind cannot hide the queue it built (coordinated omission).
 */
import { sleep } from './stats';

/** One request; it throws on failure. `i` is unique within the bench process. */
export type Operation = (i: number) => Promise<void>;

export interface LoadResult {
  mode: 'closed' | 'open';
  /** Concurrency (closed) or requests per second offered (open). */
  level: number;
  ok: number;
  errors: number;
  firstError: string | null;
  /** Milliseconds of each successful request. */
  latencies: number[];
  /** From the first send to the last answer. */
  seconds: number;
}

let counter = 0;
const nextIndex = (): number => counter++;

function recorder(mode: LoadResult['mode'], level: number) {
  const result: LoadResult = { mode, level, ok: 0, errors: 0, firstError: null, latencies: [], seconds: 0 };
  return {
    result,
    async run(op: Operation, since: number): Promise<void> {
      try {
        await op(nextIndex());
        result.ok++;
        result.latencies.push(performance.now() - since);
      } catch (err) {
        result.errors++;
        result.firstError ??= String((err as Error)?.message ?? err).slice(0, 200);
      }
    },
  };
}

export async function closedLoop(op: Operation, concurrency: number, seconds: number): Promise<LoadResult> {
  const { result, run } = recorder('closed', concurrency);
  const started = performance.now();
  const stopAt = started + seconds * 1000;
  let last = started;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < stopAt) {
        await run(op, performance.now());
        last = Math.max(last, performance.now());
      }
    }),
  );
  result.seconds = (last - started) / 1000;
  return result;
}

/**
 * `rate` requests a second for `seconds`. `maxInFlight` only guards the bench process against an unbounded
 * pile-up; a request held back by it still counts its latency from its due instant.
 */
export async function openLoop(op: Operation, rate: number, seconds: number, maxInFlight = 2000): Promise<LoadResult> {
  const { result, run } = recorder('open', rate);
  const total = Math.max(1, Math.round(rate * seconds));
  const started = performance.now();
  const inFlight = new Set<Promise<void>>();
  let last = started;
  for (let n = 0; n < total; n++) {
    const due = started + (n * 1000) / rate;
    await sleep(due - performance.now());
    while (inFlight.size >= maxInFlight) await Promise.race(inFlight);
    const p: Promise<void> = run(op, due).then(() => {
      last = Math.max(last, performance.now());
      inFlight.delete(p);
    });
    inFlight.add(p);
  }
  await Promise.all(inFlight);
  result.seconds = (last - started) / 1000;
  return result;
}

/** Successful requests a second over the run. */
export const achievedRate = (r: LoadResult): number => (r.seconds > 0 ? r.ok / r.seconds : 0);
