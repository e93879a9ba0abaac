/**
 * Every registered /api/v1 route × every role × in scope / out of scope, with the exact status, generated from
 * the permission table (api/permissions.ts) and the route registry that `defineRoute` fills: a new route
 * without an entry below fails the first test.
 *
 * For each route, a case (or other object) is first brought into a state in which the action is allowed for
 * the role, so that role and scope are the only variables: an allowed role in scope gets the success status,
 * anyone else 403 and nothing changes; on lists the out-of-scope caller gets 200 without the object.
 */
import { createApp } from '../../api/app';
import { mayAct, permissions, registeredRoutes, type RegisteredRoute } from '../../api/permissions';
import { createLogger } from '../../config/logger';
import { getUserByUsername, issueToken } from '../../db/queries/users';
import { createOpen311Client } from '../../db/queries/open311-clients';
import { getJurisdiction } from '../../db/queries/jurisdictions';
import { createWebhookSubscription, disableWebhookSubscription } from '../../db/queries/webhooks';
import { demo } from '../../db/seeds/demo-city';
import { roles, type Role } from '../../workflows/domain';
import { cableIntake } from '../support/fixtures';
import { startTestStack, type TestStack } from '../support/stack';
import { allRoutes, Cases, createOutOfScopeUsers, inScope, outOfScope, waitFor } from './support';

const { users: u, units, communities } = demo;

let stack: TestStack;
let cases: Cases;
const marker = `权限矩阵-${Date.now()}`;

beforeAll(async () => {
  stack = await startTestStack({ ownDatabase: true });
  cases = new Cases(stack, marker);
  await createOutOfScopeUsers(stack);
}, 120_000);
afterAll(async () => {
  await stack?.stop();
});

/** What a fixture hands to the request: the case (or token, or alert) the request is about. */
interface Fixture {
  caseId?: string;
  other?: string;
}

interface Request {
  method?: string;
  path: string;
  body?: unknown;
}

interface Entry {
  /** Status for an allowed role in scope. */
  success: number;
  /** A fresh object in which the action is allowed for `role` (called again for each allowed role). */
  setup?: (role: Role) => Promise<Fixture>;
  request: (fx: Fixture, role: Role) => Request;
  /**
   * How an allowed role out of scope is answered: `forbidden` (403, nothing changes), `filtered` (200 without
   * the object: `visible` tells), `same` (the permission has no scope: as in scope).
   */
  outOfScope: 'forbidden' | 'filtered' | 'same';
  visible?: (body: any, fx: Fixture) => boolean;
  /** Who acts for the role in scope when it is not `inScope[role]`. */
  actor?: Partial<Record<Role, string>>;
  /** A hand-written call (the SSE stream). */
  send?: (req: Request, as: string, fx: Fixture) => Promise<{ status: number; body: any }>;
}

const firstAllowed = (route: RegisteredRoute): Role => permissions[route.permission].roles[0] as Role;

const command = (path: string, body: unknown, setup: (role: Role) => Promise<Fixture>, extra: Partial<Entry> = {}): Entry => ({
  success: 200,
  setup,
  request: (fx) => ({ path: `/api/v1/cases/${fx.caseId}/${path}`, body }),
  outOfScope: 'forbidden',
  ...extra,
});

const triage = async () => ({ caseId: await cases.triage() });
const dispatched = async () => ({ caseId: await cases.dispatchedToMobile() });
const inProgress = async (role: Role) => ({ caseId: (await cases.inProgressFor(role)).id });
const workerOf: Partial<Record<Role, string>> = { dispatcher: u.dispatcherCommunity, gridWorker: u.grid, liaison: u.liaisonMobile };

