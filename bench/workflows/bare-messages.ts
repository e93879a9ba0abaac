/** The bare workflows' messages, for the workflows and the bench process alike (no workflow code here). */
import { defineUpdate } from '@temporalio/workflow';

/** What update-with-start sends the `updateNoopWorkflow`: answered at once. */
export const bareOpenedUpdate = defineUpdate<number>('opened');

export interface TimerInput {
  id: string;
  /** The deadline is this long after the workflow first runs, as a case's triage deadline is after its opening. */
  afterSeconds: number;
}
