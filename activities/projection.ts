import { kpiFacts, type CaseEvent, type CaseState } from '../workflows/domain';
import type { Db } from '../db/connection';
import { saveCaseProjection, type CaseProjection } from '../db/queries/cases';
import { recordTriageExamples } from '../db/queries/triage';

export interface ProjectCaseInput {
  state: CaseState;
  /** Events not yet known to be projected; re-sending old ones is harmless. */
  events: CaseEvent[];
}

export interface ProjectionActivities {
  projectCase(input: ProjectCaseInput): Promise<void>;
}

/** What the read model keeps of a case version: its measures' facts and the alerts its new events raised. */
export function caseProjection({ state, events }: ProjectCaseInput): CaseProjection {
  return {
    state,
    facts: kpiFacts(state),
    alerts: events.flatMap((e) => (e.type === 'alert_raised' ? [{ seq: e.seq, at: e.at, alert: e.alert }] : [])),
    events,
  };
}

/**
 * Writes the read model: the workflow calls it for every new version, and reproject for every case it
 * rebuilds. Idempotent: a retried or out-of-order call never moves a case backwards.
 */
export function createProjectionActivities(db: Db): ProjectionActivities {
  return {
    async projectCase(input) {
      // What dispatchers teach smart dispatch: a recategorization, the units of each dispatch (keyed by event).
      // First, because the case row's commit is what answers the caller (api/projection-watch.ts): every write
      // of this version is readable by then.
      await recordTriageExamples(db, input.state, input.events);
      await saveCaseProjection(db, caseProjection(input));
    },
  };
}
