/**
 * Deadline arithmetic over real dates (DOMAIN.md §5). Times are written in Asia/Shanghai (+08:00).
 *
 * The 2026 arrangement (State Council, in chinese-days 1.5.7) that the expectations rely on:
 *   Spring Festival: off 02-15 (Sun) … 02-23 (Mon); make-up workdays Sat 02-14 and Sat 02-28.
 *   Mid-autumn: off Fri 09-25 … Sun 09-27.
 *   National Day: off Thu 10-01 … Wed 10-07; make-up workdays Sun 09-20 and Sat 10-10.
 *   Dragon Boat: off Fri 06-19 … Sun 06-21 (June 8–12 is an ordinary week).
 */
import {
  addDuration,
  addWorkingMillis,
  type DeadlineBasis,
  defaultOfficeHours,
  describeRemaining,
  formatOfficeHours,
  officeDayMillis,
  parseDuration,
  parseOfficeHours,
  shanghaiDate,
  workingMillisBetween,
} from '../../workflows/domain/calendar/deadline-arithmetic';
import { libraryDay } from '../../config/official-calendar';
import { createWorkCalendar, type WorkCalendar } from '../../workflows/domain/calendar/work-calendar';
import { computeDeadline, shiftDeadlineBy } from '../../activities/deadlines';

const H = defaultOfficeHours;
const library = createWorkCalendar(new Map(), libraryDay);
const at = (local: string) => new Date(local.includes('+') || local.endsWith('Z') ? local : `${local}+08:00`);
const iso = (local: string) => at(local).toISOString();
const HOUR = 3_600_000;

describe('parseDuration', () => {
  it.each([
    ['P5D', { days: 5, seconds: 0 }],
    ['P1W', { days: 7, seconds: 0 }],
    ['P2W3D', { days: 17, seconds: 0 }],
    ['PT2H', { days: 0, seconds: 7200 }],
    ['PT1H30M', { days: 0, seconds: 5400 }],
    ['PT45S', { days: 0, seconds: 45 }],
    ['PT24H', { days: 0, seconds: 86_400 }],
    ['P1DT2H', { days: 1, seconds: 7200 }],
    ['P0DT15M', { days: 0, seconds: 900 }],
  ])('%s → %j', (text, expected) => {
    expect(parseDuration(text)).toEqual(expected);
  });

  it.each([
    ['P1M', /年或月/],
    ['P1Y', /年或月/],
    ['P1Y2D', /年或月/],
    ['P', /缺少数值|格式无效/],
    ['PT', /格式无效/],
    ['P1DT', /格式无效/],
    ['5D', /格式无效/],
    ['P1.5D', /整数/],
    ['PT1.5S', /整数/],
    ['P-1D', /格式无效/],
    ['p5d', /格式无效/],
    ['', /格式无效/],
    ['PT0S', /大于零/],
    ['P99999D', /过长/],
  ])('refuses %j', (text, message) => {
    expect(() => parseDuration(text)).toThrow(message);
  });

  it('keeps minutes after T apart from months before it', () => {
    expect(parseDuration('PT5M')).toEqual({ days: 0, seconds: 300 });
    expect(() => parseDuration('P5M')).toThrow(/年或月/);
  });
});

describe('office hours', () => {
  it('parses the env format and measures a 7-hour office day by default', () => {
    expect(parseOfficeHours('08:30-12:00,14:00-17:30')).toEqual(H);
    expect(officeDayMillis(H)).toBe(7 * HOUR);
    expect(formatOfficeHours(parseOfficeHours('9:00-17:00'))).toBe('09:00-17:00');
  });

  it.each(['', '8-12', '12:00-08:30', '08:30-12:00,11:00-17:30', '14:00-17:30,08:30-12:00', '25:00-26:00', '08:60-09:00'])(
    'refuses %j',
    (text) => {
      expect(() => parseOfficeHours(text)).toThrow(RangeError);
    },
  );
});

