import { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { WorkflowNotFoundError } from '@temporalio/client';
import { Router } from 'express';
import type { ZodType } from 'zod';
import type { Db } from '../../db/connection';
import { getCategory } from '../../db/queries/categories';
import { timeLeftFor } from '../time-left';
import type { OfficeHours } from '../../activities/calendar/deadline-arithmetic';
import { TimelineRow, CaseScope, decodeCursor, getCaseScopeInfo, getCaseState, getTimeline, listCases } from '../../db/queries/cases';
import { claimRequestKey, requestHash } from '../../db/queries/request-idempotency';
import { escalationTiersOf, getJurisdiction } from '../../db/queries/jurisdictions';
import { getUnits } from '../../db/queries/units';
import type { AuthenticatedUser } from '../../db/queries/users';
import { CaseCommandName, CaseCommands, CaseIntake, CaseState, invalidState, slaClassFor, SlaClassName } from '../../workflows/domain';
import { Permission, toActor } from '../auth';
// Who sees which case: the scope half of the permission table (api/permissions.ts).
import { canSeeCase, caseListScope, mayReportAt } from '../permissions';
import type { CaseGateway } from '../case-gateway';
import { openCaseFromIntake } from '../case-intake';
import { caseView } from '../case-view';
import { ApiError, ErrorDetail } from '../errors';
import { defineRoute, RouteContext } from '../routing';
import {
  AcceptBody,
  AgreementBody,
  CallbackBody,
  ComplexBody,
  ComplexDecisionBody,
  EscalateBody,
  ExtensionBody,
  ExtensionDecisionBody,
  MergeBody,
  PauseBody,
  ProgressBody,
  ResumeBody,
  WithdrawBody,
  CaseBody,
  CaseIdParams,
  CaseList,
  DispatchBody,
  HandleDirectlyBody,
  ListCasesQuery,
  OpenCaseBody,
  RejectBody,
  ResolveBody,
} from '../schemas/cases';

const tag = '案件 Cases';

async function loadVisibleCase(db: Db, user: AuthenticatedUser, id: string): Promise<void> {
  const info = await getCaseScopeInfo(db, id);
  if (!info) throw ApiError.notFound('案件');
  if (!canSeeCase(user, info)) throw ApiError.forbidden('该案件不在您的辖区或单位范围内');
}

/** Checks that every id the client named exists, so a typo is a 400 naming the field, not a broken case. */
async function resolveIntake(db: Db, body: ReturnType<typeof OpenCaseBody.parse>, user: AuthenticatedUser) {
  const details: ErrorDetail[] = [];
  const [category, community] = await Promise.all([getCategory(db, body.category), getJurisdiction(db, body.location.communityId)]);
  if (!category) details.push({ field: 'category', message: `事项分类不存在：${body.category}` });
  if (!community || community.level !== 'community') {
    details.push({ field: 'location.communityId', message: `社区（村）不存在：${body.location.communityId}` });
  }
  if (community && body.location.gridId) {
    const grid = await getJurisdiction(db, body.location.gridId);
    if (!grid || grid.level !== 'grid' || grid.parentId !== community.id) {
      details.push({ field: 'location.gridId', message: `网格不存在或不属于该社区：${body.location.gridId}` });
    }
  }
  if (details.length) throw ApiError.validation(details);
  const tiers = await escalationTiersOf(db, community!.id);
  if (!tiers.street || !tiers.city) throw ApiError.validation([{ field: 'location.communityId', message: '该社区未挂接到街道和市级平台' }]);
  if (!mayReportAt(user, community!.path)) throw ApiError.forbidden('只能受理本辖区内的诉求');
  return { categoryClass: category!.slaClass as SlaClassName, streetId: tiers.street.id, cityId: tiers.city.id, path: community!.path };
}

type CommandBodyOf<K extends CaseCommandName> = ZodType<CaseCommands[K]>;

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
      const resolved = await resolveIntake(db, body, user);
      const intakeFor = (caseNo: string): CaseIntake => ({
        id: caseNo,
        caseNo,
        requestType: body.requestType,
        category: body.category,
        slaClass: slaClassFor(body.urgency, resolved.categoryClass),
        urgency: body.urgency,
        title: body.title,
        description: body.description,
        channel: body.channel,
        location: { ...body.location, streetId: resolved.streetId, cityId: resolved.cityId, path: resolved.path },
        reporter: body.reporter,
        attachments: body.attachments ?? [],
      });
      const opened = await openCaseFromIntake(deps, { body, actor: toActor(user), userId: user.id, idempotencyKey, intakeFor });
      return { status: opened.created ? 201 : 200, body: await present(opened.state, user) };
    },
  );

  defineRoute(
    router,
    registry,
    {
      method: 'get',
      path: '/cases',
      summary: '案件列表（按辖区或单位过滤，新案件在前）',
      tag,
      permission: 'cases.read',
      query: ListCasesQuery,
      responses: { 200: { description: '一页案件', schema: CaseList } },
      errors: [400],
    },
    async ({ query, user }) => {
      const { limit, cursor: rawCursor, ...filter } = query;
      const cursor = rawCursor ? decodeCursor(rawCursor) : null;
      if (rawCursor && !cursor) throw ApiError.validation([{ field: 'query.cursor', message: '分页游标无效' }]);
      const page = await listCases(db, filter, caseListScope(user), { limit, cursor });
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

  /** Every case command has the same shape: check scope, send the Update, answer the new case. */
  const command = <K extends CaseCommandName>(
    name: K,
    path: string,
    summary: string,
    permission: Permission,
    body: CommandBodyOf<K>,
    options: {
      unitsOf?: (cmd: CaseCommands[K]) => { field: string; id: string }[];
      status?: number;
      /** Adds what the rules need to know from other rows (the primary case of a merge). */
      enrich?: (cmd: CaseCommands[K], user: AuthenticatedUser) => Promise<CaseCommands[K]>;
    } = {},
  ) =>
    defineRoute(
      router,
      registry,
      {
        method: 'post',
        path: `/cases/:id/${path}`,
        summary,
        tag,
        permission,
        params: CaseIdParams,
        body,
        responses: { [options.status ?? 200]: { description: '案件', schema: CaseBody } },
        errors: [400, 404, 409],
        idempotent: true,
      },
      async (ctx: RouteContext<typeof body, undefined, typeof CaseIdParams>) => {
        const { params, user, idempotencyKey } = ctx;
        await loadVisibleCase(db, user, params.id);
        if (options.unitsOf) await assertUnitsExist(db, options.unitsOf(ctx.body as CaseCommands[K]));
        const cmd = options.enrich ? await options.enrich(ctx.body as CaseCommands[K], user) : (ctx.body as CaseCommands[K]);
        // The key is bound to this command on this case with this body: another body under it is refused,
        // never answered with the first call's outcome.
        const claim = idempotencyKey
          ? await claimRequestKey(db, { userId: user.id, key: idempotencyKey, action: `${name}:${params.id}`, hash: requestHash(ctx.body) })
          : null;
        if (claim?.kind === 'conflict') throw ApiError.idempotencyConflict();
        try {
          const snapshot = await gateway.command(params.id, name, { actor: toActor(user), command: cmd }, idempotencyKey);
          return { status: options.status ?? 200, body: await present(snapshot.state, user) };
        } catch (err) {
          if (!(err instanceof WorkflowNotFoundError)) throw err;
          // A retry of the command that ended the case: the case as it ended is the answer.
          const ended = claim?.kind === 'seen' ? await getCaseState(db, params.id) : null;
          if (ended) return { status: options.status ?? 200, body: await present(ended, user) };
          throw await endedCaseConflict(db, params.id, summary.split('：')[0]!);
        }
      },
    );

  command('handleDirectly', 'handle-directly', '直接办：社区调度员或网格员当场处置', 'cases.handleDirectly', HandleDirectlyBody);
  const unitsOf = (c: { leadUnitId: string; cooperatingUnitIds: string[] }) => [
    { field: 'leadUnitId', id: c.leadUnitId },
    ...c.cooperatingUnitIds.map((id, i) => ({ field: `cooperatingUnitIds.${i}`, id })),
  ];
  command('dispatch', 'dispatch', '派单：指定牵头单位和协办单位（市级为指定办，不可退单）', 'cases.dispatch', DispatchBody, { unitsOf });
  command('recordAgreement', 'agreement', '商定办：登记各方商定的方案，参会单位即签收', 'cases.agreement', AgreementBody, {
    unitsOf: (c) => [...unitsOf(c), ...c.participants.flatMap((p, i) => (p.unitId ? [{ field: `participants.${i}.unitId`, id: p.unitId }] : []))],
  });
  command('accept', 'accept', '签收：被派单位联络员确认责任', 'cases.accept', AcceptBody);
  command('reject', 'reject', '退单：被派单位联络员说明理由（至少 5 个字）', 'cases.reject', RejectBody);
  command('noteProgress', 'progress', '反馈办理进展（满足按时反馈要求，不停止计时）', 'cases.progress', ProgressBody);
  command('requestExtension', 'extension', '申请延期（最多 10 天，一次，待督办人员审批）', 'cases.extension', ExtensionBody, { status: 202 });
  command('decideExtension', 'extension/decision', '审批延期申请（批准后办结时限顺延）', 'cases.extensionDecision', ExtensionDecisionBody);
  command('pause', 'pause', '待补充材料：暂停办结计时（有上限，超时自动恢复）', 'cases.pause', PauseBody);
  command('resume', 'resume', '补充材料已到：恢复办结计时，时限顺延等待的时间', 'cases.resume', ResumeBody);
  command('markComplex', 'complex', '申请认定为复杂件（需督办人员批准，批准后按复杂件时限计算）', 'cases.complex', ComplexBody);
  command('decideComplex', 'complex/decision', '审批复杂件认定', 'cases.complexDecision', ComplexDecisionBody);
  command('escalate', 'escalate', '吹哨：手动升级到上一级（社区→街道→市级平台）', 'cases.escalate', EscalateBody);
  command('withdraw', 'withdraw', '诉求人撤回', 'cases.withdraw', WithdrawBody);
  command('merge', 'merge', '并单：重复诉求并入主案件', 'cases.merge', MergeBody, {
    // A primary the dispatcher cannot see is one they cannot merge into: the same 404 as one that does not exist.
    enrich: async (c, user) => {
      const into = await getCaseScopeInfo(db, c.intoCaseId);
      if (!into || !canSeeCase(user, into)) throw new ApiError(404, 'NOT_FOUND', `主案件不存在或不在您的辖区内：${c.intoCaseId}`, [{ field: 'intoCaseId', message: '请填写本辖区内仍在办理的案件编号' }]);
      return { ...c, into: { status: into.status } };
    },
  });
  command('resolve', 'resolve', '办结：牵头单位联络员或直接办理人提交办理结果', 'cases.resolve', ResolveBody);
  command('callback', 'callback', '回访：登记诉求人评价（不满意则重新办理）', 'cases.callback', CallbackBody);

  return router;
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
