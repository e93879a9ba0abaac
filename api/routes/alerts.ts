import { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router } from 'express';
import type { Db } from '../../db/connection';
import { acknowledgeAlert, getAlert, latestAlertId, listAlerts, unacknowledgedCounts } from '../../db/queries/alerts';
import type { AuthenticatedUser } from '../../db/queries/users';
import { alertTypes, tiers } from '../../workflows/domain';
import type { AlertFeed } from '../alert-feed';
import { jurisdictionScope, recordRoute, requirePermission } from '../permissions';
import { ApiError } from '../errors';
import { defineRoute } from '../routing';
import { errorResponses, Instant } from '../schemas/common';
import { z } from '../schemas/zod';

const tag = '督办 Supervision';

const AlertBody = z
  .object({
    id: z.string().openapi({ description: '递增的告警编号，也是 SSE 的事件 id' }),
    type: z.enum(alertTypes),
    caseId: z.string(),
    tier: z.string(),
    jurisdictionId: z.string(),
    unitId: z.string().nullable(),
    deadline: Instant.nullable(),
    at: Instant,
    message: z.string(),
    acknowledgedAt: Instant.nullable().openapi({ description: '确认处理的时间；未确认为 null' }),
    acknowledgedBy: z.object({ userId: z.string(), displayName: z.string() }).nullable(),
  })
  .openapi('Alert');

const AlertQuery = z.strictObject({
  since: Instant.optional(),
  type: z.enum(alertTypes).optional(),
  caseId: z.string().regex(/^[0-9]{8,20}$/).optional(),
  tier: z.enum(tiers).optional(),
  acknowledged: z.enum(['true', 'false']).transform((v) => v === 'true').optional().openapi({ description: '只看已确认（true）或未确认（false）的告警' }),
  afterId: z.string().regex(/^\d{1,18}$/).optional(),
  order: z.enum(['asc', 'desc']).default('asc').openapi({ description: 'asc：按编号升序（默认，适合续读）；desc：最新在前，用 cursor 翻页' }),
  cursor: z.string().regex(/^\d{1,18}$/, '分页游标无效').optional().openapi({ description: 'order=desc 时上一页的 nextCursor' }),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});

const AlertList = z.object({
  items: z.array(AlertBody),
  nextCursor: z.string().nullable().openapi({ description: 'order=desc 时下一页的游标；没有更多时为 null' }),
});

const AlertIdParams = z.object({ id: z.string().regex(/^\d{1,18}$/, '告警编号格式不正确') });

const AlertCounts = z
  .object({
    unacknowledged: z.object({ community: z.number(), street: z.number(), city: z.number() }),
    total: z.number(),
  })
  .openapi('AlertCounts', { description: '本辖区内尚未确认处理的告警数，按告警所属层级' });

/** Supervisors and dispatchers see the alerts of every case located in their subtree, whatever tier it reached. */
const alertScope = (user: AuthenticatedUser): string | null => jurisdictionScope(user);

