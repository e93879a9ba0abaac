/**
 * The real Temporal server (every role in one process) on PostgreSQL, as `npm run topology` runs it: the
 * config is generated into the data folder, the process is ours to stop, and it is ready once the frontend
 * answers and the system namespace is readable (the history shards are then owned).
 */
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { dynamicConfig, serverConfig, ServerConfigOptions } from './temporal-server-config';
import type { Log } from './temporal-cli';
import { portAnswers, probeTemporal, TemporalHandle } from './temporal-server';

export interface SqlServerOptions extends Omit<ServerConfigOptions, 'dynamicConfigFile'> {
  binary: string;
  /** Folder for the generated config (one per frontend port, so two servers never share one). */
  dataDir: string;
  /** Extra dynamic config (tests lower the continue-as-new suggestion as on the dev server). */
  dynamicValues?: Record<string, unknown>;
  log: Log;
  /** Where the server's own log lines go once it is up (default: `log`). */
  serverLog?: Log;
  readyTimeoutMs?: number;
}

const ENV_NAME = 'jiesu';

/** Writes `<dataDir>/temporal-server-<port>/{jiesu.yaml,dynamicconfig.yaml}`; the password makes it private (0600). */
export async function writeServerConfig(o: Omit<SqlServerOptions, 'binary' | 'log'>): Promise<string> {
  const dir = path.join(path.resolve(o.dataDir), `temporal-server-${o.ports.frontend}`);
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  const dynamicConfigFile = path.join(dir, 'dynamicconfig.yaml');
  await fs.writeFile(dynamicConfigFile, JSON.stringify(dynamicConfig(o.dynamicValues ?? {}), null, 2));
  const config = serverConfig({ ...o, dynamicConfigFile });
  await fs.writeFile(path.join(dir, `${ENV_NAME}.yaml`), JSON.stringify(config, null, 2), { mode: 0o600 });
  return dir;
}

/** The server's command line for a config folder written by writeServerConfig (the chaos drill starts it too). */
export const sqlServerArgs = (configDir: string): string[] => ['--root', configDir, '--config', '.', '--env', ENV_NAME, '--allow-no-auth', 'start'];

export async function startTemporalSqlServer(o: SqlServerOptions): Promise<TemporalHandle> {
  const address = `127.0.0.1:${o.ports.frontend}`;
  for (const [name, port] of Object.entries(o.ports)) {
    if (await portAnswers(port)) {
      throw new Error(
        `端口 ${port} 已被占用 (port ${port}, the server's ${name} port, is taken); 请换一个 TEMPORAL_PORT ` +
          '(set another TEMPORAL_PORT: the server uses nine ports in a row from it)',
      );
    }
  }
  const configDir = await writeServerConfig(o);
  // Own process group: a terminal Ctrl-C reaches only the launcher, which stops the parts in order.
  const child = spawn(o.binary, sqlServerArgs(configDir), {
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const tail: string[] = [];
  let ready = false;
  const onData = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (!line.trim()) continue;
      tail.push(line);
      if (tail.length > 30) tail.shift();
      if (ready) (o.serverLog ?? o.log)(`[temporal] ${line}`);
    }
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);

  let exitedState: string | null = null;
  const exited = new Promise<string>((resolve) => {
    child.on('error', (err) => resolve((exitedState = `无法启动 (cannot start) ${o.binary}: ${err.message}`)));
    child.on('exit', (code, signal) => resolve((exitedState = `temporal-server 退出 (exited), code=${code ?? '-'} signal=${signal ?? '-'}`)));
  });
  const stop = async () => {
    if (exitedState !== null || child.pid === undefined) return;
    ready = false;
    child.kill('SIGTERM');
    // The server hands its shards back before it exits; a few seconds usually.
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    await exited;
    clearTimeout(timer);
  };
  const kill = () => {
    if (exitedState === null) child.kill('SIGKILL');
  };

  const timeoutMs = o.readyTimeoutMs ?? 90_000;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exitedState !== null) throw new Error(`Temporal 服务器启动失败 (server failed to start): ${exitedState}\n${tail.join('\n')}`);
    try {
      const connection = await probeTemporal(address, 1000);
      try {
        await connection.workflowService.describeNamespace({ namespace: 'temporal-system' });
      } finally {
        await connection.close();
      }
      break;
    } catch (err) {
      if (Date.now() > deadline) {
        await stop();
        throw new Error(`Temporal 服务器 ${timeoutMs / 1000} 秒内未就绪 (server not ready in time): ${(err as Error).message}\n${tail.join('\n')}`);
      }
      await new Promise((r) => setTimeout(r, 300));
    }
  }
  ready = true;
  return { address, uiUrl: null, exited, stop, kill };
}
