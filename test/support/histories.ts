import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { workflowIdForCase } from '../../workflows/messages';

export const historiesDir = path.join(__dirname, '..', 'fixtures', 'histories');

/**
 * With RECORD_HISTORIES=1, saves a case's workflow history as a replay fixture (test/workflows/replay.test.ts
 * replays every one). Re-record only when no case of the old shape can still be running anywhere.
 */
export async function recordHistory(client: Client, name: string, caseId: string): Promise<void> {
  if (process.env.RECORD_HISTORIES !== '1') return;
  const history = await client.workflow.getHandle(workflowIdForCase(caseId)).fetchHistory();
  await fs.writeFile(path.join(historiesDir, `${name}.json`), historyToJSON(history));
}
