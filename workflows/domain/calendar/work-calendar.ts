/**
 * The working-day calendar the deadline arithmetic counts on: the official arrangement (holidays and make-up
 * workdays 调休, given as a function: config/official-calendar.ts reads it from `chinese-days`), corrected by
 * admin overrides for dates it gets wrong or does not know yet (e.g. a year announced after its release).
 * Precedence: override, then the official list, then the weekday rule (Saturday and Sunday off).
 * Pure: the overrides come in as data (db/work-calendar.ts loads them).
 */

export type CalendarOverrideKind = 'holiday' | 'workday';
export type CalendarDayKind = 'workday' | 'holiday' | 'weekend';
export type CalendarDaySource = 'override' | 'library' | 'weekday-rule';

/** What the deadline arithmetic needs, and all it needs. Dates are `YYYY-MM-DD` civil dates in Asia/Shanghai. */
export interface WorkCalendar {
  isWorkday(date: string): boolean;
}

/** The effective day and why: shown to admins so they can see what an override would change. */
export interface CalendarDay {
  date: string;
  kind: CalendarDayKind;
  source: CalendarDaySource;
  note?: string;
}

export interface DetailedWorkCalendar extends WorkCalendar {
  day(date: string): CalendarDay;
}

const datePattern = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A real `YYYY-MM-DD` date (rejects 2026-02-30), years 1900–2999. */
export function isCalendarDate(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const m = datePattern.exec(value);
  if (!m) return false;
  const year = Number(m[1]);
  if (year < 1900 || year > 2999) return false;
  const parsed = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === value;
}

export function assertDate(date: string): void {
  if (!isCalendarDate(date)) throw new RangeError(`日期格式无效：“${date}”，应为 YYYY-MM-DD`);
}

/** The official answer for a date, without overrides. */
export type OfficialCalendar = (date: string) => CalendarDay;

/** The calendar with overrides applied (overrides win over the official one). Answers are memoised per date. */
export function createWorkCalendar(overrides: ReadonlyMap<string, CalendarOverrideKind>, official: OfficialCalendar): DetailedWorkCalendar {
  const memo = new Map<string, CalendarDay>();
  const day = (date: string): CalendarDay => {
    let known = memo.get(date);
    if (!known) {
      const override = overrides.get(date);
      if (override) {
        assertDate(date);
        known = { date, kind: override, source: 'override' };
      } else {
        known = official(date);
      }
      memo.set(date, known);
    }
    return known;
  };
  return { day, isWorkday: (date) => day(date).kind === 'workday' };
}
