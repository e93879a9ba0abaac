/**
 * The bare engine: workflows that do as little as Temporal allows, so that jiesu's figures stand next to
 * what the engine alone does on the same dev server, with a worker of the case worker's settings
 * (bench/support/bare-worker.ts). Nothing of jiesu runs here.
 */
import * as wf from '@temporalio/workflow';
import type { BareActivities } from '../support/bare-activities';
import { bareOpenedUpdate, type TimerInput } from './bare-messages';

// The case workflow's local-activity options, so the timer path has the same shape as an escalation.
const { recordFired } = wf.proxyLocalActivities<BareActivities>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '200 milliseconds', maximumInterval: '10 seconds' },
});

/** Started and completed, nothing else: the floor under any command (intake-floor scenario `bare`). */
export async function noopWorkflow(): Promise<void> {
  return;
}

/**
 * The shape of intake without its work (scenario `bare-update`): started by update-with-start, answers the
 * update at once and completes. The gap to `bare` is what update-with-start itself costs.
 */
export async function updateNoopWorkflow(): Promise<void> {
  let answered = false;
  wf.setHandler(bareOpenedUpdate, () => {
    answered = true;
    return 1;
  });
  await wf.condition(() => answered);
  await wf.condition(wf.allHandlersFinished);
}

/**
 * The escalation path without jiesu (escalation-scale): a timer to a deadline, then one local activity that
 * stores a row stamped by PostgreSQL's clock, then, as an escalated case starts its next tier's clock, a far
 * timer that keeps the workflow open.
 */
export async function timerWorkflow(input: TimerInput): Promise<void> {
  const due = Date.now() + input.afterSeconds * 1000;
  await wf.sleep(due - Date.now());
  await recordFired({ id: input.id, due: new Date(due).toISOString() });
  await wf.sleep('30 days');
}
