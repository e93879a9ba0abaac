import { parseDuration } from '../../workflows/domain/calendar/deadline-arithmetic';
import { isCalendarDate } from '../../workflows/domain/calendar/work-calendar';
import { Instant } from './common';
import { z } from './zod';

export const CalendarDate = z
  .string()
  .refine(isCalendarDate, { message: '日期无效，应为 YYYY-MM-DD（北京时间的日历日）' })
  .openapi({ example: '2027-02-08' });

/** An ISO 8601 duration checked by the same parser the deadline arithmetic uses. */
export const IsoDuration = z
  .string()
  .max(40)
  .superRefine((value, ctx) => {
    if (value.length > 40) return; // already reported by max()
    try {
      parseDuration(value);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: (err as Error).message });
    }
  })
  .openapi({ description: 'ISO 8601 期限：P5D（天）、P1W（周）、PT2H、PT30M、PT45S、P1DT2H；不支持年和月', example: 'P5D' });

export const Basis = z
  .enum(['calendar', 'working'])
  .openapi({ description: 'calendar：自然时间 7×24；working：法定工作日与办公时间' });

export const CalendarDateParams = z.object({ date: CalendarDate });

export const CalendarDayBody = z
  .object({
    date: z.string(),
    kind: z.enum(['workday', 'holiday', 'weekend']),
    source: z
      .enum(['override', 'library', 'weekday-rule'])
      .openapi({ description: 'override：管理员设置；library：国务院放假安排（chinese-days）；weekday-rule：周一至周五上班' }),
    note: z.string().optional(),
    updatedAt: Instant.optional().openapi({ description: '仅 override' }),
    updatedBy: z.string().nullable().optional().openapi({ description: '仅 override：设置者用户 id' }),
  })
  .openapi('CalendarDay');

export const CalendarOverrideBody = z
  .strictObject({
    kind: z.enum(['holiday', 'workday']).openapi({ description: 'holiday：放假；workday：上班（如调休补班）' }),
    note: z.string().trim().max(200).optional().openapi({ example: '春节' }),
  })
  .openapi('CalendarOverrideRequest');

export const DeadlineQuery = z.strictObject({
  // Bounded so that a far-off year cannot make the day-by-day counting run for seconds.
  from: Instant.refine(
    (v) => {
      const year = new Date(v).getUTCFullYear();
      // NaN: the format check above has already reported it; one message per field is enough.
      return Number.isNaN(year) || (year >= 2000 && year <= 2100);
    },
    { message: '起算时刻须在 2000 年至 2100 年之间' },
  )
    .optional()
    .openapi({ description: '起算时刻（ISO 8601），缺省为当前时刻' }),
  duration: IsoDuration,
  basis: Basis,
});

export const DeadlineAnswer = z
  .object({
    from: z.string(),
    duration: z.string(),
    basis: Basis,
    deadline: z.string().openapi({ description: '截止时刻（ISO 8601 UTC）', example: '2026-10-09T09:30:00.000Z' }),
    remaining: z.string().openapi({ description: '从现在起的剩余时间', example: '剩余 4 个工作日 3 小时' }),
  })
  .openapi('DeadlineAnswer');
