import { promises as fs } from 'node:fs';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { dropDatabase, type PostgresHandle } from '../../scripts/stack/postgres';

/** What global setup started, kept on globalThis (shared by jest's global setup and teardown). */
export interface TestRun {
  temporal?: TestWorkflowEnvironment;
  postgres?: PostgresHandle;
  database?: { serverUrl: string; name: string };
  bundleFile?: string;
}

export default async function globalTeardown(): Promise<void> {
  const holder = globalThis as { __jiesuTestRun?: TestRun };
  const run = holder.__jiesuTestRun;
  if (!run) return;
  holder.__jiesuTestRun = undefined;
  const problems: string[] = [];
  const attempt = async (what: string, fn: () => Promise<unknown>) => {
    try {
      await fn();
    } catch (err) {
      problems.push(`${what}: ${(err as Error).message}`);
    }
  };
  await Promise.all([
    attempt('Temporal', async () => run.temporal?.teardown()),
    attempt('database', async () => run.database && dropDatabase(run.database.serverUrl, run.database.name)),
    attempt('bundle', async () => run.bundleFile && fs.rm(run.bundleFile, { force: true })),
  ]);
  // The embedded server (if this run started it) goes last: the database drop above needs it.
  await attempt('PostgreSQL', async () => run.postgres?.stop());
  if (problems.length) process.stderr.write(`[global-teardown] 清理时出错 (cleanup problems):\n  ${problems.join('\n  ')}\n`);
}
