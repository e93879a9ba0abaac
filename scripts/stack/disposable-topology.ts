/**
 * A topology of one run's own (the topology tests, the topology bench): fresh jiesu and Temporal databases on
 * the PostgreSQL in use and ports the kernel hands out, so a run never meets another; `dispose` stops
 * everything and drops the databases.
 */
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promises as fs } from 'node:fs';
import type { Env } from '../../config/env';
import { createDatabase, dropDatabase, PostgresHandle, resolvePostgres, withDatabase } from './postgres';
import { findOrBuildServerBinaries } from './temporal-server-binaries';
import { portsFrom } from './temporal-server-config';
import { newParts, startTopology, stopParts, Topology, TopologyOptions } from './topology';

/** Ports the kernel hands out now; the run takes them at once, so a clash with another run is unlikely. */
export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<net.Server>((resolve, reject) => {
          const s = net.createServer();
          s.once('error', reject);
          s.listen(0, '127.0.0.1', () => resolve(s));
        }),
    ),
  );
  const ports = servers.map((s) => (s.address() as net.AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}

function tryListen(port: number): Promise<net.Server | null> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(null));
    s.listen(port, '127.0.0.1', () => resolve(s));
  });
}

/**
 * `count` free ports in a row below 32768: Temporal stores membership ports as a signed 16-bit number, so the
 * kernel's ephemeral ports (32768 and up) would stop the server at start.
 */
export async function freePortBlock(count: number, low = 20_000, high = 32_000): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = low + Math.floor(Math.random() * (high - low - count));
    const held: net.Server[] = [];
    for (let p = base; p < base + count; p++) {
      const s = await tryListen(p);
      if (!s) break;
      held.push(s);
    }
    await Promise.all(held.map((s) => new Promise((r) => s.close(r))));
    if (held.length === count) return base;
  }
  throw new Error(`找不到 ${count} 个连续的空闲端口 (no ${count} free ports in a row between ${low} and ${high})`);
}

export interface DisposableTopology {
  topology: Topology;
  databaseUrl: string;
  taskQueue: string;
  namespace: string;
  dispose(): Promise<void>;
}

export type DisposableOptions = Pick<TopologyOptions, 'workers' | 'payloadKeys' | 'log' | 'sink' | 'onRestart' | 'childEnv' | 'dynamicValues'> & {
  env: Env;
  /** Where an embedded PostgreSQL keeps its data, when one is needed. */
  dataDir: string;
  apis?: number;
  historyShards?: number;
  /** Prefix of the run's database names. */
  prefix: string;
};

export async function startDisposableTopology(o: DisposableOptions): Promise<DisposableTopology> {
  const parts = newParts();
  let postgres: PostgresHandle | undefined;
  const names: string[] = [];
  const configDir = await fs.mkdtemp(path.join(os.tmpdir(), `${o.prefix}-`));
  const dispose = async () => {
    const problems: string[] = [];
    const attempt = async (what: string, fn: () => Promise<unknown>) => fn().catch((err: Error) => problems.push(`${what}: ${err.message}`));
    // APIs, workers, then the server; the databases only once nothing holds them.
    await attempt('topology', () => stopParts(parts, () => undefined));
    for (const name of names) await attempt(`database ${name}`, () => dropDatabase(postgres!.url, name));
    await attempt('config', () => fs.rm(configDir, { recursive: true, force: true }));
    await attempt('PostgreSQL', async () => postgres?.stop());
    if (problems.length) o.log(`清理时出错 (cleanup problems): ${problems.join('; ')}`);
  };
  try {
    const [binaries, server] = await Promise.all([
      findOrBuildServerBinaries(o.env, o.log),
      resolvePostgres({ ...o.env, DATA_DIR: o.dataDir }, o.log, { createDatabase: false }),
    ]);
    postgres = server;
    const base = `${o.prefix.replace(/-/g, '_')}_${Date.now()}_${process.pid}`;
    names.push(base, `${base}_temporal`, `${base}_temporal_visibility`);
    await createDatabase(server.url, base);
    const databaseUrl = withDatabase(server.url, base);
    const apis = o.apis ?? 2;
    const [ports, apiPorts] = await Promise.all([freePortBlock(9).then(portsFrom), freePorts(apis)]);
    const namespace = 'default';
    const taskQueue = 'jiesu-cases';
    const topology = await startTopology(
      {
        ...o,
        binaries,
        serverUrl: server.url,
        temporalDatabases: { database: `${base}_temporal`, visibilityDatabase: `${base}_temporal_visibility` },
        ports,
        historyShards: o.historyShards ?? 4,
        databaseUrl,
        seed: true,
        namespace,
        taskQueue,
        apiPorts,
        host: '127.0.0.1',
        dataDir: configDir,
      },
      parts,
    );
    return { topology, databaseUrl, taskQueue, namespace, dispose };
  } catch (err) {
    await dispose();
    throw err;
  }
}
