/**
 * Deadline arithmetic (DOMAIN.md §5, counting rules). The one place where a duration becomes an instant.
 *
 * Pure: no database, no clock, no Temporal. The working-day calendar comes in as a `WorkCalendar` and the
 * office hours as data, so the same inputs always give the same answer (the activity records the answer in
 * workflow history; the API endpoint calls these same functions).
 *
 * Every civil date and time here is Asia/Shanghai. China has had no daylight saving time since 1991, so
 * Shanghai is a fixed UTC+8 and local time is plain arithmetic on UTC milliseconds, with no time-zone
 * database and no dependence on the time zone the process happens to run in.
 */
import { parseDuration } from '../duration';
import type { WorkCalendar } from './work-calendar';

export type DeadlineBasis = 'calendar' | 'working';

/**
 * Office hours of one working day: ordered, non-overlapping [start, end) periods in minutes after local
 * midnight. The default is 08:30–12:00 and 14:00–17:30 (7 hours).
 */
export type OfficeHours = ReadonlyArray<readonly [start: number, end: number]>;

export const defaultOfficeHours: OfficeHours = Object.freeze([
  Object.freeze([8 * 60 + 30, 12 * 60] as const),
  Object.freeze([14 * 60, 17 * 60 + 30] as const),
]);

export const defaultOfficeHoursText = '08:30-12:00,14:00-17:30';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const SHANGHAI_OFFSET = 8 * HOUR;

/** A calendar with no working day in this many consecutive days is broken; stop instead of looping forever. */
const MAX_IDLE_DAYS = 3700;

export class OfficeHoursError extends RangeError {}

// ---------------------------------------------------------------------------------------------------------
// Office hours

/** Parses `08:30-12:00,14:00-17:30` (periods in order, not overlapping, within one day). */
export function parseOfficeHours(text: string): OfficeHours {
  const periods = text
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p.length > 0);
  if (periods.length === 0) throw new OfficeHoursError('办公时间不能为空，格式如 08:30-12:00,14:00-17:30');
  const result = periods.map((period) => {
    const m = /^(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})$/.exec(period);
    if (!m) throw new OfficeHoursError(`办公时间段格式无效：“${period}”，应为 HH:MM-HH:MM`);
    const start = toMinutes(m[1]!, m[2]!, period);
    const end = toMinutes(m[3]!, m[4]!, period);
    if (end <= start) throw new OfficeHoursError(`办公时间段的结束须晚于开始：“${period}”`);
    return [start, end] as const;
  });
  validateOfficeHours(result);
  return result;
}

function toMinutes(h: string, m: string, period: string): number {
  const hours = Number(h);
  const minutes = Number(m);
  // 24:00 is allowed as an end so that a round-the-clock office can be written down.
  if (minutes > 59 || hours > 24 || (hours === 24 && minutes > 0)) {
    throw new OfficeHoursError(`办公时间无效：“${period}”`);
  }
  return hours * 60 + minutes;
}

function validateOfficeHours(hours: OfficeHours): void {
  if (hours.length === 0) throw new OfficeHoursError('办公时间不能为空');
  let previousEnd = -1;
  for (const [start, end] of hours) {
    if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end > 24 * 60 || end <= start) {
      throw new OfficeHoursError(`办公时间段无效：${start}-${end}`);
    }
    if (start < previousEnd) throw new OfficeHoursError('办公时间段须按时间顺序排列且互不重叠');
    previousEnd = end;
  }
}

/** Length of one working day's office hours, in milliseconds (7 h by default). */
export function officeDayMillis(hours: OfficeHours): number {
  return hours.reduce((sum, [start, end]) => sum + (end - start) * MINUTE, 0);
}

export function formatOfficeHours(hours: OfficeHours): string {
  const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
  return hours.map(([s, e]) => `${hhmm(s)}-${hhmm(e)}`).join(',');
}

// ---------------------------------------------------------------------------------------------------------
// Durations: one parser for every layer, kept with the domain rules that cap extensions.

export { DurationError, parseDuration, type ParsedDuration } from '../duration';

// ---------------------------------------------------------------------------------------------------------
// Local (Asia/Shanghai) day helpers: a "day index" is the number of Shanghai civil days since 1970-01-01.

const dayIndexOf = (t: number): number => Math.floor((t + SHANGHAI_OFFSET) / DAY);
const dayStartOf = (index: number): number => index * DAY - SHANGHAI_OFFSET;
const dateOf = (index: number): string => new Date(index * DAY).toISOString().slice(0, 10);

/** The Asia/Shanghai civil date (`YYYY-MM-DD`) of an instant. */
export function shanghaiDate(instant: Date): string {
  return dateOf(dayIndexOf(time(instant, 'instant')));
}

function time(d: Date, what: string): number {
  const t = d instanceof Date ? d.getTime() : Number.NaN;
  if (!Number.isFinite(t)) throw new RangeError(`无效的时刻：${what}`);
  return t;
}

/** Office periods of one day as absolute [start, end) instants; empty on a non-working day. */
function periodsOn(index: number, cal: WorkCalendar, hours: OfficeHours): Array<[number, number]> {
  if (!cal.isWorkday(dateOf(index))) return [];
  const base = dayStartOf(index);
  return hours.map(([s, e]) => [base + s * MINUTE, base + e * MINUTE]);
}

// ---------------------------------------------------------------------------------------------------------
// Working time

/**
 * Moves forward by `ms` of office time on working days. Time outside office hours does not count, so a
 * start outside them effectively begins at the next opening. An end that falls exactly on a closing
 * (12:00, 17:30) stays there rather than jumping to the next opening. `ms` = 0 returns `from` unchanged.
 */
