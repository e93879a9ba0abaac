import { spawn } from 'node:child_process';
import { constants as fsConstants, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Env } from '../../config/env';

/** One human-readable line of progress; the caller decides where it goes. */
export type Log = (line: string) => void;

/**
 * The CLI release built from source. Later tags pull in module versions that `go install` refuses
 * (replace directives), so this one stays pinned until that changes upstream.
 */
export const TEMPORAL_CLI_MODULE = 'github.com/temporalio/cli/cmd/temporal';
export const TEMPORAL_CLI_VERSION = 'v1.5.1';

const exeName = process.platform === 'win32' ? 'temporal.exe' : 'temporal';

/** `${JIESU_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/jiesu}`: shared by every clone on the machine. */
export function cacheDir(env: Pick<Env, 'JIESU_CACHE_DIR'>, sys: NodeJS.ProcessEnv = process.env): string {
  if (env.JIESU_CACHE_DIR) return path.resolve(env.JIESU_CACHE_DIR);
  const base = sys.XDG_CACHE_HOME || path.join(sys.HOME || os.homedir(), '.cache');
  return path.join(base, 'jiesu');
}

export function cachedCliPath(env: Pick<Env, 'JIESU_CACHE_DIR'>, sys: NodeJS.ProcessEnv = process.env): string {
  return path.join(cacheDir(env, sys), 'bin', exeName);
}

