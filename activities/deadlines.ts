/**
 * Deadlines as the planner activity and the calendar endpoint compute them: instants in, instants out (ISO
 * strings), on the calendar and office hours they are given. The planner's answers are recorded in workflow
 * history, so a later change of calendar or office hours never changes what a running case replays.
 */
import { ApplicationFailure } from '@temporalio/common';
import {
  addDuration,
  addWorkingMillis,
  type DeadlineBasis,
  type OfficeHours,
  workingMillisBetween,
} from '../workflows/domain/calendar/deadline-arithmetic';
import type { WorkCalendar } from '../workflows/domain/calendar/work-calendar';

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
    warnAt = warningAt(from.toISOString(), due.toISOString(), fraction, basis, cal, hours);
  }
  return { key: request.key, due: due.toISOString(), warnAt };
}

/**
 * When `fraction` of the time allowed between `from` and `due` has passed, on the basis: on the working basis
 * the same fraction of the office hours between them (80% of a working day is 80% of its office time).
 */
export function warningAt(from: string, due: string, fraction: number, basis: DeadlineBasis, cal: WorkCalendar, hours: OfficeHours): string {
  const start = new Date(from);
  const end = new Date(due);
  if (fraction >= 1) return end.toISOString();
  if (basis === 'calendar') return new Date(start.getTime() + Math.floor((end.getTime() - start.getTime()) * fraction)).toISOString();
  const allowed = workingMillisBetween(start, end, cal, hours);
  return addWorkingMillis(start, Math.floor(allowed * fraction), cal, hours).toISOString();
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
