/**
 * The official working-day calendar: the State Council's holiday arrangement as maintained in the
 * `chinese-days` library (holidays and make-up workdays 调休), corrected by admin overrides stored in
 * PostgreSQL for dates the library gets wrong or does not know yet (e.g. a year announced after its release).
 * Precedence: override, then the library's list, then the weekday rule (Saturday and Sunday off).
 */
import { getDayDetail, isInLieu } from 'chinese-days';
import type { Knex } from 'knex';
import { listCalendarOverrides } from '../../db/queries/calendar';

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

function assertDate(date: string): void {
  if (!isCalendarDate(date)) throw new RangeError(`日期格式无效：“${date}”，应为 YYYY-MM-DD`);
}

const weekdayNames = new Set(['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday']);

/** The library's answer for a date, without overrides. */
export function libraryDay(date: string): CalendarDay {
  assertDate(date);
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  // chinese-days reads dates through the process's local time zone (a 'YYYY-MM-DD' string becomes UTC
  // midnight, then local getters), which names the previous day west of UTC. Local noon of the date
  // names the same civil date in every time zone, so the answer does not depend on where we run.
  const detail = getDayDetail(new Date(y, m - 1, d, 12));
  const weekday = new Date(Date.UTC(y, m - 1, d)).getUTCDay();
  if (detail.date !== date || weekdayNames.has(detail.name)) {
    // Not in the library's list (an ordinary day, or a year it does not know yet): the weekday rule.
    return { date, kind: weekday === 0 || weekday === 6 ? 'weekend' : 'workday', source: 'weekday-rule' };
  }
  // The library's name looks like "National Day,国庆节,3": show the Chinese name.
  const festival = detail.name.split(',')[1] ?? detail.name;
  if (detail.work) return { date, kind: 'workday', source: 'library', note: `${festival}调休上班` };
  const inLieu = isInLieu(new Date(y, m - 1, d, 12));
  return { date, kind: 'holiday', source: 'library', note: inLieu ? `${festival}（调休放假）` : festival };
}

/** The calendar with overrides applied (overrides win over the library). Answers are memoised per date. */
export function createWorkCalendar(overrides: ReadonlyMap<string, CalendarOverrideKind>): DetailedWorkCalendar {
  const memo = new Map<string, CalendarDay>();
  const day = (date: string): CalendarDay => {
    let known = memo.get(date);
    if (!known) {
      const override = overrides.get(date);
      if (override) {
        assertDate(date);
        known = { date, kind: override, source: 'override' };
      } else {
        known = libraryDay(date);
      }
      memo.set(date, known);
    }
    return known;
  };
  return { day, isWorkday: (date) => day(date).kind === 'workday' };
}

// ---------------------------------------------------------------------------------------------------------
// Loading from PostgreSQL, with a short cache

/**
 * How long a loaded calendar is reused. Overrides are rare admin edits, and every deadline computation
 * would otherwise read the table. A write through the API in this process invalidates at once
 * (`invalidateWorkCalendar`); other processes (other API instances, workers) see it within this TTL.
 */
export const WORK_CALENDAR_TTL_MS = 30_000;

interface CacheEntry {
  expires: number;
  calendar: Promise<DetailedWorkCalendar>;
}

// Keyed by connection pool so two databases in one process (tests) never share overrides.
let cache = new WeakMap<Knex, CacheEntry>();

/** Drops every cached calendar of this process; call after writing an override. */
export function invalidateWorkCalendar(): void {
  cache = new WeakMap();
}

/** The effective calendar: `chinese-days` plus every row of `calendar_overrides`. */
export function loadWorkCalendar(db: Knex): Promise<DetailedWorkCalendar> {
  const now = Date.now();
  const cached = cache.get(db);
  if (cached && cached.expires > now) return cached.calendar;
  const store = cache;
  const entry: CacheEntry = {
    expires: now + WORK_CALENDAR_TTL_MS,
    calendar: listCalendarOverrides(db, '1900-01-01', '2999-12-31').then((rows) =>
      createWorkCalendar(new Map(rows.map((r) => [r.date, r.kind]))),
    ),
  };
  store.set(db, entry);
  // A failed read must not be served from the cache for the next 30 s.
  entry.calendar.catch(() => {
    if (store.get(db) === entry) store.delete(db);
  });
  return entry.calendar;
}
