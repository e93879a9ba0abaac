/**
 * The audit trail: every write and every refused request is recorded (who, what, when, from where, how it
 * ended) without bodies or raw URLs; the table is append-only; admins query it, supervisors see the refused
 * attempts on the cases of their subtree.
 */
import { appendAudit } from '../../db/queries/audit';
import { createUser, issueToken } from '../../db/queries/users';
import { demo } from '../../db/seeds/demo-city';
import { startTestStack, type TestStack } from '../support/stack';
import { Cases, createOutOfScopeUsers, waitFor } from './support';

const { users: u } = demo;
let stack: TestStack;
let cases: Cases;
const stamp = Date.now();

beforeAll(async () => {
  stack = await startTestStack();
  cases = new Cases(stack, `审计-${stamp}`);
  await createOutOfScopeUsers(stack);
});
afterAll(async () => {
  await stack?.stop();
});

describe('audit_log is append-only', () => {
  it('refuses UPDATE, DELETE and TRUNCATE, whoever asks', async () => {
    const route = `/api/v1/append-only-${stamp}`;
    await appendAudit(stack.db, {
      userId: null, username: null, role: null, tokenId: null, ip: '192.0.2.1', method: 'POST', route,
      caseId: null, action: 'unknown', outcome: 'refused', status: 401, code: 'UNAUTHORIZED',
    });
    const row = await stack.db('audit_log').where({ route }).first();
    await expect(stack.db('audit_log').where({ id: row.id }).update({ status: 200, outcome: 'ok' })).rejects.toThrow(/append-only/);
    await expect(stack.db('audit_log').where({ id: row.id }).delete()).rejects.toThrow(/append-only/);
    await expect(stack.db.raw('truncate audit_log')).rejects.toThrow(/append-only/);
    expect(await stack.db('audit_log').where({ id: row.id }).first()).toEqual(row);
  });
});

