/**
 * Alert webhooks (告警推送) as supervisors and admins manage them: register a target for the alerts of a
 * jurisdiction subtree (the secret is shown once), list, disable and enable, rotate the secret, send a signed
 * test ping, and read what each delivery went through. Deliveries themselves run on the worker
 * (workflows/webhook-dispatcher.ts); every write here is audited by the API's audit trail.
 */
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router } from 'express';
import type { Db } from '../../db/connection';
import { getJurisdiction, isPathWithin } from '../../db/queries/jurisdictions';
import { createPingDelivery, getDeliveryTarget, recordAttempt } from '../../db/queries/webhook-deliveries';
import {
  createWebhookSubscription,
  disableWebhookSubscription,
  enableWebhookSubscription,
  getWebhookSubscription,
  listWebhookDeliveries,
  listWebhookSubscriptions,
  rotateWebhookSecret,
  type WebhookSubscription,
} from '../../db/queries/webhooks';
import type { AuthenticatedUser } from '../../db/queries/users';
import { isPrivateHostLiteral, newWebhookSecret, sendWebhook, webhookBody, type WebhookSettings } from '../../activities/webhook-http';
import { ApiError } from '../errors';
import { jurisdictionScope } from '../permissions';
import { defineRoute } from '../routing';
import {
  CreateWebhookRequest,
  DisableWebhookRequest,
  WebhookDeliveriesQuery,
  WebhookDeliveryList,
  WebhookIdParams,
  WebhookList,
  WebhookListQuery,
  WebhookPayload,
  WebhookSubscriptionBody,
  WebhookTestResult,
  WebhookWithSecret,
} from '../schemas/webhooks';

const tag = '告警推送 Webhooks';

