/**
 * `npm start`: brings up Temporal, PostgreSQL, the worker and the API, prints where each is, and stops them
 * in reverse order on Ctrl-C. Every part can be replaced by an existing one (TEMPORAL_ADDRESS, DATABASE_URL).
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Connection } from '@temporalio/client';
import { Env, EnvError, loadEnv } from '../config/env';
import { createDb, migrateLatest } from '../db/connection';
import { seedDemoCity } from '../db/seeds/demo-city';
import { maskDatabaseUrl, PostgresHandle, resolvePostgres } from './stack/postgres';
import { findOrBuildTemporalCli } from './stack/temporal-cli';
import { stackPayloadKeys } from './stack/payload-keys';
import { checkTemporal, portAnswers, startTemporalDevServer, TemporalHandle } from './stack/temporal-server';
import { startTsChild, stopChild } from './stack/children';
import { seconds, summaryBox } from './stack/summary';
import { Supervisor } from './stack/supervisor';
import { onStopSignals } from './stack/stop-signals';

const root = path.resolve(__dirname, '..');

function say(line: string): void {
  process.stdout.write(`[stack] ${line}\n`);
}

/**
 * `npm start -- --supervise` (or JIESU_SUPERVISE=1): a crashed worker or API is restarted with back-off.
 * Without it a dying child ends the whole stack, so a crash at start-up is seen at once, not retried.
 */
let supervising = false;

/** The launcher's state, so that a signal at any moment stops exactly what has been started. */
const stack: { temporal?: TemporalHandle; postgres?: PostgresHandle; worker?: Supervisor; api?: Supervisor } = {};
let shuttingDown = false;

async function shutdown(code: number, why: string): Promise<never> {
  if (!shuttingDown) {
    shuttingDown = true;
    say(`${why}；正在停止 (stopping): API → worker → Temporal → PostgreSQL ...`);
    const started = Date.now();
    const steps: [string, () => Promise<void>][] = [
      ['api', async () => stack.api && (await stack.api.stop((c) => stopChild(c, 10_000, say)))],
      // The worker drains in-flight activities before it exits; give it time.
      ['worker', async () => stack.worker && (await stack.worker.stop((c) => stopChild(c, 30_000, say)))],
      ['temporal', async () => stack.temporal && (await stack.temporal.stop())],
      ['postgres', async () => stack.postgres && (await stack.postgres.stop())],
    ];
    for (const [name, step] of steps) {
      try {
        await step();
      } catch (err) {
        say(`停止 ${name} 时出错 (error stopping ${name}): ${(err as Error).message}`);
      }
    }
    say(`已全部停止，用时 ${seconds(started)} (all stopped)`);
    process.exit(code);
  }
  // A second caller waits for the first shutdown to finish.
  return new Promise<never>(() => undefined);
}

function killEverything(): void {
  for (const s of [stack.api, stack.worker]) s?.kill();
  stack.temporal?.kill();
  stack.postgres?.kill();
}


async function waitForApi(url: string, api: Supervisor, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (api.current.done && !supervising) throw new Error('API 进程已退出 (API process exited; see [api] lines above)');
    if (api.restarts >= 3) throw new Error('API 启动后反复退出 (API keeps exiting at start-up; see [api] lines above)');
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${url} ${timeoutMs / 1000} 秒内没有响应 (no answer in time)`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** True once some worker polls the task queue; a soft check (the summary prints either way). */
async function waitForWorker(address: string, env: Env, worker: Supervisor, timeoutMs: number): Promise<boolean> {
  const connection = await Connection.connect({ address });
  try {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline && !(worker.current.done && !supervising) && worker.restarts < 3) {
      const res = await connection.workflowService.describeTaskQueue({
        namespace: env.TEMPORAL_NAMESPACE,
        taskQueue: { name: env.TEMPORAL_TASK_QUEUE },
        taskQueueType: 1, // TASK_QUEUE_TYPE_WORKFLOW
      });
      if ((res.pollers ?? []).length > 0) return true;
      await new Promise((r) => setTimeout(r, 500));
    }
    return false;
  } finally {
    await connection.close();
  }
}

/** Where a browser on this machine reaches the API (a wildcard listen address is not one). */
const browserHost = (env: Env) => (env.HOST === '0.0.0.0' || env.HOST === '::' ? '127.0.0.1' : env.HOST);

async function resolveTemporal(env: Env): Promise<TemporalHandle> {
  if (env.TEMPORAL_ADDRESS) {
    say(`使用已有的 Temporal (using TEMPORAL_ADDRESS) ${env.TEMPORAL_ADDRESS} ...`);
    return checkTemporal(env.TEMPORAL_ADDRESS, env.TEMPORAL_NAMESPACE, say);
  }
  const cli = await findOrBuildTemporalCli(env, say);
  const started = Date.now();
  const handle = await startTemporalDevServer({
    cli,
    port: env.TEMPORAL_PORT,
    uiPort: env.TEMPORAL_UI_PORT,
    namespace: env.TEMPORAL_NAMESPACE,
    dataDir: path.resolve(root, env.DATA_DIR),
    log: say,
    // The UI asks the API to decrypt payloads (api/codec-endpoint.ts); without it, it shows ciphertext.
    uiCodecEndpoint: `http://${browserHost(env)}:${env.PORT}/codec`,
  });
  say(`Temporal 开发服务器已启动，用时 ${seconds(started)} (dev server up) on ${handle.address} (${cli})`);
  return handle;
}

