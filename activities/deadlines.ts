/**
 * Deadline activities: the workflow asks for instants and gets them back recorded in its history, so a
 * later change of calendar or office hours never changes what a running case replays (DOMAIN.md §5,
 * ARCHITECTURE.md rule 4). Inputs and outputs are plain JSON (ISO strings), as activities need.
 */
import { ApplicationFailure } from '@temporalio/common';
import type { Knex } from 'knex';
import {
  addDuration,
  addWorkingMillis,
  type DeadlineBasis,
  type OfficeHours,
  workingMillisBetween,
} from './calendar/deadline-arithmetic';
import { loadWorkCalendar, type WorkCalendar } from './calendar/work-calendar';

export interface DeadlineRequest {
  /** The caller's name for this deadline (e.g. `triageBy`), echoed in the result. */
  key: string;
  /** ISO 8601 instant the clock starts at. */
  from: string;
  /** ISO 8601 duration (`P5D`, `PT2H`, `PT30S`). */
  duration: string;
  basis: DeadlineBasis;
  /** Fraction of the allowed time after which a warning goes out, e.g. 0.8. */
  warnAt?: number;
}

export interface DeadlineResult {
  key: string;
  /** ISO 8601 UTC instant. */
  due: string;
  /** When `warnAt` of the allowed time (on the same basis) has passed; null when no warnAt was asked. */
  warnAt: string | null;
}

export interface ShiftDeadlineInput {
  deadline: string;
  /** The pause began. */
  from: string;
  /** The pause ended. */
  to: string;
  basis: DeadlineBasis;
}

export interface DeadlineActivities {
  computeDeadlines(requests: DeadlineRequest[]): Promise<DeadlineResult[]>;
  shiftDeadline(input: ShiftDeadlineInput): Promise<{ due: string }>;
}

// Bad input will be just as bad on a retry: fail the activity for good so the workflow sees it at once.
function invalid(message: string): never {
  throw ApplicationFailure.nonRetryable(message, 'VALIDATION_FAILED');
}

function instant(value: string, field: string): Date {
  const d = typeof value === 'string' ? new Date(value) : new Date(Number.NaN);
  if (Number.isNaN(d.getTime())) invalid(`${field} 不是有效的 ISO 8601 时刻：${String(value)}`);
  return d;
}

function basisOf(value: unknown, field: string): DeadlineBasis {
  if (value !== 'calendar' && value !== 'working') invalid(`${field} 应为 calendar 或 working：${String(value)}`);
  return value;
}

/** The due instant and, optionally, the warning instant for one request. Exported for the API and tests. */
export function computeDeadline(request: DeadlineRequest, cal: WorkCalendar, hours: OfficeHours): DeadlineResult {
  const from = instant(request.from, `${request.key}.from`);
  const basis = basisOf(request.basis, `${request.key}.basis`);
  let due: Date;
  try {
    due = addDuration(from, request.duration, basis, cal, hours);
  } catch (err) {
    invalid(`${request.key}.duration：${(err as Error).message}`);
  }
  let warnAt: string | null = null;
  if (request.warnAt !== undefined && request.warnAt !== null) {
    const fraction = request.warnAt;
    if (typeof fraction !== 'number' || !(fraction > 0 && fraction <= 1)) invalid(`${request.key}.warnAt 应在 (0, 1] 之间`);
    if (fraction === 1) warnAt = due.toISOString();
    else if (basis === 'calendar') {
      warnAt = new Date(from.getTime() + Math.floor((due.getTime() - from.getTime()) * fraction)).toISOString();
    } else {
      // The same fraction of the working time allowed, e.g. 80% of the office hours between start and due.
      const allowed = workingMillisBetween(from, due, cal, hours);
      warnAt = addWorkingMillis(from, Math.floor(allowed * fraction), cal, hours).toISOString();
    }
  }
  return { key: request.key, due: due.toISOString(), warnAt };
}

/** The deadline moved later by the time between `from` and `to` on the basis (a pause, 待补充材料). */
export function shiftDeadlineBy(input: ShiftDeadlineInput, cal: WorkCalendar, hours: OfficeHours): { due: string } {
  const deadline = instant(input.deadline, 'deadline');
  const from = instant(input.from, 'from');
  const to = instant(input.to, 'to');
  const basis = basisOf(input.basis, 'basis');
  if (to.getTime() <= from.getTime()) return { due: deadline.toISOString() };
  if (basis === 'calendar') return { due: new Date(deadline.getTime() + (to.getTime() - from.getTime())).toISOString() };
  const paused = workingMillisBetween(from, to, cal, hours);
  return { due: addWorkingMillis(deadline, paused, cal, hours).toISOString() };
}

export function createDeadlineActivities(deps: { db: Knex; officeHours: OfficeHours }): DeadlineActivities {
  const { db, officeHours } = deps;
  return {
    async computeDeadlines(requests) {
      const cal = await loadWorkCalendar(db);
      return requests.map((r) => computeDeadline(r, cal, officeHours));
    },
    async shiftDeadline(input) {
      const cal = await loadWorkCalendar(db);
      return shiftDeadlineBy(input, cal, officeHours);
    },
  };
}
