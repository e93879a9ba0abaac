/**
 * The State Council's holiday arrangement as the maintained `chinese-days` library knows it (holidays and
 * make-up workdays 调休). The deadline arithmetic takes it as a function, with admins' overrides on top.
 */
import { getDayDetail, isInLieu } from 'chinese-days';
import { assertDate, type CalendarDay } from '../workflows/domain/calendar/work-calendar';

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

