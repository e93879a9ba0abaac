import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { Client, Connection } from '@temporalio/client';
import { createApp } from '../../api/app';
import { toApiError } from '../../api/errors';
import { CaseGateway } from '../../api/case-gateway';
import { AlertFeed } from '../../api/alert-feed';
import { ProjectionWatch } from '../../api/projection-watch';
import { createClockActivities } from '../../activities/clocks';
import { defaultOfficeHoursText, parseOfficeHours } from '../../workflows/domain/calendar/deadline-arithmetic';
import { createLogger } from '../../config/logger';
import { createDb, Db } from '../../db/connection';
import { demo } from '../../db/seeds/demo-city';
import { getUserByUsername, issueToken } from '../../db/queries/users';
import { cableIntake } from '../support/fixtures';
import { requireEnv } from '../support/stack';

// Port 1 on loopback: nothing listens there, so every call is refused at once.
const deadTemporal = '127.0.0.1:1';
const deadPostgres = 'postgres://postgres@127.0.0.1:1/jiesu';

async function serve(db: Db, temporalAddress: string): Promise<{ url: string; close: () => Promise<void> }> {
  const connection = Connection.lazy({ address: temporalAddress });
  const log = createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent', name: 'test' });
  const projections = new ProjectionWatch(db, requireEnv('DATABASE_URL'), log);
  const planner = createClockActivities({ db, officeHours: parseOfficeHours(defaultOfficeHoursText) });
  const gateway = new CaseGateway(new Client({ connection }), { taskQueue: 'nowhere', timeoutMs: 3000, projections, planner });
  const app = createApp({ db, gateway, log, alertFeed: new AlertFeed(requireEnv('DATABASE_URL'), log) });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      projections.close();
      await connection.close().catch(() => undefined);
    },
  };
}

describe('when a dependency is down, the API answers 503 and writes nothing', () => {
  let db: Db;
  beforeAll(() => {
    db = createDb(requireEnv('DATABASE_URL'), { max: 2 });
  });
  afterAll(() => db.destroy());

  it('when Temporal is unreachable, then intake is 503, no case row is written, and /readyz says which part is down', async () => {
    const app = await serve(db, deadTemporal);
    try {
      const clerk = await getUserByUsername(db, demo.users.clerk);
      const { token } = await issueToken(db, clerk!.id, { label: 'test' });
      const title = `Temporal 停机测试 ${Date.now()}`;
      const res = await fetch(`${app.url}/api/v1/cases`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(cableIntake({ title })),
      });
      expect(res.status).toBe(503);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('UNAVAILABLE');
      expect(await db('cases').where({ title }).first()).toBeUndefined();
      const ready = await fetch(`${app.url}/readyz`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toMatchObject({ postgres: 'ok', temporal: 'down' });
    } finally {
      await app.close();
    }
  });

  it('when PostgreSQL is unreachable, then requests are 503 (not 500) and /healthz still answers', async () => {
    const deadDb = createDb(deadPostgres, { max: 1 });
    const app = await serve(deadDb, requireEnv('TEMPORAL_ADDRESS'));
    try {
      const res = await fetch(`${app.url}/api/v1/cases`, { headers: { authorization: 'Bearer jsu_whatever' } });
      expect(res.status).toBe(503);
      expect(((await res.json()) as { error: { message: string } }).error.message).toContain('数据库');
      expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
      expect(await (await fetch(`${app.url}/readyz`)).json()).toMatchObject({ postgres: 'down', temporal: 'ok' });
    } finally {
      await app.close();
      await deadDb.destroy();
    }
  });
});

describe('a PostgreSQL server killed in the middle of a query', () => {
  it('is a 503 to retry, not a 500 (pg gives that error no code, only its message)', () => {
    const error = toApiError(new Error('Connection terminated unexpectedly'));
    expect({ status: error.status, code: error.code }).toEqual({ status: 503, code: 'UNAVAILABLE' });
  });
});
