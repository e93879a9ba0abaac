import type { CaseEvent, CaseState } from '../workflows/domain';
import type { Db } from '../db/connection';
import { saveCaseProjection } from '../db/queries/cases';

export interface ProjectCaseInput {
  state: CaseState;
  /** Events not yet known to be projected; re-sending old ones is harmless. */
  events: CaseEvent[];
}

export interface ProjectionActivities {
  projectCase(input: ProjectCaseInput): Promise<void>;
}

/** Writes the read model. Idempotent: a retried or out-of-order call never moves a case backwards. */
export function createProjectionActivities(db: Db): ProjectionActivities {
  return {
    async projectCase({ state, events }) {
      await saveCaseProjection(db, state, events);
    },
  };
}
