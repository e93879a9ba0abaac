import { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router } from 'express';
import type { Db } from '../../db/connection';
import type { TriageModels } from '../../triage/models';
import { suggest, UnknownPlaceError } from '../../triage/suggest';
import { ApiError } from '../errors';
import { jurisdictionScope } from '../permissions';
import { defineRoute } from '../routing';
import { SuggestionBody, SuggestionRequest } from '../schemas/triage';

/** Smart dispatch (智能分拨) and duplicate proposals (并单): help while a request is being taken. */
export function triageRoutes(deps: { db: Db; models: TriageModels }, registry: OpenAPIRegistry): Router {
  const { db, models } = deps;
  const router = Router();
  defineRoute(
    router,
    registry,
    {
      method: 'post',
      path: '/triage/suggestions',
      summary: '智能分拨：按诉求原话建议事项分类、责任单位，并提示可能重复的在办案件（并单）',
      tag: '智能分拨 Triage',
      permission: 'triage.suggest',
      body: SuggestionRequest,
      responses: { 200: { description: '建议（由调度员、受理员确认，不改变任何数据）', schema: SuggestionBody } },
      errors: [400],
    },
    async ({ body, user }) => {
      const model = await models.current();
      try {
        const answer = await suggest(db, model, body, { jurisdictionId: user.jurisdictionId, scopePath: jurisdictionScope(user) });
        return { status: 200, body: answer };
      } catch (err) {
        if (err instanceof UnknownPlaceError) {
          throw ApiError.validation([{ field: 'location.communityId', message: `社区（村）不存在：${err.message}` }]);
        }
        throw err;
      }
    },
  );
  return router;
}
