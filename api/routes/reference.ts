import { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router } from 'express';
import { z } from 'zod';
import type { Db } from '../../db/connection';
import { getCategory, listCategories, listResponsibilities, proposeUnits } from '../../db/queries/categories';
import { getJurisdiction, listJurisdictions } from '../../db/queries/jurisdictions';
import { getUnit, listUnits } from '../../db/queries/units';
import { claimRequestKey, recordRequestResource, requestHash } from '../../db/queries/request-idempotency';
import { createUser, getTokenOwner, issueToken, revokeToken, UserInputError } from '../../db/queries/users';
import { ApiError } from '../errors';
import { defineRoute } from '../routing';
import { CategoryBody, CreatedUserBody, CreateUserBody, JurisdictionBody, MeBody, ProposalBody, ProposalQuery, UnitBody } from '../schemas/reference';

const tag = '基础数据 Reference data';

export function referenceRoutes(deps: { db: Db; tokenTtlDays?: number }, registry: OpenAPIRegistry): Router {
  const { db } = deps;
  // Every token expires; an admin can still revoke it earlier (DELETE /tokens/:tokenId).
  const tokenTtlMs = (deps.tokenTtlDays ?? 90) * 86_400_000;
  const router = Router();
  const list = (schema: z.ZodType) => ({ 200: { description: '列表', schema: z.object({ items: z.array(schema) }) } });

  defineRoute(
    router,
    registry,
    { method: 'get', path: '/me', summary: '当前用户：角色、所属辖区或单位（控制台据此显示菜单）', tag: '用户 Users', permission: 'me.read', responses: { 200: { description: '当前用户', schema: MeBody } }, errors: [] },
    async ({ user }) => {
      const [jurisdiction, unit] = await Promise.all([
        user.jurisdictionId ? getJurisdiction(db, user.jurisdictionId) : null,
        user.unitId ? getUnit(db, user.unitId) : null,
      ]);
      return { status: 200, body: { id: user.id, username: user.username, displayName: user.displayName, role: user.role, jurisdiction, unit } };
    },
  );

  defineRoute(
    router,
    registry,
    { method: 'get', path: '/jurisdictions', summary: '属地层级：市、区县、街道乡镇、社区村、网格', tag, permission: 'reference.read', responses: list(JurisdictionBody), errors: [] },
    async () => ({ status: 200, body: { items: await listJurisdictions(db) } }),
  );

  defineRoute(
    router,
    registry,
    { method: 'get', path: '/units', summary: '责任单位', tag, permission: 'reference.read', responses: list(UnitBody), errors: [] },
    async () => ({ status: 200, body: { items: await listUnits(db) } }),
  );

  defineRoute(
    router,
    registry,
    { method: 'get', path: '/categories', summary: '事项分类及其权责清单', tag, permission: 'reference.read', responses: list(CategoryBody), errors: [] },
    async () => {
      const [categories, responsibilities] = await Promise.all([listCategories(db), listResponsibilities(db)]);
      const items = categories.map((c) => ({
        ...c,
        responsibilities: responsibilities
          .filter((r) => r.categoryId === c.id)
          .map((r) => ({ jurisdictionId: r.jurisdictionId, unitId: r.unitId, role: r.role })),
      }));
      return { status: 200, body: { items } };
    },
  );

  defineRoute(
    router,
    registry,
    {
      method: 'get',
      path: '/categories/:id/proposal',
      summary: '智能派单：按权责清单为某社区的该类事项建议责任单位',
      tag,
      permission: 'reference.read',
      params: z.object({ id: z.string().min(1).max(64) }),
      query: ProposalQuery,
      responses: { 200: { description: '建议的牵头与协办单位', schema: ProposalBody } },
      errors: [400, 404],
    },
    async ({ params, query }) => {
      const [category, community] = await Promise.all([getCategory(db, params.id), getJurisdiction(db, query.communityId)]);
      if (!category) throw ApiError.notFound('事项分类');
      if (!community) throw ApiError.validation([{ field: 'query.communityId', message: `社区（村）不存在：${query.communityId}` }]);
      const proposal = await proposeUnits(db, category.id, community.id);
      return { status: 200, body: { leadUnitId: proposal.lead, cooperatingUnitIds: proposal.cooperating } };
    },
  );

  defineRoute(
    router,
    registry,
    {
      method: 'post',
      path: '/users',
      summary: '创建用户并签发访问令牌（令牌只显示一次）',
      tag: '用户 Users',
      permission: 'users.create',
      body: CreateUserBody,
      responses: { 201: { description: '新用户及其令牌（同一 Idempotency-Key 重试时为同一用户，旧令牌作废并签发新令牌）', schema: CreatedUserBody } },
      errors: [400, 409],
      idempotent: true,
    },
    async ({ body, user: admin, idempotencyKey }) => {
      try {
        // One transaction: the key, the user and the token are all there or none is.
        const created = await db.transaction(async (trx) => {
          const key = idempotencyKey ? { userId: admin.id, key: idempotencyKey } : null;
          const claim = key ? await claimRequestKey(trx, { ...key, action: 'users.create', hash: requestHash(body) }) : null;
          if (claim?.kind === 'conflict') throw ApiError.idempotencyConflict();
          // A retry: the token shown once may have been lost with the first answer, so it is replaced.
          const previous = claim?.kind === 'seen' && claim.resourceId ? await getTokenOwner(trx, claim.resourceId) : null;
          if (previous && claim?.kind === 'seen') await revokeToken(trx, claim.resourceId!);
          const user = previous ?? (await createUser(trx, body));
          const issued = await issueToken(trx, user.id, { label: 'created by admin', expiresAt: new Date(Date.now() + tokenTtlMs) });
          if (key) await recordRequestResource(trx, key, issued.tokenId);
          return { user, ...issued };
        });
        const { id, username, displayName, role, jurisdictionId, unitId } = created.user;
        return {
          status: 201,
          body: {
            user: { id, username, displayName, role, jurisdictionId, unitId },
            token: created.token,
            tokenId: created.tokenId,
            tokenExpiresAt: created.expiresAt?.toISOString() ?? null,
          },
        };
      } catch (err) {
        if (err instanceof UserInputError) throw userInputError(err);
        throw err;
      }
    },
  );

  return router;
}

function userInputError(err: UserInputError): ApiError {
  if (err.code === 'USERNAME_TAKEN') return new ApiError(409, 'INVALID_STATE', err.message, [{ field: 'username', message: err.message }]);
  const field = err.code === 'UNKNOWN_UNIT' ? 'unitId' : 'jurisdictionId';
  return ApiError.validation([{ field, message: err.message }]);
}