export function webhookRoutes(deps: { db: Db; settings: WebhookSettings }, registry: OpenAPIRegistry): Router {
  const { db, settings } = deps;
  const router = Router();
  registry.register('WebhookPayload', WebhookPayload);

  /** As for an alert: one that does not exist is a 404, one outside the caller's subtree a 403. */
  const subscriptionFor = async (user: AuthenticatedUser, id: string): Promise<WebhookSubscription> => {
    if (!(await getWebhookSubscription(db, null, id))) throw ApiError.notFound('该推送订阅');
    const found = await getWebhookSubscription(db, jurisdictionScope(user), id);
    if (!found) throw ApiError.forbidden('该推送订阅不在您的辖区内');
    return found;
  };

  /** The jurisdiction asked for, or the caller's own (an admin's default is the city). */
  const jurisdictionFor = async (user: AuthenticatedUser, asked: string | undefined) => {
    const id = asked ?? user.jurisdictionId ?? (await db('jurisdictions').whereNull('parent_id').orderBy('id').first('id'))?.id;
    const found = id ? await getJurisdiction(db, id) : null;
    if (!found) throw ApiError.validation([{ field: 'jurisdictionId', message: `辖区“${id ?? ''}”不存在` }]);
    // Alerts are filed under the case's community: below it, a grid would never match one.
    if (found.level === 'grid') throw ApiError.validation([{ field: 'jurisdictionId', message: '告警按社区归属，请选择社区或更上级的辖区' }]);
    const scope = jurisdictionScope(user);
    if (scope !== null && !isPathWithin(found.path, scope)) {
      throw new ApiError(403, 'FORBIDDEN', `辖区“${found.name}”不在您的督办范围内`, [{ field: 'jurisdictionId', message: '只能登记本人辖区（含下级）的推送' }]);
    }
    return found;
  };

  defineRoute(
    router,
    registry,
    {
      method: 'post',
      path: '/webhooks',
      summary: '登记告警推送：把本辖区（含下级）的告警以签名的 POST 推送到指定地址（密钥只显示这一次）',
      tag,
      permission: 'webhooks.write',
      body: CreateWebhookRequest,
      responses: { 201: { description: '新订阅与其签名密钥', schema: WebhookWithSecret } },
      errors: [400],
    },
    async ({ body, user }) => {
      const url = new URL(body.url);
      if (!settings.allowPrivateTargets && isPrivateHostLiteral(url)) {
        throw ApiError.validation([{ field: 'url', message: '不能推送到本机或内网地址（开发环境可设置 WEBHOOK_ALLOW_PRIVATE_TARGETS=1）' }]);
      }
      const jurisdiction = await jurisdictionFor(user, body.jurisdictionId);
      const secret = newWebhookSecret();
      const subscription = await createWebhookSubscription(db, {
        url: url.toString(),
        description: body.description ?? null,
        jurisdictionId: jurisdiction.id,
        jurisdictionPath: jurisdiction.path,
        alertTypes: body.alertTypes ?? null,
        tiers: body.tiers ?? null,
        ownerUserId: user.role === 'supervisor' ? user.id : null,
        secret,
        createdBy: user.id,
      });
      return { status: 201, body: { subscription, secret } };
    },
  );

  defineRoute(
    router,
    registry,
    {
      method: 'get',
      path: '/webhooks',
      summary: '本辖区（含下级）的告警推送订阅（不含密钥）',
      tag,
      permission: 'webhooks.read',
      query: WebhookListQuery,
      responses: { 200: { description: '订阅列表，新的在前', schema: WebhookList } },
      errors: [],
    },
    async ({ query, user }) => ({ status: 200, body: { items: await listWebhookSubscriptions(db, jurisdictionScope(user), query) } }),
  );

  defineRoute(
    router,
    registry,
    {
      method: 'get',
      path: '/webhooks/:id',
      summary: '一个告警推送订阅（不含密钥）',
      tag,
      permission: 'webhooks.read',
      params: WebhookIdParams,
      responses: { 200: { description: '订阅', schema: WebhookSubscriptionBody } },
      errors: [404],
    },
    async ({ params, user }) => ({ status: 200, body: await subscriptionFor(user, params.id) }),
  );

  defineRoute(
    router,
    registry,
    {
      method: 'post',
      path: '/webhooks/:id/disable',
      summary: '停用告警推送：不再为新告警推送，待重试的推送随之取消（重复停用无副作用）',
      tag,
      permission: 'webhooks.write',
      params: WebhookIdParams,
      body: DisableWebhookRequest,
      responses: { 200: { description: '停用后的订阅', schema: WebhookSubscriptionBody } },
      errors: [404],
    },
    async ({ params, body, user }) => {
      await subscriptionFor(user, params.id);
      await disableWebhookSubscription(db, params.id, user.id, body.reason ?? `由 ${user.displayName} 停用`);
      return { status: 200, body: await subscriptionFor(user, params.id) };
    },
  );

  defineRoute(
    router,
    registry,
    {
      method: 'post',
      path: '/webhooks/:id/enable',
      summary: '重新启用告警推送：从此后的告警起推送，连续失败数清零（停用期间的告警不补发）',
      tag,
      permission: 'webhooks.write',
      params: WebhookIdParams,
      responses: { 200: { description: '启用后的订阅', schema: WebhookSubscriptionBody } },
      errors: [404],
    },
    async ({ params, user }) => {
      await subscriptionFor(user, params.id);
      await enableWebhookSubscription(db, params.id, user.id);
      return { status: 200, body: await subscriptionFor(user, params.id) };
    },
  );

  defineRoute(
    router,
    registry,
    {
      method: 'post',
      path: '/webhooks/:id/rotate-secret',
      summary: '轮换签名密钥：新密钥只显示这一次，从下一次推送（含重试）起生效',
      tag,
      permission: 'webhooks.write',
      params: WebhookIdParams,
      responses: { 200: { description: '订阅与新的签名密钥', schema: WebhookWithSecret } },
      errors: [404],
    },
    async ({ params, user }) => {
      await subscriptionFor(user, params.id);
      const secret = newWebhookSecret();
      await rotateWebhookSecret(db, params.id, user.id, secret);
      return { status: 200, body: { subscription: await subscriptionFor(user, params.id), secret } };
    },
  );

  defineRoute(
    router,
    registry,
    {
      method: 'post',
      path: '/webhooks/:id/test',
      summary: '发送一条签名的测试推送（event=ping），立即返回接收方的状态码与耗时；记入推送记录，不重试',
      tag,
      permission: 'webhooks.write',
      params: WebhookIdParams,
      responses: { 200: { description: '这次测试推送的结果（接收方失败也是 200，见 delivered 与 failure）', schema: WebhookTestResult } },
      errors: [404],
    },
    async ({ params, user }) => {
      await subscriptionFor(user, params.id);
      const deliveryId = await createPingDelivery(db, params.id);
      const target = (await getDeliveryTarget(db, deliveryId))!;
      const outcome = await sendWebhook({ url: target.url, secret: target.secret, deliveryId, event: 'ping', attempt: 1, body: webhookBody(target) }, settings);
      await recordAttempt(db, deliveryId, outcome, settings);
      const result = { deliveryId, delivered: outcome.ok, httpStatus: outcome.httpStatus, failure: outcome.error, durationMs: outcome.durationMs };
      return { status: 200, body: result };
    },
  );

  defineRoute(
    router,
    registry,
    {
      method: 'get',
      path: '/webhooks/:id/deliveries',
      summary: '推送记录：每次推送的状态与每一次尝试（时间、状态码或错误、耗时），新的在前',
      tag,
      permission: 'webhooks.read',
      params: WebhookIdParams,
      query: WebhookDeliveriesQuery,
      responses: { 200: { description: '推送记录', schema: WebhookDeliveryList } },
      errors: [404],
    },
    async ({ params, query, user }) => {
      await subscriptionFor(user, params.id);
      const items = await listWebhookDeliveries(db, params.id, { status: query.status, beforeId: query.cursor }, query.limit);
      return { status: 200, body: { items, nextCursor: items.length === query.limit ? items.at(-1)!.id : null } };
    },
  );

  return router;
}
