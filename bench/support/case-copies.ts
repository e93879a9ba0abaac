/**
 * Opening cases without the HTTP hop, for parking many: the start input of a case the API opened (read back
 * from its workflow history, so nothing of the API's intake logic is copied here) is given a fresh case
 * number and started exactly as CaseGateway.open does it (update-with-start of `opened`, conflict FAIL,
 * reuse REJECT_DUPLICATE, search attributes as it opens), so each copy is a real case: the same workflow,
 * deadlines planned by the worker, projected into PostgreSQL before the call returns (read back, as the
 * gateway waits for it). What it skips is the API's own work per request (auth,
 * audit, validation, the read of the new row).
 */
import { randomUUID } from 'node:crypto';
import { Client, WithStartWorkflowOperation } from '@temporalio/client';
import { decodeFromPayloadsAtIndex } from '@temporalio/common/lib/internal-non-workflow';
import type { Db } from '../../db/connection';
import { allocateCaseNo, getCaseVersion } from '../../db/queries/cases';
import { openCase } from '../../workflows/domain';
import { caseOpenedUpdate, caseSearchAttributes, caseWorkflowType, type CaseWorkflowInput, workflowIdForCase } from '../../workflows/messages';
import { sleep } from './stats';

/** The input the API started a case's workflow with. */
export async function startInputOf(client: Client, caseId: string): Promise<CaseWorkflowInput> {
  const history = await client.workflow.getHandle(workflowIdForCase(caseId)).fetchHistory();
  const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
  if (!started) throw new Error(`case ${caseId}: no start event`);
  return decodeFromPayloadsAtIndex<CaseWorkflowInput>(client.options.loadedDataConverter, 0, started.input?.payloads);
}

/** Opens one more case like `template`, under a new number; answers its id once it is projected. */
export async function openCopy(client: Client, db: Db, taskQueue: string, template: CaseWorkflowInput): Promise<string> {
  const caseNo = await allocateCaseNo(db, new Date());
  // Without the template's opening: each copy opens now, its first deadlines planned by the worker.
  const input: CaseWorkflowInput = { ...template, opening: null, intake: { ...template.intake, id: caseNo, caseNo } };
  const startWorkflowOperation = new WithStartWorkflowOperation(caseWorkflowType, {
    workflowId: workflowIdForCase(caseNo),
    taskQueue,
    args: [input],
    typedSearchAttributes: caseSearchAttributes(openCase(input.intake, input.openedBy, new Date().toISOString()).state),
    workflowIdConflictPolicy: 'FAIL',
    workflowIdReusePolicy: 'REJECT_DUPLICATE',
  });
  const { version } = await client.workflow.executeUpdateWithStart(caseOpenedUpdate, { startWorkflowOperation, updateId: `opened:${randomUUID()}` });
  while ((await getCaseVersion(db, caseNo)) < version) await sleep(20);
  return caseNo;
}
