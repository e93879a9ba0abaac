import { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { WorkflowNotFoundError } from '@temporalio/client';
import { Router } from 'express';
import type { Db } from '../../db/connection';
import { timeLeftFor } from '../time-left';
import type { OfficeHours } from '../../workflows/domain/calendar/deadline-arithmetic';
import { CaseFilter, decodeCursor, listCases } from '../../db/queries/case-lists';
import { TimelineRow, getCaseScopeInfo, getCaseState, getTimeline } from '../../db/queries/cases';
import { claimRequestKey, requestHash } from '../../db/queries/request-idempotency';
import { getUnits } from '../../db/queries/units';
import type { AuthenticatedUser } from '../../db/queries/users';
import { caseCommandNames, CaseCommandName, CaseCommands, CaseState, invalidState } from '../../workflows/domain';
import { toActor } from '../auth';
// Who sees which case: the scope half of the permission table (api/permissions.ts).
import { canSeeCase, caseListScope, maySearchByPhone } from '../permissions';
import type { CaseGateway } from '../case-gateway';
import { openCase } from '../case-intake';
import { caseView } from '../case-view';
import { ApiError } from '../errors';
import { defineRoute, RouteContext } from '../routing';
import { CaseBody, CaseIdParams, CaseList, ListCasesQuery, OpenCaseBody } from '../schemas/cases';
import { caseCommandRoutes, type CaseCommandRoute } from './case-commands';

const tag = '案件 Cases';

async function loadVisibleCase(db: Db, user: AuthenticatedUser, id: string): Promise<void> {
  const info = await getCaseScopeInfo(db, id);
  if (!info) throw ApiError.notFound('案件');
  if (!canSeeCase(user, info)) throw ApiError.forbidden('该案件不在您的辖区或单位范围内');
}

export function caseRoutes(deps: { db: Db; gateway: CaseGateway; officeHours: OfficeHours }, registry: OpenAPIRegistry): Router {
  const { db, gateway } = deps;
  const timeLeft = timeLeftFor(db, deps.officeHours);
  const presentAll = async (states: CaseState[], user: AuthenticatedUser) => {
    const left = await timeLeft(states);
    return states.map((s, i) => ({ ...caseView(s, user), timeLeft: left[i] }));
  };
  const present = async (state: CaseState, user: AuthenticatedUser, timeline?: TimelineRow[]) => ({
    ...caseView(state, user, timeline),
    timeLeft: (await timeLeft([state]))[0],
  });
  const router = Router();
  const caseResponse = { 200: { description: '案件', schema: CaseBody } };

  defineRoute(
    router,
    registry,
    {
      method: 'post',
      path: '/cases',
      summary: '受理诉求，创建案件（启动案件工作流）',
      tag,
      permission: 'cases.open',
      body: OpenCaseBody,
      responses: { 201: { description: '新建的案件', schema: CaseBody }, 200: { description: '同一 Idempotency-Key 的已有案件', schema: CaseBody } },
      errors: [400, 409],
      idempotent: true,
    },
    async ({ body, user, idempotencyKey }) => {
      const opened = await openCase(deps, { body, user, idempotencyKey });
      return { status: opened.created ? 201 : 200, body: await present(opened.state, user) };
    },
  );

  defineRoute(
    router,
    registry,
    {
      method: 'get',
      path: '/cases',
      summary: '案件列表（按辖区或单位过滤；新案件在前或最近截止在前；游标分页）',
      tag,
      permission: 'cases.read',
      query: ListCasesQuery,
      responses: { 200: { description: '一页案件', schema: CaseList } },
      errors: [400],
    },
    async ({ query, user }) => {
      const { limit, sort, cursor: rawCursor, ...filter } = query;
      const cursor = rawCursor ? decodeCursor(rawCursor, sort) : null;
      if (rawCursor && !cursor) throw ApiError.validation([{ field: 'query.cursor', message: '分页游标无效' }]);
      const page = await visibleCasesPage(db, user, filter, { limit, sort, cursor });
      return { status: 200, body: { items: await presentAll(page.items, user), nextCursor: page.nextCursor } };
    },
  );

  defineRoute(
    router,
    registry,
    {
      method: 'get',
      path: '/cases/:id',
      summary: '案件详情（含全过程时间线）',
      tag,
      permission: 'cases.read',
      params: CaseIdParams,
      responses: caseResponse,
      errors: [400, 404],
    },
    async ({ params, user }) => {
      await loadVisibleCase(db, user, params.id);
      const [state, timeline] = await Promise.all([getCaseState(db, params.id), getTimeline(db, params.id)]);
      return { status: 200, body: await present(state!, user, timeline) };
    },
  );

  /** Every case command has the same shape: check scope and named rows, send the Update, answer the new case. */
  const command = <K extends CaseCommandName>(name: K, spec: CaseCommandRoute<K>) =>
    defineRoute(
      router,
      registry,
      {
        method: 'post',
        path: `/cases/:id/${spec.path}`,
        summary: spec.summary,
        tag,
        permission: spec.permission,
        params: CaseIdParams,
        body: spec.body,
        responses: { [spec.status ?? 200]: { description: '案件', schema: CaseBody } },
        errors: [400, 404, 409],
        idempotent: true,
      },
      async (ctx: RouteContext<typeof spec.body, undefined, typeof CaseIdParams>) => {
        const { params, user, idempotencyKey } = ctx;
        const body = ctx.body as CaseCommands[K];
        await loadVisibleCase(db, user, params.id);
        if (spec.unitsOf) await assertUnitsExist(db, spec.unitsOf(body));
        const cmd = spec.enrich ? await spec.enrich(body, { db, user }) : body;
        // The key is bound to this command on this case with this body: another body under it is refused,
        // never answered with the first call's outcome.
        const claim = idempotencyKey
          ? await claimRequestKey(db, { userId: user.id, key: idempotencyKey, action: `${name}:${params.id}`, hash: requestHash(body) })
          : null;
        if (claim?.kind === 'conflict') throw ApiError.idempotencyConflict();
        const status = spec.status ?? 200;
        try {
          await gateway.command(params.id, name, { actor: toActor(user), command: cmd }, idempotencyKey);
          // The workflow answered once its new version was projected: the row is at least that new.
          return { status, body: await present((await getCaseState(db, params.id))!, user) };
        } catch (err) {
          if (!(err instanceof WorkflowNotFoundError)) throw err;
          // A retry of the command that ended the case: the case as it ended is the answer.
          const ended = claim?.kind === 'seen' ? await getCaseState(db, params.id) : null;
          if (ended) return { status, body: await present(ended, user) };
          throw await endedCaseConflict(db, params.id, spec.action);
        }
      },
    );
  for (const name of caseCommandNames) command(name, caseCommandRoutes[name] as CaseCommandRoute<typeof name>);

  return router;
}

/**
 * One page of the case list as this caller may see it: their scope, and the phone filter only for those who see
 * reporters in full. The list and its export (routes/export.ts) both read through here, so they cannot differ.
 */
export async function visibleCasesPage(db: Db, user: AuthenticatedUser, filter: CaseFilter, page: Parameters<typeof listCases>[3]) {
  if (filter.phone && !maySearchByPhone(user)) throw ApiError.forbidden('只有受理员和管理员可以按来电号码查询');
  return listCases(db, filter, caseListScope(user), page);
}

async function assertUnitsExist(db: Db, named: { field: string; id: string }[]): Promise<void> {
  const found = new Set((await getUnits(db, named.map((n) => n.id))).filter((u) => u.active).map((u) => u.id));
  const missing = named.filter((n) => !found.has(n.id));
  if (missing.length) throw ApiError.validation(missing.map((n) => ({ field: n.field, message: `责任单位不存在或已停用：${n.id}` })));
}

/** The workflow of a finished case is gone; its last state still says why nothing more can happen. */
async function endedCaseConflict(db: Db, id: string, action: string): Promise<ApiError> {
  const state: CaseState | null = await getCaseState(db, id);
  if (!state) return ApiError.notFound('案件');
  const r = invalidState(state, action);
  return new ApiError(409, 'INVALID_STATE', r.message, [], { status: state.status });
}
