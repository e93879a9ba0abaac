/**
 * Layouts of a drill stack. Each returns a Stack of named parts on free ports inside the round's folder;
 * the drill itself never assumes a layout. Today: one of each part, with the Temporal dev server on a
 * SQLite file. (Issue 16 adds two workers, two API replicas and a Temporal server on PostgreSQL here.)
 */
import path from 'node:path';
import { newPayloadKeySetting } from '../../config/payload-codec';
import { apiPart, temporalDevServerPart, workerPart, type AppEnv } from './app-parts';
import { freePorts } from './ports';
import { postgresPart } from './postgres-part';
import { Stack, type Say } from './stack';

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
