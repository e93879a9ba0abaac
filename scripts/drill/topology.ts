/**
 * Layouts of a drill stack. Each returns a Stack of named parts on free ports inside the round's folder, and
 * the faults to strike it with; the drill itself never assumes a layout. `single`: one of each part, with the
 * Temporal dev server on a SQLite file. `production` (issue 16, production-topology.ts): the Temporal server on
 * PostgreSQL, two workers and two API replicas.
 */
import path from 'node:path';
import { newPayloadKeySetting } from '../../config/payload-codec';
import type { ServerBinaries } from '../stack/temporal-server-binaries';
import { apiPart, temporalDevServerPart, workerPart, type AppEnv } from './app-parts';
import { faultOrder } from './faults';
import { freePorts } from './ports';
import { postgresPart } from './postgres-part';
import { productionFaults, productionTopology } from './production-topology';
import { Stack, type Say } from './stack';

export type TopologyName = 'single' | 'production';

/** A round's stack and its faults: part names, or kinds (one part of the kind is picked at random). */
export interface Layout {
  stack: Stack;
  faults: readonly string[];
  /** Strike the first fault only once the first deadlines fall due (planFaults' `earliestMs`). */
  faultsAmongTimers?: boolean;
}

/** Builds a fresh layout for a round, in the round's folder. */
export type LayoutFactory = (o: { dir: string; say: Say }) => Promise<Layout>;

export const singleNodeLayout =
  (cli: string): LayoutFactory =>
  async (o) => ({ stack: await singleNodeTopology({ ...o, cli }), faults: faultOrder });

export const productionLayout =
  (binaries: ServerBinaries): LayoutFactory =>
  async (o) => ({ stack: await productionTopology({ ...o, binaries }), faults: productionFaults, faultsAmongTimers: true });

export interface TopologyOptions {
  /** The round's folder: data of PostgreSQL and Temporal, and every part's log under logs/. */
  dir: string;
  /** The `temporal` CLI binary. */
  cli: string;
  say: Say;
}

export async function singleNodeTopology(o: TopologyOptions): Promise<Stack> {
  const [pgPort, temporalPort, uiPort, apiPort] = await freePorts(4);
  const logs = (name: string) => path.join(o.dir, 'logs', `${name}.log`);
  const pg = await postgresPart({ name: 'postgres', dataDir: path.join(o.dir, 'pg'), port: pgPort!, logFile: logs('postgres') });
  const app: AppEnv = {
    databaseUrl: pg.url,
    temporalAddress: `127.0.0.1:${temporalPort}`,
    namespace: 'default',
    taskQueue: 'jiesu-drill',
    // A key of the round's own: its cases die with its Temporal file.
    payloadKeys: newPayloadKeySetting('drill'),
  };
  const specs = [
    pg.spec,
    temporalDevServerPart({ name: 'temporal', cli: o.cli, port: temporalPort!, uiPort: uiPort!, namespace: app.namespace, dataDir: path.join(o.dir, 'temporal'), logFile: logs('temporal') }),
    workerPart({ name: 'worker', app, logFile: logs('worker') }),
    apiPart({ name: 'api', app, port: apiPort!, logFile: logs('api') }),
  ];
  return new Stack(specs, { ...app, apiUrls: [`http://127.0.0.1:${apiPort}`] }, o.say);
}
