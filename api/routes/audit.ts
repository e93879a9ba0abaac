import { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router } from 'express';
import type { Db } from '../../db/connection';
import { listAudit } from '../../db/queries/audit';
import { ApiError } from '../errors';
import { jurisdictionScope } from '../permissions';
import { defineRoute } from '../routing';
import { AuditList, AuditQuery } from '../schemas/security';

/** The audit trail, newest first. Admins see all of it; a supervisor, the refused attempts on cases of their subtree. */
export function auditRoutes(deps: { db: Db }, registry: OpenAPIRegistry): Router {
  const { db } = deps;
  const router = Router();

  defineRoute(
    router,
    registry,
    {
      method: 'get',
      path: '/audit',
      summary: '审计记录：每次写操作和每次被拒绝的请求（谁、做什么、何时、从何处）；督办人员只能查询本辖区案件被拒绝的操作',
      tag: '审计 Audit',
      permission: 'audit.read',
      query: AuditQuery,
      responses: { 200: { description: '审计记录，新的在前', schema: AuditList } },
      errors: [400],
    },
    async ({ query, user }) => {
      const { limit, cursor, ...filter } = query;
      const casePath = jurisdictionScope(user);
      if (casePath !== null) {
        if (filter.outcome && filter.outcome !== 'refused') throw ApiError.forbidden('督办人员只能查询被拒绝的操作');
        return { status: 200, body: await listAudit(db, { ...filter, outcome: 'refused', casePath, beforeId: cursor }, limit) };
      }
      return { status: 200, body: await listAudit(db, { ...filter, beforeId: cursor }, limit) };
    },
  );

  return router;
}