/** Reads an SSE stream for a moment and answers what it carried (or the JSON refusal). */
async function readStream(req: Request, as: string): Promise<{ status: number; body: any }> {
  const token = await stack.tokenFor(as);
  const controller = new AbortController();
  const [path, query] = req.path.split('?') as [string, string | undefined];
  const lastEventId = new URLSearchParams(query ?? '').get('lastEventId') ?? undefined;
  const want = new URLSearchParams(query ?? '').get('want');
  const res = await fetch(`${stack.baseUrl}${path}`, {
    headers: { authorization: `Bearer ${token}`, ...(lastEventId ? { 'last-event-id': lastEventId } : {}) },
    signal: controller.signal,
  });
  if (!res.headers.get('content-type')?.startsWith('text/event-stream')) return { status: res.status, body: await res.json() };
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  const deadline = Date.now() + 1500;
  try {
    while (Date.now() < deadline && !(want && text.includes(`id: ${want}\n`))) {
      const chunk = await Promise.race([reader.read(), new Promise<null>((r) => setTimeout(() => r(null), deadline - Date.now()))]);
      if (chunk === null || chunk.done) break;
      text += decoder.decode(chunk.value, { stream: true });
    }
  } finally {
    controller.abort();
  }
  return { status: res.status, body: text };
}

/** A case with an alert: escalating raises one. Its id, once the projection stored it. */
async function caseWithAlert(): Promise<Fixture> {
  const caseId = await cases.escalated();
  const alert = await waitFor(() => stack.db('alerts').where({ case_id: caseId }).orderBy('id').first());
  return { caseId, other: String(alert.id) };
}

let clientNames = 0;
const clientName = () => `矩阵客户端-${marker}-${++clientNames}`;

/** A webhook subscription for 小池社区's alerts; its target is refused as private, so a test ping sends nothing. */
async function webhook(options: { disabled?: boolean } = {}): Promise<Fixture> {
  const admin = await getUserByUsername(stack.db, u.admin);
  const place = await getJurisdiction(stack.db, communities.xiaochi);
  const created = await createWebhookSubscription(stack.db, {
    url: 'http://127.0.0.1:9/matrix',
    description: marker,
    jurisdictionId: place!.id,
    jurisdictionPath: place!.path,
    alertTypes: null,
    tiers: null,
    ownerUserId: null,
    secret: 'whsec_matrix',
    createdBy: admin!.id,
  });
  if (options.disabled) await disableWebhookSubscription(stack.db, created.id, admin!.id, marker);
  return { other: created.id };
}
const onWebhook = (path: string, extra: Partial<Entry> = {}): Entry => ({
  success: 200,
  setup: () => webhook(),
  request: (fx) => ({ path: `/api/v1/webhooks/${fx.other}${path}`, body: {} }),
  outOfScope: 'forbidden',
  ...extra,
});

