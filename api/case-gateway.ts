import { randomUUID } from 'node:crypto';
import { Client, WithStartWorkflowOperation, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { CaseCommandName } from '../workflows/domain';
import {
  caseOpenedUpdate,
  caseUpdates,
  caseWorkflowType,
  CaseSnapshot,
  CaseWorkflowInput,
  CommandEnvelope,
  workflowIdForCase,
} from '../workflows/messages';
import { ApiError } from './errors';

/**
 * The API's only door to the case workflows. Calls carry a deadline so that a stopped worker or server
 * answers 503 instead of hanging the HTTP request; retries with the same id are safe (see below).
 */
export class CaseGateway {
  constructor(
    private readonly client: Client,
    private readonly taskQueue: string,
    private readonly timeoutMs: number,
  ) {}

  private withDeadline<T>(fn: () => Promise<T>): Promise<T> {
    return this.client.withDeadline(Date.now() + this.timeoutMs, fn).catch((err: unknown) => {
      const e = err as { code?: number; name?: string };
      // gRPC DEADLINE_EXCEEDED (4) / UNAVAILABLE (14): nobody processed the call in time.
      if (e?.code === 4 || e?.code === 14 || e?.name === 'TimeoutError') {
        throw ApiError.unavailable('案件处理服务（Temporal 工作进程）');
      }
      throw err;
    });
  }

  /**
   * Starts the case workflow and waits until the new case is in PostgreSQL (update-with-start). The workflow
   * id is the case number, so a retry finds the running case instead of opening a second one.
   * Returns null when that case already ran to its end (its row answers instead).
   */
  async open(input: CaseWorkflowInput): Promise<CaseSnapshot | null> {
    const startWorkflowOperation = new WithStartWorkflowOperation(caseWorkflowType, {
      workflowId: workflowIdForCase(input.intake.id),
      taskQueue: this.taskQueue,
      args: [input],
      workflowIdConflictPolicy: 'USE_EXISTING',
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
    });
    try {
      return await this.withDeadline(() =>
        this.client.workflow.executeUpdateWithStart(caseOpenedUpdate, { startWorkflowOperation, updateId: 'opened' }),
      );
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) return null;
      throw err;
    }
  }

  /**
   * Sends one command as a Temporal Update. With an Idempotency-Key the update id is derived from it, so
   * the server answers a repeated call with the first outcome instead of acting twice.
   */
  async command<K extends CaseCommandName>(
    caseId: string,
    name: K,
    envelope: CommandEnvelope<K>,
    idempotencyKey?: string,
  ): Promise<CaseSnapshot> {
    const handle = this.client.workflow.getHandle(workflowIdForCase(caseId));
    const updateId = idempotencyKey ? `${name}:${envelope.actor.userId}:${idempotencyKey}` : `${name}:${randomUUID()}`;
    return this.withDeadline(() => handle.executeUpdate(caseUpdates[name], { args: [envelope], updateId }));
  }

  async ping(): Promise<void> {
    await this.client.withDeadline(Date.now() + 2000, () =>
      this.client.workflowService.getSystemInfo({}),
    );
  }
}
