import { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router } from 'express';
import { addDuration, describeRemaining, type OfficeHours, parseOfficeHours } from '../../workflows/domain/calendar/deadline-arithmetic';
import { libraryDay } from '../../config/official-calendar';
import { invalidateWorkCalendar, loadWorkCalendar } from '../../db/work-calendar';
import { loadEnv } from '../../config/env';
import type { Db } from '../../db/connection';
import { type CalendarOverride, deleteCalendarOverride, getCalendarOverride, putCalendarOverride } from '../../db/queries/calendar';
import { ApiError } from '../errors';
import { defineRoute } from '../routing';
import { CalendarDateParams, CalendarDayBody, CalendarOverrideBody, DeadlineAnswer, DeadlineQuery } from '../schemas/calendar';

const tag = '工作日历与期限 Calendar and deadlines';

const overrideDay = (o: CalendarOverride) => ({
  date: o.date,
  kind: o.kind,
  source: 'override' as const,
  ...(o.note ? { note: o.note } : {}),
  updatedAt: o.updatedAt,
  updatedBy: o.updatedBy,
});

/**
 * The working-day calendar (library + overrides) and the deadline calculator. The calculator uses the same
 * `addDuration` and the same calendar loader as the deadline activity, so what a clerk tells a citizen is
 * what the case workflow will hold.
 */
export function calendarRoutes(deps: { db: Db; officeHours?: OfficeHours }, registry: OpenAPIRegistry): Router {
  const { db } = deps;
  const officeHours = deps.officeHours ?? parseOfficeHours(loadEnv().OFFICE_HOURS);
  const router = Router();

  // Declared before `/calendar/:date` so that Express does not take "deadline" for a date.
  defineRoute(
    router,
    registry,
    {
      method: 'get',
      path: '/calendar/deadline',
      summary: '计算期限：从某一时刻起经过一段期限（自然时间或工作时间）的截止时刻，与案件流程使用同一算法',
      tag,
      permission: 'calendar.read',
      query: DeadlineQuery,
      responses: { 200: { description: '截止时刻及从现在起的剩余时间', schema: DeadlineAnswer } },
      errors: [400],
    },
    async ({ query }) => {
      const now = new Date();
      const from = query.from ? new Date(query.from) : now;
      const cal = await loadWorkCalendar(db);
      const deadline = addDuration(from, query.duration, query.basis, cal, officeHours);
      return {
        status: 200,
        body: {
          from: from.toISOString(),
          duration: query.duration,
          basis: query.basis,
          deadline: deadline.toISOString(),
          remaining: describeRemaining(now, deadline, query.basis, cal, officeHours),
        },
      };
    },
  );

  defineRoute(
    router,
    registry,
    {
      method: 'get',
      path: '/calendar/:date',
      summary: '某日是否上班：管理员设置优先，其次国务院放假安排（含调休），其余按周一至周五上班',
      tag,
      permission: 'calendar.read',
      params: CalendarDateParams,
      responses: { 200: { description: '当日的实际安排及其来源', schema: CalendarDayBody } },
      errors: [400],
    },
    async ({ params }) => {
      // Read the override directly (not the cached calendar) so an admin sees their edit at once.
      const override = await getCalendarOverride(db, params.date);
      return { status: 200, body: override ? overrideDay(override) : libraryDay(params.date) };
    },
  );

  defineRoute(
    router,
    registry,
    {
      method: 'put',
      path: '/calendar/:date',
      summary: '设置某日放假或上班（覆盖节假日库，用于库中尚未收录的年份或临时调整）；只影响此后计算的期限',
      tag,
      permission: 'calendar.write',
      params: CalendarDateParams,
      body: CalendarOverrideBody,
      responses: { 200: { description: '已保存的设置', schema: CalendarDayBody } },
      errors: [400],
    },
    async ({ params, body, user }) => {
      const saved = await putCalendarOverride(db, params.date, { kind: body.kind, note: body.note ?? null }, user.id);
      invalidateWorkCalendar();
      return { status: 200, body: overrideDay(saved) };
    },
  );

  defineRoute(
    router,
    registry,
    {
      method: 'delete',
      path: '/calendar/:date',
      summary: '撤销某日的设置，恢复节假日库的安排',
      tag,
      permission: 'calendar.write',
      params: CalendarDateParams,
      responses: { 200: { description: '撤销后当日的安排', schema: CalendarDayBody } },
      errors: [400, 404],
    },
    async ({ params }) => {
      const deleted = await deleteCalendarOverride(db, params.date);
      if (!deleted) throw ApiError.notFound(`${params.date} 的日历设置`);
      invalidateWorkCalendar();
      return { status: 200, body: libraryDay(params.date) };
    },
  );

  return router;
}
