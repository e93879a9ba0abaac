import type { Client } from '@temporalio/client';
import type { Db } from '../db/connection';
import { createProjectionActivities } from '../activities/projection';
import { advanceCaseNoPast, caseNoSequence } from '../db/queries/cases';
import { caseSnapshotQuery, caseWorkflowType } from '../workflows/messages';

export interface ReprojectResult {
  cases: number;
  /** The highest case-number sequence the engine holds; the database's sequence now stands past it. */
  highestCaseNo: number | null;
  failed: { workflowId: string; error: string }[];
}

/**
 * Rebuilds the read model from the workflows, which are the source of truth: every case workflow the
 * visibility query finds (running or closed) is asked for its state and timeline, and both are written
 * with the same version-guarded upsert the workflows use, so running it twice, or while cases move, is safe.
 * The case-number sequence is moved past every number the engine holds. A closed workflow answers the
 * query by replay, so a worker must be running.
 */
export async function reprojectCases(deps: { client: Client; db: Db; filter?: string; log?: (line: string) => void }): Promise<ReprojectResult> {
  // A run that continued as new is not the case's last word: its successor (listed too) holds the whole case.
  const query = [`WorkflowType = "${caseWorkflowType}"`, `ExecutionStatus != "ContinuedAsNew"`, deps.filter].filter(Boolean).join(' AND ');
  const result: ReprojectResult = { cases: 0, highestCaseNo: null, failed: [] };
  // The same writer as the workflows', so a rebuilt row is the row they would have written.
  const projection = createProjectionActivities(deps.db);
  for await (const execution of deps.client.workflow.list({ query })) {
    // Counted from the workflow id, so even a case whose state cannot be read keeps its number taken.
    const n = caseNoSequence(execution.workflowId.replace(/^case-/, ''));
    if (n !== null && (result.highestCaseNo === null || n > result.highestCaseNo)) result.highestCaseNo = n;
    try {
      const snapshot = await deps.client.workflow.getHandle(execution.workflowId, execution.runId).query(caseSnapshotQuery);
      await projection.projectCase({ state: snapshot.state, events: snapshot.timeline });
      result.cases++;
      if (result.cases % 500 === 0) deps.log?.(`已重建 ${result.cases} 件案件 (reprojected)`);
    } catch (err) {
      result.failed.push({ workflowId: execution.workflowId, error: (err as Error).message });
    }
  }
  // A database restored from a backup hands out numbers again that the engine already holds: never again.
  if (result.highestCaseNo !== null) await advanceCaseNoPast(deps.db, result.highestCaseNo);
  return result;
}