describe('shanghaiDate: Asia/Shanghai is UTC+8 all year', () => {
  it('puts 16:00Z on the next civil day', () => {
    expect(shanghaiDate(new Date('2026-09-30T15:59:59Z'))).toBe('2026-09-30');
    expect(shanghaiDate(new Date('2026-09-30T16:00:00Z'))).toBe('2026-10-01');
  });
});

type Row = { name: string; from: string; duration: string; basis: DeadlineBasis; due: string; cal?: WorkCalendar; why: string };

// 2027 is not in chinese-days 1.5.7: it takes Mon 2027-02-08, the second day of the Year of the Goat's
// Spring Festival, for a workday. An admin enters the announced days off as overrides.
const spring2027 = createWorkCalendar(
  new Map([
    ['2027-02-08', 'holiday'],
    ['2027-02-09', 'holiday'],
    ['2027-02-10', 'holiday'],
    ['2027-02-11', 'holiday'],
    ['2027-02-12', 'holiday'],
  ] as const),
  libraryDay,
);
// An ordinary week in 2030 with two corrections: Monday off, the Saturday before it worked.
const overrides2030 = createWorkCalendar(
  new Map([
    ['2030-06-03', 'holiday'],
    ['2030-06-01', 'workday'],
  ] as const),
  libraryDay,
);
const mondayOff2030 = createWorkCalendar(new Map([['2030-06-03', 'holiday']] as const), libraryDay);

