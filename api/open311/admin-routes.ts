/**
 * Open311 clients as an admin manages them, under /api/v1 (`GET|POST /open311/clients`,
 * `DELETE /open311/clients/:id`): listed without their keys, created with a key shown once, revoked at once.
 * `npm run cli -- open311-key <clientName>` creates one from the shell.
 */
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router } from 'express';
import type { Db } from '../../db/connection';
import { createOpen311Client, getOpen311Client, listOpen311Clients, Open311ClientError, revokeOpen311Client } from '../../db/queries/open311-clients';
import { ApiError } from '../errors';
import { defineRoute } from '../routing';
import { Instant, text } from '../schemas/common';
import { z } from '../schemas/zod';

const tag = 'Open311';

export const Open311ClientBody = z
  .object({
    id: z.string().openapi({ example: '6f1c2a9e-3b1d-4c55-9d0e-2f3b4a5c6d7e' }),
    name: z.string().openapi({ example: 'FixMyStreet 林州' }),
    keyHint: z.string().openapi({ description: 'api_key 的前几个字符，用于辨认（不含密钥本身）', example: 'o311_AbCd' }),
    userId: z.string().openapi({ description: '该客户端的系统用户（市级受理员）：它受理的案件时间线上记为此用户' }),
    username: z.string().openapi({ example: 'open311-3fa85f64c1' }),
    createdAt: Instant,
    lastUsedAt: Instant.nullable(),
    revokedAt: Instant.nullable(),
    active: z.boolean(),
    cases: z.number().int().openapi({ description: '该客户端受理的案件数' }),
  })
  .openapi('Open311Client');

const ClientList = z.object({ items: z.array(Open311ClientBody) }).openapi('Open311ClientList');
const CreateClientBody = z.strictObject({ name: text(100).openapi({ example: 'FixMyStreet 林州' }) }).openapi('CreateOpen311ClientRequest');
const CreatedClient = z
  .object({ client: Open311ClientBody, key: z.string().openapi({ description: 'api_key：只显示这一次，平台只保存其哈希', example: 'o311_…' }) })
  .openapi('CreatedOpen311Client');
const ClientIdParams = z.strictObject({ id: z.uuid('应为客户端编号（UUID）') });

export function open311AdminRoutes(deps: { db: Db }, registry: OpenAPIRegistry): Router {
  const { db } = deps;
  const router = Router();

  defineRoute(
    router,
    registry,
    {
      method: 'get',
      path: '/open311/clients',
      summary: 'Open311 客户端及其 api_key 概况（不含密钥）',
      tag,
      permission: 'open311.clients.read',
      responses: { 200: { description: '客户端列表，有效的在前', schema: ClientList } },
      errors: [400],
    },
    async () => ({ status: 200, body: { items: await listOpen311Clients(db) } }),
  );

  defineRoute(
    router,
    registry,
    {
      method: 'post',
      path: '/open311/clients',
      summary: '新建 Open311 客户端并签发 api_key（只显示一次）',
      tag,
      permission: 'open311.clients.write',
      body: CreateClientBody,
      responses: { 201: { description: '新客户端与其 api_key', schema: CreatedClient } },
      errors: [400, 409],
    },
    async ({ body }) => {
      try {
        const created = await createOpen311Client(db, body.name);
        return { status: 201, body: created };
      } catch (err) {
        if (err instanceof Open311ClientError) {
          if (err.code === 'NAME_TAKEN') throw new ApiError(409, 'INVALID_STATE', err.message);
          throw ApiError.validation([{ field: 'name', message: err.message }]);
        }
        throw err;
      }
    },
  );

  defineRoute(
    router,
    registry,
    {
      method: 'delete',
      path: '/open311/clients/:id',
      summary: '吊销 Open311 客户端（api_key 立即失效；重复吊销无副作用）',
      tag,
      permission: 'open311.clients.write',
      params: ClientIdParams,
      responses: { 200: { description: '吊销后的客户端', schema: z.object({ client: Open311ClientBody }) } },
      errors: [400, 404],
    },
    async ({ params }) => {
      await revokeOpen311Client(db, params.id);
      const client = await getOpen311Client(db, params.id);
      if (!client) throw ApiError.notFound('该 Open311 客户端');
      return { status: 200, body: { client } };
    },
  );

  return router;
}
