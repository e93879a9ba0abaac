/**
 * The effective working-day calendar: the official one (config/official-calendar.ts) with every admin
 * override stored in `calendar_overrides`, cached briefly.
 */
import type { Knex } from 'knex';
import { libraryDay } from '../config/official-calendar';
import { createWorkCalendar, type DetailedWorkCalendar } from '../workflows/domain/calendar/work-calendar';
import { listCalendarOverrides } from './queries/calendar';

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
      createWorkCalendar(new Map(rows.map((r) => [r.date, r.kind])), libraryDay),
    ),
  };
  store.set(db, entry);
  // A failed read must not be served from the cache for the next 30 s.
  entry.calendar.catch(() => {
    if (store.get(db) === entry) store.delete(db);
  });
  return entry.calendar;
}