const matrix: Record<string, Entry> = {
  // Reference data: everyone reads, no scope.
  'get /jurisdictions': { success: 200, request: () => ({ path: '/api/v1/jurisdictions' }), outOfScope: 'same' },
  'get /units': { success: 200, request: () => ({ path: '/api/v1/units' }), outOfScope: 'same' },
  'get /categories': { success: 200, request: () => ({ path: '/api/v1/categories' }), outOfScope: 'same' },
  'get /me': { success: 200, request: () => ({ path: '/api/v1/me' }), outOfScope: 'same' },
  // The public board: everyone (and no one: test/api/public-board.test.ts calls it without a token).
  'get /public/overview': { success: 200, request: () => ({ path: '/api/v1/public/overview' }), outOfScope: 'same' },
  'get /public/scorecards': { success: 200, request: () => ({ path: '/api/v1/public/scorecards' }), outOfScope: 'same' },
  'get /public/cases': { success: 200, request: () => ({ path: '/api/v1/public/cases' }), outOfScope: 'same' },
  'get /public/cases/:caseNo': { success: 200, setup: triage, request: (fx) => ({ path: `/api/v1/public/cases/${fx.caseId}` }), outOfScope: 'same' },
  'get /categories/:id/proposal': {
    success: 200,
    request: () => ({ path: `/api/v1/categories/${demo.categories.cableSagging}/proposal?communityId=${communities.xiaochi}` }),
    outOfScope: 'same',
  },
  'post /users': {
    success: 201,
    request: (_fx, role) => ({
      path: '/api/v1/users',
      body: { username: `m-${role}-${Date.now()}`, displayName: '矩阵测试用户', role: 'clerk', jurisdictionId: demo.cityId },
    }),
    outOfScope: 'same',
  },
  'get /users/:username/tokens': { success: 200, request: () => ({ path: `/api/v1/users/${u.clerk}/tokens` }), outOfScope: 'same' },
  'delete /tokens/:tokenId': {
    success: 200,
    setup: async () => {
      const user = await getUserByUsername(stack.db, u.gridYanyu);
      return { other: (await issueToken(stack.db, user!.id, { label: 'matrix' })).tokenId };
    },
    request: (fx) => ({ method: 'DELETE', path: `/api/v1/tokens/${fx.other}` }),
    outOfScope: 'same',
  },
  'get /audit': {
    success: 200,
    // A refused attempt on a case at 小池社区: a liaison of an unassigned unit looks at it.
    setup: async () => {
      const caseId = await cases.triage();
      await stack.call('GET', `/api/v1/cases/${caseId}`, { as: u.liaisonPower });
      await waitFor(() => stack.db('audit_log').where({ case_id: caseId, outcome: 'refused' }).first());
      return { caseId };
    },
    request: (fx) => ({ path: `/api/v1/audit?caseId=${fx.caseId}` }),
    outOfScope: 'filtered',
    visible: (body, fx) => body.items.some((r: { caseId: string }) => r.caseId === fx.caseId),
  },
  'get /calendar/deadline': {
    success: 200,
    request: () => ({ path: '/api/v1/calendar/deadline?from=2027-03-01T01:00:00Z&duration=P2D&basis=working' }),
    outOfScope: 'same',
  },
  'get /calendar/:date': { success: 200, request: () => ({ path: '/api/v1/calendar/2099-01-05' }), outOfScope: 'same' },
  'put /calendar/:date': {
    success: 200,
    request: () => ({ method: 'PUT', path: '/api/v1/calendar/2099-01-05', body: { kind: 'holiday', note: '矩阵测试' } }),
    outOfScope: 'same',
  },
  'delete /calendar/:date': {
    success: 200,
    setup: async () => {
      await stack.call('PUT', '/api/v1/calendar/2099-01-06', { as: u.admin, body: { kind: 'holiday' } });
      return {};
    },
    request: () => ({ method: 'DELETE', path: '/api/v1/calendar/2099-01-06' }),
    outOfScope: 'same',
  },
  'get /sla-policies': { success: 200, request: () => ({ path: '/api/v1/sla-policies' }), outOfScope: 'same' },
  'get /sla-policies/:slaClass': { success: 200, request: () => ({ path: '/api/v1/sla-policies/general' }), outOfScope: 'same' },
  'put /sla-policies/:slaClass': {
    success: 200,
    // The policy as it is, written back: the other tests' deadlines stay the same.
    setup: async () => {
      const { body } = await stack.call('GET', '/api/v1/sla-policies/complex', { as: u.admin });
      const { triage: t, respond, resolve, callback, repeatOverdue, warnAt, basis, callbackBasis } = body;
      return { other: JSON.stringify({ triage: t, respond, resolve, callback, repeatOverdue, warnAt, basis, callbackBasis }) };
    },
    request: (fx) => ({ method: 'PUT', path: '/api/v1/sla-policies/complex', body: JSON.parse(fx.other!) }),
    outOfScope: 'same',
  },

  // Open311 clients and their api keys: admins only, city-wide.
  'get /open311/clients': { success: 200, request: () => ({ path: '/api/v1/open311/clients' }), outOfScope: 'same' },
  'post /open311/clients': { success: 201, request: () => ({ path: '/api/v1/open311/clients', body: { name: clientName() } }), outOfScope: 'same' },
  'delete /open311/clients/:id': {
    success: 200,
    setup: async () => ({ other: (await createOpen311Client(stack.db, clientName())).client.id }),
    request: (fx) => ({ method: 'DELETE', path: `/api/v1/open311/clients/${fx.other}` }),
    outOfScope: 'same',
  },

  // Alert webhooks: supervisors within their subtree, admins anywhere.
  'post /webhooks': {
    success: 201,
    request: () => ({ path: '/api/v1/webhooks', body: { url: 'https://hooks.example.com/jiesu', jurisdictionId: communities.xiaochi } }),
    outOfScope: 'forbidden',
  },
  'get /webhooks': {
    success: 200,
    setup: () => webhook(),
    request: () => ({ path: '/api/v1/webhooks' }),
    outOfScope: 'filtered',
    visible: (body, fx) => body.items.some((s: { id: string }) => s.id === fx.other),
  },
  'get /webhooks/:id': onWebhook('', { request: (fx) => ({ path: `/api/v1/webhooks/${fx.other}` }) }),
  'get /webhooks/:id/deliveries': onWebhook('/deliveries', { request: (fx) => ({ path: `/api/v1/webhooks/${fx.other}/deliveries` }) }),
  'post /webhooks/:id/disable': onWebhook('/disable'),
  'post /webhooks/:id/enable': onWebhook('/enable', { setup: () => webhook({ disabled: true }) }),
  'post /webhooks/:id/rotate-secret': onWebhook('/rotate-secret'),
  'post /webhooks/:id/test': onWebhook('/test'),

  // Cases.
  'post /cases': {
    success: 201,
    request: () => ({ path: '/api/v1/cases', body: cableIntake({ description: `${marker} 新诉求`, location: { communityId: communities.xiaochi, address: '小池社区和谐路' } }) }),
    outOfScope: 'forbidden',
  },
  'get /cases': {
    success: 200,
    setup: dispatched,
    request: (fx) => ({ path: `/api/v1/cases?q=${fx.caseId}` }),
    outOfScope: 'filtered',
    visible: (body, fx) => body.items.some((c: { id: string }) => c.id === fx.caseId),
  },
  'get /cases/:id': { success: 200, setup: dispatched, request: (fx) => ({ path: `/api/v1/cases/${fx.caseId}` }), outOfScope: 'forbidden' },
  // The list as a file: the same scope, so the case number is in the CSV only in scope.
  'get /cases/export': {
    success: 200,
    setup: dispatched,
    request: (fx) => ({ path: `/api/v1/cases/export?format=csv&q=${fx.caseId}` }),
    outOfScope: 'filtered',
    visible: (body: string, fx) => body.includes(fx.caseId!),
  },
  'post /cases/:id/handle-directly': command('handle-directly', { note: '联系建设单位当天更换' }, triage),
  'post /cases/:id/dispatch': command('dispatch', { leadUnitId: units.mobile, cooperatingUnitIds: [units.cable] }, triage),
  'post /cases/:id/agreement': command(
    'agreement',
    { leadUnitId: units.mobile, participants: [{ name: '移动公司代表', unitId: units.mobile }], plan: '先梳理线缆，再统一抬升' },
    triage,
  ),
  'post /cases/:id/accept': command('accept', { note: '明天到现场' }, dispatched),
  'post /cases/:id/reject': command('reject', { reason: '该线缆产权不属于本单位' }, dispatched),
  'post /cases/:id/progress': command('progress', { note: '已联系诉求人' }, inProgress, { actor: workerOf }),
  'post /cases/:id/extension': command('extension', { duration: 'P3D', reason: '需协调电信共同施工' }, inProgress, { success: 202 }),
  'post /cases/:id/extension/decision': command('extension/decision', { approve: true }, async () => ({ caseId: await cases.extensionPending() })),
  'post /cases/:id/pause': command('pause', { reason: '等待诉求人补充照片' }, inProgress, { actor: workerOf }),
  'post /cases/:id/resume': command('resume', { note: '照片已补充' }, async (role) => ({ caseId: await cases.pausedFor(role) }), { actor: workerOf }),
  'post /cases/:id/complex': command('complex', { reason: '涉及四家运营商，需多方协调' }, triage),
  'post /cases/:id/complex/decision': command('complex/decision', { approve: true }, async () => ({ caseId: await cases.complexPending() })),
  'post /cases/:id/escalate': command('escalate', { reason: '社区无法协调运营商' }, triage),
  'post /cases/:id/withdraw': command('withdraw', { reason: '诉求人表示问题已自行解决' }, triage),
  'post /cases/:id/merge': {
    ...command('merge', {}, async () => ({ caseId: await cases.triage(), other: await cases.triage() })),
    request: (fx) => ({ path: `/api/v1/cases/${fx.caseId}/merge`, body: { intoCaseId: fx.other } }),
  },
  'post /cases/:id/category': command('category', { category: demo.categories.roadDamage, note: '实为路面塌陷' }, triage),
  // Smart dispatch: duplicates come only from cases of the caller's subtree (the fixture is the newest such case).
  'post /triage/suggestions': {
    success: 200,
    setup: triage,
    request: () => ({
      path: '/api/v1/triage/suggestions',
      body: { title: '东大线通信线缆下垂', description: `${marker} 线缆下垂，最低处距地面仅3米`, location: { communityId: communities.xiaochi } },
    }),
    outOfScope: 'filtered',
    visible: (body, fx) => body.duplicates.some((d: { id: string }) => d.id === fx.caseId),
  },
  'post /cases/:id/resolve': command('resolve', { summary: '已对下垂线缆集中梳理抬升' }, inProgress, { actor: workerOf }),
  'post /cases/:id/callback': command('callback', { rating: 'satisfied' }, async () => ({ caseId: await cases.resolved() })),

  // Supervision: alerts of cases located in the caller's subtree.
  'get /alerts': {
    success: 200,
    setup: caseWithAlert,
    request: (fx) => ({ path: `/api/v1/alerts?caseId=${fx.caseId}` }),
    outOfScope: 'filtered',
    visible: (body, fx) => body.items.some((a: { caseId: string }) => a.caseId === fx.caseId),
  },
  'get /alerts/counts': { success: 200, request: () => ({ path: '/api/v1/alerts/counts' }), outOfScope: 'same' },
  'post /alerts/:id/ack': {
    success: 200,
    setup: caseWithAlert,
    request: (fx) => ({ path: `/api/v1/alerts/${fx.other}/ack`, body: {} }),
    outOfScope: 'forbidden',
  },
  'get /alerts/stream': {
    success: 200,
    setup: caseWithAlert,
    request: (fx) => ({ path: `/api/v1/alerts/stream?lastEventId=${Number(fx.other) - 1}&want=${fx.other}` }),
    outOfScope: 'filtered',
    visible: (body: string, fx) => body.includes(`id: ${fx.other}\n`),
    send: (req, as) => readStream(req, as),
  },
  // KPIs count the cases located in the caller's subtree: the case's community shows up only in scope.
  'get /kpis': {
    success: 200,
    setup: dispatched,
    request: () => ({ path: '/api/v1/kpis?from=2000-01-01T00:00:00Z&to=2100-01-01T00:00:00Z&groupBy=community' }),
    outOfScope: 'filtered',
    visible: (body) => body.groups.some((g: { key: string; dispatched: number }) => g.key === communities.xiaochi && g.dispatched > 0),
  },
  'get /kpis/export': {
    success: 200,
    setup: dispatched,
    request: () => ({ path: '/api/v1/kpis/export?format=csv&from=2000-01-01T00:00:00Z&to=2100-01-01T00:00:00Z&groupBy=community' }),
    outOfScope: 'filtered',
    // CSV lines `key,name,dispatched,...`
    visible: (body: string) => body.split('\r\n').some((line) => line.startsWith(`${communities.xiaochi},`) && Number(line.split(',')[2]) > 0),
  },
};

