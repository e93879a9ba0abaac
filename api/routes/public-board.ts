/**
 * The public board (晾晒) at /api/v1/public: no login. What a citizen, a journalist or a neighbouring city
 * may read: counts by area and category, each unit's scorecard by month, and a case's progress by number.
 */
import { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router } from 'express';
import type { Db } from '../../db/connection';
import { boardCases, boardOverview, decodeBoardCursor, publicCase, unitScorecards } from '../../db/queries/public-board';
import { ApiError } from '../errors';
import { defineRoute } from '../routing';
import { BoardCases, BoardCasesQuery, BoardOverview, BoardScorecards, CaseNoParams, MonthQuery, PublicCaseBody } from '../schemas/public-board';

const tag = '公开栏 Public board';

/** This month in Asia/Shanghai, as `YYYY-MM`. */
const thisMonth = (): string => new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 7);

export function publicBoardRoutes(deps: { db: Db }, registry: OpenAPIRegistry): Router {
  const { db } = deps;
  const router = Router();
  const open = { tag, permission: 'public.read' as const, public: true, method: 'get' as const };

  defineRoute(
    router,
    registry,
    { ...open, path: '/public/overview', summary: '公开栏：本月诉求按街道和事项分类统计', query: MonthQuery, responses: { 200: { description: '统计', schema: BoardOverview } }, errors: [] },
    async ({ query }) => {
      const month = query.month ?? thisMonth();
      return { status: 200, body: { month, ...(await boardOverview(db, month)) } };
    },
  );

  defineRoute(
    router,
    registry,
    { ...open, path: '/public/scorecards', summary: '公开栏：各责任单位当月成绩单', query: MonthQuery, responses: { 200: { description: '成绩单', schema: BoardScorecards } }, errors: [] },
    async ({ query }) => {
      const month = query.month ?? thisMonth();
      return { status: 200, body: { month, units: await unitScorecards(db, month) } };
    },
  );

  defineRoute(
    router,
    registry,
    { ...open, path: '/public/cases', summary: '公开栏：本月最新诉求（不含个人信息）', query: BoardCasesQuery, responses: { 200: { description: '一页案件', schema: BoardCases } }, errors: [] },
    async ({ query }) => {
      const cursor = query.cursor ? decodeBoardCursor(query.cursor) : null;
      if (query.cursor && !cursor) throw ApiError.validation([{ field: 'query.cursor', message: '分页游标无效' }]);
      return { status: 200, body: await boardCases(db, query.month ?? thisMonth(), { limit: query.limit, cursor }) };
    },
  );

  defineRoute(
    router,
    registry,
    { ...open, path: '/public/cases/:caseNo', summary: '公开栏：按案件编号查询办理进度', params: CaseNoParams, responses: { 200: { description: '办理进度', schema: PublicCaseBody } }, errors: [404] },
    async ({ params }) => {
      const found = await publicCase(db, params.caseNo);
      if (!found) throw new ApiError(404, 'NOT_FOUND', `未找到案件编号 ${params.caseNo}，请核对后重试`);
      return { status: 200, body: found };
    },
  );

  return router;
}
