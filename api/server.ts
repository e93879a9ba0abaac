import { Client, Connection } from '@temporalio/client';
import { EnvError, loadEnv, requirePayloadKeys } from '../config/env';
import { dataConverterFor } from '../config/payload-codec';
import { createLogger } from '../config/logger';
import { createDb } from '../db/connection';
import { createApp } from './app';
import { answerClientErrors, parseOrigins } from './security';
import { parseOfficeHours } from '../workflows/domain/calendar/deadline-arithmetic';
import { AlertFeed } from './alert-feed';
import { CaseGateway } from './case-gateway';
import { ProjectionWatch } from './projection-watch';
import { createClockActivities } from '../activities/clocks';
import { claimNamespace, databaseLabel } from '../config/namespace-owner';
import { databaseInstanceId } from '../db/queries/instance';

/** The API process: `node --import tsx api/server.ts` (or `node dist/api/server.js` in the image). */
async function main(): Promise<void> {
  const env = loadEnv();
  const log = createLogger({ level: env.LOG_LEVEL, name: 'api' });
  if (!env.DATABASE_URL || !env.TEMPORAL_ADDRESS) {
    throw new EnvError('API 需要 DATABASE_URL 和 TEMPORAL_ADDRESS（npm start 会自动设置）');
  }
  const dataConverter = dataConverterFor(requirePayloadKeys(env, 'API'));
  const db = createDb(env.DATABASE_URL);
  const connection = await Connection.connect({ address: env.TEMPORAL_ADDRESS });
  // Before serving: a namespace that belongs to another jiesu database is refused (config/namespace-owner.ts).
  const claim = await claimNamespace(connection.workflowService, env.TEMPORAL_NAMESPACE, { id: await databaseInstanceId(db), label: databaseLabel(env.DATABASE_URL) });
  if (claim === 'unrecorded') log.warn({ namespace: env.TEMPORAL_NAMESPACE }, '命名空间不允许记录所属数据库，未能防止串库 (namespace owner not recorded)');
  const client = new Client({ connection, namespace: env.TEMPORAL_NAMESPACE, dataConverter });
  const officeHours = parseOfficeHours(env.OFFICE_HOURS);
  const projections = new ProjectionWatch(db, env.DATABASE_URL, log);
  const planner = createClockActivities({ db, officeHours });
  const gateway = new CaseGateway(client, { taskQueue: env.TEMPORAL_TASK_QUEUE, timeoutMs: env.WORKFLOW_CALL_TIMEOUT_MS, projections, planner });
  const alertFeed = new AlertFeed(env.DATABASE_URL, log);
  const app = createApp({
    db,
    gateway,
    log,
    alertFeed,
    trustProxy: env.TRUST_PROXY,
    officeHours,
    corsOrigins: parseOrigins(env.CORS_ORIGINS),
    rateLimitPerMinute: env.RATE_LIMIT_PER_MINUTE,
    tokenTtlDays: env.TOKEN_TTL_DAYS,
    codec: { codec: dataConverter.payloadCodecs[0]!, namespace: env.TEMPORAL_NAMESPACE, corsOrigins: parseOrigins(env.CODEC_CORS_ORIGINS) },
  });
  const server = app.listen(env.PORT, env.HOST, () => log.info({ port: env.PORT, host: env.HOST }, 'API listening'));
  answerClientErrors(server);

  const stop = (signal: string) => {
    log.info({ signal }, 'API stopping');
    alertFeed.close();
    projections.close();
    server.close(() => {
      void Promise.all([db.destroy(), connection.close()]).finally(() => process.exit(0));
    });
    setTimeout(() => process.exit(0), 5000).unref();
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err) => {
  console.error(err instanceof EnvError ? err.message : err);
  process.exit(1);
});
