/**
 * `npm run topology`: the production shape on this machine, without Docker. The real Temporal server on
 * PostgreSQL (its two databases created and migrated on the server in use), the namespace and search
 * attributes registered, two workers and two API replicas on their own ports, each restarted with back-off
 * when it crashes; Ctrl-C stops the APIs, the workers, Temporal and an embedded PostgreSQL, in that order.
 *
 *   npm run topology [-- --workers 2 --apis 2 --shards 4 --no-seed]
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Env, EnvError, loadEnv } from '../config/env';
import { stackPayloadKeys } from './stack/payload-keys';
import { maskDatabaseUrl, PostgresHandle, resolvePostgres } from './stack/postgres';
import { seconds, summaryBox } from './stack/summary';
import { defaultBackoff } from './stack/supervisor';
import { findOrBuildServerBinaries, TEMPORAL_SERVER_VERSION } from './stack/temporal-server-binaries';
import { portsFrom } from './stack/temporal-server-config';
import { portAnswers } from './stack/temporal-server';
import { killParts, newParts, reachableHost, startTopology, stopParts, Topology, TopologyParts } from './stack/topology';
import { onStopSignals } from './stack/stop-signals';

const root = path.resolve(__dirname, '..');

function say(line: string): void {
  process.stdout.write(`[topology] ${line}\n`);
}

/** A start-up failure whose message is the whole story (no stack trace needed). */
class StartError extends Error {}

export interface TopologyArgs {
  workers: number;
  apis: number;
  shards: number;
  seed: boolean;
}

export function parseTopologyArgs(argv: string[]): TopologyArgs {
  const { values } = parseArgs({
    args: argv,
    options: {
      workers: { type: 'string', default: '2' },
      apis: { type: 'string', default: '2' },
      shards: { type: 'string', default: '4' },
      'no-seed': { type: 'boolean', default: false },
    },
  });
  const count = (name: string, text: string, max: number) => {
    const n = Number(text);
    if (!Number.isInteger(n) || n < 1 || n > max) throw new StartError(`--${name} 须为 1 到 ${max} 的整数 (must be an integer from 1 to ${max}): ${text}`);
    return n;
  };
  return {
    workers: count('workers', values.workers!, 16),
    apis: count('apis', values.apis!, 16),
    shards: count('shards', values.shards!, 16384),
    seed: !values['no-seed'],
  };
}

const state: { topology?: Topology; parts: TopologyParts; postgres?: PostgresHandle } = { parts: newParts() };
let shuttingDown = false;

async function shutdown(code: number, why: string): Promise<never> {
  if (!shuttingDown) {
    shuttingDown = true;
    say(`${why}；正在停止 (stopping): API → worker → Temporal → PostgreSQL ...`);
    const started = Date.now();
    for (const [name, step] of [
      ['topology', async () => stopParts(state.parts, say)],
      ['postgres', async () => state.postgres?.stop()],
    ] as const) {
      try {
        await step();
      } catch (err) {
        say(`停止 ${name} 时出错 (error stopping ${name}): ${(err as Error).message}`);
      }
    }
    say(`已全部停止，用时 ${seconds(started)} (all stopped)`);
    process.exit(code);
  }
  return new Promise<never>(() => undefined);
}

function killEverything(): void {
  killParts(state.parts);
  state.postgres?.kill();
}


function summary(env: Env, args: TopologyArgs, t: Topology, pg: PostgresHandle, since: number): string {
  return summaryBox(`jiesu 接诉即办 生产形态已就绪，用时 ${seconds(since)} (production topology ready)`, [
    ['API', t.apiUrls.join('  ')],
    ['API 文档 (docs)', `${t.apiUrls[0]}/docs`],
    ['Temporal', `${t.temporal.address}  namespace=${env.TEMPORAL_NAMESPACE}  task queue=${env.TEMPORAL_TASK_QUEUE}`],
    ['Temporal 服务器', `${TEMPORAL_SERVER_VERSION}，PostgreSQL 持久化，${args.shards} 个历史分片 (history shards)`],
    ['Temporal 数据库', `${env.TEMPORAL_DATABASE}, ${env.TEMPORAL_VISIBILITY_DATABASE}`],
    ['PostgreSQL', `${maskDatabaseUrl(pg.url)}  (${pg.detail})`],
    ['worker', `${args.workers} 个 (processes)，${t.workersPolling ? '均已连接任务队列 (polling)' : '仍在启动，见 [worker-N] 日志 (still starting)'}`],
    ['监护 (supervise)', `崩溃即重启，退避 ${defaultBackoff.initialMs / 1000}s 起翻倍至 ${defaultBackoff.maxMs / 1000}s (restart with back-off)`],
    ['令牌 (token)', `DATABASE_URL=${maskDatabaseUrl(pg.url)} npm run cli -- token admin`],
    ['停止 (stop)', 'Ctrl-C'],
  ]);
}

