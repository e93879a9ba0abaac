import { randomUUID } from 'node:crypto';
import { Client, WithStartWorkflowOperation, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { CaseCommandName } from '../workflows/domain';
import {
  caseOpenedUpdate,
  caseUpdates,
  caseWorkflowType,
  CaseChanged,
  CaseWorkflowInput,
  CommandEnvelope,
  workflowIdForCase,
} from '../workflows/messages';
import { ApiError } from './errors';

export type OpenOutcome =
  /** Opened (or met again by a retry): the version now readable from PostgreSQL. */
  | { kind: 'opened'; version: number }
  /** The number already names another case's workflow. */
  | { kind: 'taken' }
  /** The workflow under the number was opened by another request. */
  | { kind: 'crossed' }
  /** The workflow under the number already ended. */
  | { kind: 'ended' };

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
   * Starts the case workflow and waits until the new case is in PostgreSQL (update-with-start).
   * - `fresh`: the number was just allocated, so any workflow already under it (running or ended) belongs to
   *   someone else: answered `taken`, never that case.
   * - `retry`: the number came from this request's Idempotency-Key, so the running case is met again and is
   *   the answer when it carries the same fingerprint; an ended one answers `ended` (its row speaks for it).
   */
  async open(input: CaseWorkflowInput, mode: 'fresh' | 'retry'): Promise<OpenOutcome> {
    const startWorkflowOperation = new WithStartWorkflowOperation(caseWorkflowType, {
      workflowId: workflowIdForCase(input.intake.id),
      taskQueue: this.taskQueue,
      args: [input],
      workflowIdConflictPolicy: mode === 'fresh' ? 'FAIL' : 'USE_EXISTING',
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
    });
    try {
      const opened = await this.withDeadline(() =>
        // A fresh id per call: the server must not answer a fresh start with an earlier call's outcome.
        this.client.workflow.executeUpdateWithStart(caseOpenedUpdate, { startWorkflowOperation, updateId: `opened:${randomUUID()}` }),
      );
      if (opened.fingerprint !== (input.fingerprint ?? null)) return { kind: mode === 'fresh' ? 'taken' : 'crossed' };
      return { kind: 'opened', version: opened.version };
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) return mode === 'fresh' ? { kind: 'taken' } : { kind: 'ended' };
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
  ): Promise<CaseChanged> {
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
