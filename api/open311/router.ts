/**
 * Open311 GeoReport v2 at /open311/v2 (../shared/spec/OPEN311.md): discovery, services, service definitions,
 * requests (list, one, POST) and tokens, each in `.xml` and `.json`. Outside /api/v1 and its bearer tokens:
 * reads are public, a POST needs a client's `api_key`. Paths are matched here rather than by Express, since
 * a service code may itself hold dots (`services/a.b.xml`).
 */
import { createHash } from 'node:crypto';
import { Router, type Request, type RequestHandler, type Response } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import type { Logger } from '../../config/logger';
import type { Db } from '../../db/connection';
import { appendAudit } from '../../db/queries/audit';
import { communityPlaces, firstCommunityOf, jurisdictionNode, placesNamedIn } from '../../db/queries/community-places';
import { closedStatuses, latestProgressNotes, leafCategories, nameBook, openStatuses, publishedCases, type Publish, type RequestFilter } from '../../db/queries/open311';
import { cityNode, findOpen311ClientByKey, recordOpen311Request } from '../../db/queries/open311-clients';
import type { CaseStatus } from '../../workflows/domain';
import type { CaseGateway } from '../case-gateway';
import { openCase } from '../case-intake';
import { ApiError, toApiError } from '../errors';
import { communityAt } from '../../workflows/domain/geo';
import { formParams, many, one, queryParams, type Params } from './form';
import { BadArguments, definitionOf, intakeBodyOf, requestOf, serviceCodePattern, serviceNotice, serviceOf, type ResolvedPlace, type ServiceCategory } from './mapping';
import { errorBody, isFormat, Open311Error, parseW3cdtf, send, type Format, type WireValue } from './wire';

export interface Open311Settings {
  /** The jurisdiction_id this endpoint answers to; null: the city node's code. */
  jurisdictionId: string | null;
  publish: Publish;
  /** POSTs per minute per api key. */
  postsPerMinute: number;
  /** Reads per minute per client address. */
  readsPerMinute: number;
}

export interface Open311Deps {
  db: Db;
  gateway: CaseGateway;
  log: Logger;
  settings: Open311Settings;
}

/** When this surface last changed (discovery's `changeset`): the issue that built it. */
export const changeset = '2026-11-29T00:00:00+08:00';
export const specification = 'http://wiki.open311.org/GeoReport_v2';

const maxRequests = 1000;
const maxWindowMs = 90 * 86_400_000;

const limiterOf = (perMinute: number, key: (req: Request) => string): RequestHandler =>
  rateLimit({
    windowMs: 60_000,
    limit: perMinute,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    keyGenerator: key,
    handler: (_req, _res, next) => next(new Open311Error(429, '请求过于频繁，请稍后再试')),
    validate: { creationStack: false },
  });

const run = (handler: RequestHandler, req: Request, res: Response): Promise<void> =>
  new Promise((resolve, reject) => {
    void handler(req, res, (err?: unknown) => (err ? reject(err) : resolve()));
  });

/** A list argument: comma-separated values, given once or repeated. */
const commaList = (params: Params, key: string): string[] | undefined => {
  const values = many(params, key).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
  return values.length > 0 ? values : undefined;
};

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new Open311Error(404, '未找到该接口');
  }
}

