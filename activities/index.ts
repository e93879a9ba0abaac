import type { Db } from '../db/connection';
import type { OfficeHours } from './calendar/deadline-arithmetic';
import { createClockActivities } from './clocks';
import { createDeadlineActivities } from './deadlines';
import { createProjectionActivities } from './projection';

/** Every activity the case worker registers, bound to their dependencies. */
export function createActivities(deps: { db: Db; officeHours: OfficeHours }) {
  const deadlines = createDeadlineActivities({ db: deps.db, officeHours: deps.officeHours });
  return { ...createProjectionActivities(deps.db), ...deadlines, ...createClockActivities({ db: deps.db, deadlines }) };
}
