import { promises as fs } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { EnvError, loadEnv } from '../../config/env';
import { caseSearchAttributes } from '../../config/search-attributes';
import { parseArgs, UsageError } from '../../scripts/cli';
import { maskDatabaseUrl, resolvePostgres, withDatabase } from '../../scripts/stack/postgres';
import { cachedCliPath, downloadUrl, findOrBuildTemporalCli } from '../../scripts/stack/temporal-cli';
import { devServerArgs, startTemporalDevServer } from '../../scripts/stack/temporal-server';

let tmp: string;
const noLog = () => undefined;
const offline = { allowBuild: false, allowDownload: false };

async function fakeExecutable(dir: string, name = 'temporal'): Promise<string> {
  await fs.mkdir(dir, { recursive: true });
  const file = path.join(dir, name);
  await fs.writeFile(file, '#!/bin/sh\necho fake temporal\n', { mode: 0o755 });
  return file;
}

beforeEach(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'jiesu-launcher-'));
});

afterEach(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
});

describe('temporal CLI resolution', () => {
  const emptyPath = () => path.join(tmp, 'empty-bin');

  it('prefers TEMPORAL_CLI over PATH and the cache', async () => {
    const explicit = await fakeExecutable(path.join(tmp, 'explicit'));
    const onPath = await fakeExecutable(path.join(tmp, 'path-bin'));
    const cache = path.join(tmp, 'cache');
    await fakeExecutable(path.join(cache, 'bin'));
    const sys = { PATH: path.dirname(onPath), HOME: tmp };
    await expect(findOrBuildTemporalCli({ TEMPORAL_CLI: explicit, JIESU_CACHE_DIR: cache }, noLog, { ...offline, sys })).resolves.toBe(explicit);
    await expect(findOrBuildTemporalCli({ JIESU_CACHE_DIR: cache }, noLog, { ...offline, sys })).resolves.toBe(onPath);
  });

  it('falls back to the cache folder when PATH has no temporal', async () => {
    const cache = path.join(tmp, 'cache');
    const cached = await fakeExecutable(path.join(cache, 'bin'));
    const sys = { PATH: emptyPath(), HOME: tmp };
    await expect(findOrBuildTemporalCli({ JIESU_CACHE_DIR: cache }, noLog, { ...offline, sys })).resolves.toBe(cached);
  });

  it('derives the default cache from XDG_CACHE_HOME, then HOME', () => {
    expect(cachedCliPath({}, { XDG_CACHE_HOME: '/x/cache', HOME: '/home/u' })).toBe('/x/cache/jiesu/bin/temporal');
    expect(cachedCliPath({}, { HOME: '/home/u' })).toBe('/home/u/.cache/jiesu/bin/temporal');
    expect(cachedCliPath({ JIESU_CACHE_DIR: '/opt/j' }, { HOME: '/home/u' })).toBe('/opt/j/bin/temporal');
  });

  it('names TEMPORAL_CLI when it points at nothing', async () => {
    await expect(
      findOrBuildTemporalCli({ TEMPORAL_CLI: path.join(tmp, 'missing') }, noLog, { ...offline, sys: { PATH: emptyPath() } }),
    ).rejects.toThrow(/TEMPORAL_CLI=.*missing/);
  });

  it('ignores a non-executable file in the cache and explains the three ways out', async () => {
    const cache = path.join(tmp, 'cache');
    await fs.mkdir(path.join(cache, 'bin'), { recursive: true });
    await fs.writeFile(path.join(cache, 'bin', 'temporal'), 'not a program', { mode: 0o644 });
    const err = await findOrBuildTemporalCli({ JIESU_CACHE_DIR: cache }, noLog, { ...offline, sys: { PATH: emptyPath(), HOME: tmp } }).catch(
      (e: Error) => e,
    );
    expect(err).toBeInstanceOf(Error);
    const message = (err as Error).message;
    expect(message).toContain('Temporal CLI not found');
    expect(message).toContain('TEMPORAL_CLI=');
    expect(message).toMatch(/Go/);
    expect(message).toContain('PATH');
  });

  it('maps Node platform names to the download site', () => {
    expect(downloadUrl('linux', 'x64')).toBe('https://temporal.download/cli/archive/latest?platform=linux&arch=amd64');
    expect(downloadUrl('darwin', 'arm64')).toBe('https://temporal.download/cli/archive/latest?platform=darwin&arch=arm64');
  });
});

