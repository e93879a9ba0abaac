/**
 * Hardening of the HTTP layer: security headers (a CSP that still lets /docs work), CORS closed unless
 * configured, 413, 429 per token, strict inputs, no internals in a 500, `trust proxy`, and the token life cycle
 * (expiry, listing without secrets, revocation).
 */
import type { AddressInfo } from 'node:net';
import { request, type Server } from 'node:http';
import { createApp } from '../../api/app';
import { answerClientErrors, parseOrigins } from '../../api/security';
import { createLogger } from '../../config/logger';
import { loadEnv } from '../../config/env';
import { getUserByUsername, issueToken } from '../../db/queries/users';
import { demo } from '../../db/seeds/demo-city';
import { cableIntake } from '../support/fixtures';
import { startTestStack, type TestStack } from '../support/stack';
import { isErrorBody, waitFor } from './support';

const { users: u } = demo;
let stack: TestStack;
const servers: Server[] = [];

beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  for (const s of servers) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
  await stack?.stop();
});

/** An app of its own on the run's database, for settings the shared stack does not use. No workflows needed. */
async function dedicatedApp(options: { corsOrigins?: string[]; rateLimitPerMinute?: number; trustProxy?: string; db?: unknown } = {}): Promise<string> {
  const { db, ...settings } = options;
  const app = createApp({
    db: (db ?? stack.db) as never,
    gateway: { ping: async () => undefined } as never,
    log: createLogger({ level: 'silent', name: 'dedicated' }),
    alertFeed: { subscribe: () => () => undefined } as never,
    ...settings,
  });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  answerClientErrors(server);
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const bearer = async (username: string) => ({ authorization: `Bearer ${await stack.tokenFor(username)}` });

describe('security headers', () => {
  it('sets helmet headers and a CSP that lets an API answer load nothing', async () => {
    for (const path of ['/api/v1/units', '/healthz', '/api/v1/nothing']) {
      const res = await fetch(`${stack.baseUrl}${path}`, { headers: await bearer(u.clerk) });
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
      expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('cross-origin-opener-policy')).toBe('same-origin');
      expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
      expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(res.headers.get('x-powered-by')).toBeNull();
    }
  });

  it('relaxes the CSP for /docs only, enough for Swagger UI over plain HTTP', async () => {
    const page = await fetch(`${stack.baseUrl}/docs/`);
    const csp = page.headers.get('content-security-policy')!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self' 'unsafe-inline'");
    expect(csp).toContain("img-src 'self' data:");
    expect(csp).not.toContain('upgrade-insecure-requests');
    expect(csp).not.toContain("'unsafe-eval'");
    const html = await page.text();
    // Every script the page loads is same-origin and there is no inline script, so script-src 'self' suffices.
    const scripts = [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attrs, inline] of scripts) {
      expect(attrs).toMatch(/src=["']\.\/[\w.-]+\.js["']/);
      expect(inline!.trim()).toBe('');
    }
    for (const asset of ['swagger-ui-init.js', 'swagger-ui-bundle.js', 'swagger-ui.css']) {
      expect((await fetch(`${stack.baseUrl}/docs/${asset}`)).status).toBe(200);
    }
  });
});

describe('CORS', () => {
  it('is closed by default: a foreign origin gets no Access-Control-Allow-Origin, on requests and preflights', async () => {
    const origin = 'https://evil.example';
    const res = await fetch(`${stack.baseUrl}/api/v1/units`, { headers: { origin, ...(await bearer(u.clerk)) } });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    const preflight = await fetch(`${stack.baseUrl}/api/v1/cases`, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    expect(preflight.headers.get('access-control-allow-headers') ?? '').not.toMatch(/authorization/i);
  });

  it('allows the origins listed in CORS_ORIGINS, and those only', async () => {
    expect(parseOrigins(' https://12345.linzhou.gov.cn/ , https://ops.example ,')).toEqual(['https://12345.linzhou.gov.cn', 'https://ops.example']);
    expect(loadEnv({ CORS_ORIGINS: 'https://a.example' }).CORS_ORIGINS).toBe('https://a.example');
    expect(loadEnv({}).CORS_ORIGINS).toBe('');
    const base = await dedicatedApp({ corsOrigins: ['https://12345.linzhou.gov.cn'] });
    const allowed = 'https://12345.linzhou.gov.cn';
    const preflight = await fetch(`${base}/api/v1/cases`, {
      method: 'OPTIONS',
      headers: { origin: allowed, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type,idempotency-key' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(allowed);
    expect(preflight.headers.get('access-control-allow-headers')).toMatch(/Authorization/);
    expect(preflight.headers.get('access-control-allow-credentials')).toBeNull();
    const res = await fetch(`${base}/api/v1/units`, { headers: { origin: allowed, ...(await bearer(u.clerk)) } });
    expect(res.headers.get('access-control-allow-origin')).toBe(allowed);
    expect(res.headers.get('vary')).toMatch(/Origin/i);
    const other = await fetch(`${base}/api/v1/units`, { headers: { origin: 'https://12345.linzhou.gov.cn.evil.example', ...(await bearer(u.clerk)) } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('limits', () => {
  it('answers 413 in the error format for a body over 256 kb, before anything is done', async () => {
    const res = await stack.call('POST', '/api/v1/cases', { as: u.clerk, body: cableIntake({ description: '长'.repeat(100_000) }) });
    expect(res.status).toBe(413);
    expect(isErrorBody(res.body)).toBe(true);
    expect(res.body.error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('answers 431 in the error format for headers over the server limit', async () => {
    const res = await fetch(`${stack.baseUrl}/api/v1/units`, { headers: { 'x-padding': 'p'.repeat(20_000) } }).catch(() => null);
    expect(res?.status).toBe(431);
    expect(isErrorBody(await res!.json())).toBe(true);
  });

  it('rate-limits per token (429 in the error format, with Retry-After), and without a token per address', async () => {
    const base = await dedicatedApp({ rateLimitPerMinute: 3 });
    const clerk = await bearer(u.clerk);
    const statuses: number[] = [];
    let last: Response | null = null;
    for (let i = 0; i < 5; i++) {
      last = await fetch(`${base}/api/v1/units`, { headers: clerk });
      statuses.push(last.status);
    }
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    const body = (await last!.json()) as any;
    expect(isErrorBody(body)).toBe(true);
    expect(body.error.code).toBe('RATE_LIMITED');
    expect(Number(last!.headers.get('retry-after'))).toBeGreaterThan(0);
    // Another token has its own budget.
    expect((await fetch(`${base}/api/v1/units`, { headers: await bearer(u.grid) })).status).toBe(200);
    // No token: counted by address, so guessing at tokens is limited as well.
    const anonymous: number[] = [];
    for (let i = 0; i < 4; i++) anonymous.push((await fetch(`${base}/api/v1/units`)).status);
    expect(anonymous).toEqual([401, 401, 401, 429]);
  });
});

describe('strict input and no internals', () => {
  it('refuses unknown query parameters on a route that declares none, and on the alert stream', async () => {
    const units = await stack.call('GET', '/api/v1/units?debug=1', { as: u.clerk });
    expect(units.status).toBe(400);
    expect(units.body.error.details.map((d: { field: string }) => d.field)).toEqual(['query.debug']);
    const stream = await stack.call('GET', '/api/v1/alerts/stream?x=1', { as: u.supervisorCity });
    expect(stream.status).toBe(400);
    expect(isErrorBody(stream.body)).toBe(true);
  });

  it('answers a path that is not valid percent-encoding with 400, not 500', async () => {
    const res = await stack.call('GET', '/api/v1/cases/%E0%A4%A', { as: u.clerk });
    expect(res.status).toBe(400);
    expect(isErrorBody(res.body)).toBe(true);
    expect(JSON.stringify(res.body)).not.toContain('%E0');
  });

  it('answers a URL the router cannot parse with 400 in the error format, not Express’s HTML page (found by the fuzz test)', async () => {
    const { port } = new URL(stack.baseUrl);
    // fetch would normalise this URL; a raw request sends it as the fuzz test did.
    const answer = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: Number(port), path: '/\\*|@#?%E0%A4%A', method: 'GET' }, (res) => {
        let text = '';
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      });
      req.on('error', reject);
      req.end();
    });
    expect(answer.status).toBe(400);
    expect(isErrorBody(JSON.parse(answer.text))).toBe(true);
  });

  it('answers an internal failure with a bare 500: no message, no stack', async () => {
    const secret = 'password=hunter2 at Object.<anonymous> (/work/main/db/connection.ts:12:3)';
    const broken = () => {
      throw new Error(secret);
    };
    const base = await dedicatedApp({ db: Object.assign(broken, { raw: broken }) });
    const res = await fetch(`${base}/api/v1/units`, { headers: { authorization: 'Bearer jsu_anything' } });
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(JSON.parse(text)).toEqual({ error: { code: 'INTERNAL', message: '服务器内部错误', details: [] } });
    expect(text).not.toContain('hunter2');
    expect(text).not.toMatch(/\bat \w|\.ts:\d/);
  });
});

describe('trust proxy', () => {
  it('takes the client address from X-Forwarded-For only when TRUST_PROXY says so', async () => {
    const plain = await dedicatedApp();
    const proxied = await dedicatedApp({ trustProxy: 'loopback' });
    const marker = `/api/v1/cases/${Date.now()}99/accept`;
    for (const base of [plain, proxied]) {
      await fetch(`${base}${marker}`, { method: 'POST', headers: { 'x-forwarded-for': '203.0.113.7', authorization: 'Bearer jsu_nobody' } });
    }
    const caseId = marker.split('/')[4];
    const rows = await waitFor(async () => {
      const found = await stack.db('audit_log').where({ case_id: caseId }).orderBy('id');
      return found.length === 2 ? found : null;
    });
    expect(rows.map((r) => [r.status, r.ip])).toEqual([
      [401, '127.0.0.1'],
      [401, '203.0.113.7'],
    ]);
  });
});

describe('tokens', () => {
  it('are issued with an expiry by POST /users, listed without secrets or hashes, and stop working once revoked', async () => {
    const username = `token-${Date.now()}`;
    const created = await stack.call('POST', '/api/v1/users', { as: u.admin, body: { username, displayName: '令牌测试', role: 'clerk', jurisdictionId: demo.cityId } });
    expect(created.status).toBe(201);
    const { token, tokenId, tokenExpiresAt } = created.body;
    expect(token).toMatch(/^jsu_[A-Za-z0-9_-]{40,}$/);
    const days = (Date.parse(tokenExpiresAt) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(89.9);
    expect(days).toBeLessThanOrEqual(90);
    // Stored hashed: the secret is nowhere in the database.
    const row = await stack.db('api_tokens').where({ id: tokenId }).first();
    expect(JSON.stringify(row)).not.toContain(token);
    expect(row.token_hash).toMatch(/^[0-9a-f]{64}$/);

    expect((await stack.call('GET', '/api/v1/units', { token })).status).toBe(200);
    const listed = await stack.call('GET', `/api/v1/users/${username}/tokens`, { as: u.admin });
    expect(listed.status).toBe(200);
    expect(listed.body.items).toHaveLength(1);
    expect(listed.body.items[0]).toMatchObject({ id: tokenId, active: true, revokedAt: null, expiresAt: tokenExpiresAt });
    expect(listed.body.items[0].lastUsedAt).not.toBeNull();
    expect(Object.keys(listed.body.items[0]).sort()).toEqual(['active', 'createdAt', 'expiresAt', 'id', 'label', 'lastUsedAt', 'revokedAt', 'userId']);
    expect(JSON.stringify(listed.body)).not.toContain(row.token_hash);
    expect(JSON.stringify(listed.body)).not.toContain(token);

    const revoked = await stack.call('DELETE', `/api/v1/tokens/${tokenId}`, { as: u.admin });
    expect(revoked.status).toBe(200);
    expect(revoked.body.token).toMatchObject({ id: tokenId, active: false });
    const after = await stack.call('GET', '/api/v1/units', { token });
    expect(after.status).toBe(401);
    expect(after.body.error.code).toBe('UNAUTHORIZED');
    // Revoking again is harmless; an unknown id is a 404, a malformed one a 400.
    expect((await stack.call('DELETE', `/api/v1/tokens/${tokenId}`, { as: u.admin })).status).toBe(200);
    expect((await stack.call('DELETE', '/api/v1/tokens/00000000-0000-4000-8000-000000000000', { as: u.admin })).status).toBe(404);
    expect((await stack.call('DELETE', '/api/v1/tokens/not-a-uuid', { as: u.admin })).status).toBe(400);
    expect((await stack.call('GET', '/api/v1/users/nobody-here/tokens', { as: u.admin })).status).toBe(404);
  });

  it('an expired token is refused with 401', async () => {
    const user = await getUserByUsername(stack.db, u.clerk);
    const { token } = await issueToken(stack.db, user!.id, { label: 'expired', expiresAt: new Date(Date.now() - 1000) });
    const res = await stack.call('GET', '/api/v1/units', { token });
    expect(res.status).toBe(401);
    expect(res.body.error.message).toContain('过期');
  });

  it('TOKEN_TTL_DAYS and RATE_LIMIT_PER_MINUTE have safe defaults', () => {
    const env = loadEnv({});
    expect(env.TOKEN_TTL_DAYS).toBe(90);
    expect(env.RATE_LIMIT_PER_MINUTE).toBe(600);
    expect(() => loadEnv({ RATE_LIMIT_PER_MINUTE: '0' })).toThrow(/RATE_LIMIT_PER_MINUTE/);
  });
});