describe('what is recorded', () => {
  it('writes and refusals with who, what, when, from where; successful reads and request bodies are not', async () => {
    const stranger = await createUser(stack.db, { username: `audit-liaison-${stamp}`, displayName: '审计测试联络员', role: 'liaison', unitId: demo.units.power });
    const strangerToken = (await issueToken(stack.db, stranger.id, { label: 'audit test' })).token;
    const started = new Date();

    const id = await cases.triage(); // POST /cases: ok 201
    const seen = await stack.call('GET', `/api/v1/cases/${id}`, { as: u.clerk }); // a read that succeeds: not recorded
    expect(seen.status).toBe(200);
    expect((await stack.call('GET', `/api/v1/cases/${id}`, { token: strangerToken })).status).toBe(403); // refused read
    expect((await stack.call('POST', `/api/v1/cases/${id}/accept`, { token: strangerToken, body: { note: '13800005678' } })).status).toBe(403);
    expect((await stack.call('GET', `/api/v1/cases/${id}?q=13800005678`, { token: 'jsu_not-a-token' })).status).toBe(401);
    expect((await stack.call('POST', `/api/v1/cases/${id}/escalate`, { as: u.dispatcherCommunity, body: { reason: 42 } })).status).toBe(400);
    expect((await stack.call('POST', `/api/v1/cases/${id}/withdraw`, { as: u.clerk, body: { reason: '诉求人撤回' } })).status).toBe(200);
    expect((await stack.call('POST', `/api/v1/cases/${id}/withdraw`, { as: u.clerk, body: { reason: '再次撤回' } })).status).toBe(409);

    const rows = await waitFor(async () => {
      const found = await stack.db('audit_log').where({ case_id: id }).orderBy('id');
      return found.length >= 7 ? found : null;
    });
    // Rows are written just after each answer, so two close together may land in either order: compare as a set.
    const brief = rows.map((r) => JSON.stringify([r.method, r.route, r.action, r.outcome, r.status, r.code, r.username])).sort();
    expect(brief).toEqual([
      ['POST', '/api/v1/cases', 'cases.open', 'ok', 201, null, u.clerk],
      ['GET', '/api/v1/cases/:id', 'cases.read', 'refused', 403, 'FORBIDDEN', stranger.username],
      ['POST', '/api/v1/cases/:id/accept', 'cases.accept', 'refused', 403, 'FORBIDDEN', stranger.username],
      ['GET', '/api/v1/cases/:id', 'cases.read', 'refused', 401, 'UNAUTHORIZED', null],
      ['POST', '/api/v1/cases/:id/escalate', 'cases.escalate', 'refused', 400, 'VALIDATION_FAILED', u.dispatcherCommunity],
      ['POST', '/api/v1/cases/:id/withdraw', 'cases.withdraw', 'ok', 200, null, u.clerk],
      ['POST', '/api/v1/cases/:id/withdraw', 'cases.withdraw', 'refused', 409, 'INVALID_STATE', u.clerk],
    ].map((r) => JSON.stringify(r)).sort());
    const refusedByStranger = rows.find((r) => r.action === 'cases.accept')!;
    expect(refusedByStranger).toMatchObject({ user_id: stranger.id, role: 'liaison', ip: '127.0.0.1' });
    expect(refusedByStranger.token_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(new Date(refusedByStranger.at).getTime()).toBeGreaterThanOrEqual(started.getTime() - 1000);
    expect(rows.find((r) => r.status === 401)).toMatchObject({ user_id: null, token_id: null, ip: '127.0.0.1' }); // a 401 has no user: where from, and what
    // Neither bodies nor query strings: nothing the citizen said or typed is kept.
    expect(JSON.stringify(rows)).not.toContain('13800005678');
    expect(rows.every((r) => !r.route.includes('?') && !r.route.includes(id))).toBe(true);
  });
});

describe('GET /api/v1/audit', () => {
  let id: string;
  let strangerId: string;

  beforeAll(async () => {
    const stranger = await createUser(stack.db, { username: `audit-q-${stamp}`, displayName: '审计查询测试', role: 'liaison', unitId: demo.units.heating });
    strangerId = stranger.id;
    const token = (await issueToken(stack.db, stranger.id, { label: 'audit query test' })).token;
    id = await cases.dispatchedToMobile();
    for (let i = 0; i < 3; i++) await stack.call('POST', `/api/v1/cases/${id}/accept`, { token, body: {} });
    await stack.call('POST', `/api/v1/cases/${id}/accept`, { as: u.liaisonMobile, body: {} });
    await waitFor(async () => ((await stack.db('audit_log').where({ case_id: id })).length >= 6 ? true : null));
  });

  it('gives admins the whole trail of a case, newest first, filtered and paged', async () => {
    const all = await stack.call('GET', `/api/v1/audit?caseId=${id}`, { as: u.admin });
    expect(all.status).toBe(200);
    expect(all.body.items.map((r: { action: string }) => r.action).sort()).toEqual([
      'cases.accept',
      'cases.accept',
      'cases.accept',
      'cases.accept',
      'cases.dispatch',
      'cases.open',
    ]);
    expect(all.body.nextCursor).toBeNull();
    const ids = all.body.items.map((r: { id: string }) => Number(r.id));
    expect([...ids].sort((a, b) => b - a)).toEqual(ids);

    const refused = await stack.call('GET', `/api/v1/audit?caseId=${id}&outcome=refused`, { as: u.admin });
    expect(refused.body.items).toHaveLength(3);
    const byUser = await stack.call('GET', `/api/v1/audit?userId=${strangerId}`, { as: u.admin });
    expect(byUser.body.items).toHaveLength(3);
    expect(byUser.body.items.every((r: { userId: string; code: string }) => r.userId === strangerId && r.code === 'FORBIDDEN')).toBe(true);

    const first = await stack.call('GET', `/api/v1/audit?caseId=${id}&limit=4`, { as: u.admin });
    expect(first.body.items).toHaveLength(4);
    expect(first.body.nextCursor).toBe(first.body.items[3].id);
    const second = await stack.call('GET', `/api/v1/audit?caseId=${id}&limit=4&cursor=${first.body.nextCursor}`, { as: u.admin });
    expect([...first.body.items, ...second.body.items]).toEqual(all.body.items);
    expect(second.body.nextCursor).toBeNull();

    const future = await stack.call('GET', `/api/v1/audit?caseId=${id}&from=2099-01-01T00:00:00Z`, { as: u.admin });
    expect(future.body.items).toEqual([]);
    const past = await stack.call('GET', `/api/v1/audit?caseId=${id}&to=2000-01-01T00:00:00Z`, { as: u.admin });
    expect(past.body.items).toEqual([]);
  });

  it('gives a supervisor only the refused attempts on cases of their subtree', async () => {
    const own = await stack.call('GET', `/api/v1/audit?caseId=${id}`, { as: u.supervisorStreet });
    expect(own.status).toBe(200);
    expect(own.body.items).toHaveLength(3);
    expect(own.body.items.every((r: { outcome: string }) => r.outcome === 'refused')).toBe(true);
    const elsewhere = await stack.call('GET', `/api/v1/audit?caseId=${id}`, { as: 'supervisor-donggang' });
    expect(elsewhere.body.items).toEqual([]);
    // Rows without a case (e.g. a 401 on /units) are not a supervisor's to see.
    const unscoped = await stack.call('GET', '/api/v1/audit?limit=500', { as: u.supervisorStreet });
    expect(unscoped.body.items.every((r: { caseId: string | null }) => r.caseId !== null)).toBe(true);
    const ok = await stack.call('GET', `/api/v1/audit?outcome=ok`, { as: u.supervisorStreet });
    expect(ok.status).toBe(403);
  });

  it('refuses bad filters with 400 and other roles with 403', async () => {
    for (const q of ['limit=0', 'limit=501', 'cursor=abc', 'outcome=maybe', 'userId=1', 'from=yesterday', 'body=1']) {
      const res = await stack.call('GET', `/api/v1/audit?${q}`, { as: u.admin });
      expect({ q, status: res.status }).toEqual({ q, status: 400 });
    }
    for (const as of [u.clerk, u.dispatcherCity, u.liaisonMobile, u.grid]) {
      expect((await stack.call('GET', '/api/v1/audit', { as })).status).toBe(403);
    }
  });
});
