/**
 * A Temporal namespace belongs to one jiesu database. Two environments with their own databases on one
 * namespace cross cases: a workflow started by one projects into the other's tables, a timer of one fires
 * alerts in the other. So the namespace records (in its `data` map) the id of the database that first used
 * it, and a worker or API of any other database refuses to start.
 */
import type { WorkflowService } from '@temporalio/client';
import { EnvError } from './env';

export const OWNER_ID_KEY = 'jiesuDatabaseId';
export const OWNER_LABEL_KEY = 'jiesuDatabaseLabel';

export interface DatabaseIdentity {
  /** instance_identity.id of the database (db/queries/instance.ts). */
  id: string;
  /** For people: database@host:port, never a password. */
  label: string;
}

/** An EnvError: the process prints the message alone and exits 1, as for any misconfiguration. */
export class NamespaceOwnerError extends EnvError {}

/** `name@host:port` of a connection URL, for messages. */
export function databaseLabel(databaseUrl: string): string {
  const u = new URL(databaseUrl);
  return `${decodeURIComponent(u.pathname.replace(/^\//, '')) || 'postgres'}@${u.hostname}:${u.port || 5432}`;
}

function refusal(namespace: string, owner: { id: string; label?: string }, ours: DatabaseIdentity): NamespaceOwnerError {
  return new NamespaceOwnerError(
    `命名空间「${namespace}」属于另一个 jiesu 数据库（${owner.label ?? '未知'}，标识 ${owner.id}），` +
      `本进程连接的是 ${ours.label}（标识 ${ours.id}），拒绝启动：一个命名空间只对应一个 jiesu 数据库，否则两个环境的案件会相互串扰。` +
      '请为此数据库另设 TEMPORAL_NAMESPACE，或连接该命名空间原来的数据库。' +
      ` (namespace ${namespace} belongs to another jiesu database; use another TEMPORAL_NAMESPACE or that database)`,
  );
}

type NamespaceCalls = Pick<WorkflowService, 'describeNamespace' | 'updateNamespace'>;

/**
 * A data value as we wrote it, or as the `temporal` CLI writes one (`--data 'jiesuDatabaseId=""'` stores the
 * JSON text `""`): the CLI's empty string or null means "nobody", which is how an operator hands a namespace on.
 */
function plain(raw: string | undefined): string {
  if (raw === undefined || raw === 'null') return '';
  if (!raw.startsWith('"')) return raw;
  try {
    return String(JSON.parse(raw));
  } catch {
    return raw;
  }
}

async function ownerOf(service: NamespaceCalls, namespace: string): Promise<{ id: string; label?: string } | null> {
  const described = await service.describeNamespace({ namespace });
  const data = described.namespaceInfo?.data ?? {};
  const id = plain(data[OWNER_ID_KEY]);
  return id ? { id, label: plain(data[OWNER_LABEL_KEY]) || undefined } : null;
}

/**
 * Returns 'owned' when the namespace already records this database, 'claimed' when it recorded none and now
 * does, 'unrecorded' when the server lets nobody write it; throws NamespaceOwnerError when it records another. A namespace that predates the guard is claimed by
 * the first database whose worker or API starts on it.
 */
export async function claimNamespace(service: NamespaceCalls, namespace: string, ours: DatabaseIdentity): Promise<'owned' | 'claimed' | 'unrecorded'> {
  const owner = await ownerOf(service, namespace);
  if (owner) {
    if (owner.id !== ours.id) throw refusal(namespace, owner, ours);
    return 'owned';
  }
  try {
    // `data` is merged into what the namespace has, so other keys stay.
    await service.updateNamespace({ namespace, updateInfo: { data: { [OWNER_ID_KEY]: ours.id, [OWNER_LABEL_KEY]: ours.label } } });
  } catch (err) {
    // 7 PERMISSION_DENIED, 12 UNIMPLEMENTED: a managed namespace (Temporal Cloud) is changed by its own tools
    // only; the guard cannot record there, and the process says so rather than refusing to run.
    const code = (err as { code?: number }).code;
    if (code === 7 || code === 12) return 'unrecorded';
    throw err;
  }
  // Two databases claiming at the same moment: the last write stands, and the other one learns it here.
  const after = await ownerOf(service, namespace);
  if (after && after.id !== ours.id) throw refusal(namespace, after, ours);
  return 'claimed';
}
