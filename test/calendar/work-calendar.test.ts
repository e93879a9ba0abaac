import { libraryDay } from '../../config/official-calendar';
import { invalidateWorkCalendar, loadWorkCalendar } from '../../db/work-calendar';
import { createWorkCalendar, isCalendarDate } from '../../workflows/domain/calendar/work-calendar';
import { createDb, type Db } from '../../db/connection';
import { deleteCalendarOverride, putCalendarOverride } from '../../db/queries/calendar';
import { requireEnv } from '../support/stack';

describe('libraryDay: chinese-days with the weekday rule behind it', () => {
  it.each([
    ['2026-10-01', { kind: 'holiday', source: 'library', note: '国庆节' }],
    ['2026-10-07', { kind: 'holiday', source: 'library', note: '国庆节（调休放假）' }],
    ['2026-10-10', { kind: 'workday', source: 'library', note: '国庆节调休上班' }],
    ['2026-09-20', { kind: 'workday', source: 'library', note: '国庆节调休上班' }],
    ['2026-02-14', { kind: 'workday', source: 'library', note: '春节调休上班' }],
    ['2026-02-17', { kind: 'holiday', source: 'library', note: '春节' }],
    ['2026-09-25', { kind: 'holiday', source: 'library', note: '中秋' }],
    ['2026-06-09', { kind: 'workday', source: 'weekday-rule' }],
    ['2026-06-13', { kind: 'weekend', source: 'weekday-rule' }],
    ['2026-06-14', { kind: 'weekend', source: 'weekday-rule' }],
    // The library does not know 2027 yet: the second day of Spring Festival looks like a plain Monday.
    ['2027-02-08', { kind: 'workday', source: 'weekday-rule' }],
  ])('%s', (date, expected) => {
    expect(libraryDay(date)).toEqual({ date, ...expected });
  });

  it('answers the same in a time zone west of UTC (the library reads local time)', () => {
    const saved = process.env.TZ;
    process.env.TZ = 'America/Los_Angeles';
    try {
      expect(libraryDay('2027-02-08')).toMatchObject({ kind: 'workday', source: 'weekday-rule' });
      expect(libraryDay('2026-10-10')).toMatchObject({ kind: 'workday', source: 'library' });
      expect(libraryDay('2026-10-08')).toMatchObject({ kind: 'workday' });
      expect(libraryDay('2026-10-07')).toMatchObject({ kind: 'holiday' });
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  });

  it('refuses dates that do not exist', () => {
    expect(() => libraryDay('2026-02-30')).toThrow(/日期格式无效/);
    expect(isCalendarDate('2026-02-28')).toBe(true);
    for (const bad of ['2026-2-28', '2026-13-01', '20260228', '1899-12-31', 'deadline', 20260228]) {
      expect(isCalendarDate(bad)).toBe(false);
    }
  });
});

describe('createWorkCalendar: overrides win', () => {
  const cal = createWorkCalendar(
    new Map([
      ['2027-02-08', 'holiday'],
      ['2026-10-10', 'holiday'],
      ['2026-10-07', 'workday'],
      ['2030-03-02', 'workday'],
    ] as const),
    libraryDay,
  );

  it.each([
    ['2027-02-08', false, 'override over the weekday rule'],
    ['2026-10-10', false, 'override over a library make-up workday'],
    ['2026-10-07', true, 'override over a library holiday'],
    ['2030-03-02', true, 'override over a Saturday'],
    ['2030-03-03', false, 'a Sunday without override'],
    ['2026-10-08', true, 'library workday without override'],
  ])('%s is a workday: %s (%s)', (date, workday) => {
    expect(cal.isWorkday(date)).toBe(workday);
  });

  it('says where the answer came from', () => {
    expect(cal.day('2027-02-08')).toEqual({ date: '2027-02-08', kind: 'holiday', source: 'override' });
    expect(cal.day('2026-10-01')).toMatchObject({ kind: 'holiday', source: 'library' });
  });
});

describe('loadWorkCalendar: overrides from PostgreSQL, cached, invalidated on write', () => {
  let db: Db;
  // Dates no other test file uses: the database is shared by files running in parallel.
  const date = '2030-03-04'; // a Monday
  const saturday = '2030-03-09';

  beforeAll(() => {
    db = createDb(requireEnv('DATABASE_URL'), { max: 2 });
  });
  afterAll(async () => {
    await deleteCalendarOverride(db, date);
    await deleteCalendarOverride(db, saturday);
    invalidateWorkCalendar();
    await db?.destroy();
  });

  it('reads overrides, serves the cached calendar until invalidated, then the new one', async () => {
    invalidateWorkCalendar();
    const before = await loadWorkCalendar(db);
    expect(before.isWorkday(date)).toBe(true);
    expect(before.isWorkday(saturday)).toBe(false);

    const admin = await db('users').where({ username: 'admin' }).first('id');
    await putCalendarOverride(db, date, { kind: 'holiday', note: '测试' }, admin.id);
    await putCalendarOverride(db, saturday, { kind: 'workday' }, null);

    // Within the TTL and without invalidation the cached answer stands (what another process sees).
    expect(await loadWorkCalendar(db)).toBe(before);

    invalidateWorkCalendar();
    const after = await loadWorkCalendar(db);
    expect(after).not.toBe(before);
    expect(after.isWorkday(date)).toBe(false);
    expect(after.day(date)).toMatchObject({ kind: 'holiday', source: 'override' });
    expect(after.isWorkday(saturday)).toBe(true);
    // Concurrent callers share one read.
    expect(await loadWorkCalendar(db)).toBe(after);
  });
});
