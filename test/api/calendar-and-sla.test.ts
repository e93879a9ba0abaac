/**
 * Calendar, deadline calculator and SLA policies over HTTP, against the run's real PostgreSQL.
 * The database is shared with test files running in parallel: overrides go on dates nobody else uses
 * (2030, plus the 2027-02-08 case, removed at the end) and only the `complex` policy is edited, then restored.
 */
import { deleteCalendarOverride } from '../../db/queries/calendar';
import { startTestStack, TestStack } from '../support/stack';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  if (stack) {
    for (const date of ['2027-02-08', '2030-07-08', '2030-07-13']) await deleteCalendarOverride(stack.db, date);
    await stack.stop();
  }
});

const deadline = (from: string, duration: string, basis: string) =>
  stack.call('GET', `/api/v1/calendar/deadline?from=${encodeURIComponent(from)}&duration=${encodeURIComponent(duration)}&basis=${basis}`, { as: 'clerk' });
const fields = (res: { body: { error: { details: { field: string }[] } } }) => res.body.error.details.map((d) => d.field).sort();

describe('GET /api/v1/calendar/deadline', () => {
  it('answers with the working-day rule: Mid-autumn Friday + 5 working days → 10-09 17:30', async () => {
    // 2026-09-25 10:00 +08 is the Mid-autumn holiday; days 1–3 are 09-28…30, days 4–5 are 10-08 and 10-09.
    const res = await deadline('2026-09-25T02:00:00Z', 'P5D', 'working');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ from: '2026-09-25T02:00:00.000Z', duration: 'P5D', basis: 'working', deadline: '2026-10-09T09:30:00.000Z' });
    expect(res.body.remaining).toMatch(/^(剩余|已超时)/);
  });

  it('answers working hours from 17:25 and calendar hours 7×24', async () => {
    const triage = await deadline('2026-06-09T17:25:00+08:00', 'PT2H', 'working');
    expect(triage.body.deadline).toBe('2026-06-10T02:25:00.000Z');
    const urgent = await deadline('2026-10-01T23:00:00+08:00', 'PT2H', 'calendar');
    expect(urgent.body.deadline).toBe('2026-10-01T17:00:00.000Z');
  });

  it('counts from now when from is omitted', async () => {
    const before = Date.now();
    const res = await stack.call('GET', '/api/v1/calendar/deadline?duration=PT10M&basis=calendar', { as: 'dispatcher-city' });
    expect(res.status).toBe(200);
    expect(Date.parse(res.body.deadline) - before).toBeGreaterThanOrEqual(10 * 60_000);
    expect(res.body.remaining).toMatch(/^剩余 (10|9) 分钟$/);
  });

  it.each([
    ['from=yesterday&duration=P1D&basis=working', ['query.from']],
    ['from=1850-01-01T00:00:00Z&duration=P1D&basis=working', ['query.from']],
    ['from=2026-06-09T10:00:00Z&duration=P1M&basis=working', ['query.duration']],
    ['from=2026-06-09T10:00:00Z&duration=5 days&basis=working', ['query.duration']],
    ['from=2026-06-09T10:00:00Z&duration=P1D&basis=weekly', ['query.basis']],
    ['from=2026-06-09T10:00:00Z&basis=working', ['query.duration']],
    ['from=2026-06-09T10:00:00Z&duration=P1D&basis=working&tz=UTC', ['query.tz']],
  ])('400 naming the field for %s', async (qs, expected) => {
    const res = await stack.call('GET', `/api/v1/calendar/deadline?${qs.replace(/ /g, '%20')}`, { as: 'clerk' });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(fields(res)).toEqual(expected);
  });

  it('says why a month is refused, in Chinese', async () => {
    const res = await deadline('2026-06-09T10:00:00Z', 'P1M', 'working');
    expect(res.body.error.details[0].message).toMatch(/年或月/);
  });
});

