import type { Client } from '@temporalio/client';
import type { Db } from '../db/connection';
import { saveCaseProjection } from '../db/queries/cases';
import { caseSnapshotQuery, caseWorkflowType } from '../workflows/messages';

export interface ReprojectResult {
  cases: number;
  failed: { workflowId: string; error: string }[];
}

/**
 * Rebuilds the read model from the workflows, which are the source of truth: every case workflow the
 * visibility query finds (running or closed) is asked for its state and timeline, and both are written
 * with the same version-guarded upsert the workflows use, so running it twice, or while cases move, is safe.
 * A closed workflow answers the query by replay, so a worker must be running.
 */
export async function reprojectCases(deps: { client: Client; db: Db; filter?: string; log?: (line: string) => void }): Promise<ReprojectResult> {
  const query = [`WorkflowType = "${caseWorkflowType}"`, deps.filter].filter(Boolean).join(' AND ');
  const result: ReprojectResult = { cases: 0, failed: [] };
  for await (const execution of deps.client.workflow.list({ query })) {
    try {
      const snapshot = await deps.client.workflow.getHandle(execution.workflowId, execution.runId).query(caseSnapshotQuery);
      await saveCaseProjection(deps.db, snapshot.state, snapshot.timeline);
      result.cases++;
      if (result.cases % 500 === 0) deps.log?.(`已重建 ${result.cases} 件案件 (reprojected)`);
    } catch (err) {
      result.failed.push({ workflowId: execution.workflowId, error: (err as Error).message });
    }
  }
  return result;
}
