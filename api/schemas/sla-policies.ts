import { slaClasses } from '../../config/sla-defaults';
import { Basis, IsoDuration } from './calendar';
import { Instant } from './common';
import { z } from './zod';

export const SlaClassParams = z.object({
  slaClass: z.enum(slaClasses).openapi({ description: 'urgent 紧急、utility 水电气热、general 一般、complex 疑难复杂' }),
});

const warnAt = z
  .number()
  .gt(0, '预警比例须大于 0')
  .lte(1, '预警比例不能大于 1')
  // The column holds three decimals; refusing more keeps what is read back equal to what was sent.
  .refine((v) => Math.abs(v * 1000 - Math.round(v * 1000)) < 1e-9, '预警比例最多三位小数')
  .openapi({ description: '已用时限达到该比例时发出预警，如 0.8', example: 0.8 });

export const SlaPolicyRequest = z
  .strictObject({
    triage: IsoDuration.openapi({ description: '受理后处置或派单的时限；案件每升一级重新起算', example: 'PT2H' }),
    respond: IsoDuration.openapi({ description: '责任单位签收或退回的时限', example: 'P1D' }),
    resolve: IsoDuration.openapi({ description: '办结（并反馈诉求人）的时限', example: 'P5D' }),
    callback: IsoDuration.openapi({ description: '办结后回访的时限，按 callbackBasis 计（默认工作日）', example: 'P3D' }),
    repeatOverdue: IsoDuration.optional().openapi({ description: '升至市级后仍超期时重复提醒的间隔；缺省取该类默认值', example: 'P1D' }),
    warnAt,
    basis: Basis,
    callbackBasis: Basis.optional().openapi({ description: '回访时限的计时方式；缺省为 working（工作日），演练时可设为 calendar' }),
    maxPause: IsoDuration.optional().openapi({ description: '等待诉求人补充材料的最长时间，超过后自动恢复办结计时；缺省 P5D', example: 'P5D' }),
  })
  .openapi('SlaPolicyRequest');

export const SlaPolicyBody = z
  .object({
    slaClass: z.enum(slaClasses),
    triage: z.string(),
    respond: z.string(),
    resolve: z.string(),
    callback: z.string(),
    repeatOverdue: z.string(),
    warnAt: z.number(),
    basis: Basis,
    callbackBasis: Basis,
    maxPause: z.string(),
    updatedAt: Instant.nullable().openapi({ description: 'null：从未修改，使用内置默认值' }),
    updatedBy: z.string().nullable().openapi({ description: '最后修改的管理员用户 id' }),
  })
  .openapi('SlaPolicy');
