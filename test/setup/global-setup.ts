/**
 * Once per `npm test` run: a real Temporal dev server (in memory, random port), a fresh PostgreSQL database
 * (migrated and seeded) and one workflow bundle, found or started through the same code as `npm start`.
 * Test files read TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, DATABASE_URL, JIESU_WORKFLOW_BUNDLE and PAYLOAD_KEYS.
 */
import { existsSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode } from '@temporalio/worker';
import { loadEnv } from '../../config/env';
import { caseSearchAttributes } from '../../config/search-attributes';
import { devServerSettingArgs, temporalServerSettings } from '../../config/temporal-server-settings';
import { failureConverterPath, newPayloadKeySetting } from '../../config/payload-codec';
import { createDb, migrateLatest } from '../../db/connection';
import { seedDemoCity } from '../../db/seeds/demo-city';
import { createDatabase, maskDatabaseUrl, resolvePostgres, withDatabase } from '../../scripts/stack/postgres';
import { findOrBuildTemporalCli } from '../../scripts/stack/temporal-cli';
import globalTeardown, { type TestRun } from './global-teardown';

const root = path.resolve(__dirname, '..', '..');

/** Read by test/workflows/continue-as-new.test.ts too. */
export const continueAsNewAfterEvents = 150;

function say(line: string): void {
  process.stderr.write(`[global-setup] ${line}\n`);
}

async function startTemporal(env: ReturnType<typeof loadEnv>, run: TestRun): Promise<void> {
  const cli = await findOrBuildTemporalCli(env, say);
  const started = Date.now();
  const testEnv = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: cli },
      ip: '127.0.0.1',
      namespace: env.TEMPORAL_NAMESPACE,
      searchAttributes: caseSearchAttributes.map((a) => a.key),
      log: { format: 'text', level: 'warn' },
      // The engine suggests continue-as-new at 4Ki events by default; at 150 the long cases of the suite, and
      // the test made for it, continue as new for real, so every path is proven across runs.
      extraArgs: devServerSettingArgs({ 'limit.historyCount.suggestContinueAsNew': continueAsNewAfterEvents, ...temporalServerSettings }),
    },
  });
  run.temporal = testEnv;
  process.env.TEMPORAL_ADDRESS = testEnv.address;
  process.env.TEMPORAL_NAMESPACE = testEnv.namespace ?? env.TEMPORAL_NAMESPACE;
  say(`Temporal ${testEnv.address} 已启动 (up) in ${Date.now() - started} ms`);
}

async function preparePostgres(env: ReturnType<typeof loadEnv>, run: TestRun): Promise<void> {
  // Tests never touch the developer's database: each run gets its own, dropped in teardown.
  const server = await resolvePostgres({ ...env, DATA_DIR: path.resolve(root, env.DATA_DIR) }, say, { createDatabase: false });
  run.postgres = server;
  const name = `jiesu_test_${Date.now()}_${process.pid}`;
  await createDatabase(server.url, name);
  run.database = { serverUrl: server.url, name };
  const url = withDatabase(server.url, name);
  const db = createDb(url, { max: 2 });
  try {
    await migrateLatest(db);
    await seedDemoCity(db);
  } finally {
    await db.destroy();
  }
  process.env.DATABASE_URL = url;
  say(`PostgreSQL ${maskDatabaseUrl(url)} (${server.detail})`);
}

async function bundleWorkflows(run: TestRun): Promise<void> {
  const entry = path.join(root, 'workflows', 'index.ts');
  if (!existsSync(entry)) {
    say(`未找到 ${entry}，跳过工作流打包 (no workflows entry; bundle skipped)`);
    return;
  }
  const started = Date.now();
  const { code } = await bundleWorkflowCode({
    workflowsPath: require.resolve(path.join(root, 'workflows')),
    // As the worker bundles it in production (dataConverterFor): failure messages are encrypted too.
    failureConverterPath,
    logger: quietLogger,
  });
  const file = path.join(os.tmpdir(), `jiesu-workflow-bundle-${process.pid}-${Date.now()}.js`);
  await fs.writeFile(file, code);
  run.bundleFile = file;
  process.env.JIESU_WORKFLOW_BUNDLE = file;
  say(`工作流已打包 (workflows bundled) in ${Date.now() - started} ms`);
}

/** webpack's info lines add nothing to test output; warnings and errors still show. */
const quietLogger = {
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: (m: string, meta?: unknown) => say(`bundle warning: ${m} ${meta ? JSON.stringify(meta) : ''}`),
  error: (m: string, meta?: unknown) => say(`bundle error: ${m} ${meta ? JSON.stringify(meta) : ''}`),
  log: () => undefined,
};

export default async function globalSetup(): Promise<void> {
  // First: a fresh payload key per run (never a developer's own PAYLOAD_KEYS), read by every test stack.
  process.env.PAYLOAD_KEYS = newPayloadKeySetting('test');
  const started = Date.now();
  const env = loadEnv({ ...process.env, NODE_ENV: 'test' });
  const run: TestRun = {};
  (globalThis as { __jiesuTestRun?: TestRun }).__jiesuTestRun = run;
  // The three are independent; together they take as long as the slowest (a first Temporal build, if any).
  const results = await Promise.allSettled([startTemporal(env, run), preparePostgres(env, run), bundleWorkflows(run)]);
  const failures = results.flatMap((r, i) =>
    r.status === 'rejected' ? [`${['Temporal', 'PostgreSQL', 'workflow bundle'][i]}: ${(r.reason as Error).message}`] : [],
  );
  if (failures.length) {
    // Jest does not run teardown when setup throws; clean up what did start.
    await globalTeardown();
    throw new Error(`测试环境准备失败 (test setup failed):\n${failures.join('\n')}`);
  }
  say(`就绪 (ready) in ${Date.now() - started} ms`);
}