async function main(): Promise<void> {
  const since = Date.now();
  const env = loadEnv();
  const args = parseTopologyArgs(process.argv.slice(2).filter((a) => a !== '--'));
  onStopSignals({ say, shutdown, killEverything });
  process.on('exit', killEverything);
  if (env.TEMPORAL_ADDRESS) say(`忽略 TEMPORAL_ADDRESS=${env.TEMPORAL_ADDRESS}：生产形态启动自己的 Temporal 服务器 (ignored: the topology runs its own server)`);

  if (env.TEMPORAL_PORT + 8 > 32767) {
    throw new StartError(`TEMPORAL_PORT=${env.TEMPORAL_PORT} 太大：服务器的 9 个端口须小于 32768 (the server's nine ports must stay below 32768)`);
  }
  const apiPorts = Array.from({ length: args.apis }, (_, i) => env.PORT + i);
  for (const port of apiPorts) {
    if (await portAnswers(port, reachableHost(env.HOST))) throw new StartError(`端口 ${port} 已被占用 (port ${port} is in use); API 副本使用 PORT 起的 ${args.apis} 个端口 (set another PORT)`);
  }
  const dataDir = path.resolve(root, env.DATA_DIR);
  const payloadKeys = await stackPayloadKeys(env, dataDir).catch((err: Error) => {
    throw new StartError(err.message);
  });
  say(`载荷加密密钥 (payload encryption key): ${payloadKeys.source}`);

  const [binaries, postgres] = await Promise.allSettled([
    findOrBuildServerBinaries(env, say),
    resolvePostgres({ ...env, DATA_DIR: dataDir }, say).then((h) => (state.postgres = h)),
  ]);
  const problems: string[] = [];
  if (binaries.status === 'rejected') problems.push(`Temporal 服务器不可用 (server unavailable):\n${(binaries.reason as Error).message}`);
  if (postgres.status === 'rejected') problems.push(`PostgreSQL 不可用 (PostgreSQL unavailable):\n${(postgres.reason as Error).message}`);
  if (problems.length || binaries.status !== 'fulfilled') throw new StartError(problems.join('\n\n'));
  if (shuttingDown) return;
  const pg = state.postgres!;
  say(`PostgreSQL: ${maskDatabaseUrl(pg.url)} (${pg.detail})`);

  state.topology = await startTopology({
    binaries: binaries.value,
    serverUrl: pg.url,
    temporalDatabases: { database: env.TEMPORAL_DATABASE, visibilityDatabase: env.TEMPORAL_VISIBILITY_DATABASE },
    ports: portsFrom(env.TEMPORAL_PORT),
    historyShards: args.shards,
    databaseUrl: pg.url,
    seed: args.seed,
    namespace: env.TEMPORAL_NAMESPACE,
    taskQueue: env.TEMPORAL_TASK_QUEUE,
    workers: args.workers,
    apiPorts,
    host: env.HOST,
    payloadKeys: payloadKeys.value,
    dataDir,
    log: say,
    onRestart: (e) =>
      say(`${e.name} 意外退出 (${e.how})，运行了 ${(e.ranForMs / 1000).toFixed(1)}s；${(e.delayMs / 1000).toFixed(0)}s 后第 ${e.restart} 次重启 (restarting after back-off)`),
  }, state.parts);
  if (shuttingDown) return;
  void state.topology.temporal.exited.then((how) => {
    if (!shuttingDown) void shutdown(1, `Temporal 意外退出 (Temporal exited unexpectedly), ${how}`);
  });
  void pg.exited.then((how) => {
    if (!shuttingDown) void shutdown(1, `PostgreSQL 意外退出 (PostgreSQL exited unexpectedly), ${how}`);
  });
  console.log(summary(env, args, state.topology, pg, since));
}

if (require.main === module) {
  main().catch((err: unknown) => {
    if (shuttingDown) return;
    const known = err instanceof StartError || err instanceof EnvError;
    const message = known ? (err as Error).message : err instanceof Error ? (err.stack ?? err.message) : String(err);
    console.error(`[topology] 启动失败 (start-up failed):\n${message}`);
    void shutdown(1, '启动失败 (start-up failed)');
  });
}
