import { caseStatuses } from '../../workflows/domain';
import { z } from './zod';

export const MonthQuery = z
  .strictObject({
    month: z
      .string()
      .regex(/^(19|20|21)\d{2}-(0[1-9]|1[0-2])$/, '月份格式应为 YYYY-MM')
      .optional()
      .openapi({ description: '北京时间的自然月，缺省为本月', example: '2026-11' }),
  })
  .openapi('BoardMonthQuery');

export const BoardCasesQuery = MonthQuery.extend({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(500).optional(),
}).openapi('BoardCasesQuery');

export const CaseNoParams = z.object({ caseNo: z.string().regex(/^[0-9]{8,20}$/, '案件编号格式不正确').openapi({ example: '20261123000001' }) });

const AreaCount = z.object({ id: z.string(), name: z.string(), received: z.number(), resolved: z.number(), closed: z.number(), overdue: z.number() });

export const BoardOverview = z
  .object({ month: z.string(), byStreet: z.array(AreaCount), byCategory: z.array(AreaCount) })
  .openapi('BoardOverview', { description: '本月受理的诉求：按街道（乡镇）和事项分类统计' });

const rate = z.number().nullable();
export const BoardScorecards = z
  .object({
    month: z.string(),
    units: z.array(
      z.object({
        unitId: z.string(),
        name: z.string(),
        dispatched: z.number(),
        responseRate: rate,
        onTimeFeedbackRate: rate,
        onTimeCompletionRate: rate,
        firstTimeResolutionRate: rate,
        resolutionRate: rate,
        satisfactionRate: rate,
        escalationRate: rate,
      }),
    ),
  })
  .openapi('BoardScorecards', { description: '各责任单位当月成绩单（DOMAIN.md §6 的指标，按首次派单时间统计）' });

const PublicCaseRow = z.object({
  caseNo: z.string(),
  status: z.enum(caseStatuses),
  statusName: z.string(),
  categoryName: z.string(),
  streetName: z.string(),
  createdAt: z.string(),
  closedAt: z.string().nullable(),
  title: z.string().nullable().openapi({ description: '诉求人同意公开时才显示' }),
});

export const BoardCases = z.object({ items: z.array(PublicCaseRow), nextCursor: z.string().nullable() }).openapi('BoardCases');

export const PublicCaseBody = z
  .object({
    caseNo: z.string(),
    status: z.enum(caseStatuses),
    statusName: z.string(),
    categoryName: z.string(),
    streetName: z.string(),
    communityName: z.string(),
    createdAt: z.string(),
    dispatchedAt: z.string().nullable(),
    resolvedAt: z.string().nullable(),
    closedAt: z.string().nullable(),
    leadUnitName: z.string().nullable(),
    title: z.string().nullable(),
    description: z.string().nullable(),
    steps: z.array(z.object({ at: z.string(), label: z.string() })),
  })
  .openapi('PublicCase', { description: '公开的办理进度：不含诉求人信息；标题和描述仅在诉求人同意公开时显示' });