export function open311Router(deps: Open311Deps): Router {
  const { db, log, settings } = deps;
  const router = Router();
  const readLimiter = limiterOf(settings.readsPerMinute, (req) => `ip:${ipKeyGenerator(req.ip ?? 'unknown')}`);
  const postLimiter = limiterOf(settings.postsPerMinute, (req) => `k:${createHash('sha256').update(String(req.res?.locals.open311Key ?? '')).digest('base64url')}`);

  let jurisdiction: Promise<string | null> | null = null;
  const jurisdictionIdOf = async (): Promise<string | null> => {
    if (settings.jurisdictionId) return settings.jurisdictionId;
    jurisdiction ??= cityNode(db).then(
      (city) => city?.id ?? null,
      (err: unknown) => {
        jurisdiction = null;
        throw err;
      },
    );
    const id = await jurisdiction;
    if (id === null) jurisdiction = null;
    return id;
  };

  /** jurisdiction_id is optional; any value but this endpoint's is a jurisdiction it does not serve. */
  const checkJurisdiction = async (params: Params): Promise<void> => {
    const given = one(params, 'jurisdiction_id');
    if (given === undefined) return;
    if (given !== (await jurisdictionIdOf())) throw new Open311Error(404, `未知的 jurisdiction_id：${given}`);
  };

  const services = async (): Promise<ServiceCategory[]> => (await leafCategories(db)).filter((c) => serviceCodePattern.test(c.id));

  async function discovery(req: Request, res: Response, format: Format): Promise<void> {
    const city = await cityNode(db);
    const url = `${req.protocol}://${req.get('host') ?? 'localhost'}${req.baseUrl}/`;
    send(res, format, 200, { kind: 'discovery' }, {
      changeset,
      contact: `${city?.name ?? ''}接诉即办平台（12345 政务服务便民热线）`,
      key_service: '发布服务请求需要 api_key：请向本市接诉即办平台管理员申请（管理员用 npm run cli -- open311-key <客户端名称> 签发）',
      endpoints: [{ specification, url, changeset, type: 'production', formats: ['text/xml', 'application/json'] }],
    });
  }

  async function listRequests(params: Params, res: Response, format: Format): Promise<void> {
    const problems: { argument: string; message: string }[] = [];
    const ids = commaList(params, 'service_request_id');
    const filter: RequestFilter = { limit: maxRequests };
    if (ids) {
      if (ids.length > maxRequests) problems.push({ argument: 'service_request_id', message: `一次最多 ${maxRequests} 个` });
      filter.ids = ids;
    } else {
      filter.serviceCodes = commaList(params, 'service_code');
      const statuses = commaList(params, 'status');
      if (statuses) {
        const bad = statuses.filter((s) => s !== 'open' && s !== 'closed');
        if (bad.length) problems.push({ argument: 'status', message: `应为 open 或 closed：${bad.join(',')}` });
        filter.statuses = [...new Set(statuses)].flatMap((s): CaseStatus[] => (s === 'open' ? [...openStatuses] : s === 'closed' ? [...closedStatuses] : []));
      }
      const bound = (arg: 'start_date' | 'end_date') => {
        const text = one(params, arg);
        if (text === undefined) return undefined;
        const parsed = parseW3cdtf(text);
        if (!parsed) problems.push({ argument: arg, message: `应为 W3C-DTF 时间，如 2026-11-23T14:05:00+08:00：${text}` });
        return parsed ?? undefined;
      };
      const start = bound('start_date');
      const end = bound('end_date');
      // A time names its second, a date its whole day: the window ends after the end it names.
      let from = start?.start;
      let to = end?.end;
      if (!from && !to) {
        to = new Date(Date.now() + 1000);
        from = new Date(to.getTime() - maxWindowMs);
      } else if (!from) from = new Date(to!.getTime() - maxWindowMs);
      else if (!to) to = new Date(from.getTime() + maxWindowMs);
      if (start && end && to!.getTime() <= from.getTime()) problems.push({ argument: 'end_date', message: 'end_date 应晚于 start_date' });
      else if (to!.getTime() - from.getTime() > maxWindowMs + 1000) problems.push({ argument: 'end_date', message: 'start_date 与 end_date 相隔不能超过 90 天' });
      filter.from = from;
      filter.to = to;
    }
    if (problems.length) throw new BadArguments(problems);
    const found = await publishedCases(db, settings.publish, filter);
    const [names, notes] = await Promise.all([nameBook(db), latestProgressNotes(db, found.filter((c) => c.disclosed).map((c) => c.state.id))]);
    send(res, format, 200, { kind: 'service_requests' }, found.map((c) => requestOf(c, names, notes.get(c.state.id))));
  }

  async function oneRequest(id: string, res: Response, format: Format): Promise<void> {
    const found = /^[0-9]{1,30}$/.test(id) ? await publishedCases(db, settings.publish, { ids: [id], limit: 1 }) : [];
    if (found.length === 0) throw new Open311Error(404, `未找到服务请求：${id}`);
    const [names, notes] = await Promise.all([nameBook(db), latestProgressNotes(db, found[0]!.disclosed ? [id] : [])]);
    send(res, format, 200, { kind: 'service_requests' }, [requestOf(found[0]!, names, notes.get(id))]);
  }

  /** lat/long, else address_id, else address_string: the community the case belongs to. */
  async function placeOf(params: Params): Promise<ResolvedPlace> {
    const latText = one(params, 'lat');
    const longText = one(params, 'long');
    const addressString = one(params, 'address_string');
    const addressId = one(params, 'address_id');
    if (addressString && addressString.length > 300) throw new BadArguments([{ argument: 'address_string', message: '不能超过 300 个字符' }]);
    let point: { lat: number; lng: number } | undefined;
    if (latText !== undefined || longText !== undefined) {
      const problems: { argument: string; message: string }[] = [];
      const num = (text: string | undefined, arg: string, max: number) => {
        const value = text !== undefined && /^[+-]?(\d+\.?\d*|\.\d+)$/.test(text) ? Number(text) : NaN;
        if (text === undefined) problems.push({ argument: arg, message: `lat 与 long 须同时提供` });
        else if (!Number.isFinite(value) || Math.abs(value) > max) problems.push({ argument: arg, message: `应为 -${max} 到 ${max} 之间的数（WGS84 度）：${text}` });
        return value;
      };
      const lat = num(latText, 'lat', 90);
      const lng = num(longText, 'long', 180);
      if (problems.length) throw new BadArguments(problems);
      point = { lat, lng };
    }
    const named = (communityId: string, gridId?: string) => nameOfPlace(communityId).then((name) => ({ communityId, gridId, address: addressString ?? name, ...(point ? { lat: point.lat, lng: point.lng } : {}) }));
    if (addressId !== undefined) {
      const node = await jurisdictionNode(db, addressId);
      if (node?.level === 'community') return named(node.id);
      if (node?.level === 'grid' && node.parentId) return named(node.parentId, node.id);
      throw new BadArguments([{ argument: 'address_id', message: `不是本市的社区（村）或网格编码：${addressId}` }]);
    }
    if (point) {
      const found = communityAt(await communityPlaces(db), point);
      if (!found) throw new BadArguments([{ argument: 'lat/long', message: '位置不在本市范围内' }]);
      return named(found.community.id);
    }
    if (addressString) {
      const [best] = await placesNamedIn(db, addressString);
      const communityId = best ? (best.level === 'community' ? best.id : await firstCommunityOf(db, best.id)) : null;
      if (!communityId) throw new BadArguments([{ argument: 'address_string', message: '未能对应到本市的社区（村）或街道（乡镇）名称，请提供 lat 和 long' }]);
      return named(communityId);
    }
    throw new BadArguments([{ argument: 'lat/long', message: '缺少位置：请提供 lat 和 long（或 address_string、address_id）' }]);
  }

  async function nameOfPlace(communityId: string): Promise<string> {
    const community = await jurisdictionNode(db, communityId);
    const street = community?.parentId ? await jurisdictionNode(db, community.parentId) : null;
    return `${street?.name ?? ''}${community?.name ?? communityId}`;
  }

  async function postRequest(req: Request, res: Response, format: Format, params: Params): Promise<void> {
    const key = one(params, 'api_key');
    if (key === undefined) throw new Open311Error(403, '缺少 api_key');
    res.locals.open311Key = key;
    await run(postLimiter, req, res);
    const client = await findOpen311ClientByKey(db, key);
    if (!client) throw new Open311Error(403, 'api_key 无效或已吊销');
    req.user = client.user;
    const code = one(params, 'service_code');
    if (code === undefined) throw new BadArguments([{ argument: 'service_code', message: '缺少 service_code' }]);
    const service = serviceCodePattern.test(code) ? (await services()).find((s) => s.id === code) : undefined;
    if (!service) throw new Open311Error(404, `未找到服务：${code}`);
    const place = await placeOf(params);
    const { body, extras } = intakeBodyOf(params, service, place);
    const opened = await openCase(deps, { body, user: client.user });
    res.locals.caseId = opened.state.id;
    await recordOpen311Request(db, { caseId: opened.state.id, clientId: client.clientId, ...extras });
    send(res, format, 200, { kind: 'service_requests' }, [{ service_request_id: opened.state.caseNo, service_notice: serviceNotice(opened.state) }]);
  }

  /** Every POST is audited like a write under /api/v1: who (the client's system user), how it ended, which case. */
  const auditPost = (req: Request, res: Response): void => {
    res.once('close', () => {
      if (res.statusCode === 429) return;
      const status = res.writableFinished || res.headersSent ? res.statusCode : 499;
      appendAudit(db, {
        userId: req.user?.id ?? null,
        username: req.user?.username ?? null,
        role: req.user?.role ?? null,
        tokenId: null,
        ip: req.ip ?? null,
        method: 'POST',
        route: '/open311/v2/requests',
        caseId: (res.locals.caseId as string | undefined) ?? null,
        action: 'open311.requests.create',
        outcome: status < 400 ? 'ok' : status < 500 ? 'refused' : 'error',
        status,
        code: status >= 400 ? `OPEN311_${status}` : null,
      }).catch((err: unknown) => log.warn({ err: (err as Error).message }, 'audit write failed'));
    });
  };

  async function handle(req: Request, res: Response, format: Format, resource: string): Promise<void> {
    const method = req.method === 'HEAD' ? 'GET' : req.method;
    const parts = resource.split('/').map(decodeSegment);
    const allow = (...methods: string[]) => {
      if (methods.includes(method)) return;
      res.setHeader('allow', methods.join(', '));
      throw new Open311Error(405, `该接口只接受 ${methods.join('、')} 请求`);
    };
    if (method === 'POST' && parts.length === 1 && parts[0] === 'requests') {
      auditPost(req, res);
      const params = await formParams(req);
      await checkJurisdiction(params);
      return postRequest(req, res, format, params);
    }
    const params = queryParams(req);
    const known = (parts.length === 1 && ['discovery', 'services', 'requests'].includes(parts[0]!)) || (parts.length === 2 && ['services', 'requests', 'tokens'].includes(parts[0]!));
    if (!known) throw new Open311Error(404, '未找到该接口');
    allow(...(parts.length === 1 && parts[0] === 'requests' ? ['GET', 'POST'] : ['GET']));
    await run(readLimiter, req, res);
    await checkJurisdiction(params);
    const [what, id] = parts as [string, string | undefined];
    if (what === 'discovery') return discovery(req, res, format);
    if (what === 'services' && id === undefined) return send(res, format, 200, { kind: 'services' }, (await services()).map(serviceOf));
    if (what === 'services') {
      const service = serviceCodePattern.test(id!) ? (await services()).find((s) => s.id === id) : undefined;
      if (!service) throw new Open311Error(404, `未找到服务：${id}`);
      return send(res, format, 200, { kind: 'service_definition' }, definitionOf(service));
    }
    if (what === 'requests' && id === undefined) return listRequests(params, res, format);
    if (what === 'requests') return oneRequest(id!, res, format);
    throw new Open311Error(404, `本平台即时受理、直接返回 service_request_id，不签发 token：${id}`);
  }

  const answerError = (res: Response, format: Format, err: unknown): void => {
    let status: number;
    let body: WireValue;
    if (err instanceof BadArguments && err.problems.length > 1) {
      status = 400;
      body = err.problems.map((p) => ({ code: 400, description: `参数 ${p.argument} 有误：${p.message}` }));
    } else if (err instanceof Open311Error) {
      status = err.status;
      body = errorBody(status, err.description);
    } else {
      const apiError: ApiError = toApiError(err);
      status = apiError.status;
      const details = apiError.details.map((d) => `${d.field}：${d.message}`).join('；');
      body = errorBody(status, details ? `${apiError.message}（${details}）` : apiError.message);
      if (status >= 500) log.error({ err, path: res.req.path }, 'open311 request failed');
    }
    if (res.headersSent) return;
    send(res, format, status, { kind: 'errors' }, body);
  };

  router.use(async (req, res) => {
    res.setHeader('access-control-allow-origin', '*');
    if (req.method === 'OPTIONS') {
      res.setHeader('access-control-allow-methods', 'GET, POST');
      res.setHeader('access-control-allow-headers', 'Content-Type');
      res.setHeader('access-control-max-age', '600');
      res.status(204).end();
      return;
    }
    const path = req.path.replace(/\/{2,}/g, '/');
    const m = /^\/([^?]+)\.([^./]*)$/.exec(path);
    // Without a known extension the answer is XML, the format every GeoReport v2 client reads.
    const format: Format = m && isFormat(m[2]!) ? m[2] : 'xml';
    try {
      if (!m) throw new Open311Error(404, '未找到该接口（路径应以 .xml 或 .json 结尾）');
      if (!isFormat(m[2]!)) throw new Open311Error(404, `不支持的格式：.${m[2]}（只支持 .xml 和 .json）`);
      await handle(req, res, format, m[1]!);
    } catch (err) {
      answerError(res, format, err);
    }
  });
  return router;
}
