// The workflow bundle's entry: every workflow type the worker registers.
export { caseWorkflow } from './case-workflow';
export { triageTrainingWorkflow } from './triage-training';
export { webhookDispatcherWorkflow } from './webhook-dispatcher';
