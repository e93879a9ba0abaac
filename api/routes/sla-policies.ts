import { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router } from 'express';
import { z } from 'zod';
import type { Db } from '../../db/connection';
import { getSlaPolicy, listSlaPolicies, putSlaPolicy } from '../../db/queries/sla-policies';
import { defineRoute } from '../routing';
import { SlaClassParams, SlaPolicyBody, SlaPolicyRequest } from '../schemas/sla-policies';

const tag = '时限策略 SLA policies';

/**
 * SLA policies as data. An edit applies to deadlines computed after it; deadlines already set on running
 * cases are absolute instants in their workflows and are never rewritten by it.
 */
export function slaPolicyRoutes(deps: { db: Db }, registry: OpenAPIRegistry): Router {
  const { db } = deps;
  const router = Router();

  defineRoute(
    router,
    registry,
    {
      method: 'get',
      path: '/sla-policies',
      summary: '各类案件的时限策略',
      tag,
      permission: 'sla.read',
      responses: { 200: { description: '列表（urgent、utility、general、complex）', schema: z.object({ items: z.array(SlaPolicyBody) }) } },
      errors: [],
    },
    async () => ({ status: 200, body: { items: await listSlaPolicies(db) } }),
  );

  defineRoute(
    router,
    registry,
    {
      method: 'get',
      path: '/sla-policies/:slaClass',
      summary: '某类案件的时限策略',
      tag,
      permission: 'sla.read',
      params: SlaClassParams,
      responses: { 200: { description: '当前生效的策略', schema: SlaPolicyBody } },
      errors: [400],
    },
    async ({ params }) => ({ status: 200, body: await getSlaPolicy(db, params.slaClass) }),
  );

  defineRoute(
    router,
    registry,
    {
      method: 'put',
      path: '/sla-policies/:slaClass',
      summary: '修改某类案件的时限策略：只影响此后计算的期限，不改动办理中案件已有的期限',
      tag,
      permission: 'sla.write',
      params: SlaClassParams,
      body: SlaPolicyRequest,
      responses: { 200: { description: '已保存的策略', schema: SlaPolicyBody } },
      errors: [400],
    },
    async ({ params, body, user }) => ({ status: 200, body: await putSlaPolicy(db, params.slaClass, body, user.id) }),
  );

  return router;
}
