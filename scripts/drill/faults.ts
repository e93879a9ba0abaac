/**
 * The faults of a round: by default kill -9 the worker, then the API, then Temporal, then PostgreSQL (a layout
 * may name others, production-topology.ts), each at a seeded random moment of the load and left down for a few
 * seconds before it is restarted. One fault at a time, each on a stack that has been whole for a while.
 */
import type { Random } from './random';
import type { FaultWindow } from './records';
import type { Stack } from './stack';

export interface PlannedFault {
  part: string;
  /** After the load started. */
  atMs: number;
  downMs: number;
}

/** The order the issue names; with several parts of a kind (replicas), one of them is picked. */
export const faultOrder = ['worker', 'api', 'temporal', 'postgres'] as const;

/**
 * One fault per target, each in its own slice of the load's middle (10%–85%), so that deadlines pass while
 * each part is down and there is load before and after every fault. A target is a part's name, or a kind of
 * which one part is picked at random (the same draws as ever, so a seed replays the single-node plan).
 * `earliestMs` moves the first slice's start later (once the first deadlines fall due, so that the first
 * fault meets timers too); by default it changes nothing.
 */
export function planFaults(
  random: Random,
  stack: Pick<Stack, 'ofKind' | 'parts'>,
  loadMs: number,
  downMs: [number, number] = [3000, 8000],
  targets: readonly string[] = faultOrder,
  earliestMs = 0,
): PlannedFault[] {
  const first = Math.min(Math.max(loadMs * 0.1, earliestMs), loadMs * 0.5);
  const slot = (loadMs * 0.85 - first) / targets.length;
  return targets.flatMap((target, i) => {
    const named = stack.parts.find((p) => p.name === target);
    const candidates = named ? [named] : stack.ofKind(target as (typeof faultOrder)[number]);
    if (candidates.length === 0) return [];
    const part = candidates[Math.floor(random.next() * candidates.length)]!.name;
    return [{ part, atMs: Math.round(first + i * slot + random.next() * slot * 0.5), downMs: Math.round(random.between(downMs[0], downMs[1])) }];
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Runs the plan against the stack from `startedAt`; resolves with each fault's window once the last part is
 * back. A fault waits for its moment, and for `healthyMs` of a whole stack after the previous one, so that
 * every fault strikes a stack that was working (a slow restart pushes the rest of the plan back).
 */
export async function runFaults(stack: Stack, plan: PlannedFault[], startedAt: number, healthyMs = 15_000): Promise<FaultWindow[]> {
  const windows: FaultWindow[] = [];
  let backAt = 0;
  for (const fault of plan) {
    const wait = Math.max(startedAt + fault.atMs, backAt + healthyMs) - Date.now();
    if (wait > 0) await sleep(wait);
    const window = await stack.crash(fault.part, fault.downMs);
    windows.push(window);
    backAt = Date.now();
  }
  return windows;
}
