/**
 * The test stack of the topology run (jest.topology.config.js): nothing runs in the test process. Requests go
 * over HTTP to the API replicas in turn, so consecutive calls of one test land on different processes; the
 * workflows run in the topology's worker processes; `db` and `client` reach the same PostgreSQL and Temporal.
 */
import { Client, Connection } from '@temporalio/client';
import { dataConverterFor, parsePayloadKeys } from '../../config/payload-codec';
import { createDb } from '../../db/connection';
import { httpCaller, tokenIssuer } from './http-call';
import type { TestStack, TestStackOptions } from './stack';

/** Set by test/setup/topology-setup.ts: the replicas' base URLs, comma-separated. */
export const API_URLS_VARIABLE = 'JIESU_TOPOLOGY_API_URLS';
export const TASK_QUEUE_VARIABLE = 'JIESU_TOPOLOGY_TASK_QUEUE';

export const topologyRun = (): boolean => !!process.env[API_URLS_VARIABLE];

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the topology suites through jest.topology.config.js`);
  return value;
}

/** Tables the suites change on purpose (SLA policies of seconds, calendar days): put back when a file ends. */
const restoredTables = ['sla_policies', 'calendar_overrides'] as const;

/** Which replica answers next; shared by every stack of the file, so turns alternate across them too. */
let turn = 0;

export async function startTopologyTestStack(options: TestStackOptions): Promise<TestStack> {
  // What the replicas were started with cannot change per file; a file that needs it stays off the topology list.
  const fixed = (['databaseUrl', 'taskQueue', 'officeHours', 'logger', 'corsOrigins', 'gatewayTimeoutMs'] as const).filter((k) => options[k] !== undefined);
  if (fixed.length) throw new Error(`the topology run cannot honour ${fixed.join(', ')}: leave this file out of jest.topology.config.js`);
  const apiUrls = required(API_URLS_VARIABLE).split(',');
  const databaseUrl = required('DATABASE_URL');
  // `ownDatabase` is granted by running the files one at a time and restoring what they change.
  const db = createDb(databaseUrl, { max: 5 });
  const snapshot = Object.fromEntries(await Promise.all(restoredTables.map(async (t) => [t, await db(t).select('*')] as const)));
  const connection = await Connection.connect({ address: required('TEMPORAL_ADDRESS') });
  const client = new Client({
    connection,
    namespace: required('TEMPORAL_NAMESPACE'),
    dataConverter: dataConverterFor(parsePayloadKeys(required('PAYLOAD_KEYS'))),
  });
  const tokenFor = tokenIssuer(db);
  const call = httpCaller(() => apiUrls[turn++ % apiUrls.length]!, tokenFor);
  return {
    baseUrl: apiUrls[0]!,
    databaseUrl,
    db,
    client,
    taskQueue: required(TASK_QUEUE_VARIABLE),
    tokenFor,
    call,
    async stop() {
      await db.transaction(async (trx) => {
        for (const table of restoredTables) {
          await trx(table).del();
          if (snapshot[table]!.length) await trx(table).insert(snapshot[table]!);
        }
      });
      await connection.close();
      await db.destroy();
    },
  };
}
