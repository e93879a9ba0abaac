import type { RetryPolicy, UpdateDefinition } from '@temporalio/common';
import * as wf from '@temporalio/workflow';
import type { ClockActivities, ClockPlanAnswer } from '../activities/clocks';
import type { ProjectionActivities } from '../activities/projection';
import {
  CaseCommand,
  CaseCommandName,
  ClockPlan,
  clockPlanRequests,
  caseCommandNames,
  CaseRecord,
  clocksAwaitingPlan,
  decide,
  execute,
  hasEnded,
  nextWakeAt,
  openCase,
  planFailed,
  recordSystemEvents,
  Rejection,
  tick,
} from './domain';
import {
  CaseSnapshot,
  CaseWorkflowInput,
  CaseChanged,
  caseOpenedUpdate,
  caseSearchAttributes,
  caseSnapshotQuery,
  caseUpdates,
  CommandEnvelope,
  duplicateMergedSignal,
  workflowIdForCase,
} from './messages';

const retry: RetryPolicy = { initialInterval: '200 milliseconds', maximumInterval: '10 seconds' };
// Deadline planning only reads: a local activity saves a task round trip, and its answer is recorded in history.
const { projectCase: projectBeforeCommit, planClocks } = wf.proxyLocalActivities<ProjectionActivities & ClockActivities>({ startToCloseTimeout: '10 seconds', retry });
// Rows (and the alerts webhooks send on) are written only for what the engine has committed. A local activity runs
// before its task is committed: a worker or server lost in between left rows for a command the case never took, or
// for a deadline that the re-run task records at another instant (found by the chaos drill). An activity is
// scheduled only from a committed task, with the committed case as its input.
const { projectCase } = wf.proxyActivities<ProjectionActivities>({ startToCloseTimeout: '10 seconds', retry });

type AnyCommandEnvelope = CommandEnvelope<CaseCommandName>;

const now = (): string => new Date().toISOString();

const refusal = (rejection: Rejection): wf.ApplicationFailure =>
  wf.ApplicationFailure.create({ type: rejection.code, message: rejection.message, details: [rejection], nonRetryable: true });

/** Cases recorded before plans could fail were answered with the bare list of plans. */
const asPlanAnswer = (answer: ClockPlanAnswer | ClockPlan[]): ClockPlanAnswer => (Array.isArray(answer) ? { plans: answer, failures: [] } : answer);

/** Why planning failed, short enough for a timeline and an alert (the cause chain of an ActivityFailure). */
const planFailureReason = (err: unknown): string => {
  const cause = (err as { cause?: { message?: string } })?.cause;
  return String(cause?.message ?? (err as Error)?.message ?? err).slice(0, 300);
};

/** Update ids kept across continue-as-new: enough for any client's retry window. */
const rememberedUpdates = 200;

/** The case as it opens: at the instant and with the deadlines its caller planned, when it planned them. */
function opened(input: CaseWorkflowInput): CaseRecord {
  const at = input.opening?.at ?? now();
  const record = openCase(input.intake, input.openedBy, at);
  const plans = input.opening?.plans ?? [];
  return plans.length > 0 ? recordSystemEvents(record, [{ type: 'clocks_planned', plans }], at) : record;
}

/**
 * One case, from intake to its end. A thin shell: the rules live in `./domain`; this wires Updates to
 * them, plans the clocks they start, lets time pass (warnings, missed deadlines, escalation) and projects
 * every new version into PostgreSQL. Updates answer only the version once its deadlines are planned; the
 * caller waits for that version in PostgreSQL and reads the case there, so history holds no copy of it per
 * command. When the engine suggests it (a case overdue at the city for months keeps adding reminders), the
 * run continues as new with the case so far.
 */