export async function isExecutable(file: string): Promise<boolean> {
  try {
    const st = await fs.stat(file);
    if (!st.isFile()) return false;
    await fs.access(file, fsConstants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** First executable `name` on a PATH-style list, or null. */
export async function findOnPath(name: string, pathVar: string | undefined): Promise<string | null> {
  for (const dir of (pathVar ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    if (await isExecutable(candidate)) return candidate;
  }
  return null;
}

export interface ResolveOptions {
  /** Environment for PATH/HOME lookups (tests pass their own). */
  sys?: NodeJS.ProcessEnv;
  /** Build with `go install` when nothing is found (default true). */
  allowBuild?: boolean;
  /** Download the official release when reachable (default true). */
  allowDownload?: boolean;
}

export function noCliMessage(target: string): string {
  return [
    '未找到 temporal 可执行文件 (Temporal CLI not found). 任选其一 (pick one):',
    `  1. 安装 Go (>= 1.25；1.21 起会自动获取所需工具链) 后重试，会自动构建到 ${target}，约 5–6 分钟`,
    `     (install Go and retry: the launcher builds ${TEMPORAL_CLI_MODULE}@${TEMPORAL_CLI_VERSION} into the cache)`,
    '  2. 安装 temporal CLI 并放到 PATH 中 (install the Temporal CLI on PATH):',
    '     https://docs.temporal.io/cli#install  (brew install temporal, or curl -sSf https://temporal.download/cli.sh | sh)',
    '  3. 设置 TEMPORAL_CLI=/path/to/temporal 指向已有的可执行文件 (point TEMPORAL_CLI at an existing binary)',
    '  或者设置 TEMPORAL_ADDRESS=host:port 使用已运行的 Temporal (or use a running server via TEMPORAL_ADDRESS)',
  ].join('\n');
}

/**
 * Finds the `temporal` binary: TEMPORAL_CLI, then PATH, then the cache; otherwise builds it with Go, otherwise
 * downloads the official release. Throws with instructions when none works.
 */
export async function findOrBuildTemporalCli(
  env: Pick<Env, 'TEMPORAL_CLI' | 'JIESU_CACHE_DIR'>,
  log: Log,
  options: ResolveOptions = {},
): Promise<string> {
  const sys = options.sys ?? process.env;
  if (env.TEMPORAL_CLI) {
    const file = path.resolve(env.TEMPORAL_CLI);
    if (await isExecutable(file)) return file;
    throw new Error(`TEMPORAL_CLI=${env.TEMPORAL_CLI} 不存在或不可执行 (does not exist or is not executable)`);
  }
  const onPath = await findOnPath(exeName, sys.PATH);
  if (onPath) return onPath;
  const target = cachedCliPath(env, sys);
  if (await isExecutable(target)) return target;

  const problems: string[] = [];
  if (options.allowBuild !== false) {
    const go = await findOnPath(process.platform === 'win32' ? 'go.exe' : 'go', sys.PATH);
    if (go) {
      try {
        await withBuildLock(path.dirname(target), log, async () => {
          // Another process may have finished the build while we waited for the lock.
          if (await isExecutable(target)) return;
          await goInstall(go, target, log, sys, cliBuild);
        });
        if (await isExecutable(target)) return target;
        problems.push('go install 完成但未生成可执行文件 (go install produced no binary)');
      } catch (err) {
        problems.push(`go install 失败 (failed): ${(err as Error).message}`);
        log(`go install 失败，尝试下载官方发布版 (build failed, trying the official download): ${(err as Error).message}`);
      }
    } else {
      problems.push('PATH 中没有 go (no Go toolchain on PATH)');
    }
  }
  if (options.allowDownload !== false) {
    try {
      const url = downloadUrl();
      if (await reachable(url)) {
        await withBuildLock(path.dirname(target), log, async () => {
          if (await isExecutable(target)) return;
          await download(url, target, log);
        });
        if (await isExecutable(target)) return target;
      } else {
        problems.push('无法访问 temporal.download (download site unreachable)');
      }
    } catch (err) {
      problems.push(`下载失败 (download failed): ${(err as Error).message}`);
    }
  }
  const why = problems.length ? `\n原因 (why): ${problems.join('; ')}` : '';
  throw new Error(noCliMessage(target) + why);
}

export function fmtDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Serialises builds across processes (two `npm test` runs, or `npm start` next to `npm test`) with an
 * atomic mkdir. A lock whose owner died is taken over.
 */
export async function withBuildLock(binDir: string, log: Log, work: () => Promise<void>): Promise<void> {
  await fs.mkdir(binDir, { recursive: true });
  const lockDir = path.join(binDir, '.build.lock');
  const ownerFile = path.join(lockDir, 'pid');
  const waitStarted = Date.now();
  let lastNote = 0;
  for (;;) {
    try {
      await fs.mkdir(lockDir);
      await fs.writeFile(ownerFile, String(process.pid));
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const owner = Number(await fs.readFile(ownerFile, 'utf8').catch(() => ''));
      // A lock without a pid file may be one being taken right now; give it a moment before judging it stale.
      const stale = owner ? !pidAlive(owner) : Date.now() - waitStarted > 10_000;
      if (stale) {
        await fs.rm(lockDir, { recursive: true, force: true });
        continue;
      }
      if (Date.now() - lastNote > 30_000) {
        lastNote = Date.now();
        log(`另一个进程 (pid ${owner || '?'}) 正在构建 temporal，等待中… 已等 ${fmtDuration(Date.now() - waitStarted)} (waiting for another build)`);
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
  try {
    await work();
  } finally {
    await fs.rm(lockDir, { recursive: true, force: true });
  }
}

/** What one `go install` builds: the module path, its version, the binary it produces, and how the logs name it. */
export interface GoBuild {
  module: string;
  version: string;
  /** File name `go install` writes into GOBIN (the last element of the module path). */
  binary: string;
  label: string;
  /** Said before the build starts: how long and how much it takes the first time. */
  expect: string;
}

const cliBuild: GoBuild = {
  module: TEMPORAL_CLI_MODULE,
  version: TEMPORAL_CLI_VERSION,
  binary: exeName,
  label: 'temporal CLI',
  expect: '首次构建约需 5–6 分钟、约 3 GB Go 缓存，生成约 250 MB 的文件 (first build takes ~5-6 min and ~3 GB of Go caches; later runs reuse it)',
};

export async function goInstall(go: string, target: string, log: Log, sys: NodeJS.ProcessEnv, build: GoBuild): Promise<void> {
  // Build into a private folder and rename, so nobody ever runs a half-written binary.
  const stage = await fs.mkdtemp(path.join(path.dirname(target), '.build-'));
  const started = Date.now();
  log(`正在构建 ${build.label} ${build.version} (go install) → ${target}：${build.expect}`);
  const tail: string[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      const child = spawn(go, ['install', `${build.module}@${build.version}`], {
        env: {
          ...sys,
          GOBIN: stage,
          // Temporal's binaries are pure Go (SQLite included); without cgo no C compiler is needed and they are static.
          CGO_ENABLED: sys.CGO_ENABLED ?? '0',
          GOFLAGS: sys.GOFLAGS ?? '-trimpath',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let downloads = 0;
      const onData = (chunk: Buffer) => {
        for (const line of chunk.toString('utf8').split('\n')) {
          if (!line.trim()) continue;
          if (line.startsWith('go: downloading')) downloads += 1;
          tail.push(line);
          if (tail.length > 40) tail.shift();
        }
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      const ticker = setInterval(() => {
        log(`仍在构建 ${build.label}… 已用 ${fmtDuration(Date.now() - started)}，已下载 ${downloads} 个模块 (still building)`);
      }, 30_000);
      child.on('error', (err) => {
        clearInterval(ticker);
        reject(err);
      });
      child.on('exit', (code, signal) => {
        clearInterval(ticker);
        if (code === 0) resolve();
        else reject(new Error(`go install 退出码 ${code ?? signal}:\n${tail.join('\n')}`));
      });
    });
    await fs.rename(path.join(stage, build.binary), target);
    log(`${build.label} 构建完成，用时 ${fmtDuration(Date.now() - started)} (built): ${target}`);
  } finally {
    await fs.rm(stage, { recursive: true, force: true });
  }
}

export function downloadUrl(platform: string = process.platform, arch: string = process.arch): string {
  const p = platform === 'win32' ? 'windows' : platform;
  const a = arch === 'x64' ? 'amd64' : arch;
  return `https://temporal.download/cli/archive/latest?platform=${p}&arch=${a}`;
}

async function reachable(url: string, timeoutMs = 4000): Promise<boolean> {
  try {
    const res = await fetch(url, { method: 'HEAD', redirect: 'follow', signal: AbortSignal.timeout(timeoutMs) });
    return res.ok;
  } catch {
    return false;
  }
}

async function download(url: string, target: string, log: Log): Promise<void> {
  const stage = await fs.mkdtemp(path.join(path.dirname(target), '.download-'));
  try {
    log(`正在下载 temporal CLI (downloading) ${url} ...`);
    const res = await fetch(url, { redirect: 'follow', signal: AbortSignal.timeout(10 * 60_000) });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    const archive = path.join(stage, 'temporal.tar.gz');
    await fs.writeFile(archive, Buffer.from(await res.arrayBuffer()));
    // Every Unix-like system ships tar; the release archive holds the binary at its top level.
    await new Promise<void>((resolve, reject) => {
      const tar = spawn('tar', ['-xzf', archive, '-C', stage], { stdio: 'inherit' });
      tar.on('error', reject);
      tar.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`tar 退出码 (exit code) ${code}`))));
    });
    await fs.chmod(path.join(stage, exeName), 0o755);
    await fs.rename(path.join(stage, exeName), target);
    log(`temporal CLI 已下载 (downloaded): ${target}`);
  } finally {
    await fs.rm(stage, { recursive: true, force: true });
  }
}
