/**
 * Once per topology run (jest.topology.config.js): the production shape through the same code as
 * `npm run topology` — the real Temporal server on PostgreSQL, two worker processes, two API replicas — on
 * databases and ports of this run only, dropped and freed in teardown. Test files reach it through
 * test/support/topology-stack.ts; nothing of jiesu runs inside the test process.
 */
import { createWriteStream } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadEnv } from '../../config/env';
import { newPayloadKeySetting } from '../../config/payload-codec';
import { maskDatabaseUrl } from '../../scripts/stack/postgres';
import { startDisposableTopology } from '../../scripts/stack/disposable-topology';
import { API_URLS_VARIABLE, TASK_QUEUE_VARIABLE } from '../support/topology-stack';
import { continueAsNewAfterEvents } from './global-setup';
import topologyTeardown, { type TopologyRun } from './topology-teardown';

const root = path.resolve(__dirname, '..', '..');

function say(line: string): void {
  process.stderr.write(`[topology-setup] ${line}\n`);
}

export default async function topologySetup(): Promise<void> {
  const started = Date.now();
  process.env.PAYLOAD_KEYS = newPayloadKeySetting('test');
  const env = loadEnv({ ...process.env, NODE_ENV: 'test' });
  const run: TopologyRun = {};
  (globalThis as { __jiesuTopologyRun?: TopologyRun }).__jiesuTopologyRun = run;
  // Every line of the server, workers and replicas goes to a file: the test output stays readable.
  run.logFile = path.join(os.tmpdir(), `jiesu-topology-${process.pid}-${Date.now()}.log`);
  const logStream = createWriteStream(run.logFile);
  run.closeLog = () => new Promise((r) => logStream.end(r));
  try {
    const disposable = await startDisposableTopology({
      env,
      dataDir: path.resolve(root, env.DATA_DIR),
      prefix: 'jiesu-topo',
      workers: 2,
      apis: 2,
      payloadKeys: process.env.PAYLOAD_KEYS,
      // Polling tests must never be rate-limited; the long cases continue as new as on the dev server.
      childEnv: { NODE_ENV: 'test', LOG_LEVEL: 'warn', RATE_LIMIT_PER_MINUTE: '1000000' },
      dynamicValues: { 'limit.historyCount.suggestContinueAsNew': continueAsNewAfterEvents },
      log: say,
      sink: (line) => logStream.write(`${line}\n`),
      onRestart: (e) => logStream.write(`[topology-setup] ${e.name} restarted after ${e.how}\n`),
    });
    run.dispose = disposable.dispose;
    const { topology } = disposable;
    if (!topology.workersPolling) throw new Error('worker 进程未能连接任务队列 (the worker processes never polled the task queue)');
    process.env[API_URLS_VARIABLE] = topology.apiUrls.join(',');
    process.env[TASK_QUEUE_VARIABLE] = disposable.taskQueue;
    process.env.DATABASE_URL = disposable.databaseUrl;
    process.env.TEMPORAL_ADDRESS = topology.temporal.address;
    process.env.TEMPORAL_NAMESPACE = disposable.namespace;
    say(
      `就绪 (ready) in ${((Date.now() - started) / 1000).toFixed(1)} s: Temporal ${topology.temporal.address}, API ${topology.apiUrls.join(' ')}, ` +
        `PostgreSQL ${maskDatabaseUrl(disposable.databaseUrl)}; 进程日志 (process logs) ${run.logFile}`,
    );
  } catch (err) {
    // Jest does not run teardown when setup throws; clean up what did start.
    await topologyTeardown();
    throw new Error(`生产形态测试环境准备失败 (topology setup failed): ${(err as Error).message}\n进程日志 (process logs): ${run.logFile}`);
  }
}