export async function caseWorkflow(input: CaseWorkflowInput): Promise<void> {
  let record: CaseRecord = input.carried?.record ?? opened(input);
  let projectedVersion = input.carried?.projectedVersion ?? 0;
  const recentUpdateIds: string[] = [...(input.carried?.recentUpdateIds ?? [])];
  const snapshot = (): CaseSnapshot => ({ state: record.state, timeline: record.events });
  const revision = input.revision ?? 0;
  /** A change this case took at its start (messages.ts `caseWorkflowRevision`), or meets now through `patched()`. */
  const adopted = (since: number, patchId: string): boolean => revision >= since || wf.patched(patchId);

  const publishSearchAttributes = (): void => {
    const wanted = caseSearchAttributes(record.state);
    if (revision < 1) return wf.upsertSearchAttributes(wanted);
    const current = wf.workflowInfo().typedSearchAttributes;
    const changed = wanted.filter((pair) => current.get(pair.key) !== pair.value);
    if (changed.length > 0) wf.upsertSearchAttributes(changed);
  };

  /**
   * The version a caller answers with: once what it changed has its deadlines planned. Before revision 1 the
   * update also waited for the projection, a further workflow task on every caller's path; now the caller
   * waits for that version in PostgreSQL itself (api/case-gateway.ts).
   */
  const answer = async (): Promise<CaseChanged> => {
    if (revision < 1) {
      const version = record.state.version;
      await wf.condition(() => projectedVersion >= version && clocksAwaitingPlan(record.state).length === 0);
      return { version };
    }
    await wf.condition(() => clocksAwaitingPlan(record.state).length === 0);
    return { version: record.state.version };
  };

  /** An update this case already handled, in this run or the one before (a client's retry). */
  const handledBefore = (): boolean => recentUpdateIds.includes(wf.currentUpdateInfo()?.id ?? '');
  const remember = (): void => {
    recentUpdateIds.push(wf.currentUpdateInfo()?.id ?? '');
    if (recentUpdateIds.length > rememberedUpdates) recentUpdateIds.shift();
  };

  wf.setHandler(caseSnapshotQuery, snapshot);
  wf.setHandler(duplicateMergedSignal, ({ caseId, title }) => {
    record = recordSystemEvents(record, [{ type: 'duplicate_merged', caseId, title }], now());
  });

  // Best effort: a primary that already ended simply does not hear of it; the duplicate records the merge either way.
  const notifyPrimary = (primaryId: string): Promise<void> =>
    wf
      .getExternalWorkflowHandle(workflowIdForCase(primaryId))
      .signal(duplicateMergedSignal, { caseId: record.state.id, title: record.state.title })
      .catch((err: unknown) => wf.log.warn('primary case not notified of the merge', { primaryId, error: String(err) }));
  wf.setHandler(caseOpenedUpdate, async () => ({ ...(await answer()), fingerprint: input.fingerprint ?? null }));

  // Every command update runs the same way, so one registration serves them all.
  const register = (name: CaseCommandName): void => {
    const toCommand = (envelope: AnyCommandEnvelope) => ({ ...envelope.command, type: name }) as CaseCommand;
    wf.setHandler(
      caseUpdates[name] as unknown as UpdateDefinition<CaseChanged, [AnyCommandEnvelope]>,
      async (envelope) => {
        if (handledBefore()) return answer();
        // A deadline that passed before the command is counted first: the engine may hand the handler a command
        // in the same task as the timer that fired before it, and the command must not stop a clock it missed.
        const timed = tick(record.state, now());
        if (timed.length > 0 && adopted(1, 'deadlines-before-commands')) record = recordSystemEvents(record, timed, now());
        const result = execute(record, toCommand(envelope), envelope.actor, now());
        if (!result.ok) throw refusal(result.rejection);
        record = result.record;
        remember();
        // Awaited so the signal is delivered before this case's workflow can complete.
        for (const e of result.events) if (e.type === 'merged') await notifyPrimary(e.intoCaseId);
        return answer();
      },
      {
        validator: (envelope) => {
          if (handledBefore()) return;
          // Judged on the case as the handler will see it, deadlines that passed included (pure: nothing recorded).
          const timed = tick(record.state, now());
          const state = timed.length > 0 ? recordSystemEvents(record, timed, now()).state : record.state;
          const decision = decide(state, toCommand(envelope), envelope.actor);
          if (!decision.ok) throw refusal(decision.rejection);
        },
      },
    );
  };
  caseCommandNames.forEach(register);

  // The single writer of this case's deadlines and rows: one loop, so nothing here ever interleaves.
  for (;;) {
    const wakeAt = nextWakeAt(record.state);
    const wait = wakeAt === null ? undefined : Date.parse(wakeAt) - Date.now();
    const pending = () => record.state.version > projectedVersion || clocksAwaitingPlan(record.state).length > 0;
    const longHistory = () => wf.workflowInfo().continueAsNewSuggested;
    if (wait === undefined) await wf.condition(() => pending() || longHistory());
    else if (wait > 0) await wf.condition(() => pending() || longHistory(), wait);

    const timed = tick(record.state, now());
    if (timed.length > 0) record = recordSystemEvents(record, timed, now());

    const requests = clockPlanRequests(record.state);
    if (requests.length > 0) {
      // A deadline nobody can compute must never end the case: it is recorded, supervisors are alerted, and
      // the case goes on. Retries cover passing faults; only a failure for good lands in the catch.
      let answer: ClockPlanAnswer;
      try {
        answer = asPlanAnswer(await planClocks(requests));
      } catch (err) {
        if (!(err instanceof wf.ActivityFailure)) throw err;
        answer = { plans: [], failures: requests.map((r) => ({ clockId: r.clockId, reason: planFailureReason(err) })) };
      }
      if (answer.plans.length > 0) record = recordSystemEvents(record, [{ type: 'clocks_planned', plans: answer.plans }], now());
      if (answer.failures.length > 0) record = recordSystemEvents(record, planFailed(record.state, answer.failures), now());
    }

    if (record.state.version > projectedVersion) {
      const target = record;
      publishSearchAttributes();
      const projection = { state: target.state, events: target.events.filter((e) => e.seq > projectedVersion) };
      await (adopted(1, 'projected-after-commit') ? projectCase(projection) : projectBeforeCommit(projection));
      projectedVersion = target.state.version;
    }
    if (hasEnded(record.state.status) && projectedVersion === record.state.version) break;
    if (longHistory() && !pending()) {
      // Updates in flight finish in this run (their callers wait on it, and on this loop to project what they
      // changed); the next run starts from the case as it stands.
      await wf.condition(() => wf.allHandlersFinished() || pending());
      if (!pending()) return wf.continueAsNew<typeof caseWorkflow>({ ...input, carried: { record, projectedVersion, recentUpdateIds } });
    }
  }
  await wf.condition(wf.allHandlersFinished);
}