function summary(env: Env, temporal: TemporalHandle, postgres: PostgresHandle, workerReady: boolean, since: number): string {
  const host = env.HOST === '0.0.0.0' || env.HOST === '::' ? '127.0.0.1' : env.HOST;
  const api = `http://${host}:${env.PORT}`;
  const rows: [string, string][] = [
    ['API', api],
    ['API 文档 (docs)', `${api}/docs`],
    ['Temporal', `${temporal.address}  namespace=${env.TEMPORAL_NAMESPACE}  task queue=${env.TEMPORAL_TASK_QUEUE}`],
    ['Temporal Web UI', temporal.uiUrl ?? '(外部服务器，见其部署 / external server: see its own UI)'],
    ['PostgreSQL', `${maskDatabaseUrl(postgres.url)}  (${postgres.detail})`],
    ['数据目录 (data)', path.resolve(root, env.DATA_DIR)],
    ['worker', workerReady ? '已连接任务队列 (polling)' : '仍在启动，见 [worker] 日志 (still starting; see [worker] lines)'],
    ...(supervising ? ([['监护 (supervise)', '崩溃即重启，退避 1s 起翻倍至 30s (restart with back-off)']] as [string, string][]) : []),
    ['令牌 (token)', 'npm run cli -- token admin'],
    ['停止 (stop)', 'Ctrl-C'],
  ];
  return summaryBox(`jiesu 接诉即办 开发环境已就绪，用时 ${seconds(since)} (dev stack ready)`, rows);
}

