import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { encodeSearchAttributeIndexedValueType } from '@temporalio/common/lib/search-attributes';
import { caseSearchAttributes } from '../../config/search-attributes';
import { devServerSettingArgs } from '../../config/temporal-server-settings';
import type { Log } from './temporal-cli';

export interface TemporalHandle {
  /** host:port of the frontend, as TEMPORAL_ADDRESS expects it. */
  address: string;
  /** Web UI, or null when the server is not ours (TEMPORAL_ADDRESS). */
  uiUrl: string | null;
  /** Settles when a server we started exits on its own (never for an external server). */
  exited: Promise<string>;
  stop(): Promise<void>;
  /** Last resort when the launcher itself is dying: kill at once, synchronously. */
  kill(): void;
}

export interface DevServerOptions {
  cli: string;
  port: number;
  uiPort: number;
  namespace: string;
  /** Folder for the SQLite file; one file per port so two stacks never share one. */
  dataDir: string;
  log: Log;
  /** How long to wait for the frontend (default 60 s; the first start creates the SQLite schema). */
  readyTimeoutMs?: number;
  /** Remote codec the Web UI asks to decrypt payloads (`--ui-codec-endpoint`), e.g. the API's /codec. */
  uiCodecEndpoint?: string;
}

const HOST = '127.0.0.1';

