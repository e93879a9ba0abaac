import type { UpdateDefinition } from '@temporalio/common';
import * as wf from '@temporalio/workflow';
import type { ProjectionActivities } from '../activities/projection';
import { CaseCommand, CaseCommandName, caseCommandNames, CaseRecord, decide, execute, isFinished, openCase, Rejection } from './domain';
import {
  CaseSnapshot,
  CaseWorkflowInput,
  caseOpenedUpdate,
  caseSnapshotQuery,
  caseUpdates,
  CommandEnvelope,
  searchAttributeKeys,
} from './messages';

// Projection is short, idempotent and on the hot path of every command: a local activity saves a task round trip.
const { projectCase } = wf.proxyLocalActivities<ProjectionActivities>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '200 milliseconds', maximumInterval: '10 seconds' },
});

type AnyCommandEnvelope = CommandEnvelope<CaseCommandName>;

const now = (): string => new Date().toISOString();

const refusal = (rejection: Rejection): wf.ApplicationFailure =>
  wf.ApplicationFailure.create({ type: rejection.code, message: rejection.message, details: [rejection], nonRetryable: true });

/**
 * One case, from intake to its end. A thin shell: the rules live in `./domain`; this wires Updates to them,
 * keeps the search attributes current and projects every new version into PostgreSQL before it answers.
 */
export async function caseWorkflow(input: CaseWorkflowInput): Promise<void> {
  let record: CaseRecord = openCase(input.intake, input.openedBy, now());
  let projectedVersion = 0;
  const snapshot = (): CaseSnapshot => ({ state: record.state, timeline: record.events });

  const publishSearchAttributes = (): void =>
    wf.upsertSearchAttributes([
      { key: searchAttributeKeys.caseNo, value: record.state.caseNo },
      { key: searchAttributeKeys.status, value: record.state.status },
      { key: searchAttributeKeys.tier, value: record.state.tier },
      { key: searchAttributeKeys.communityId, value: record.state.location.communityId },
    ]);
  publishSearchAttributes();

  /** Callers answer only once what they changed is readable from PostgreSQL (read-your-writes for the API). */
  const projected = async (): Promise<CaseSnapshot> => {
    const version = record.state.version;
    await wf.condition(() => projectedVersion >= version);
    return snapshot();
  };

  wf.setHandler(caseSnapshotQuery, snapshot);
  wf.setHandler(caseOpenedUpdate, projected);

  // Every command update runs the same way, so one registration serves them all.
  const register = (name: CaseCommandName): void => {
    const toCommand = (envelope: AnyCommandEnvelope) => ({ ...envelope.command, type: name }) as CaseCommand;
    wf.setHandler(
      caseUpdates[name] as unknown as UpdateDefinition<CaseSnapshot, [AnyCommandEnvelope]>,
      async (envelope) => {
        const result = execute(record, toCommand(envelope), envelope.actor, now());
        if (!result.ok) throw refusal(result.rejection);
        record = result.record;
        publishSearchAttributes();
        return projected();
      },
      {
        validator: (envelope) => {
          const decision = decide(record.state, toCommand(envelope), envelope.actor);
          if (!decision.ok) throw refusal(decision.rejection);
        },
      },
    );
  };
  caseCommandNames.forEach(register);

  // The single writer of this case's rows: projects each new version in order until the case has ended.
  for (;;) {
    await wf.condition(() => record.state.version > projectedVersion);
    const target = record;
    await projectCase({ state: target.state, events: target.events.filter((e) => e.seq > projectedVersion) });
    projectedVersion = target.state.version;
    if (isFinished(record.state) && projectedVersion === record.state.version) break;
  }
  await wf.condition(wf.allHandlersFinished);
}
