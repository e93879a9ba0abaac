/**
 * The production layout of a drill stack (issue 16): the real Temporal server v1.29.1 persisting to the round's
 * own PostgreSQL, two workers and two API replicas. The server is built from the same pieces `npm run topology`
 * uses (scripts/stack/): its binaries, the schema tool on the two Temporal databases, the generated config, the
 * namespace and its search attributes; only here it is a part the drill can kill -9 and start again.
 */
import path from 'node:path';
import { newPayloadKeySetting } from '../../config/payload-codec';
import { freePortBlock } from '../stack/disposable-topology';
import { ensureNamespace } from '../stack/temporal-namespace';
import type { ServerBinaries } from '../stack/temporal-server-binaries';
import { portsFrom, type ServerPorts } from '../stack/temporal-server-config';
import { sqlServerArgs, writeServerConfig } from '../stack/temporal-sql-server';
import { postgresTarget, prepareTemporalDatabases } from '../stack/temporal-sql-schema';
import { apiPart, temporalAnswers, workerPart, type AppEnv } from './app-parts';
import type { ProcessSpec } from './managed-process';
import { freePorts } from './ports';
import { postgresPart } from './postgres-part';
import { Stack, type Say } from './stack';

/** Four, as `npm run topology` defaults to: one small machine. */
const HISTORY_SHARDS = 4;

/**
 * The faults of this layout, in order: one of the two workers, one of the two API replicas (the others carry
 * on), then the Temporal server itself (every case and timer must come back from PostgreSQL).
 *
 * PostgreSQL is left out here on purpose. Item 3 of issue 16 names these three, and its claim is that the
 * replicas are interchangeable and that Temporal's state lives in PostgreSQL rather than in the server process;
 * killing PostgreSQL instead tests PostgreSQL's own crash recovery, and jiesu's side of a PostgreSQL outage (the
 * API answering 503, projections retried) is drilled on the single-node layout, where the same code meets it.
 * Here it would also stop Temporal's store under both workers at once, which is neither fault of the item.
 */
export const productionFaults = ['worker-1', 'api-1', 'temporal'] as const;

/**
 * The Temporal server on PostgreSQL as a drill part. Before its first start: the two databases created and
 * migrated by the release's schema tool, and the config written. Ready once the case namespace answers; at the
 * first start the namespace and the case search attributes are registered first (a fresh server has neither).
 */
export function temporalSqlServerPart(o: {
  name: string;
  binaries: ServerBinaries;
  ports: ServerPorts;
  /** The round's PostgreSQL (any database URL of it). */
  serverUrl: string;
  namespace: string;
  /** Folder for the generated config. */
  configDir: string;
  logFile: string;
  say: Say;
}): ProcessSpec {
  const address = `127.0.0.1:${o.ports.frontend}`;
  const databases = { database: 'temporal', visibilityDatabase: 'temporal_visibility' };
  let namespaceRegistered = false;
  const spec: ProcessSpec = {
    name: o.name,
    kind: 'temporal',
    ports: { grpc: o.ports.frontend, http: o.ports.frontendHttp },
    command: o.binaries.server,
    // Set by prepare, which knows the config folder.
    args: [],
    async prepare() {
      await prepareTemporalDatabases(o.binaries.sqlTool, o.serverUrl, databases, o.say);
      const dir = await writeServerConfig({ ports: o.ports, postgres: postgresTarget(o.serverUrl), ...databases, historyShards: HISTORY_SHARDS, dataDir: o.configDir });
      spec.args = sqlServerArgs(dir);
    },
    async ready() {
      if (!namespaceRegistered) {
        if (!(await temporalAnswers(address, 'temporal-system'))) return false;
        await ensureNamespace(address, o.namespace, o.say);
        namespaceRegistered = true;
      }
      return temporalAnswers(address, o.namespace);
    },
    // A restart finds its shards' leases taken by the process it replaces; taking them over takes a while.
    readyTimeoutMs: 120_000,
    stopSignal: 'SIGTERM',
    logFile: o.logFile,
  };
  return spec;
}

export interface ProductionOptions {
  /** The round's folder: PostgreSQL's data, the server's config, every part's log under logs/. */
  dir: string;
  binaries: ServerBinaries;
  say: Say;
}

export async function productionTopology(o: ProductionOptions): Promise<Stack> {
  // The server's nine ports in a row below 32768 (membership ports are stored as a signed 16-bit number).
  const [temporalBase, [pgPort, apiPort1, apiPort2]] = await Promise.all([freePortBlock(9), freePorts(3)]);
  const ports = portsFrom(temporalBase);
  const logs = (name: string) => path.join(o.dir, 'logs', `${name}.log`);
  const pg = await postgresPart({ name: 'postgres', dataDir: path.join(o.dir, 'pg'), port: pgPort!, logFile: logs('postgres') });
  const app: AppEnv = {
    databaseUrl: pg.url,
    temporalAddress: `127.0.0.1:${ports.frontend}`,
    namespace: 'default',
    taskQueue: 'jiesu-drill',
    payloadKeys: newPayloadKeySetting('drill'),
  };
  const apiPorts = [apiPort1!, apiPort2!];
  const specs = [
    pg.spec,
    temporalSqlServerPart({ name: 'temporal', binaries: o.binaries, ports, serverUrl: pg.url, namespace: app.namespace, configDir: path.join(o.dir, 'temporal'), logFile: logs('temporal'), say: o.say }),
    workerPart({ name: 'worker-1', app, logFile: logs('worker-1') }),
    workerPart({ name: 'worker-2', app, logFile: logs('worker-2') }),
    ...apiPorts.map((port, i) => apiPart({ name: `api-${i + 1}`, app, port, logFile: logs(`api-${i + 1}`) })),
  ];
  return new Stack(specs, { ...app, apiUrls: apiPorts.map((p) => `http://127.0.0.1:${p}`) }, o.say);
}
