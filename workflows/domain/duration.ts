/**
 * The one reader of ISO 8601 durations: SLA policies, extensions, the calendar endpoint and the deadline
 * arithmetic all parse through here, so a duration one layer accepts is never one another layer chokes on.
 * Pure, so the domain rules (the extension cap) and the planner agree to the second.
 */
export class DurationError extends RangeError {}

export interface ParsedDuration {
  /** Whole days (weeks count as 7 days each). On the working basis: working days. */
  days: number;
  /** The time part (hours, minutes, seconds) in seconds. On the working basis: seconds of office time. */
  seconds: number;
}

/** The longest duration we accept: about ten years. Beyond that a typo is far likelier than a real policy. */
export const maxDurationDays = 3660;
const maxSeconds = maxDurationDays * 86_400;

/**
 * Parses `P5D`, `P2W`, `PT2H`, `PT1H30M`, `PT45S`, `P1DT2H`. Months and years are refused (their length
 * varies and no deadline rule is written in them), and so are fractions (`PT1.5S`): deadlines are counted
 * in whole units. The total must be positive.
 */
export function parseDuration(iso: string): ParsedDuration {
  if (typeof iso !== 'string') throw new DurationError('期限应为 ISO 8601 字符串，如 P5D、PT2H');
  const m = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/.exec(iso);
  if (!m) {
    // Y, or M before the T, is years or months (after the T, M is minutes).
    if (/^P[^T]*[YM]/.test(iso)) throw new DurationError(`不支持以年或月计的期限：“${iso}”，请改用天（D）或周（W）`);
    if (/\d[.,]\d/.test(iso)) throw new DurationError(`期限须为整数：“${iso}”，如 PT2S、PT90M`);
    throw new DurationError(`期限格式无效：“${iso}”，应为 ISO 8601，如 P5D、PT2H、PT30M、P1DT2H`);
  }
  const [, w, d, h, min, s] = m;
  if (iso.endsWith('T')) throw new DurationError(`期限格式无效：“${iso}”，T 之后须有时、分或秒`);
  if ([w, d, h, min, s].every((x) => x === undefined)) throw new DurationError(`期限格式无效：“${iso}”，缺少数值`);
  const days = Number(w ?? 0) * 7 + Number(d ?? 0);
  const seconds = Number(h ?? 0) * 3600 + Number(min ?? 0) * 60 + Number(s ?? 0);
  if (days === 0 && seconds === 0) throw new DurationError(`期限必须大于零：“${iso}”`);
  if (days > maxDurationDays || seconds > maxSeconds) throw new DurationError(`期限过长：“${iso}”（最长约十年）`);
  return { days, seconds };
}

/** The default working day (08:30–12:00, 14:00–17:30), for deadlines planned before plans said their own. */
export const defaultWorkdaySeconds = 7 * 3600;

/**
 * How many days a duration spans on a basis: on the calendar basis a day is 24 hours; on the working basis
 * its time part is office time, so `PT14H` is two working days of 7 hours, not 14/24 of a day.
 */
export function durationInDays(parsed: ParsedDuration, basis: 'calendar' | 'working', workdaySeconds = defaultWorkdaySeconds): number {
  return parsed.days + parsed.seconds / (basis === 'working' ? workdaySeconds : 86_400);
}
