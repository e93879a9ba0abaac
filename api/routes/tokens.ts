import { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router } from 'express';
import type { Db } from '../../db/connection';
import { getToken, listTokens } from '../../db/queries/tokens';
import { getUserByUsername, revokeToken } from '../../db/queries/users';
import { ApiError } from '../errors';
import { defineRoute } from '../routing';
import { TokenIdParams, TokenInfoBody, TokenList, UsernameParams } from '../schemas/security';
import { z } from '../schemas/zod';

const tag = '用户 Users';

/** Tokens as an admin manages them: listed without their secrets or hashes, revoked one at a time. */
export function tokenRoutes(deps: { db: Db }, registry: OpenAPIRegistry): Router {
  const { db } = deps;
  const router = Router();

  defineRoute(
    router,
    registry,
    {
      method: 'get',
      path: '/users/:username/tokens',
      summary: '某用户的访问令牌（编号、标签、签发、到期、最近使用、吊销时间；不含令牌本身）',
      tag,
      permission: 'tokens.read',
      params: UsernameParams,
      responses: { 200: { description: '令牌列表，新的在前', schema: TokenList } },
      errors: [400, 404],
    },
    async ({ params }) => {
      const user = await getUserByUsername(db, params.username);
      if (!user) throw ApiError.notFound('该用户');
      return { status: 200, body: { user: { id: user.id, username: user.username }, items: await listTokens(db, user.id) } };
    },
  );

  defineRoute(
    router,
    registry,
    {
      method: 'delete',
      path: '/tokens/:tokenId',
      summary: '吊销访问令牌（立即失效；重复吊销无副作用）',
      tag,
      permission: 'tokens.revoke',
      params: TokenIdParams,
      responses: { 200: { description: '吊销后的令牌', schema: z.object({ token: TokenInfoBody }) } },
      errors: [400, 404],
    },
    async ({ params }) => {
      await revokeToken(db, params.tokenId);
      const token = await getToken(db, params.tokenId);
      if (!token) throw ApiError.notFound('该令牌');
      return { status: 200, body: { token } };
    },
  );

  return router;
}