const scenarios: Row[] = [
  // The scenarios ------------------------------------------------------------------------------
  {
    name: 'opened on the Friday before National Day week (itself the Mid-autumn holiday), 5 working days',
    from: '2026-09-25T10:00:00',
    duration: 'P5D',
    basis: 'working',
    due: '2026-10-09T17:30:00',
    why: 'counting starts 09-26: 26–27 off, 28/29/30 are days 1–3, 10-01…07 off, Thu 10-08 day 4, Fri 10-09 day 5, at 17:30',
  },
  {
    name: 'opened the Friday a week before, 5 working days, over the Sunday make-up workday',
    from: '2026-09-18T15:00:00',
    duration: 'P5D',
    basis: 'working',
    due: '2026-09-24T17:30:00',
    why: 'Sat 09-19 off, Sun 09-20 is a 调休 workday (day 1), Mon–Thu 21–24 days 2–5',
  },
  {
    name: 'opened on the last workday before National Day, 1 working day to respond',
    from: '2026-09-30T16:00:00',
    duration: 'P1D',
    basis: 'working',
    due: '2026-10-08T17:30:00',
    why: 'the day after is 10-01 and the whole week to 10-07 is off; the first working day is Thu 10-08',
  },
  {
    name: 'on a 调休 Saturday that is a workday, 2 working hours',
    from: '2026-10-10T09:00:00',
    duration: 'PT2H',
    basis: 'working',
    due: '2026-10-10T11:00:00',
    why: 'Sat 10-10 is a make-up workday, so its office hours count like any Monday’s',
  },
  {
    name: 'on a 调休 Saturday, 1 working day',
    from: '2026-10-10T09:00:00',
    duration: 'P1D',
    basis: 'working',
    due: '2026-10-12T17:30:00',
    why: 'the day after, Sun 10-11, is an ordinary Sunday off; Mon 10-12 is the first working day',
  },
  {
    name: 'at 17:25 on a workday, 2-working-hour triage',
    from: '2026-06-09T17:25:00',
    duration: 'PT2H',
    basis: 'working',
    due: '2026-06-10T10:25:00',
    why: '5 minutes until 17:30 on Tuesday, the other 1 h 55 min from 08:30 on Wednesday',
  },
  {
    name: 'at 17:25 on a Friday, 2-working-hour triage',
    from: '2026-06-12T17:25:00',
    duration: 'PT2H',
    basis: 'working',
    due: '2026-06-15T10:25:00',
    why: 'the weekend does not count: 5 minutes on Friday, 1 h 55 min from 08:30 on Monday',
  },
  {
    name: 'across Spring Festival 2026, 5 working days',
    from: '2026-02-13T10:00:00',
    duration: 'P5D',
    basis: 'working',
    due: '2026-02-27T17:30:00',
    why: 'Sat 02-14 is a make-up workday (day 1), 02-15…23 off, Tue 24 – Fri 27 are days 2–5',
  },
  {
    name: 'across Spring Festival 2026, 15 working days (complex)',
    from: '2026-02-13T10:00:00',
    duration: 'P15D',
    basis: 'working',
    due: '2026-03-12T17:30:00',
    why: '02-14 (1), 02-24…27 (2–5), Sat 02-28 make-up (6), 03-02…06 (7–11), 03-09…12 (12–15)',
  },
  {
    name: 'across Spring Festival 2026 eve, 2 working hours from 17:00',
    from: '2026-02-13T17:00:00',
    duration: 'PT2H',
    basis: 'working',
    due: '2026-02-14T10:00:00',
    why: '30 minutes on Friday, then 1 h 30 min on the make-up Saturday 02-14 from 08:30',
  },
  {
    name: 'across Spring Festival 2027 without an override (the library gap)',
    from: '2027-02-05T10:00:00',
    duration: 'P1D',
    basis: 'working',
    due: '2027-02-08T17:30:00',
    why: 'chinese-days 1.5.7 has no 2027 list, so Mon 02-08 counts as an ordinary workday — wrong',
  },
  {
    name: 'across Spring Festival 2027 with overrides 02-08…02-12 as holidays',
    from: '2027-02-05T10:00:00',
    duration: 'P1D',
    basis: 'working',
    cal: spring2027,
    due: '2027-02-15T17:30:00',
    why: 'overrides win: the weekend and 02-08…12 are off, Mon 02-15 is the first working day',
  },
  {
    name: 'with an override day (Monday made a holiday)',
    from: '2030-05-31T10:00:00',
    duration: 'P1D',
    basis: 'working',
    cal: mondayOff2030,
    due: '2030-06-04T17:30:00',
    why: 'Sat and Sun off, Mon 06-03 off by override, Tue 06-04 is the first working day',
  },
  {
    name: 'with an override day (Saturday made a workday)',
    from: '2030-05-31T10:00:00',
    duration: 'P1D',
    basis: 'working',
    cal: overrides2030,
    due: '2030-06-01T17:30:00',
    why: 'Sat 06-01 is a workday by override, so it is the first working day after Friday',
  },
  {
    name: 'with an override workday, working hours continue on it',
    from: '2030-05-31T17:00:00',
    duration: 'PT1H',
    basis: 'working',
    cal: overrides2030,
    due: '2030-06-01T09:00:00',
    why: '30 minutes on Friday, 30 minutes from 08:30 on the override Saturday',
  },
  {
    name: 'an extension over a holiday: 3 working days added to a resolveBy of 09-30 17:30',
    from: '2026-09-30T17:30:00',
    duration: 'P3D',
    basis: 'working',
    due: '2026-10-10T17:30:00',
    why: '10-01…07 off, Thu 10-08 (1), Fri 10-09 (2), the make-up Saturday 10-10 (3)',
  },
  // Start and end at the edges of office hours ----------------------------------------------------------
  { name: 'start exactly at opening', from: '2026-06-09T08:30:00', duration: 'PT2H', basis: 'working', due: '2026-06-09T10:30:00', why: 'the clock runs from 08:30' },
  { name: 'start exactly at the noon closing', from: '2026-06-09T12:00:00', duration: 'PT1H', basis: 'working', due: '2026-06-09T15:00:00', why: 'nothing left before 12:00; counts from the 14:00 opening' },
  { name: 'start exactly at the evening closing', from: '2026-06-09T17:30:00', duration: 'PT1H', basis: 'working', due: '2026-06-10T09:30:00', why: 'nothing left today; counts from 08:30 tomorrow' },
  { name: 'deadline lands exactly at the noon closing', from: '2026-06-09T10:00:00', duration: 'PT2H', basis: 'working', due: '2026-06-09T12:00:00', why: 'a deadline at a closing stays there, not 14:00' },
  { name: 'deadline lands exactly at the evening closing', from: '2026-06-09T15:30:00', duration: 'PT2H', basis: 'working', due: '2026-06-09T17:30:00', why: 'a deadline at 17:30 stays there, not 08:30 next day' },
  { name: 'over the lunch break', from: '2026-06-09T11:00:00', duration: 'PT2H', basis: 'working', due: '2026-06-09T15:00:00', why: '1 h before noon, 1 h after 14:00' },
  { name: 'started in the lunch break', from: '2026-06-09T12:30:00', duration: 'PT1H', basis: 'working', due: '2026-06-09T15:00:00', why: 'begins at the 14:00 opening' },
  { name: 'started before opening', from: '2026-06-09T07:00:00', duration: 'PT30M', basis: 'working', due: '2026-06-09T09:00:00', why: 'begins at 08:30' },
  { name: 'started at night', from: '2026-06-09T20:00:00', duration: 'PT1H', basis: 'working', due: '2026-06-10T09:30:00', why: 'begins at 08:30 next working day' },
  { name: 'started on a Sunday', from: '2026-06-14T10:00:00', duration: 'PT1H', basis: 'working', due: '2026-06-15T09:30:00', why: 'begins at Monday’s opening' },
  { name: 'seconds-level drill over lunch', from: '2026-06-09T11:59:45', duration: 'PT30S', basis: 'working', due: '2026-06-09T14:00:15', why: '15 s before noon, 15 s after 14:00' },
  { name: 'seconds-level drill inside office hours', from: '2026-06-09T09:00:00', duration: 'PT90S', basis: 'working', due: '2026-06-09T09:01:30', why: 'plain office time' },
  { name: 'a full office day of hours', from: '2026-06-09T08:30:00', duration: 'PT7H', basis: 'working', due: '2026-06-09T17:30:00', why: '3.5 h + 3.5 h end exactly at the closing' },
  // The days rule ---------------------------------------------------------------------------------------
  { name: 'days rule: started at 08:00 still counts from tomorrow', from: '2026-06-09T08:00:00', duration: 'P1D', basis: 'working', due: '2026-06-10T17:30:00', why: 'Civil Code art. 201: the start day is not counted' },
  { name: 'days rule: started at 23:59', from: '2026-06-09T23:59:00', duration: 'P1D', basis: 'working', due: '2026-06-10T17:30:00', why: 'the same rule at any hour' },
  { name: 'days rule: started at local midnight', from: '2026-06-09T00:00:00', duration: 'P1D', basis: 'working', due: '2026-06-10T17:30:00', why: 'midnight belongs to 06-09, so 06-10 is day 1' },
  { name: 'days rule: started on a Saturday', from: '2026-06-13T10:00:00', duration: 'P1D', basis: 'working', due: '2026-06-15T17:30:00', why: 'Sunday off, Monday is day 1' },
  { name: 'days rule over Dragon Boat', from: '2026-06-18T10:00:00', duration: 'P1D', basis: 'working', due: '2026-06-22T17:30:00', why: '06-19…21 off, Mon 06-22 is day 1' },
  { name: 'a week is 7 working days', from: '2026-06-01T10:00:00', duration: 'P1W', basis: 'working', due: '2026-06-10T17:30:00', why: 'Tue 2 … Fri 5 (4), Mon 8 … Wed 10 (7)' },
  { name: 'days then hours', from: '2026-06-09T17:30:00', duration: 'P1DT2H', basis: 'working', due: '2026-06-11T10:30:00', why: 'P1D → Wed 17:30, then 2 h from Thursday 08:30' },
  // The calendar basis ----------------------------------------------------------------------------------
  { name: 'calendar: 2 hours at night', from: '2026-10-01T23:00:00', duration: 'PT2H', basis: 'calendar', due: '2026-10-02T01:00:00', why: 'urgent cases run 7×24, holidays included' },
  { name: 'calendar: 24 hours over a holiday', from: '2026-09-30T16:00:00', duration: 'PT24H', basis: 'calendar', due: '2026-10-01T16:00:00', why: 'plain elapsed time' },
  { name: 'calendar: P3D is 72 hours', from: '2026-02-14T10:00:00', duration: 'P3D', basis: 'calendar', due: '2026-02-17T10:00:00', why: 'no working-day rule on the calendar basis' },
  { name: 'calendar: 15 minutes', from: '2026-06-09T11:55:00', duration: 'PT15M', basis: 'calendar', due: '2026-06-09T12:10:00', why: 'lunch does not stop an urgent clock' },
];

