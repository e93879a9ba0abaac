import type { Db } from '../db/connection';
import type { OfficeHours } from '../workflows/domain/calendar/deadline-arithmetic';
import { createClockActivities } from './clocks';
import { createProjectionActivities } from './projection';
import { createTriageActivities } from './triage';

/** The activities the workflows call (the case workflow; the triage training workflow), and only those, bound to their dependencies. */
export function createActivities(deps: { db: Db; officeHours: OfficeHours }) {
  return { ...createProjectionActivities(deps.db), ...createClockActivities(deps), ...createTriageActivities(deps.db) };
}