const keyOf = (r: RegisteredRoute) => `${r.method} ${r.path}`;

describe('the authorization matrix covers every route', () => {
  it('has an entry for every registered route, and every Express route under /api/v1 is registered', () => {
    const routes = registeredRoutes();
    expect(routes.length).toBeGreaterThan(30);
    expect(routes.map(keyOf).filter((k) => !matrix[k])).toEqual([]);
    expect(Object.keys(matrix).filter((k) => !routes.some((r) => keyOf(r) === k))).toEqual([]);

    // Walk Express's own router: a route added without defineRoute/recordRoute would be missing from the registry.
    const app = createApp({ db: {} as never, gateway: {} as never, log: createLogger({ level: 'silent', name: 'walk' }), alertFeed: {} as never });
    const found: string[] = [];
    const walk = (stack: any[]) => {
      for (const layer of stack) {
        if (layer.route) for (const m of Object.keys(layer.route.methods)) found.push(`${m} ${layer.route.path}`);
        else if (layer.handle?.stack) walk(layer.handle.stack);
      }
    };
    const api = (app as any).router.stack.filter((l: any) => l.handle?.stack && l.match('/api/v1/x') && !l.match('/elsewhere'));
    expect(api).toHaveLength(1);
    walk(api[0].handle.stack);
    expect(found.sort()).toEqual(routes.map(keyOf).sort());
  });
});

