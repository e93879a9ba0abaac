import { randomUUID } from 'node:crypto';
import { Client, WithStartWorkflowOperation, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { ClockActivities } from '../activities/clocks';
import { clockPlanRequests, openCase, type CaseCommandName, type CaseState } from '../workflows/domain';
import {
  caseOpenedUpdate,
  CaseOpening,
  caseSearchAttributes,
  caseUpdates,
  caseWorkflowRevision,
  caseWorkflowType,
  CaseChanged,
  CaseWorkflowInput,
  CommandEnvelope,
  workflowIdForCase,
} from '../workflows/messages';
import { ApiError } from './errors';
import type { ProjectionWatch } from './projection-watch';

export type OpenOutcome =
  /** Opened (or met again by a retry): the version now readable from PostgreSQL. */
  | { kind: 'opened'; version: number }
  /** The number already names another case's workflow. */
  | { kind: 'taken' }
  /** The workflow under the number was opened by another request. */
  | { kind: 'crossed' }
  /** The workflow under the number already ended. */
  | { kind: 'ended' };

export interface CaseGatewayOptions {
  taskQueue: string;
  /** How long a call may take, the wait for its row included, before it answers 503. */
  timeoutMs: number;
  /** Tells when a version is readable from PostgreSQL. */
  projections: ProjectionWatch;
  /** The worker's deadline planner (activities/clocks.ts), for the deadlines a case opens with. */
  planner: ClockActivities;
}

/**
 * The API's only door to the case workflows. A call answers once the version it produced is readable from
 * PostgreSQL, so the API reads the case there. Calls carry a deadline so that a stopped worker, server or
 * projection answers 503 instead of hanging the HTTP request; retries with the same id are safe (see below).
 */
export class CaseGateway {
  constructor(
    private readonly client: Client,
    private readonly options: CaseGatewayOptions,
  ) {}

  private withDeadline<T>(deadline: number, fn: () => Promise<T>): Promise<T> {
    return this.client.withDeadline(deadline, fn).catch((err: unknown) => {
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
    const deadline = Date.now() + this.options.timeoutMs;
    const { opening, state } = await this.planOpening(input);
    const startWorkflowOperation = new WithStartWorkflowOperation(caseWorkflowType, {
      workflowId: workflowIdForCase(input.intake.id),
      taskQueue: this.options.taskQueue,
      args: [{ ...input, revision: caseWorkflowRevision, opening }],
      // As the case opens, so that its first task has none to write (the workflow writes them when they change).
      typedSearchAttributes: caseSearchAttributes(state),
      workflowIdConflictPolicy: mode === 'fresh' ? 'FAIL' : 'USE_EXISTING',
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
    });
    try {
      const opened = await this.withDeadline(deadline, () =>
        // A fresh id per call: the server must not answer a fresh start with an earlier call's outcome.
        this.client.workflow.executeUpdateWithStart(caseOpenedUpdate, { startWorkflowOperation, updateId: `opened:${randomUUID()}` }),
      );
      if (opened.fingerprint !== (input.fingerprint ?? null)) return { kind: mode === 'fresh' ? 'taken' : 'crossed' };
      await this.options.projections.reached(input.intake.id, opened.version, deadline);
      return { kind: 'opened', version: opened.version };
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) return mode === 'fresh' ? { kind: 'taken' } : { kind: 'ended' };
      throw err;
    }
  }

  /**
   * The case as it opens now, and the deadlines of the clocks it opens with, planned as the worker would plan
   * them in the case's first task (which then has nothing to plan). A clock the planner cannot plan is left
   * to the workflow, which records why and alerts supervisors.
   */
  private async planOpening(input: CaseWorkflowInput): Promise<{ opening: CaseOpening; state: CaseState }> {
    const at = new Date().toISOString();
    const { state } = openCase(input.intake, input.openedBy, at);
    const requests = clockPlanRequests(state);
    const plans = requests.length > 0 ? (await this.options.planner.planClocks(requests)).plans : [];
    return { opening: { at, plans }, state };
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
    const deadline = Date.now() + this.options.timeoutMs;
    const changed = await this.withDeadline(deadline, () => handle.executeUpdate(caseUpdates[name], { args: [envelope], updateId }));
    await this.options.projections.reached(caseId, changed.version, deadline);
    return changed;
  }

  async ping(): Promise<void> {
    await this.client.withDeadline(Date.now() + 2000, () =>
      this.client.workflowService.getSystemInfo({}),
    );
  }
}
