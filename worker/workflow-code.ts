import type { WorkerOptions } from '@temporalio/worker';

/** Where a worker gets its workflow code from. */
export interface WorkflowCode {
  /** A bundle on disk (tests build one per run). */
  workflowBundlePath?: string;
  /** A bundle in memory: a process with several workers bundles once and gives each the same code. */
  workflowBundleCode?: string;
}

/** The worker options for that code; with neither, the workflows are bundled when the worker is created. */
export function workflowSource(code: WorkflowCode): Pick<WorkerOptions, 'workflowBundle' | 'workflowsPath'> {
  if (code.workflowBundlePath) return { workflowBundle: { codePath: code.workflowBundlePath } };
  if (code.workflowBundleCode) return { workflowBundle: { code: code.workflowBundleCode } };
  return { workflowsPath: workflowsEntry };
}

export const workflowsEntry = require.resolve('../workflows');
