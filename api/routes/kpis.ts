import { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router } from 'express';
import type { Db } from '../../db/connection';
import { kpiReport, type KpiGroupBy } from '../../db/queries/kpis';
import type { AuthenticatedUser } from '../../db/queries/users';
import { jurisdictionScope } from '../permissions';
import { defineRoute } from '../routing';
import { KpiAnswer, KpiQuery } from '../schemas/kpis';

/** The measures people are judged by (DOMAIN.md §6), over the cases located in the caller's subtree. */
export function kpiRoutes(deps: { db: Db }, registry: OpenAPIRegistry): Router {
  const { db } = deps;
  const router = Router();

  defineRoute(
    router,
    registry,
    {
      method: 'get',
      path: '/kpis',
      summary: '考核指标：响应率、按时反馈率、按期办结率、一次办结率、解决率、满意率、升级率（按单位、街道、社区或类别分组，含合计）',
      tag: '督办 Supervision',
      permission: 'kpis.read',
      query: KpiQuery,
      responses: { 200: { description: '统计区间 [from, to) 内首次派单（或直接办理）的案件的指标；无可统计对象的指标为 null', schema: KpiAnswer } },
      errors: [400],
    },
    async ({ query, user }) => ({ status: 200, body: await visibleKpiReport(db, user, query) }),
  );

  return router;
}

/** The report over the caller's subtree; its export (routes/export.ts) reads through here too, so both agree. */
export const visibleKpiReport = (db: Db, user: AuthenticatedUser, query: { from: string; to: string; groupBy: KpiGroupBy }) =>
  kpiReport(db, { from: new Date(query.from), to: new Date(query.to), groupBy: query.groupBy, scope: jurisdictionScope(user) });
