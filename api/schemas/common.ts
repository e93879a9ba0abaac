import { z } from './zod';

export const ErrorBody = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: 'VALIDATION_FAILED' }),
      message: z.string().openapi({ example: '请求参数有误：location.communityId' }),
      details: z.array(z.object({ field: z.string(), message: z.string() })),
      status: z.string().optional().openapi({ description: '409 时案件所处的状态' }),
    }),
  })
  .openapi('Error');

export const Instant = z.iso.datetime({ offset: true }).openapi({ example: '2026-11-23T02:15:00.000Z' });

/** Trimmed, non-empty, bounded text: what every free-text field a person types goes through. */
export const text = (max: number, min = 1) => z.string().trim().min(min).max(max);

export const IdempotencyHeader = z.object({
  'idempotency-key': z.string().min(1).max(200).optional().openapi({ description: '同一 key 与相同请求体只执行一次，重复请求返回首次结果' }),
});

export const errorResponses = (...statuses: number[]) =>
  Object.fromEntries(
    statuses.map((s) => [
      s,
      { description: errorDescriptions[s] ?? '错误', content: { 'application/json': { schema: ErrorBody } } },
    ]),
  );

const errorDescriptions: Record<number, string> = {
  400: '请求格式或参数有误（details 列出每个字段）',
  401: '缺少或无效的令牌',
  403: '角色或辖区无权执行',
  404: '未找到',
  409: '案件当前状态不允许该操作',
  413: '请求体过大',
  429: '请求过于频繁',
  503: '依赖服务不可用，请稍后重试',
};
