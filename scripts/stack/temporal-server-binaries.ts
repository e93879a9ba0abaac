import { execFile } from 'node:child_process';
import path from 'node:path';
import type { Env } from '../../config/env';
import { cacheDir, findOnPath, GoBuild, goInstall, isExecutable, Log, withBuildLock } from './temporal-cli';

/**
 * The real Temporal server and its SQL schema tool, for `npm run topology`: found or built exactly as the CLI
 * is (explicit variable, PATH, the cache, else `go install`). Both come from one module release, so the
 * schema the tool installs is the one the server expects.
 */
export const TEMPORAL_SERVER_MODULE = 'go.temporal.io/server';
export const TEMPORAL_SERVER_VERSION = 'v1.29.1';

export interface ServerBinaries {
  server: string;
  sqlTool: string;
}

interface Part {
  /** Name on PATH and in the cache (what release archives call it). */
  name: string;
  variable: 'TEMPORAL_SERVER_BIN' | 'TEMPORAL_SQL_TOOL';
  build: GoBuild;
}

const parts: Record<keyof ServerBinaries, Part> = {
  server: {
    name: 'temporal-server',
    variable: 'TEMPORAL_SERVER_BIN',
    build: {
      module: `${TEMPORAL_SERVER_MODULE}/cmd/server`,
      version: TEMPORAL_SERVER_VERSION,
      binary: 'server',
      label: 'Temporal server',
      expect: '首次约 2 分钟（Go 模块已由 CLI 构建缓存时），约 120 MB (about 2 min once the CLI build has cached the modules)',
    },
  },
  sqlTool: {
    name: 'temporal-sql-tool',
    variable: 'TEMPORAL_SQL_TOOL',
    build: {
      module: `${TEMPORAL_SERVER_MODULE}/cmd/tools/sql`,
      version: TEMPORAL_SERVER_VERSION,
      binary: 'sql',
      label: 'temporal-sql-tool',
      expect: '约 1 分钟 (about a minute)',
    },
  },
};

export function cachedBinaryPath(name: string, env: Pick<Env, 'JIESU_CACHE_DIR'>, sys: NodeJS.ProcessEnv = process.env): string {
  return path.join(cacheDir(env, sys), 'bin', `${name}-${TEMPORAL_SERVER_VERSION}`);
}

function missingMessage(part: Part, target: string, why: string): string {
  return [
    `未找到 ${part.name} (not found): ${why}. 任选其一 (pick one):`,
    `  1. 安装 Go (>= 1.25) 后重试，会自动构建 ${part.build.module}@${part.build.version} 到 ${target}`,
    '     (install Go and retry: the launcher builds it into the cache)',
    `  2. 设置 ${part.variable}=/path/to/${part.name} 指向已有的可执行文件，版本须为 ${TEMPORAL_SERVER_VERSION}`,
    `     (point ${part.variable} at an existing binary of that release, e.g. from Temporal's release archive)`,
  ].join('\n');
}

/** The release a binary says it is (`--version`), or null when it will not say. */
function versionOf(file: string): Promise<string | null> {
  return new Promise((resolve) => {
    execFile(file, ['--version'], { timeout: 10_000 }, (err, stdout) => resolve(err ? null : (/\d+\.\d+\.\d+/.exec(stdout)?.[0] ?? null)));
  });
}

const wanted = TEMPORAL_SERVER_VERSION.replace(/^v/, '');

async function findOrBuild(part: Part, env: Partial<Pick<Env, 'JIESU_CACHE_DIR' | 'TEMPORAL_SERVER_BIN' | 'TEMPORAL_SQL_TOOL'>>, log: Log, sys: NodeJS.ProcessEnv, allowBuild: boolean): Promise<string> {
  const explicit = env[part.variable];
  if (explicit) {
    const file = path.resolve(explicit);
    if (!(await isExecutable(file))) throw new Error(`${part.variable}=${explicit} 不存在或不可执行 (does not exist or is not executable)`);
    const version = await versionOf(file);
    if (version !== wanted) log(`警告：${file} 的版本是 ${version ?? '未知'}，不是 ${wanted} (warning: not the tested release)`);
    return file;
  }
  // One on PATH is taken only when it is the tested release: the schema and the config follow that release.
  const onPath = await findOnPath(part.name, sys.PATH);
  if (onPath && (await versionOf(onPath)) === wanted) return onPath;
  // The cache names carry the version: a later release never runs against a schema set up by this one.
  const target = cachedBinaryPath(part.name, env, sys);
  if (await isExecutable(target)) return target;
  if (!allowBuild) throw new Error(missingMessage(part, target, '未允许构建 (building not allowed)'));
  const go = await findOnPath('go', sys.PATH);
  if (!go) throw new Error(missingMessage(part, target, 'PATH 中没有 go (no Go toolchain on PATH)'));
  // The CLI's lock: one Go build at a time on the machine, whichever binary it is for.
  await withBuildLock(path.dirname(target), log, async () => {
    if (await isExecutable(target)) return;
    await goInstall(go, target, log, sys, part.build);
  });
  if (await isExecutable(target)) return target;
  throw new Error(missingMessage(part, target, 'go install 完成但未生成可执行文件 (go install produced no binary)'));
}

/** The server, then the schema tool (one after the other: two Go builds at once crawl on a small machine). */
export async function findOrBuildServerBinaries(
  env: Partial<Pick<Env, 'JIESU_CACHE_DIR' | 'TEMPORAL_SERVER_BIN' | 'TEMPORAL_SQL_TOOL'>>,
  log: Log,
  options: { sys?: NodeJS.ProcessEnv; allowBuild?: boolean } = {},
): Promise<ServerBinaries> {
  const sys = options.sys ?? process.env;
  const allowBuild = options.allowBuild !== false;
  const server = await findOrBuild(parts.server, env, log, sys, allowBuild);
  const sqlTool = await findOrBuild(parts.sqlTool, env, log, sys, allowBuild);
  return { server, sqlTool };
}