export function addWorkingMillis(from: Date, ms: number, cal: WorkCalendar, hours: OfficeHours): Date {
  const start = time(from, 'from');
  if (!Number.isFinite(ms) || ms < 0) throw new RangeError('工作时长不能为负数');
  validateOfficeHours(hours);
  if (ms === 0) return new Date(start);
  let remaining = ms;
  let t = start;
  let index = dayIndexOf(start);
  let idle = 0;
  for (;;) {
    const periods = periodsOn(index, cal, hours);
    if (periods.length === 0) {
      if (++idle > MAX_IDLE_DAYS) throw new RangeError('工作日历中长期没有工作日，无法计算期限');
    } else {
      idle = 0;
      for (const [open, close] of periods) {
        if (t >= close) continue;
        const begin = Math.max(t, open);
        const available = close - begin;
        // `<=`: landing exactly on a closing keeps the closing as the answer.
        if (remaining <= available) return new Date(begin + remaining);
        remaining -= available;
        t = close;
      }
    }
    index += 1;
    t = Math.max(t, dayStartOf(index));
  }
}

/**
 * Office time on working days between two instants. Signed: negative when `to` is before `from`
 * (how far past a deadline "now" is, in working terms).
 */
export function workingMillisBetween(from: Date, to: Date, cal: WorkCalendar, hours: OfficeHours): number {
  const a = time(from, 'from');
  const b = time(to, 'to');
  validateOfficeHours(hours);
  if (b < a) return -workingMillisBetween(to, from, cal, hours);
  let total = 0;
  for (let index = dayIndexOf(a); index <= dayIndexOf(b); index++) {
    for (const [open, close] of periodsOn(index, cal, hours)) {
      const overlap = Math.min(close, b) - Math.max(open, a);
      if (overlap > 0) total += overlap;
    }
  }
  return total;
}

/**
 * The deadline for a duration started at `from`.
 *
 * - `calendar`: plain elapsed time (`P1D` = 24 hours, `PT2H` = 2 hours later), 7×24.
 * - `working`, days part (Civil Code arts. 201, 204): count working days starting the day after the start
 *   instant's date, whatever the hour; the deadline is the last closing (17:30) of the N-th one.
 * - `working`, time part: only office hours on working days count (see `addWorkingMillis`).
 * - `working`, both (`P1DT2H`): the days part first, then the time part counted on from that instant;
 *   from a 17:30 end of day, the two hours are 08:30–10:30 of the next working day.
 */
export function addDuration(from: Date, duration: string, basis: DeadlineBasis, cal: WorkCalendar, hours: OfficeHours): Date {
  const start = time(from, 'from');
  const { days, seconds } = parseDuration(duration);
  if (basis === 'calendar') return new Date(start + days * DAY + seconds * 1000);
  if (basis !== 'working') throw new RangeError(`未知的计时方式：${String(basis)}`);
  validateOfficeHours(hours);

  let t = start;
  if (days > 0) {
    let index = dayIndexOf(start);
    let counted = 0;
    let idle = 0;
    while (counted < days) {
      index += 1;
      if (cal.isWorkday(dateOf(index))) {
        counted += 1;
        idle = 0;
      } else if (++idle > MAX_IDLE_DAYS) {
        throw new RangeError('工作日历中长期没有工作日，无法计算期限');
      }
    }
    const lastClose = hours[hours.length - 1]![1];
    t = dayStartOf(index) + lastClose * MINUTE;
  }
  return seconds > 0 ? addWorkingMillis(new Date(t), seconds * 1000, cal, hours) : new Date(t);
}

// ---------------------------------------------------------------------------------------------------------
// Time left, in words

/**
 * What a case page shows next to a deadline: `剩余 1 个工作日 3 小时`, `剩余 45 分钟`, `已超时 2 小时 10 分钟`.
 * Working basis: office time only, a "working day" being one office day (7 h by default). Calendar basis:
 * 天 / 小时 / 分钟 of elapsed time. Whether it is overdue depends on the instants alone (at the deadline
 * itself it is overdue); minutes are rounded down so the time left is never overstated.
 */
export function describeRemaining(now: Date, deadline: Date, basis: DeadlineBasis, cal: WorkCalendar, hours: OfficeHours): string {
  const n = time(now, 'now');
  const d = time(deadline, 'deadline');
  const overdue = n >= d;
  const prefix = overdue ? '已超时' : '剩余';
  let parts: string[];
  if (basis === 'working') {
    const ms = Math.abs(workingMillisBetween(new Date(n), new Date(d), cal, hours));
    const dayLength = officeDayMillis(hours);
    const days = Math.floor(ms / dayLength);
    parts = spell(days, '个工作日', ms - days * dayLength);
  } else {
    const ms = Math.abs(d - n);
    const days = Math.floor(ms / DAY);
    parts = spell(days, '天', ms - days * DAY);
  }
  return parts.length === 0 ? `${prefix}不足 1 分钟` : `${prefix} ${parts.join(' ')}`;
}

function spell(days: number, dayUnit: string, rest: number): string[] {
  const hours = Math.floor(rest / HOUR);
  const minutes = Math.floor((rest - hours * HOUR) / MINUTE);
  const parts: string[] = [];
  if (days > 0) parts.push(`${days} ${dayUnit}`);
  if (hours > 0) parts.push(`${hours} 小时`);
  if (minutes > 0) parts.push(`${minutes} 分钟`);
  return parts;
}
