import type { Db } from '../db/connection';
import { trainFromDatabase } from '../triage/training';

export interface TrainedModelInfo {
  version: number;
  trainedAt: string;
  examples: number;
}

export interface TriageActivities {
  /** Trains the smart-dispatch classifier on what PostgreSQL holds and stores it as a new version. */
  trainTriageModel(input: { trigger: 'schedule' }): Promise<TrainedModelInfo>;
}

export function createTriageActivities(db: Db): TriageActivities {
  return {
    async trainTriageModel(input) {
      const { version, trainedAt, examples } = await trainFromDatabase(db, { trigger: input.trigger });
      return { version, trainedAt, examples };
    },
  };
}
