import * as wf from '@temporalio/workflow';
import type { TrainedModelInfo, TriageActivities } from '../activities/triage';

// Training reads every labelled text and closed case: seconds for a demo city, minutes for a large one.
const { trainTriageModel } = wf.proxyActivities<TriageActivities>({
  startToCloseTimeout: '30 minutes',
  retry: { initialInterval: '30 seconds', maximumAttempts: 3 },
});

/**
 * Retrains the smart-dispatch classifier (智能分拨) on the city's history: started by a Temporal Schedule
 * (worker/triage-schedule.ts, nightly by default). The API loads the new version by itself within 30 s.
 */
export async function triageTrainingWorkflow(): Promise<TrainedModelInfo> {
  return trainTriageModel({ trigger: 'schedule' });
}
