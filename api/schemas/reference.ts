import { roles, slaClasses } from '../../workflows/domain';
import { text } from './common';
import { z } from './zod';

export const JurisdictionBody = z
  .object({
    id: z.string(),
    name: z.string(),
    level: z.enum(['city', 'district', 'street', 'community', 'grid']),
    parentId: z.string().nullable(),
    path: z.string(),
  })
  .openapi('Jurisdiction');

export const UnitBody = z
  .object({ id: z.string(), name: z.string(), shortName: z.string(), kind: z.string(), jurisdictionId: z.string(), active: z.boolean() })
  .openapi('Unit');

export const MeBody = z
  .object({
    id: z.string(),
    username: z.string(),
    displayName: z.string(),
    role: z.enum(roles),
    jurisdiction: JurisdictionBody.nullable(),
    unit: UnitBody.nullable(),
  })
  .openapi('Me');

export const CategoryBody = z
  .object({
    id: z.string(),
    name: z.string(),
    parentId: z.string().nullable(),
    slaClass: z.enum(slaClasses),
    description: z.string().nullable(),
    responsibilities: z.array(z.object({ jurisdictionId: z.string(), unitId: z.string(), role: z.enum(['lead', 'cooperating']) })),
  })
  .openapi('Category');

export const ProposalQuery = z.strictObject({ communityId: z.string().min(1).max(64) });
export const ProposalBody = z
  .object({ leadUnitId: z.string().nullable(), cooperatingUnitIds: z.array(z.string()) })
  .openapi('UnitProposal', { description: '权责清单建议的责任单位，由调度员确认后派单' });

export const CreateUserBody = z
  .strictObject({
    username: z.string().trim().regex(/^[a-zA-Z0-9._-]{2,64}$/, '用户名只能包含字母、数字、点、下划线和连字符（2–64 位）'),
    displayName: text(50),
    role: z.enum(roles),
    jurisdictionId: z.string().min(1).max(64).optional(),
    unitId: z.string().min(1).max(64).optional(),
  })
  .openapi('CreateUserRequest');

export const CreatedUserBody = z
  .object({
    user: z.object({
      id: z.string(),
      username: z.string(),
      displayName: z.string(),
      role: z.enum(roles),
      jurisdictionId: z.string().nullable(),
      unitId: z.string().nullable(),
    }),
    token: z.string().openapi({ description: '访问令牌，仅此一次显示' }),
    tokenId: z.string().openapi({ description: '令牌编号，用于查询和吊销（DELETE /api/v1/tokens/{tokenId}）' }),
    tokenExpiresAt: z.string().nullable().openapi({ description: '令牌到期时间（TOKEN_TTL_DAYS，默认 90 天）' }),
  })
  .openapi('CreatedUser');
