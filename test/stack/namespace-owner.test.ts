/**
 * A Temporal namespace belongs to one jiesu database (issue 16): the first worker or API to start records its
 * database on the namespace; the processes of another database refuse to start on it, saying why. Run on
 * the run's real dev server with a namespace of this file's own, and real worker and API processes.
 */
import { randomUUID } from 'node:crypto';
import net from 'node:net';
import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { claimNamespace, databaseLabel, NamespaceOwnerError, OWNER_ID_KEY } from '../../config/namespace-owner';
import { createDb, migrateLatest } from '../../db/connection';
import { databaseInstanceId } from '../../db/queries/instance';
import { startTsChild, stopChild } from '../../scripts/stack/children';
import { createDatabase, dropDatabase, withDatabase } from '../../scripts/stack/postgres';
import { eventually } from '../support/eventually';
import { requireEnv } from '../support/stack';

const namespace = `guard-${randomUUID().slice(0, 8)}`;
const otherName = `${new URL(requireEnv('DATABASE_URL')).pathname.slice(1)}_other_${randomUUID().slice(0, 6)}`;
let connection: Connection;
let ours: { id: string; label: string };
let otherUrl: string;

beforeAll(async () => {
  connection = await Connection.connect({ address: requireEnv('TEMPORAL_ADDRESS') });
  await connection.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs('1 day') });
  const db = createDb(requireEnv('DATABASE_URL'), { max: 1 });
  ours = { id: await databaseInstanceId(db), label: databaseLabel(requireEnv('DATABASE_URL')) };
  await db.destroy();
  await createDatabase(requireEnv('DATABASE_URL'), otherName);
  otherUrl = withDatabase(requireEnv('DATABASE_URL'), otherName);
  const other = createDb(otherUrl, { max: 1 });
  await migrateLatest(other);
  await other.destroy();
});

afterAll(async () => {
  await connection?.close();
  await dropDatabase(requireEnv('DATABASE_URL'), otherName);
});

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise((r) => server.close(r));
  return port;
}

/** Starts `file` as the launchers do, on this file's namespace and `databaseUrl`; its lines are kept. */
function start(file: string, databaseUrl: string, port: number) {
  const lines: string[] = [];
  const child = startTsChild('child', file, { ...process.env, DATABASE_URL: databaseUrl, TEMPORAL_NAMESPACE: namespace, PORT: String(port), HOST: '127.0.0.1' }, (line) => lines.push(line));
  return { child, lines };
}

describe('one namespace, one jiesu database', () => {
  it('is claimed by the first database, kept by it, and refused to another, naming both', async () => {
    const other = createDb(otherUrl, { max: 1 });
    const theirs = { id: await databaseInstanceId(other), label: databaseLabel(otherUrl) };
    await other.destroy();
    expect(theirs.id).not.toBe(ours.id);

    await expect(claimNamespace(connection.workflowService, namespace, ours)).resolves.toBe('claimed');
    const described = await connection.workflowService.describeNamespace({ namespace });
    expect(described.namespaceInfo?.data?.[OWNER_ID_KEY]).toBe(ours.id);
    await expect(claimNamespace(connection.workflowService, namespace, ours)).resolves.toBe('owned');

    const refused = claimNamespace(connection.workflowService, namespace, theirs);
    await expect(refused).rejects.toThrow(NamespaceOwnerError);
    await expect(refused).rejects.toThrow(`命名空间「${namespace}」属于另一个 jiesu 数据库（${ours.label}，标识 ${ours.id}）`);
    // Still the first database's.
    expect((await connection.workflowService.describeNamespace({ namespace })).namespaceInfo?.data?.[OWNER_ID_KEY]).toBe(ours.id);
  });

  it('a worker and an API of another database exit at start with the reason; the owner\'s API starts', async () => {
    await claimNamespace(connection.workflowService, namespace, ours);
    for (const file of ['worker/main.ts', 'api/server.ts']) {
      const { child, lines } = start(file, otherUrl, await freePort());
      await expect(child.exited).resolves.toBe('code=1 signal=-');
      expect(lines.join('\n')).toContain(`命名空间「${namespace}」属于另一个 jiesu 数据库`);
    }

    const port = await freePort();
    const { child } = start('api/server.ts', requireEnv('DATABASE_URL'), port);
    try {
      await eventually(async () => expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200), 30_000);
    } finally {
      await stopChild(child, 5000);
    }
  });

  it('goes to another database once an operator clears the record as the README says (temporal CLI: `--data \'jiesuDatabaseId=""\'`)', async () => {
    const other = createDb(otherUrl, { max: 1 });
    const theirs = { id: await databaseInstanceId(other), label: databaseLabel(otherUrl) };
    await other.destroy();
    await claimNamespace(connection.workflowService, namespace, ours);
    // What the CLI stores for that flag: the JSON text of an empty string.
    await connection.workflowService.updateNamespace({ namespace, updateInfo: { data: { [OWNER_ID_KEY]: '""' } } });
    await expect(claimNamespace(connection.workflowService, namespace, theirs)).resolves.toBe('claimed');
    await expect(claimNamespace(connection.workflowService, namespace, ours)).rejects.toThrow(NamespaceOwnerError);
  });
});
