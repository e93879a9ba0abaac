/**
 * Under test, every response of a route declared with `defineRoute` is checked against the schema it documents
 * (strictly: a field the documentation does not name fails too), and so is every error against the Error
 * format; a mismatch answers 500 RESPONSE_SCHEMA_MISMATCH. A tiny app of its own: no database, no workflows.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { Writable } from 'node:stream';
import express, { Router } from 'express';
import { pinoHttp } from 'pino-http';
import { ApiError, errorHandler } from '../../api/errors';
import { createRegistry, generateOpenApiDocument } from '../../api/openapi';
import { checkingResponses, defineRoute, RouteResult } from '../../api/routing';
import { Instant } from '../../api/schemas/common';
import { z } from '../../api/schemas/zod';
import { createLogger } from '../../config/logger';
import type { AuthenticatedUser } from '../../db/queries/users';

const Widget = z
  .object({
    id: z.string(),
    count: z.number().int(),
    at: Instant,
    owner: z.object({ name: z.string(), unitId: z.string().nullable().optional() }),
    tags: z.array(z.object({ key: z.string() })),
    extra: z.record(z.string(), z.unknown()).openapi({ description: '任意附加数据' }),
  })
  .openapi('CheckWidget');

const good = () => ({
  id: 'w1',
  count: 3,
  at: new Date('2026-11-23T02:15:00.000Z'), // a Date is sent as its ISO string, which is what is checked
  owner: { name: '张*', unitId: undefined }, // undefined is not sent
  tags: [{ key: 'a' }],
  extra: { anything: { goes: true } },
});

const admin: AuthenticatedUser = {
  id: '00000000-0000-0000-0000-000000000001',
  username: 'admin',
  displayName: '管理员',
  role: 'admin',
  jurisdictionId: null,
  jurisdictionPath: null,
  unitId: null,
  tokenId: '00000000-0000-0000-0000-000000000002',
};

/** What each `/widgets/:variant` answers: the handler under test. */
const answers: Record<string, () => RouteResult> = {
  good: () => ({ status: 200, body: good() }),
  created: () => ({ status: 201, body: good() }),
  wrongType: () => ({ status: 200, body: { ...good(), count: 'three' } }),
  missing: () => {
    const { count: _count, ...rest } = good();
    return { status: 200, body: rest };
  },
  undocumentedField: () => ({ status: 200, body: { ...good(), secret: 'x' } }),
  undocumentedNested: () => ({ status: 200, body: { ...good(), tags: [{ key: 'a' }, { key: 'b', weight: 2 }] } }),
  undeclaredStatus: () => ({ status: 202, body: good() }),
  notFound: () => {
    throw ApiError.notFound('该物件');
  },
  undeclaredError: () => {
    throw new ApiError(409, 'INVALID_STATE', '状态不允许', [], { status: 'closed' });
  },
  unexpected: () => {
    throw new Error('boom');
  },
};

interface Started {
  baseUrl: string;
  logged: string[];
  document: ReturnType<typeof generateOpenApiDocument>;
}

const servers: Server[] = [];
afterAll(async () => {
  for (const s of servers) await new Promise((r) => s.close(r));
});

/** Mounted the way api/app.ts mounts the API: a router under /api/v1, the error handler last. */
async function start(): Promise<Started> {
  const logged: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      logged.push(String(chunk));
      done();
    },
  });
  const log = createLogger({ level: 'error', name: 'response-schemas' }, sink);
  const registry = createRegistry();
  const router = Router();
  defineRoute(
    router,
    registry,
    {
      method: 'get',
      path: '/widgets/:variant',
      summary: '测试用',
      tag: 'test',
      permission: 'reference.read',
      params: z.object({ variant: z.string() }),
      responses: { 200: { description: '物件', schema: Widget }, 201: { description: '新物件', schema: Widget } },
      errors: [404],
    },
    async ({ params }) => {
      const answer = answers[params.variant];
      if (!answer) throw ApiError.notFound('该变体');
      return answer();
    },
  );
  const app = express();
  app.use(pinoHttp({ logger: log }));
  app.use((req, _res, next) => {
    req.user = admin;
    next();
  });
  app.use('/api/v1', router);
  app.use(errorHandler(log));
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  servers.push(server);
  return { baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, logged, document: generateOpenApiDocument(registry) };
}

const get = async (app: Started, variant: string) => {
  const res = await fetch(`${app.baseUrl}/api/v1/widgets/${variant}`);
  return { status: res.status, body: (await res.json()) as { error?: { code: string; message: string; details: { field: string }[] } } & Record<string, unknown> };
};

