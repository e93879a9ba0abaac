/**
 * A server of our own starts with no namespace but the system one: `npm run topology` registers the case
 * namespace and its search attributes, then waits until workers poll the task queue.
 */
import { Connection } from '@temporalio/client';
import { encodeSearchAttributeIndexedValueType } from '@temporalio/common/lib/search-attributes';
import { msToTs } from '@temporalio/common/lib/time';
import { caseSearchAttributes } from '../../config/search-attributes';
import type { Log } from './temporal-cli';

/** Closed cases stay readable (reproject, the Web UI) this long; compose sets the same. */
export const RETENTION_DAYS = 30;

const ALREADY_EXISTS = 6;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Registers the namespace unless it exists, then its search attributes. A new namespace reaches every role of
 * the server within a few seconds (its registry refreshes every 2 s); until then the search-attribute calls
 * fail, so they are retried for up to `timeoutMs`.
 */
export async function ensureNamespace(address: string, namespace: string, log: Log, timeoutMs = 60_000): Promise<void> {
  const connection = await Connection.connect({ address });
  try {
    try {
      await connection.workflowService.registerNamespace({
        namespace,
        description: 'jiesu 接诉即办案件 (jiesu cases)',
        workflowExecutionRetentionPeriod: msToTs(`${RETENTION_DAYS} days`),
      });
      log(`已注册命名空间 (registered namespace) ${namespace}，保留 ${RETENTION_DAYS} 天 (retention ${RETENTION_DAYS} days)`);
    } catch (err) {
      if ((err as { code?: number }).code !== ALREADY_EXISTS) throw err;
    }
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        const existing = await connection.operatorService.listSearchAttributes({ namespace });
        const have = new Set(Object.keys(existing.customAttributes ?? {}));
        const missing = caseSearchAttributes.filter((a) => !have.has(a.name));
        if (!missing.length) return;
        await connection.operatorService.addSearchAttributes({
          namespace,
          searchAttributes: Object.fromEntries(missing.map((a) => [a.name, encodeSearchAttributeIndexedValueType(a.type.toUpperCase() as 'KEYWORD')!])),
        });
        log(`已注册搜索属性 (registered search attributes): ${missing.map((a) => a.name).join(', ')}`);
      } catch (err) {
        if (Date.now() > deadline) {
          throw new Error(`命名空间 ${namespace} 的搜索属性未能注册 (search attributes not registered): ${(err as Error).message}`);
        }
        await sleep(1000);
      }
    }
  } finally {
    await connection.close();
  }
}

/** Resolves once `count` distinct workers poll the task queue for workflow tasks; false when time runs out. */
export async function waitForPollers(address: string, namespace: string, taskQueue: string, count: number, timeoutMs: number, gaveUp: () => boolean = () => false): Promise<boolean> {
  const connection = await Connection.connect({ address });
  try {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline && !gaveUp()) {
      const res = await connection.workflowService.describeTaskQueue({
        namespace,
        taskQueue: { name: taskQueue },
        taskQueueType: 1, // TASK_QUEUE_TYPE_WORKFLOW
      });
      if (new Set((res.pollers ?? []).map((p) => p.identity)).size >= count) return true;
      await sleep(500);
    }
    return false;
  } finally {
    await connection.close();
  }
}