describe('GET|PUT|DELETE /api/v1/calendar/:date', () => {
  it('shows the effective day and where it comes from', async () => {
    const makeUp = await stack.call('GET', '/api/v1/calendar/2026-10-10', { as: 'liaison-mobile' });
    expect(makeUp.status).toBe(200);
    expect(makeUp.body).toEqual({ date: '2026-10-10', kind: 'workday', source: 'library', note: '国庆节调休上班' });
    const sunday = await stack.call('GET', '/api/v1/calendar/2030-07-14', { as: 'clerk' });
    expect(sunday.body).toEqual({ date: '2030-07-14', kind: 'weekend', source: 'weekday-rule' });
    const bad = await stack.call('GET', '/api/v1/calendar/2026-02-30', { as: 'clerk' });
    expect(bad.status).toBe(400);
    expect(fields(bad)).toEqual(['path.date']);
  });

  it('an override PUT changes the next deadline answer; DELETE restores the library', async () => {
    // Fri 2030-07-05 10:00 +08 + 1 working day: Mon 07-08 17:30 — until Monday is made a holiday.
    const from = '2030-07-05T02:00:00Z';
    expect((await deadline(from, 'P1D', 'working')).body.deadline).toBe('2030-07-08T09:30:00.000Z');

    const put = await stack.call('PUT', '/api/v1/calendar/2030-07-08', { as: 'admin', body: { kind: 'holiday', note: '测试放假' } });
    expect(put.status).toBe(200);
    const admin = await stack.db('users').where({ username: 'admin' }).first('id');
    expect(put.body).toMatchObject({ date: '2030-07-08', kind: 'holiday', source: 'override', note: '测试放假', updatedBy: admin.id });
    expect((await stack.call('GET', '/api/v1/calendar/2030-07-08', { as: 'clerk' })).body).toMatchObject({ kind: 'holiday', source: 'override' });
    expect((await deadline(from, 'P1D', 'working')).body.deadline).toBe('2030-07-09T09:30:00.000Z');

    // A Saturday made a workday counts too: Fri 07-12 + 1 working day → Sat 07-13.
    await stack.call('PUT', '/api/v1/calendar/2030-07-13', { as: 'admin', body: { kind: 'workday' } });
    expect((await deadline('2030-07-12T02:00:00Z', 'P1D', 'working')).body.deadline).toBe('2030-07-13T09:30:00.000Z');

    const removed = await stack.call('DELETE', '/api/v1/calendar/2030-07-08', { as: 'admin' });
    expect(removed.status).toBe(200);
    expect(removed.body).toEqual({ date: '2030-07-08', kind: 'workday', source: 'weekday-rule' });
    expect((await deadline(from, 'P1D', 'working')).body.deadline).toBe('2030-07-08T09:30:00.000Z');
    expect((await stack.call('DELETE', '/api/v1/calendar/2030-07-08', { as: 'admin' })).status).toBe(404);
  });

  it('2027-02-08, in Spring Festival, is a workday to the library until an admin overrides it', async () => {
    const from = '2027-02-05T02:00:00Z'; // Friday 10:00 +08, 1 working day
    expect((await stack.call('GET', '/api/v1/calendar/2027-02-08', { as: 'clerk' })).body).toEqual({
      date: '2027-02-08',
      kind: 'workday',
      source: 'weekday-rule',
    });
    expect((await deadline(from, 'P1D', 'working')).body.deadline).toBe('2027-02-08T09:30:00.000Z');
    try {
      const put = await stack.call('PUT', '/api/v1/calendar/2027-02-08', { as: 'admin', body: { kind: 'holiday', note: '春节' } });
      expect(put.status).toBe(200);
      expect((await deadline(from, 'P1D', 'working')).body.deadline).toBe('2027-02-09T09:30:00.000Z');
    } finally {
      await stack.call('DELETE', '/api/v1/calendar/2027-02-08', { as: 'admin' });
    }
  });

  it('only an admin may write; the body is strict', async () => {
    for (const as of ['clerk', 'supervisor-city', 'dispatcher-city']) {
      expect((await stack.call('PUT', '/api/v1/calendar/2030-07-10', { as, body: { kind: 'holiday' } })).status).toBe(403);
      expect((await stack.call('DELETE', '/api/v1/calendar/2030-07-10', { as })).status).toBe(403);
    }
    const bad = await stack.call('PUT', '/api/v1/calendar/2030-07-10', { as: 'admin', body: { kind: 'vacation', reason: 'x' } });
    expect(bad.status).toBe(400);
    expect(fields(bad)).toEqual(['kind', 'reason']);
    const badDate = await stack.call('PUT', '/api/v1/calendar/30-07-10', { as: 'admin', body: { kind: 'holiday' } });
    expect(fields(badDate)).toEqual(['path.date']);
    expect((await stack.call('GET', '/api/v1/calendar/2030-07-10', { as: 'clerk' })).body.source).toBe('weekday-rule');
  });
});