async function main(): Promise<void> {
  const since = Date.now();
  let env: Env;
  try {
    env = loadEnv();
  } catch (err) {
    if (err instanceof EnvError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
  try {
    const { values } = parseArgs({ args: process.argv.slice(2).filter((a) => a !== '--'), options: { supervise: { type: 'boolean', default: false } } });
    supervising = values.supervise! || env.JIESU_SUPERVISE;
  } catch (err) {
    console.error(`用法 (usage): npm start [-- --supervise]\n${(err as Error).message}`);
    process.exit(1);
  }
  onStopSignals({ say, shutdown, killEverything });
  // If the launcher dies without a clean shutdown, do not leave servers behind in their own process groups.
  process.on('exit', killEverything);

  if (await portAnswers(env.PORT, env.HOST === '0.0.0.0' ? '127.0.0.1' : env.HOST)) {
    throw new StartError(`端口 ${env.PORT} 已被占用 (PORT ${env.PORT} is in use); 请设置其他 PORT (set another PORT)`);
  }

  // Payload encryption key: PAYLOAD_KEYS, or one generated once and kept in the data folder.
  let payloadKeys: Awaited<ReturnType<typeof stackPayloadKeys>>;
  try {
    payloadKeys = await stackPayloadKeys(env, path.resolve(root, env.DATA_DIR));
  } catch (err) {
    throw new StartError((err as Error).message);
  }
  say(`载荷加密密钥 (payload encryption key): ${payloadKeys.source}`);

  // Both parts are independent, so they start side by side; each failure names its part.
  say('启动 Temporal 与 PostgreSQL (starting Temporal and PostgreSQL) ...');
  const [temporal, postgres] = await Promise.allSettled([
    resolveTemporal(env).then((h) => (stack.temporal = h)),
    resolvePostgres({ ...env, DATA_DIR: path.resolve(root, env.DATA_DIR) }, say).then((h) => (stack.postgres = h)),
  ]);
  const problems: string[] = [];
  if (temporal.status === 'rejected') problems.push(`Temporal 不可用 (Temporal unavailable):\n${(temporal.reason as Error).message}`);
  if (postgres.status === 'rejected') problems.push(`PostgreSQL 不可用 (PostgreSQL unavailable):\n${(postgres.reason as Error).message}`);
  if (problems.length) throw new StartError(problems.join('\n\n'));
  if (shuttingDown) return;
  const t = stack.temporal!;
  const pg = stack.postgres!;
  say(`PostgreSQL: ${maskDatabaseUrl(pg.url)} (${pg.detail})`);

  const migrated = Date.now();
  const db = createDb(pg.url, { max: 2 });
  try {
    await migrateLatest(db);
    await seedDemoCity(db);
  } catch (err) {
    throw new StartError(`数据库迁移或种子数据失败 (migrations or seed failed): ${(err as Error).message}`);
  } finally {
    await db.destroy();
  }
  say(`迁移与种子数据完成，用时 ${seconds(migrated)} (migrated and seeded)`);
  if (shuttingDown) return;

  const childEnv: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: pg.url,
    TEMPORAL_ADDRESS: t.address,
    TEMPORAL_NAMESPACE: env.TEMPORAL_NAMESPACE,
    TEMPORAL_TASK_QUEUE: env.TEMPORAL_TASK_QUEUE,
    PORT: String(env.PORT),
    HOST: env.HOST,
    PAYLOAD_KEYS: payloadKeys.value,
    // This stack's UI port, unless set: the UI's page calls /codec from its own origin.
    CODEC_CORS_ORIGINS: process.env.CODEC_CORS_ORIGINS || `http://127.0.0.1:${env.TEMPORAL_UI_PORT},http://localhost:${env.TEMPORAL_UI_PORT}`,
  };
  // Without --supervise a child that dies ends the stack (its last lines are on screen); with it, the child is
  // restarted after a back-off, as compose's `restart: unless-stopped` does.
  const supervise = (name: string, file: string) =>
    new Supervisor(name, () => startTsChild(name, file, childEnv), {
      restart: supervising,
      onStart: (child) => {
        if (supervising) return;
        void child.exited.then((how) => {
          if (!shuttingDown) void shutdown(1, `${name} 进程意外退出 (exited unexpectedly), ${how}`);
        });
      },
      onRestart: (e) => say(`${e.name} 意外退出 (${e.how})，${(e.delayMs / 1000).toFixed(0)}s 后第 ${e.restart} 次重启 (restarting after back-off)`),
    });
  stack.worker = supervise('worker', 'worker/main.ts');
  stack.api = supervise('api', 'api/server.ts');
  void t.exited.then((how) => {
    if (!shuttingDown) void shutdown(1, `Temporal 意外退出 (Temporal exited unexpectedly), ${how}`);
  });
  void pg.exited.then((how) => {
    if (!shuttingDown) void shutdown(1, `PostgreSQL 意外退出 (PostgreSQL exited unexpectedly), ${how}`);
  });

  const healthHost = env.HOST === '0.0.0.0' || env.HOST === '::' ? '127.0.0.1' : env.HOST;
  await waitForApi(`http://${healthHost}:${env.PORT}/healthz`, stack.api, 90_000);
  const workerReady = await waitForWorker(t.address, env, stack.worker, 60_000).catch(() => false);
  if (shuttingDown) return;
  console.log(summary(env, t, pg, workerReady, since));
}

/** A start-up failure whose message is the whole story (no stack trace needed). */
class StartError extends Error {}

if (require.main === module) {
  main().catch((err: unknown) => {
    if (shuttingDown) return;
    const message = err instanceof StartError ? err.message : err instanceof Error ? (err.stack ?? err.message) : String(err);
    console.error(`[stack] 启动失败 (start-up failed):\n${message}`);
    void shutdown(1, '启动失败 (start-up failed)');
  });
}
