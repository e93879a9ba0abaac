import type { Db } from '../db/connection';
import { getCategory } from '../db/queries/categories';
import { allocateCaseNo, getCaseState } from '../db/queries/cases';
import { claimIntakeKey, rebindIntakeKey } from '../db/queries/intake-idempotency';
import { escalationTiersOf, getJurisdiction } from '../db/queries/jurisdictions';
import { requestHash } from '../db/queries/request-idempotency';
import type { AuthenticatedUser } from '../db/queries/users';
import { slaClassFor, type Actor, type CaseIntake, type CaseState, type SlaClassName } from '../workflows/domain';
import { toActor } from './auth';
import type { CaseGateway } from './case-gateway';
import { ApiError, type ErrorDetail } from './errors';
import { mayReportAt } from './permissions';
import type { OpenCaseBody } from './schemas/cases';

/** Numbers tried before giving up; each miss skips twice as far, so a restored sequence catches up in a few. */
const maxNumberAttempts = 24;

export interface IntakeRequest {
  /** The validated request body: its hash is the case's fingerprint. */
  body: unknown;
  actor: Actor;
  userId: string;
  idempotencyKey?: string;
  /** The case to open under a number. */
  intakeFor(caseNo: string): CaseIntake;
}

/**
 * Opens a case so that a request never gets another citizen's case: every number is checked against the
 * engine (a database restored from a backup hands out numbers again, while Temporal still holds their
 * workflows), and a retry under an Idempotency-Key is answered only by the case its own request opened.
 */
export async function openCaseFromIntake(deps: { db: Db; gateway: CaseGateway }, request: IntakeRequest): Promise<{ state: CaseState; created: boolean }> {
  const { db, gateway } = deps;
  const fingerprint = requestHash(request.body);
  const input = (caseNo: string) => ({ intake: request.intakeFor(caseNo), openedBy: request.actor, fingerprint });
  let caseNo = await allocateCaseNo(db, new Date());
  const key = request.idempotencyKey ? { userId: request.userId, key: request.idempotencyKey } : null;

  if (key) {
    const claim = await claimIntakeKey(db, { ...key, requestHash: fingerprint, caseId: caseNo });
    if (claim.kind === 'conflict') throw ApiError.idempotencyConflict();
    if (claim.kind === 'seen') return { state: await answerRetry(deps, input(claim.caseId)), created: false };
  }

  for (let attempt = 0; attempt < maxNumberAttempts; attempt++) {
    const outcome = await gateway.open(input(caseNo), 'fresh');
    if (outcome.kind === 'opened') return { state: await readCase(db, caseNo), created: true };
    const next = await allocateCaseNo(db, new Date(), 2 ** attempt);
    if (key) await rebindIntakeKey(db, { ...key, from: caseNo, to: next });
    caseNo = next;
  }
  throw ApiError.unavailable('案件编号分配（编号与已有案件冲突，请运行 npm run cli -- reproject 校正编号序列）');
}

/** The case as projected: the workflow answers only once it is there (or it ended, and its row speaks for it). */
async function readCase(db: Db, id: string): Promise<CaseState> {
  const state = await getCaseState(db, id);
  if (!state) throw ApiError.unavailable('案件读模型（请运行 npm run cli -- reproject 重建）');
  return state;
}

/** The case this request opened before; a number that turns out to hold another request's case is refused. */
async function answerRetry(deps: { db: Db; gateway: CaseGateway }, input: { intake: CaseIntake; openedBy: Actor; fingerprint: string }): Promise<CaseState> {
  const outcome = await deps.gateway.open(input, 'retry');
  if (outcome.kind === 'opened' || outcome.kind === 'ended') return readCase(deps.db, input.intake.id);
  // The first call is still looking for a free number, or the mapping is wrong: never someone else's case.
  throw new ApiError(409, 'IDEMPOTENCY_CONFLICT', '该 Idempotency-Key 对应的案件仍在受理中或与本次请求不符，请稍后重试');
}

export type OpenCaseRequest = ReturnType<typeof OpenCaseBody.parse>;

/** Checks that every id the client named exists, so a typo is a 400 naming the field, not a broken case. */
export async function resolveIntake(db: Db, body: OpenCaseRequest, user: AuthenticatedUser) {
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

/**
 * Intake as `POST /api/v1/cases` does it, for every way in (the API, Open311): the validated body's ids are
 * resolved, the SLA class follows urgency and category, and the case workflow is started under a new number.
 */
export async function openCase(
  deps: { db: Db; gateway: CaseGateway },
  request: { body: OpenCaseRequest; user: AuthenticatedUser; idempotencyKey?: string },
): Promise<{ state: CaseState; created: boolean }> {
  const { body, user } = request;
  const resolved = await resolveIntake(deps.db, body, user);
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
    public: body.public ?? false,
  });
  return openCaseFromIntake(deps, { body, actor: toActor(user), userId: user.id, idempotencyKey: request.idempotencyKey, intakeFor });
}