describe('GET|PUT /api/v1/sla-policies', () => {
  it('lists the four classes with the defaults of DOMAIN.md §5 to everyone (reference data)', async () => {
    const res = await stack.call('GET', '/api/v1/sla-policies', { as: 'supervisor-city' });
    expect(res.status).toBe(200);
    expect(res.body.items.map((p: { slaClass: string }) => p.slaClass)).toEqual(['urgent', 'utility', 'general', 'complex']);
    const general = res.body.items.find((p: { slaClass: string }) => p.slaClass === 'general');
    expect(general).toMatchObject({ triage: 'PT2H', respond: 'P1D', resolve: 'P5D', callback: 'P3D', warnAt: 0.8, basis: 'working', callbackBasis: 'working' });
    expect((await stack.call('GET', '/api/v1/sla-policies/urgent', { as: 'dispatcher-city' })).body).toMatchObject({ resolve: 'PT2H', basis: 'calendar' });
    expect((await stack.call('GET', '/api/v1/sla-policies', { as: 'clerk' })).status).toBe(200);
    expect((await stack.call('PUT', '/api/v1/sla-policies/general', { as: 'clerk', body: general })).status).toBe(403);
  });

  it('an admin edits complex (seconds allowed for drills); GET returns it with updatedBy; restored after', async () => {
    const original = (await stack.call('GET', '/api/v1/sla-policies/complex', { as: 'admin' })).body;
    expect(original).toMatchObject({ slaClass: 'complex', resolve: 'P15D', basis: 'working' });
    const admin = await stack.db('users').where({ username: 'admin' }).first('id');
    try {
      const edited = { triage: 'PT30S', respond: 'PT1M', resolve: 'P1DT2H', callback: 'P2D', warnAt: 0.75, basis: 'calendar' };
      const put = await stack.call('PUT', '/api/v1/sla-policies/complex', { as: 'admin', body: edited });
      expect(put.status).toBe(200);
      // repeatOverdue and callbackBasis omitted → the class default and working days.
      expect(put.body).toMatchObject({ ...edited, slaClass: 'complex', repeatOverdue: 'P1D', callbackBasis: 'working', updatedBy: admin.id });
      expect(Date.parse(put.body.updatedAt)).not.toBeNaN();
      const got = await stack.call('GET', '/api/v1/sla-policies/complex', { as: 'supervisor-city' });
      expect(got.body).toEqual(put.body);
    } finally {
      const { triage, respond, resolve, callback, repeatOverdue, warnAt, basis, callbackBasis } = original;
      const restored = await stack.call('PUT', '/api/v1/sla-policies/complex', {
        as: 'admin',
        body: { triage, respond, resolve, callback, repeatOverdue, warnAt, basis, callbackBasis },
      });
      expect(restored.status).toBe(200);
    }
    expect((await stack.call('GET', '/api/v1/sla-policies/complex', { as: 'admin' })).body).toMatchObject({ resolve: 'P15D', triage: 'P1D', basis: 'working' });
  });

  it('400 naming each bad field; unknown class names path.slaClass; non-admins get 403', async () => {
    const unknown = await stack.call('GET', '/api/v1/sla-policies/mega', { as: 'admin' });
    expect(unknown.status).toBe(400);
    expect(fields(unknown)).toEqual(['path.slaClass']);

    const bad = await stack.call('PUT', '/api/v1/sla-policies/complex', {
      as: 'admin',
      body: { triage: 'P1M', respond: '1 day', resolve: 'PT0S', warnAt: 0, basis: 'weekly', callbackBasis: 'lunar', priority: 1 },
    });
    expect(bad.status).toBe(400);
    expect(fields(bad)).toEqual(['basis', 'callback', 'callbackBasis', 'priority', 'resolve', 'respond', 'triage', 'warnAt']);
    const tooPrecise = await stack.call('PUT', '/api/v1/sla-policies/complex', {
      as: 'admin',
      body: { triage: 'P1D', respond: 'P1D', resolve: 'P15D', callback: 'P3D', warnAt: 1.5, basis: 'working' },
    });
    expect(fields(tooPrecise)).toEqual(['warnAt']);

    const body = { triage: 'P1D', respond: 'P1D', resolve: 'P15D', callback: 'P3D', warnAt: 0.8, basis: 'working' };
    for (const as of ['supervisor-city', 'dispatcher-city', 'clerk']) {
      expect((await stack.call('PUT', '/api/v1/sla-policies/complex', { as, body })).status).toBe(403);
    }
    expect((await stack.call('GET', '/api/v1/sla-policies/complex', { as: 'admin' })).body.resolve).toBe('P15D');
  });
});

describe('OpenAPI', () => {
  it('documents the calendar and SLA routes', async () => {
    const res = await stack.call('GET', '/openapi.json');
    for (const p of ['/api/v1/calendar/deadline', '/api/v1/calendar/{date}', '/api/v1/sla-policies', '/api/v1/sla-policies/{slaClass}']) {
      expect(Object.keys(res.body.paths)).toContain(p);
    }
    expect(res.body.paths['/api/v1/sla-policies/{slaClass}'].put).toBeDefined();
    expect(res.body.components.schemas.SlaPolicyRequest.additionalProperties).toBe(false);
  });
});
