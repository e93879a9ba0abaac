import { Instant } from './common';
import { z } from './zod';

export const kpiGroupings = ['unit', 'street', 'community', 'category', 'tier'] as const;

// Bounded so that an instant PostgreSQL cannot store (year 0000) is a 400, not a failed query.
const PeriodInstant = Instant.refine(
  (v) => {
    const year = new Date(v).getUTCFullYear();
    return Number.isNaN(year) || (year >= 2000 && year <= 2100);
  },
  { message: '统计时刻须在 2000 年至 2100 年之间' },
);

export const KpiQuery = z
  .strictObject({
    from: PeriodInstant.openapi({ description: '统计区间起点（含），按案件首次派单或直接办理的时刻' }),
    to: PeriodInstant.openapi({ description: '统计区间终点（不含）' }),
    groupBy: z.enum(kpiGroupings).openapi({ description: 'unit：责任单位；street：街道（乡镇）；community：社区（村）；category：诉求类别；tier：案件所达层级' }),
  })
  .refine((q) => Date.parse(q.from) < Date.parse(q.to), { message: '统计区间起点须早于终点', path: ['to'] });

const Rate = z.number().min(0).max(1).nullable();

export const KpiRow = z
  .object({
    key: z.string().openapi({ description: '分组编号（单位、辖区或类别 id）；合计行为 total' }),
    name: z.string().nullable(),
    dispatched: z.number().int().openapi({ description: '本行各案件指标所统计的案件数' }),
    responseRate: Rate.openapi({ description: '响应率：按时签收或退单的派单 ÷ 全部派单' }),
    onTimeFeedbackRate: Rate.openapi({ description: '按时反馈率：牵头单位在办结时限内首次反馈的案件 ÷ 派给单位的案件' }),
    onTimeCompletionRate: Rate.openapi({ description: '按期办结率：首次办结在办结时限内的案件 ÷ 派给单位的案件' }),
    firstTimeResolutionRate: Rate.openapi({ description: '一次办结率：未重办的已结案件 ÷ 已结案件' }),
    resolutionRate: Rate.openapi({ description: '解决率：见 DOMAIN.md §6' }),
    satisfactionRate: Rate.openapi({ description: '满意率：满意与基本满意的评价 ÷ 全部评价（每次回访计一次）' }),
    escalationRate: Rate.openapi({ description: '升级率：至少升级一级的案件 ÷ 案件' }),
  })
  .openapi('KpiRow');

export const KpiAnswer = z
  .object({
    period: z.object({ from: Instant, to: Instant }),
    total: KpiRow,
    groups: z.array(KpiRow),
  })
  .openapi('KpiReport');