describe('responses are checked against their documented schemas in test mode', () => {
  let app: Started;
  beforeAll(async () => {
    expect(process.env.NODE_ENV).toBe('test'); // jest's default, which turns the check on
    expect(checkingResponses()).toBe(true);
    app = await start();
  });

  it('when the response matches its schema, then it goes out unchanged (Dates as ISO strings, records open)', async () => {
    const res = await get(app, 'good');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ...good(), at: '2026-11-23T02:15:00.000Z', owner: { name: '张*' } });
    expect((await get(app, 'created')).status).toBe(201);
  });

  it('when a field has the wrong type or is missing, then 500 naming the route, the status and the field, and it is logged', async () => {
    const before = app.logged.length;
    const res = await get(app, 'wrongType');
    expect(res.status).toBe(500);
    expect(res.body.error!.code).toBe('RESPONSE_SCHEMA_MISMATCH');
    expect(res.body.error!.message).toContain('GET /api/v1/widgets/:variant');
    expect(res.body.error!.message).toContain('200');
    expect(res.body.error!.details.map((d) => d.field)).toEqual(['count']);
    const logged = app.logged.slice(before).join('');
    expect(logged).toContain('response does not match its documented schema');
    expect(logged).toContain('/api/v1/widgets/:variant');

    const missing = await get(app, 'missing');
    expect(missing.status).toBe(500);
    expect(missing.body.error!.details.map((d) => d.field)).toEqual(['count']);
  });

  it('when the response carries a field the documentation does not name, at any depth, then 500 (strict)', async () => {
    const top = await get(app, 'undocumentedField');
    expect(top.status).toBe(500);
    expect(top.body.error!.details.map((d) => d.field)).toEqual(['secret']);
    const nested = await get(app, 'undocumentedNested');
    expect(nested.status).toBe(500);
    expect(nested.body.error!.details.map((d) => d.field)).toEqual(['tags.1.weight']);
  });

  it('when the route answers a status it did not declare, then 500', async () => {
    const res = await get(app, 'undeclaredStatus');
    expect(res.status).toBe(500);
    expect(res.body.error!.code).toBe('RESPONSE_SCHEMA_MISMATCH');
    expect(res.body.error!.message).toContain('202');
  });

  it('errors: a declared one in the Error format passes; an undeclared status fails; an unexpected 500 stays itself', async () => {
    const notFound = await get(app, 'notFound');
    expect(notFound.status).toBe(404);
    expect(notFound.body.error!.code).toBe('NOT_FOUND');
    const undeclared = await get(app, 'undeclaredError');
    expect(undeclared.status).toBe(500);
    expect(undeclared.body.error!.code).toBe('RESPONSE_SCHEMA_MISMATCH');
    expect(undeclared.body.error!.message).toContain('409');
    const unexpected = await get(app, 'unexpected');
    expect(unexpected.status).toBe(500);
    expect(unexpected.body.error!.code).toBe('INTERNAL');
  });

  it('documents 400 on every route (every route validates its query), with the declared errors', () => {
    const responses = app.document.paths['/api/v1/widgets/{variant}']!.get!.responses;
    expect(Object.keys(responses).sort()).toEqual(['200', '201', '400', '401', '403', '404', '429', '503']);
  });
});

describe('outside tests the check is off unless JIESU_CHECK_RESPONSES=1', () => {
  const saved = { NODE_ENV: process.env.NODE_ENV, JIESU_CHECK_RESPONSES: process.env.JIESU_CHECK_RESPONSES };
  afterEach(() => {
    process.env.NODE_ENV = saved.NODE_ENV;
    if (saved.JIESU_CHECK_RESPONSES === undefined) delete process.env.JIESU_CHECK_RESPONSES;
    else process.env.JIESU_CHECK_RESPONSES = saved.JIESU_CHECK_RESPONSES;
  });

  it('in production a mismatched response goes out as the handler made it', async () => {
    process.env.NODE_ENV = 'production';
    delete process.env.JIESU_CHECK_RESPONSES;
    expect(checkingResponses()).toBe(false);
    const app = await start();
    const res = await get(app, 'undocumentedField');
    expect(res.status).toBe(200);
    expect(res.body.secret).toBe('x');
  });

  it('with JIESU_CHECK_RESPONSES=1 it is checked whatever NODE_ENV says', async () => {
    process.env.NODE_ENV = 'production';
    process.env.JIESU_CHECK_RESPONSES = '1';
    const app = await start();
    expect((await get(app, 'undocumentedField')).status).toBe(500);
  });
});
