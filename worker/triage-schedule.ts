import { Client, ScheduleAlreadyRunning } from '@temporalio/client';

export const triageScheduleId = 'triage-training';
export const triageTrainingWorkflowType = 'triageTrainingWorkflow';

/** Nightly at 02:30 Beijing time, when nobody is taking calls. */
export const defaultTriageSchedule = { cron: '30 2 * * *', timezone: 'Asia/Shanghai' };

/**
 * The Temporal Schedule that retrains the smart-dispatch model: created when missing (every worker ensures it
 * at start, so a deployment needs no extra step), updated when `update` says so (`npm run cli -- train schedule`).
 * Overlaps are skipped: a training still running when the next one is due lets it pass.
 */
export async function ensureTriageTrainingSchedule(
  client: Client,
  options: { taskQueue: string; scheduleId?: string; cron?: string; update?: boolean },
): Promise<'created' | 'exists' | 'updated'> {
  const scheduleId = options.scheduleId ?? triageScheduleId;
  const spec = { cronExpressions: [options.cron ?? defaultTriageSchedule.cron], timezone: defaultTriageSchedule.timezone };
  const action = {
    type: 'startWorkflow' as const,
    workflowType: triageTrainingWorkflowType,
    workflowId: `${scheduleId}-run`,
    taskQueue: options.taskQueue,
    args: [],
  };
  try {
    await client.schedule.create({ scheduleId, spec, action, policies: { overlap: 'SKIP', catchupWindow: '1 hour' } });
    return 'created';
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
    if (!options.update) return 'exists';
    await client.schedule.getHandle(scheduleId).update((previous) => ({ ...previous, spec, action }));
    return 'updated';
  }
}