/** True when something accepts TCP connections on host:port. */
export function portAnswers(port: number, host = HOST, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    const done = (answer: boolean) => {
      socket.destroy();
      resolve(answer);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/**
 * Connects and asks the frontend who it is; throws if it is not a Temporal frontend. The whole exchange is
 * bounded: a TCP server that is not gRPC would otherwise leave the call waiting forever.
 */
export async function probeTemporal(address: string, timeoutMs: number): Promise<Connection> {
  let timer: NodeJS.Timeout | undefined;
  let connection: Connection | undefined;
  let timedOut = false;
  const attempt = (async () => {
    connection = await Connection.connect({ address, connectTimeout: timeoutMs });
    if (timedOut) throw new Error('timed out');
    await connection.withDeadline(Date.now() + timeoutMs, () => connection!.workflowService.getSystemInfo({}));
    return connection;
  })();
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${address} 在 ${timeoutMs} ms 内没有像 Temporal 一样应答 (no Temporal answer in time)`)), timeoutMs + 500);
  });
  try {
    return await Promise.race([attempt, timeout]);
  } catch (err) {
    timedOut = true;
    // Whatever got opened must not keep the process alive.
    attempt.catch(() => undefined).finally(() => void connection?.close().catch(() => undefined));
    await connection?.close().catch(() => undefined);
    throw err;
  } finally {
    clearTimeout(timer);
  }
}

async function isTemporal(address: string): Promise<boolean> {
  try {
    const c = await probeTemporal(address, 2000);
    await c.close();
    return true;
  } catch {
    return false;
  }
}

export function devServerArgs(o: Pick<DevServerOptions, 'port' | 'uiPort' | 'namespace' | 'dataDir' | 'uiCodecEndpoint'>): string[] {
  return [
    'server',
    'start-dev',
    '--ip',
    HOST,
    '--port',
    String(o.port),
    '--ui-port',
    String(o.uiPort),
    '--db-filename',
    path.join(path.resolve(o.dataDir), `temporal-${o.port}.sqlite`),
    // WAL with normal sync roughly doubled workflow throughput on the SQLite store; a crash loses at most
    // the last transactions of a dev database.
    '--sqlite-pragma',
    'journal_mode=wal',
    '--sqlite-pragma',
    'synchronous=normal',
    ...(o.namespace === 'default' ? [] : ['--namespace', o.namespace]),
    ...(o.uiCodecEndpoint ? ['--ui-codec-endpoint', o.uiCodecEndpoint] : []),
    ...caseSearchAttributes.flatMap((a) => ['--search-attribute', `${a.name}=${a.type}`]),
    ...devServerSettingArgs(),
    '--log-level',
    'warn',
  ];
}

/** Starts `temporal server start-dev` with a persistent SQLite file and waits until its frontend answers. */
export async function startTemporalDevServer(o: DevServerOptions): Promise<TemporalHandle> {
  const address = `${HOST}:${o.port}`;
  for (const [port, what] of [
    [o.port, 'TEMPORAL_PORT'],
    [o.uiPort, 'TEMPORAL_UI_PORT'],
  ] as const) {
    if (!(await portAnswers(port))) continue;
    if (port === o.port && (await isTemporal(address))) {
      throw new Error(
        `端口 ${port} 上已有一个 Temporal 服务 (a Temporal server already listens on ${address}), ` +
          `可能是上次运行遗留的 (perhaps left over from an earlier run). 停止它，或设置 TEMPORAL_ADDRESS=${address} 直接使用它，` +
          `或换一个 ${what} (stop it, use it via TEMPORAL_ADDRESS, or pick another ${what}).`,
      );
    }
    throw new Error(
      `端口 ${port} 已被其他程序占用 (port ${port} on ${HOST} is taken by another program); 请设置其他 ${what} (set another ${what}).`,
    );
  }

  await fs.mkdir(path.resolve(o.dataDir), { recursive: true });
  const args = devServerArgs(o);
  // Own process group: a terminal Ctrl-C reaches only the launcher, which then stops the parts in order.
  const child = spawn(o.cli, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const tail: string[] = [];
  let ready = false;
  const collect = (forward: boolean) => (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (!line.trim()) continue;
      tail.push(line);
      if (tail.length > 30) tail.shift();
      if (forward && ready) o.log(`[temporal] ${line}`);
    }
  };
  // stdout only carries the startup banner, which the launcher's summary replaces; stderr has the warnings.
  child.stdout.on('data', collect(false));
  child.stderr.on('data', collect(true));

  let exitedState: string | null = null;
  const exited = new Promise<string>((resolve) => {
    child.on('error', (err) => {
      exitedState = `无法启动 (cannot start) ${o.cli}: ${err.message}`;
      resolve(exitedState);
    });
    child.on('exit', (code, signal) => {
      exitedState = `temporal 进程退出 (exited), code=${code ?? '-'} signal=${signal ?? '-'}`;
      resolve(exitedState);
    });
  });

  const stop = async () => {
    if (exitedState !== null || child.pid === undefined) return;
    ready = false;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  };

  const deadline = Date.now() + (o.readyTimeoutMs ?? 60_000);
  for (;;) {
    if (exitedState !== null) {
      throw new Error(`Temporal 开发服务器启动失败 (dev server failed to start): ${exitedState}\n${tail.join('\n')}`);
    }
    try {
      const connection = await probeTemporal(address, 1000);
      try {
        // start-dev registers the namespace right after the frontend opens; wait for it too.
        await connection.workflowService.describeNamespace({ namespace: o.namespace });
      } finally {
        await connection.close();
      }
      break;
    } catch (err) {
      if (Date.now() > deadline) {
        await stop();
        throw new Error(
          `Temporal 开发服务器 ${Math.round((o.readyTimeoutMs ?? 60_000) / 1000)} 秒内未就绪 (dev server not ready in time): ` +
            `${(err as Error).message}\n${tail.join('\n')}`,
        );
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  ready = true;
  const kill = () => {
    if (exitedState === null) child.kill('SIGKILL');
  };
  return { address, uiUrl: `http://${HOST}:${o.uiPort}`, exited, stop, kill };
}

/**
 * For TEMPORAL_ADDRESS: checks the server answers and the namespace exists, and registers the case search
 * attributes if they are missing (a dev server someone else started usually lacks them).
 */
export async function checkTemporal(address: string, namespace: string, log: Log): Promise<TemporalHandle> {
  let connection: Connection;
  try {
    connection = await probeTemporal(address, 5000);
  } catch (err) {
    throw new Error(
      `无法连接 TEMPORAL_ADDRESS=${address} 上的 Temporal (cannot reach Temporal): ${(err as Error).message}. ` +
        '请确认它已启动，或取消设置 TEMPORAL_ADDRESS 让启动器自己启动开发服务器 (start it, or unset TEMPORAL_ADDRESS to let the launcher start a dev server).',
    );
  }
  try {
    try {
      await connection.workflowService.describeNamespace({ namespace });
    } catch (err) {
      throw new Error(
        `Temporal (${address}) 上没有命名空间 ${namespace} (namespace not found): ${(err as Error).message}. ` +
          `创建它 (create it): temporal operator namespace create --address ${address} ${namespace}`,
      );
    }
    try {
      const existing = await connection.operatorService.listSearchAttributes({ namespace });
      const have = new Set(Object.keys(existing.customAttributes ?? {}));
      const missing = caseSearchAttributes.filter((a) => !have.has(a.name));
      if (missing.length) {
        await connection.operatorService
          .addSearchAttributes({
            namespace,
            searchAttributes: Object.fromEntries(
              missing.map((a) => [a.name, encodeSearchAttributeIndexedValueType(a.type.toUpperCase() as 'KEYWORD')!]),
            ),
          })
          .catch((err: { code?: number }) => {
            // 6 = ALREADY_EXISTS: another process registered them between our list and add.
            if (err.code !== 6) throw err;
          });
        log(`已在 ${address} 注册搜索属性 (registered search attributes): ${missing.map((a) => a.name).join(', ')}`);
      }
    } catch (err) {
      // Managed namespaces may refuse the operator service; workflows still run, only UI search is poorer.
      log(
        `警告：无法注册搜索属性 (could not register search attributes): ${(err as Error).message}. ` +
          `可手动执行 (run by hand): temporal operator search-attribute create --address ${address} --namespace ${namespace} ` +
          caseSearchAttributes.map((a) => `--name ${a.name} --type ${a.type}`).join(' '),
      );
    }
  } finally {
    await connection.close();
  }
  return { address, uiUrl: null, exited: new Promise<string>(() => undefined), stop: async () => undefined, kill: () => undefined };
}
