import { alertTypes, tiers } from '../../workflows/domain';
import { deliveryStatuses } from '../../db/queries/webhook-deliveries';
import { Instant, text } from './common';
import { z } from './zod';

const Person = z.object({ userId: z.string(), displayName: z.string() });

/** http or https, absolute, without credentials in it (the secret signs; a password in a URL leaks into logs). */
export const WebhookUrl = z
  .string()
  .trim()
  .max(2000)
  .superRefine((value, ctx) => {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      ctx.addIssue({ code: 'custom', message: '应为完整的 http(s) 地址，例如 https://example.com/jiesu/alerts' });
      return;
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') ctx.addIssue({ code: 'custom', message: '只支持 http 或 https 地址' });
    if (url.username || url.password) ctx.addIssue({ code: 'custom', message: '地址中不能包含用户名或密码' });
    if (url.hash) ctx.addIssue({ code: 'custom', message: '地址中不能包含 # 片段' });
  })
  .openapi({ example: 'https://ops.example.com/jiesu/alerts' });

/** Free text stored as it is: PostgreSQL text cannot hold a NUL character, so it is refused here as a 400. */
const note = (max: number) => text(max).refine((v) => !v.includes('\u0000'), '不能包含 NUL 字符');

const uniqueList = <T extends z.ZodType>(item: T, what: string) =>
  z
    .array(item)
    .min(1, `${what}至少选一项；不限则省略该字段`)
    .refine((list) => new Set(list).size === list.length, `${what}不能重复`);

export const CreateWebhookRequest = z
  .strictObject({
    url: WebhookUrl,
    jurisdictionId: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, '辖区编号格式不正确').optional().openapi({ description: '推送哪个辖区（含下级）的告警；督办员默认本人辖区，管理员默认全市' }),
    alertTypes: uniqueList(z.enum(alertTypes), '告警类型').optional().openapi({ description: '只推送这些类型；省略为全部' }),
    tiers: uniqueList(z.enum(tiers), '层级').optional().openapi({ description: '只推送这些层级的告警；省略为全部' }),
    description: note(200).optional().openapi({ example: '开元街道值班系统' }),
  })
  .openapi('CreateWebhookRequest');

export const WebhookSubscriptionBody = z
  .object({
    id: z.string(),
    url: z.string(),
    description: z.string().nullable(),
    jurisdictionId: z.string(),
    jurisdictionName: z.string(),
    alertTypes: z.array(z.enum(alertTypes)).nullable().openapi({ description: 'null：全部类型' }),
    tiers: z.array(z.enum(tiers)).nullable().openapi({ description: 'null：全部层级' }),
    active: z.boolean(),
    disabledAt: Instant.nullable(),
    disabledReason: z.string().nullable().openapi({ description: '停用原因：人工填写，或连续失败后自动停用' }),
    consecutiveFailures: z.number().int().openapi({ description: '连续失败的推送数；成功一次即清零' }),
    owner: Person.nullable().openapi({ description: '为哪位督办员推送；null 为管理员为辖区登记' }),
    secretHint: z.string().openapi({ description: '签名密钥的前几个字符（密钥只在创建或轮换时显示一次）', example: 'whsec_AbCd…' }),
    secretRotatedAt: Instant.nullable(),
    createdAt: Instant,
    createdBy: Person,
    updatedAt: Instant,
    updatedBy: Person,
  })
  .openapi('WebhookSubscription');

export const WebhookList = z.object({ items: z.array(WebhookSubscriptionBody) }).openapi('WebhookSubscriptionList');

export const WebhookWithSecret = z
  .object({
    subscription: WebhookSubscriptionBody,
    secret: z.string().openapi({ description: 'HMAC-SHA256 签名密钥：只显示这一次', example: 'whsec_…' }),
  })
  .openapi('WebhookSubscriptionWithSecret');

export const WebhookListQuery = z.strictObject({
  active: z.enum(['true', 'false']).transform((v) => v === 'true').optional().openapi({ description: '只看启用（true）或停用（false）的' }),
});

export const WebhookIdParams = z.strictObject({ id: z.uuid('应为订阅编号（UUID）') });

export const DisableWebhookRequest = z.strictObject({ reason: note(200).optional().openapi({ example: '值班系统迁移中' }) }).openapi('DisableWebhookRequest');

export const WebhookTestResult = z
  .object({
    deliveryId: z.string(),
    delivered: z.boolean().openapi({ description: '接收方是否以 2xx 应答' }),
    httpStatus: z.number().int().nullable(),
    failure: z.string().nullable().openapi({ description: '未送达的原因（超时、连接失败、HTTP 状态码）；送达为 null' }),
    durationMs: z.number().int(),
  })
  .openapi('WebhookTestResult');

const WebhookAttemptBody = z.object({
  attempt: z.number().int(),
  at: Instant,
  httpStatus: z.number().int().nullable(),
  error: z.string().nullable(),
  durationMs: z.number().int(),
});

export const WebhookDeliveryBody = z
  .object({
    id: z.string().openapi({ description: '也是请求头 X-Jiesu-Delivery：接收方据此去重' }),
    event: z.string().openapi({ example: 'alert.overdue' }),
    alertId: z.string().nullable().openapi({ description: '测试推送为 null' }),
    status: z.enum(deliveryStatuses).openapi({ description: 'pending 待推送或重试中；delivered 已送达；failed 重试用尽；cancelled 订阅停用后取消' }),
    attempts: z.number().int(),
    createdAt: Instant,
    lastAttemptAt: Instant.nullable(),
    completedAt: Instant.nullable(),
    lastHttpStatus: z.number().int().nullable(),
    lastError: z.string().nullable(),
    attemptLog: z.array(WebhookAttemptBody),
  })
  .openapi('WebhookDelivery');

export const WebhookDeliveriesQuery = z.strictObject({
  status: z.enum(deliveryStatuses).optional(),
  cursor: z.string().regex(/^\d{1,18}$/, '分页游标无效').optional().openapi({ description: '上一页的 nextCursor' }),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

export const WebhookDeliveryList = z
  .object({ items: z.array(WebhookDeliveryBody), nextCursor: z.string().nullable() })
  .openapi('WebhookDeliveryList');

/** What a receiver is sent (documented here; the body is signed as sent, see README). */
export const WebhookPayload = z
  .object({
    id: z.string().openapi({ description: '推送编号（= X-Jiesu-Delivery）' }),
    event: z.string().openapi({ description: 'alert.<告警类型> 或 ping（= X-Jiesu-Event）', example: 'alert.escalated' }),
    createdAt: Instant,
    subscriptionId: z.string(),
    alert: z
      .object({
        id: z.string(),
        type: z.enum(alertTypes),
        caseId: z.string(),
        tier: z.enum(tiers),
        jurisdictionId: z.string(),
        unitId: z.string().nullable(),
        deadline: Instant.nullable(),
        at: Instant,
        message: z.string(),
      })
      .optional(),
    message: z.string().optional().openapi({ description: '仅测试推送（ping）' }),
  })
  .openapi('WebhookPayload', { description: '推送给接收方的请求体；请求头带 X-Jiesu-Timestamp 与 X-Jiesu-Signature（v1=HMAC-SHA256）' });