describe('every route × every role × in scope and out of scope answers the exact status', () => {
  const cells: string[] = [];
  let requests = 0;
  let refusedUnchanged = 0;

  afterAll(() => {
    const routes = new Set(cells.map((c) => c.split(' × ')[0]));
    process.stdout.write(
      `[authorization-matrix] routes × roles covered: ${routes.size} × ${roles.length} = ${cells.length} cells; ` +
        `${requests} requests (in scope and out of scope); ${refusedUnchanged} refusals checked to change nothing\n`,
    );
  });

  async function send(entry: Entry, fx: Fixture, role: Role, as: string): Promise<{ status: number; body: any }> {
    const req = entry.request(fx, role);
    requests++;
    if (entry.send) return entry.send(req, as, fx);
    return stack.call(req.method ?? (req.body !== undefined ? 'POST' : 'GET'), req.path, { as, body: req.body });
  }

  async function expectRefused(entry: Entry, fx: Fixture, role: Role, as: string): Promise<void> {
    const before = fx.caseId ? await cases.version(fx.caseId) : null;
    const res = await send(entry, fx, role, as);
    expect({ role, as, status: res.status, code: res.body?.error?.code }).toEqual({ role, as, status: 403, code: 'FORBIDDEN' });
    if (fx.caseId) {
      expect(await cases.version(fx.caseId)).toBe(before);
      refusedUnchanged++;
    }
  }

  // Routes are known once an app exists: `allRoutes` builds one so that `it.each` can list them.
  it.each(allRoutes().map((r) => [keyOf(r), r] as const))('%s', async (key, route) => {
    const entry = matrix[key];
    if (!entry) throw new Error(`no matrix entry for ${key}`);
    // One object for every role the table refuses: a refusal changes nothing, so they can share it.
    let refusedFixture: Fixture | null = null;
    for (const role of roles) {
      cells.push(`${key} × ${role}`);
      const allowed = mayAct(role, route.permission);
      const actor = entry.actor?.[role] ?? inScope[role];
      const outsider = outOfScope[role];
      if (!allowed) {
        refusedFixture ??= entry.setup ? await entry.setup(firstAllowed(route)) : {};
        await expectRefused(entry, refusedFixture, role, actor);
        if (outsider) await expectRefused(entry, refusedFixture, role, outsider);
        continue;
      }
      const fx = entry.setup ? await entry.setup(role) : {};
      // Out of scope first: it must leave the object as it was for the call in scope that follows.
      if (outsider) {
        if (entry.outOfScope === 'forbidden') await expectRefused(entry, fx, role, outsider);
        else {
          const res = await send(entry, fx, role, outsider);
          expect({ role, as: outsider, status: res.status }).toEqual({ role, as: outsider, status: entry.outOfScope === 'same' ? entry.success : 200 });
          if (entry.outOfScope === 'filtered') expect({ role, as: outsider, visible: entry.visible!(res.body, fx) }).toEqual({ role, as: outsider, visible: false });
        }
      }
      const res = await send(entry, fx, role, actor);
      expect({ role, as: actor, status: res.status, error: res.body?.error }).toEqual({ role, as: actor, status: entry.success, error: undefined });
      if (entry.visible) expect({ role, as: actor, visible: entry.visible(res.body, fx) }).toEqual({ role, as: actor, visible: true });
    }
  });
});