describe('addDuration over real dates', () => {
  it.each(scenarios)('$name', ({ from, duration, basis, due, cal }) => {
    expect(addDuration(at(from), duration, basis, cal ?? library, H).toISOString()).toBe(iso(due));
  });

  it('uses the configured last closing for the days rule and configured hours for the time part', () => {
    const nineToFive = parseOfficeHours('09:00-17:00');
    expect(addDuration(at('2026-06-09T10:00:00'), 'P1D', 'working', library, nineToFive).toISOString()).toBe(iso('2026-06-10T17:00:00'));
    expect(addDuration(at('2026-06-09T16:00:00'), 'PT2H', 'working', library, nineToFive).toISOString()).toBe(iso('2026-06-10T10:00:00'));
  });

  it('does not depend on the process time zone', () => {
    const saved = process.env.TZ;
    process.env.TZ = 'America/Los_Angeles';
    try {
      const cal = createWorkCalendar(new Map(), libraryDay);
      expect(addDuration(at('2026-09-30T16:00:00'), 'P1D', 'working', cal, H).toISOString()).toBe(iso('2026-10-08T17:30:00'));
      expect(addDuration(at('2027-02-05T10:00:00'), 'P1D', 'working', cal, H).toISOString()).toBe(iso('2027-02-08T17:30:00'));
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  });

  it('refuses a bad duration, basis or instant', () => {
    expect(() => addDuration(at('2026-06-09T10:00:00'), 'P1M', 'working', library, H)).toThrow(/年或月/);
    expect(() => addDuration(at('2026-06-09T10:00:00'), 'P1D', 'sometimes' as DeadlineBasis, library, H)).toThrow(/计时方式/);
    expect(() => addDuration(new Date('nope'), 'P1D', 'working', library, H)).toThrow(/无效的时刻/);
  });

  it('stops on a calendar without working days instead of looping forever', () => {
    const never: WorkCalendar = { isWorkday: () => false };
    expect(() => addDuration(at('2026-06-09T10:00:00'), 'P1D', 'working', never, H)).toThrow(/没有工作日/);
    expect(() => addDuration(at('2026-06-09T10:00:00'), 'PT1H', 'working', never, H)).toThrow(/没有工作日/);
  });
});

describe('workingMillisBetween and addWorkingMillis', () => {
  it.each([
    ['same morning', '2026-06-09T09:00:00', '2026-06-09T10:30:00', 1.5 * HOUR],
    ['over lunch', '2026-06-09T11:00:00', '2026-06-09T15:00:00', 2 * HOUR],
    ['a whole working day', '2026-06-09T00:00:00', '2026-06-10T00:00:00', 7 * HOUR],
    ['a weekend pause, Fri 16:00 → Mon 10:00', '2026-06-05T16:00:00', '2026-06-08T10:00:00', 3 * HOUR],
    ['all of National Day week', '2026-10-01T00:00:00', '2026-10-08T00:00:00', 0],
    ['the make-up Saturday', '2026-10-10T00:00:00', '2026-10-11T00:00:00', 7 * HOUR],
    ['night only', '2026-06-09T18:00:00', '2026-06-10T08:00:00', 0],
  ])('%s', (_name, from, to, expected) => {
    expect(workingMillisBetween(at(from), at(to), library, H)).toBe(expected);
  });

  it('is signed: negative when to is before from', () => {
    expect(workingMillisBetween(at('2026-06-09T10:30:00'), at('2026-06-09T09:00:00'), library, H)).toBe(-1.5 * HOUR);
  });

  it('adding back what was measured lands on the same office instant', () => {
    const from = at('2026-09-29T10:17:00');
    for (const to of ['2026-09-30T11:00:00', '2026-10-08T15:45:00', '2026-10-10T17:30:00', '2026-10-12T08:31:00']) {
      const ms = workingMillisBetween(from, at(to), library, H);
      expect(addWorkingMillis(from, ms, library, H).toISOString()).toBe(iso(to));
    }
  });

  it('zero leaves the instant unchanged, negative is refused', () => {
    expect(addWorkingMillis(at('2026-06-13T10:00:00'), 0, library, H).toISOString()).toBe(iso('2026-06-13T10:00:00'));
    expect(() => addWorkingMillis(at('2026-06-09T10:00:00'), -1, library, H)).toThrow(RangeError);
  });
});

describe('a pause that spans a weekend (待补充材料) and an extension, through the activity helpers', () => {
  it('working basis: the deadline moves by the office time the pause covered', () => {
    // Paused Fri 06-05 16:00 → Mon 06-08 10:00: 1.5 h on Friday + 1.5 h on Monday = 3 working hours.
    // resolveBy Wed 06-10 17:30 + 3 h → Thursday 08:30 + 3 h = 11:30.
    const moved = shiftDeadlineBy(
      { deadline: iso('2026-06-10T17:30:00'), from: iso('2026-06-05T16:00:00'), to: iso('2026-06-08T10:00:00'), basis: 'working' },
      library,
      H,
    );
    expect(moved.due).toBe(iso('2026-06-11T11:30:00'));
  });

  it('working basis: a pause entirely within the weekend moves nothing', () => {
    const moved = shiftDeadlineBy(
      { deadline: iso('2026-06-10T17:30:00'), from: iso('2026-06-06T09:00:00'), to: iso('2026-06-07T18:00:00'), basis: 'working' },
      library,
      H,
    );
    expect(moved.due).toBe(iso('2026-06-10T17:30:00'));
  });

  it('calendar basis: the deadline moves by the whole elapsed pause, weekend included', () => {
    const moved = shiftDeadlineBy(
      { deadline: iso('2026-06-06T12:00:00'), from: iso('2026-06-05T16:00:00'), to: iso('2026-06-08T10:00:00'), basis: 'calendar' },
      library,
      H,
    );
    expect(moved.due).toBe(iso('2026-06-09T06:00:00')); // + 66 h
  });

  it('an approved extension of P3D over National Day (computeDeadline from the current resolveBy)', () => {
    const r = computeDeadline({ key: 'resolveBy', from: iso('2026-09-30T17:30:00'), duration: 'P3D', basis: 'working' }, library, H);
    expect(r).toEqual({ key: 'resolveBy', due: iso('2026-10-10T17:30:00'), warnAt: null });
  });
});

describe('computeDeadline: the warning instant', () => {
  it('working: 80% of the office time allowed', () => {
    // Mon 06-08 10:00, P1D → Tue 17:30. Allowed: Mon 10:00–17:30 (5.5 h) + Tue 7 h = 12.5 h; 80% = 10 h:
    // 5.5 h on Monday, then 4.5 h on Tuesday: 08:30–12:00 (3.5 h) and 14:00–15:00.
    const r = computeDeadline({ key: 'respondBy', from: iso('2026-06-08T10:00:00'), duration: 'P1D', basis: 'working', warnAt: 0.8 }, library, H);
    expect(r).toEqual({ key: 'respondBy', due: iso('2026-06-09T17:30:00'), warnAt: iso('2026-06-09T15:00:00') });
  });

  it('working: over a weekend the warning skips it too', () => {
    // Fri 06-12 17:25 + 2 h → Mon 10:25; 80% of 2 h = 96 min: 5 min Friday + 91 min Monday → 10:01.
    const r = computeDeadline({ key: 'triageBy', from: iso('2026-06-12T17:25:00'), duration: 'PT2H', basis: 'working', warnAt: 0.8 }, library, H);
    expect(r.warnAt).toBe(iso('2026-06-15T10:01:00'));
  });

  it('calendar: 80% of elapsed time; warnAt 1 is the deadline itself', () => {
    const r = computeDeadline({ key: 'resolveBy', from: iso('2026-10-01T22:00:00'), duration: 'PT2H', basis: 'calendar', warnAt: 0.8 }, library, H);
    expect(r).toEqual({ key: 'resolveBy', due: iso('2026-10-02T00:00:00'), warnAt: iso('2026-10-01T23:36:00') });
    const full = computeDeadline({ key: 'x', from: iso('2026-06-09T10:00:00'), duration: 'PT30S', basis: 'working', warnAt: 1 }, library, H);
    expect(full.warnAt).toBe(full.due);
  });

  it('fails for good on bad input (not retried by Temporal)', () => {
    expect(() => computeDeadline({ key: 'k', from: 'yesterday', duration: 'P1D', basis: 'working' }, library, H)).toThrow(/k.from/);
    expect(() => computeDeadline({ key: 'k', from: iso('2026-06-09T10:00:00'), duration: 'P1M', basis: 'working' }, library, H)).toThrow(/k.duration/);
    expect(() => computeDeadline({ key: 'k', from: iso('2026-06-09T10:00:00'), duration: 'P1D', basis: 'working', warnAt: 1.5 }, library, H)).toThrow(/warnAt/);
  });
});

describe('describeRemaining', () => {
  it.each([
    // Tue 09:00 → Wed 14:00: 3 + 3.5 (Tue) + 3.5 (Wed morning) = 10 working hours = 1 day of 7 h + 3 h.
    ['working, a day and hours', '2026-06-09T09:00:00', '2026-06-10T14:00:00', 'working', '剩余 1 个工作日 3 小时'],
    ['working, minutes only', '2026-06-09T11:15:00', '2026-06-09T12:00:00', 'working', '剩余 45 分钟'],
    // Friday 17:00 → Monday 10:25 on the working basis: 30 min + 1 h 55 min.
    ['working, over a weekend', '2026-06-12T17:00:00', '2026-06-15T10:25:00', 'working', '剩余 2 小时 25 分钟'],
    // Due Tue 10:00, now Tue 16:10: 2 h (to 12:00) + 2 h 10 min (14:00–16:10) past.
    ['working, overdue', '2026-06-09T16:10:00', '2026-06-09T10:00:00', 'working', '已超时 4 小时 10 分钟'],
    ['working, overdue by night only', '2026-06-09T20:00:00', '2026-06-09T17:30:00', 'working', '已超时不足 1 分钟'],
    ['working, 30 s left', '2026-06-09T11:59:30', '2026-06-09T12:00:00', 'working', '剩余不足 1 分钟'],
    ['working, exactly at the deadline', '2026-06-09T12:00:00', '2026-06-09T12:00:00', 'working', '已超时不足 1 分钟'],
    ['working, whole days', '2026-06-08T17:30:00', '2026-06-10T17:30:00', 'working', '剩余 2 个工作日'],
    ['calendar, days and hours', '2026-10-01T10:00:00', '2026-10-02T13:30:00', 'calendar', '剩余 1 天 3 小时 30 分钟'],
    ['calendar, overdue', '2026-10-01T12:10:00', '2026-10-01T10:00:00', 'calendar', '已超时 2 小时 10 分钟'],
    ['calendar, minutes rounded down', '2026-10-01T10:00:00', '2026-10-01T10:45:59', 'calendar', '剩余 45 分钟'],
  ] as const)('%s', (_name, now, deadline, basis, text) => {
    expect(describeRemaining(at(now), at(deadline), basis, library, H)).toBe(text);
  });

  it('counts the office day at its configured length', () => {
    const eightHours = parseOfficeHours('09:00-17:00');
    expect(describeRemaining(at('2026-06-09T09:00:00'), at('2026-06-10T13:00:00'), 'working', library, eightHours)).toBe('剩余 1 个工作日 4 小时');
  });
});
