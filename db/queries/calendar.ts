import type { Knex } from 'knex';

export type CalendarOverrideKind = 'holiday' | 'workday';

/** An admin's correction to the holiday library for one date (e.g. a holiday announced after a release). */
export interface CalendarOverride {
  /** `YYYY-MM-DD`, a civil date in Asia/Shanghai. */
  date: string;
  kind: CalendarOverrideKind;
  note: string | null;
  updatedAt: Date;
  updatedBy: string | null;
}

interface CalendarOverrideRow {
  date: string;
  kind: CalendarOverrideKind;
  note: string | null;
  updated_at: Date;
  updated_by: string | null;
}

const datePattern = /^\d{4}-\d{2}-\d{2}$/;

// Read the date as text: node-postgres turns `date` into a JS Date at local midnight, which shifts the
// day whenever the process does not run in Asia/Shanghai.
function selectColumns(db: Knex) {
  return [db.raw(`to_char(date, 'YYYY-MM-DD') as date`), 'kind', 'note', 'updated_at', 'updated_by'];
}

function toOverride(row: CalendarOverrideRow): CalendarOverride {
  return { date: row.date, kind: row.kind, note: row.note, updatedAt: row.updated_at, updatedBy: row.updated_by };
}

function assertDate(date: string): void {
  const parsed = new Date(`${date}T00:00:00Z`);
  // The round trip rejects dates that do not exist (2025-02-30), which Date would roll over.
  if (!datePattern.test(date) || Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== date) {
    throw new RangeError(`日期格式无效：“${date}”，应为 YYYY-MM-DD`);
  }
}

export async function getCalendarOverride(db: Knex, date: string): Promise<CalendarOverride | null> {
  assertDate(date);
  const row: CalendarOverrideRow | undefined = await db('calendar_overrides')
    .select(selectColumns(db))
    .where({ date })
    .first();
  return row ? toOverride(row) : null;
}

export async function putCalendarOverride(
  db: Knex,
  date: string,
  override: { kind: CalendarOverrideKind; note?: string | null },
  updatedBy: string | null,
): Promise<CalendarOverride> {
  assertDate(date);
  const values = { kind: override.kind, note: override.note ?? null, updated_at: db.fn.now(), updated_by: updatedBy };
  const [row]: CalendarOverrideRow[] = await db('calendar_overrides')
    .insert({ date, ...values })
    .onConflict('date')
    .merge(values)
    .returning(selectColumns(db));
  return toOverride(row!);
}

/** Removes an override so the holiday library decides again; true when there was one. */
export async function deleteCalendarOverride(db: Knex, date: string): Promise<boolean> {
  assertDate(date);
  const count = await db('calendar_overrides').where({ date }).delete();
  return count > 0;
}

/** Overrides from `fromDate` to `toDate`, both included, by date. */
export async function listCalendarOverrides(db: Knex, fromDate: string, toDate: string): Promise<CalendarOverride[]> {
  assertDate(fromDate);
  assertDate(toDate);
  const rows: CalendarOverrideRow[] = await db('calendar_overrides')
    .select(selectColumns(db))
    .whereBetween('date', [fromDate, toDate])
    .orderBy('date');
  return rows.map(toOverride);
}
