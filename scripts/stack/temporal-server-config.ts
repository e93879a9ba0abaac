/**
 * The Temporal server's configuration for `npm run topology`, generated rather than copied: the layout of the
 * server module's `config/development-postgres12.yaml` (persistence on PostgreSQL through the `postgres12`
 * plugin, every role in one process), with our ports, database names and credentials. JSON is YAML, so the
 * server reads the file as it is; no YAML writer is needed.
 */
import { temporalServerSettings } from '../../config/temporal-server-settings';

export interface ServerPorts {
  frontend: number;
  frontendHttp: number;
  frontendMembership: number;
  history: number;
  historyMembership: number;
  matching: number;
  matchingMembership: number;
  worker: number;
  workerMembership: number;
}

export interface ServerConfigOptions {
  ports: ServerPorts;
  postgres: { host: string; port: number; user: string; password: string };
  database: string;
  visibilityDatabase: string;
  /**
   * Fixed for the life of the databases: Temporal cannot change it after the first start. 4 suits one small
   * machine; bench/RESULTS.md says what a city sizes.
   */
  historyShards: number;
  dynamicConfigFile: string;
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
}

/**
 * Nine ports in a row from the frontend's: how `npm run topology` lays them out from TEMPORAL_PORT. All must be
 * below 32768: the server stores membership ports in a signed 16-bit column.
 */
export function portsFrom(frontend: number): ServerPorts {
  return {
    frontend,
    history: frontend + 1,
    matching: frontend + 2,
    worker: frontend + 3,
    frontendMembership: frontend + 4,
    historyMembership: frontend + 5,
    matchingMembership: frontend + 6,
    workerMembership: frontend + 7,
    frontendHttp: frontend + 8,
  };
}

const LOOPBACK = '127.0.0.1';

function datastore(o: ServerConfigOptions, databaseName: string, maxConns: number) {
  return {
    sql: {
      pluginName: 'postgres12',
      databaseName,
      connectAddr: `${o.postgres.host}:${o.postgres.port}`,
      connectProtocol: 'tcp',
      user: o.postgres.user,
      password: o.postgres.password,
      maxConns,
      maxIdleConns: maxConns,
      maxConnLifetime: '1h',
    },
  };
}

const role = (grpcPort: number, membershipPort: number, httpPort?: number) => ({
  rpc: { grpcPort, membershipPort, bindOnLocalHost: true, ...(httpPort ? { httpPort } : {}) },
});

/** The server's static configuration as an object (written as JSON; see above). */
export function serverConfig(o: ServerConfigOptions): Record<string, unknown> {
  const p = o.ports;
  return {
    log: { stdout: true, level: o.logLevel ?? 'warn' },
    persistence: {
      defaultStore: 'postgres-default',
      visibilityStore: 'postgres-visibility',
      numHistoryShards: o.historyShards,
      datastores: {
        'postgres-default': datastore(o, o.database, 20),
        'postgres-visibility': datastore(o, o.visibilityDatabase, 4),
      },
    },
    // No metrics listener and no pprof port: nothing else to collide with on a shared machine.
    global: { membership: { maxJoinDuration: '30s', broadcastAddress: LOOPBACK } },
    services: {
      frontend: role(p.frontend, p.frontendMembership, p.frontendHttp),
      history: role(p.history, p.historyMembership),
      matching: role(p.matching, p.matchingMembership),
      worker: role(p.worker, p.workerMembership),
    },
    clusterMetadata: {
      enableGlobalNamespace: false,
      failoverVersionIncrement: 10,
      masterClusterName: 'active',
      currentClusterName: 'active',
      clusterInformation: { active: { enabled: true, initialFailoverVersion: 1, rpcName: 'frontend', rpcAddress: `${LOOPBACK}:${p.frontend}` } },
    },
    dcRedirectionPolicy: { policy: 'noop' },
    dynamicConfigClient: { filepath: o.dynamicConfigFile, pollInterval: '10s' },
  };
}

/** Dynamic config values: `key: [{value}]` as the server's file client reads them. */
export function dynamicConfig(values: Record<string, unknown>): Record<string, unknown> {
  // Workflow ids longer than the SQL setups' default limit are refused (the module's own SQL configs set this).
  const all: Record<string, unknown> = { 'limit.maxIDLength': 255, ...temporalServerSettings, ...values };
  return Object.fromEntries(Object.entries(all).map(([key, value]) => [key, [{ value, constraints: {} }]]));
}