export function alertRoutes(deps: { db: Db; feed: AlertFeed }, registry: OpenAPIRegistry): Router {
  const { db, feed } = deps;
  const router = Router();

  defineRoute(
    router,
    registry,
    {
      method: 'get',
      path: '/alerts',
      summary: '告警列表：预警、超时、升级、退单、延期申请（本辖区内的案件）',
      tag,
      permission: 'alerts.read',
      query: AlertQuery,
      responses: { 200: { description: '告警：默认按编号升序；order=desc 时最新在前并可用 cursor 翻页', schema: AlertList } },
      errors: [400],
    },
    async ({ query, user }) => {
      const { limit, order, cursor, ...filter } = query;
      const items = await listAlerts(db, alertScope(user), { ...filter, ...(order === 'desc' && cursor ? { beforeId: cursor } : {}) }, limit, order);
      const nextCursor = order === 'desc' && items.length === limit ? items.at(-1)!.id : null;
      return { status: 200, body: { items, nextCursor } };
    },
  );

  defineRoute(
    router,
    registry,
    {
      method: 'get',
      path: '/alerts/counts',
      summary: '未确认处理的告警数（本辖区，按层级）',
      tag,
      permission: 'alerts.read',
      responses: { 200: { description: '计数', schema: AlertCounts } },
      errors: [],
    },
    async ({ user }) => {
      const counts = await unacknowledgedCounts(db, alertScope(user));
      const unacknowledged = { community: counts.community ?? 0, street: counts.street ?? 0, city: counts.city ?? 0 };
      return { status: 200, body: { unacknowledged, total: unacknowledged.community + unacknowledged.street + unacknowledged.city } };
    },
  );

  defineRoute(
    router,
    registry,
    {
      method: 'post',
      path: '/alerts/:id/ack',
      summary: '确认处理告警（记录确认人和时间；重复确认保留第一次）',
      tag,
      permission: 'alerts.ack',
      params: AlertIdParams,
      responses: { 200: { description: '已确认的告警', schema: AlertBody } },
      errors: [404],
      idempotent: true,
    },
    async ({ params, user }) => {
      // As for a case: one that does not exist is a 404, one outside the caller's subtree a 403.
      if (!(await getAlert(db, null, params.id))) throw ApiError.notFound(`告警 ${params.id}`);
      if (!(await getAlert(db, alertScope(user), params.id))) throw ApiError.forbidden('该告警所属案件不在您的辖区内');
      await acknowledgeAlert(db, params.id, { userId: user.id, displayName: user.displayName });
      return { status: 200, body: (await getAlert(db, alertScope(user), params.id))! };
    },
  );

  recordRoute({ method: 'get', path: '/alerts/stream', permission: 'alerts.read' });
  router.get('/alerts/stream', requirePermission('alerts.read'), async (req, res) => {
    const user = req.user!;
    const unknownParams = Object.keys(req.query).filter((k) => k !== 'lastEventId');
    if (unknownParams.length) throw ApiError.validation([{ field: `query.${unknownParams.join(',')}`, message: `不允许的参数：${unknownParams.join(', ')}` }]);
    const resumeFrom = req.header('last-event-id') ?? (typeof req.query.lastEventId === 'string' ? req.query.lastEventId : undefined);
    if (resumeFrom !== undefined && !/^\d{1,18}$/.test(resumeFrom)) {
      throw ApiError.validation([{ field: 'header.Last-Event-ID', message: '应为告警编号' }]);
    }
    // A new client starts from now; a reconnecting one first gets everything after the last id it saw.
    let lastId = resumeFrom ?? (await latestAlertId(db));
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    // HEAD gets the headers only: Node sends nothing for a HEAD stream until it ends, which it never would.
    if (req.method === 'HEAD') return void res.end();
    res.write('retry: 3000\n\n');

    let reading = false;
    let again = false;
    let closed = false;
    const deliver = async (): Promise<void> => {
      if (reading) {
        again = true;
        return;
      }
      reading = true;
      try {
        do {
          again = false;
          const batch = await listAlerts(db, alertScope(user), { afterId: lastId }, 500);
          for (const alert of batch) {
            if (closed) return;
            res.write(`id: ${alert.id}\nevent: alert\ndata: ${JSON.stringify(alert)}\n\n`);
            lastId = alert.id;
          }
          if (batch.length === 500) again = true;
        } while (again && !closed);
      } catch (err) {
        req.log?.warn({ err: (err as Error).message }, 'alert stream read failed; will retry');
      } finally {
        reading = false;
      }
    };

    const unsubscribe = feed.subscribe(() => void deliver());
    // A comment line keeps proxies from closing an idle stream; the read is a safety net for a lost NOTIFY.
    const heartbeat = setInterval(() => {
      res.write(': ping\n\n');
      void deliver();
    }, 15_000);
    req.on('close', () => {
      closed = true;
      clearInterval(heartbeat);
      unsubscribe();
    });
    await deliver();
  });

  registry.registerPath({
    method: 'get',
    path: '/api/v1/alerts/stream',
    summary: '告警实时推送（SSE）：每条告警一个事件，id 为告警编号；断线重连时带 Last-Event-ID 可补齐期间的告警',
    tags: [tag],
    security: [{ bearerAuth: [] }],
    responses: {
      200: { description: 'text/event-stream，event: alert，data 为 Alert JSON', content: { 'text/event-stream': { schema: { type: 'string' } } } },
      ...errorResponses(400, 401, 403),
    },
  });

  return router;
}