describe('dev server arguments', () => {
  it('persists to a per-port SQLite file with WAL pragmas and registers the search attributes', () => {
    const args = devServerArgs({ port: 7243, uiPort: 8243, namespace: 'default', dataDir: '/d' });
    expect(args.slice(0, 2)).toEqual(['server', 'start-dev']);
    expect(args.join(' ')).toContain('--db-filename /d/temporal-7243.sqlite');
    expect(args.join(' ')).toContain('--sqlite-pragma journal_mode=wal --sqlite-pragma synchronous=normal');
    expect(args.join(' ')).toContain('--port 7243 --ui-port 8243');
    for (const a of caseSearchAttributes) expect(args).toContain(`${a.name}=Keyword`);
    expect(args).not.toContain('--namespace');
    expect(devServerArgs({ port: 1, uiPort: 2, namespace: 'cases', dataDir: '/d' }).join(' ')).toContain('--namespace cases');
  });

  it('refuses a port that another program holds, naming the variable', async () => {
    // A TCP server that speaks no gRPC; its sockets are destroyed at the end so the probe's client lets go.
    const sockets: net.Socket[] = [];
    const server = net.createServer((s) => sockets.push(s));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as net.AddressInfo).port;
    try {
      const cli = await fakeExecutable(path.join(tmp, 'bin'));
      await expect(
        startTemporalDevServer({ cli, port, uiPort: port + 1, namespace: 'default', dataDir: tmp, log: noLog }),
      ).rejects.toThrow(new RegExp(`${port}.*TEMPORAL_PORT`));
    } finally {
      const closed = new Promise((r) => server.close(r));
      for (const s of sockets) s.destroy();
      await closed;
    }
  });
});

describe('environment and URLs', () => {
  it('names the bad variable', () => {
    expect(() => loadEnv({ PORT: 'abc' })).toThrow(EnvError);
    expect(() => loadEnv({ PORT: 'abc' })).toThrow(/PORT/);
  });

  it('reads JIESU_EMBEDDED_PG as a flag', () => {
    expect(loadEnv({}).JIESU_EMBEDDED_PG).toBe(false);
    expect(loadEnv({ JIESU_EMBEDDED_PG: '1' }).JIESU_EMBEDDED_PG).toBe(true);
    expect(() => loadEnv({ JIESU_EMBEDDED_PG: 'yes' })).toThrow(/JIESU_EMBEDDED_PG/);
  });

  it('masks the password of a database URL', () => {
    expect(maskDatabaseUrl('postgres://app:s3cret@db.example:5432/jiesu')).toBe('postgres://app:***@db.example:5432/jiesu');
    expect(maskDatabaseUrl('postgres://postgres@127.0.0.1:5432/jiesu')).toBe('postgres://postgres@127.0.0.1:5432/jiesu');
    expect(maskDatabaseUrl('not a url://a:b@c')).not.toContain(':b@');
  });

  it('points a URL at another database on the same server', () => {
    expect(withDatabase('postgres://a:b@h:5/x?sslmode=disable', 'y')).toBe('postgres://a:b@h:5/y?sslmode=disable');
  });

  it('says which DATABASE_URL does not answer', async () => {
    // A port we just closed: connection refused at once, no waiting on a timeout.
    const server = net.createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as net.AddressInfo).port;
    await new Promise((r) => server.close(r));
    const env = loadEnv({ DATABASE_URL: `postgres://u:pw@127.0.0.1:${port}/db` });
    const err = await resolvePostgres(env, noLog).catch((e: Error) => e);
    expect((err as Error).message).toContain(`DATABASE_URL=postgres://u:***@127.0.0.1:${port}/db`);
    expect((err as Error).message).not.toContain(':pw@');
  });
});

describe('cli argument parsing', () => {
  it('splits options from positionals and rejects unknown ones', () => {
    expect(parseArgs(['admin', '--days', '7', '--label=ci'], ['days', 'label'])).toEqual({
      positional: ['admin'],
      options: { days: '7', label: 'ci' },
    });
    expect(() => parseArgs(['--nope', '1'], ['days'])).toThrow(UsageError);
    expect(() => parseArgs(['--days'], ['days'])).toThrow(/--days/);
  });
});
