import { Instant } from './common';
import { z } from './zod';

export const TokenInfoBody = z
  .object({
    id: z.string().openapi({ description: '令牌编号（不是令牌本身）' }),
    userId: z.string(),
    label: z.string().nullable(),
    createdAt: Instant,
    expiresAt: Instant.nullable(),
    lastUsedAt: Instant.nullable().openapi({ description: '最近使用时间（精确到分钟）' }),
    revokedAt: Instant.nullable(),
    active: z.boolean().openapi({ description: '未吊销且未过期' }),
  })
  .openapi('TokenInfo');

export const UsernameParams = z.object({ username: z.string().trim().min(1).max(64) });
export const TokenIdParams = z.object({ tokenId: z.uuid('令牌编号格式不正确') });

export const TokenList = z
  .object({ user: z.object({ id: z.string(), username: z.string() }), items: z.array(TokenInfoBody) })
  .openapi('TokenList');

export const auditOutcomes = ['ok', 'refused', 'error'] as const;

export const AuditQuery = z.strictObject({
  caseId: z.string().regex(/^[0-9]{8,20}$/, '案件编号格式不正确').optional(),
  userId: z.uuid('用户编号格式不正确').optional(),
  from: Instant.optional(),
  to: Instant.optional(),
  outcome: z.enum(auditOutcomes).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  cursor: z.string().regex(/^\d{1,18}$/, '分页游标无效').optional(),
});

export const AuditEntryBody = z
  .object({
    id: z.string(),
    at: Instant,
    userId: z.string().nullable(),
    username: z.string().nullable(),
    role: z.string().nullable(),
    tokenId: z.string().nullable(),
    ip: z.string().nullable(),
    method: z.string(),
    route: z.string().openapi({ description: '路由模式（不含查询参数），如 /api/v1/cases/{id}/accept', example: '/api/v1/cases/:id/accept' }),
    caseId: z.string().nullable(),
    action: z.string().openapi({ description: '权限表中的操作名，如 cases.accept', example: 'cases.accept' }),
    outcome: z.enum(auditOutcomes),
    status: z.number().int(),
    code: z.string().nullable().openapi({ description: '被拒绝时的错误码' }),
  })
  .openapi('AuditEntry');

export const AuditList = z.object({ items: z.array(AuditEntryBody), nextCursor: z.string().nullable() }).openapi('AuditList');
