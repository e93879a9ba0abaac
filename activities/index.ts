import type { Db } from '../db/connection';
import { createProjectionActivities } from './projection';

/** Every activity the case worker registers, bound to their dependencies. */
export function createActivities(deps: { db: Db }) {
  return { ...createProjectionActivities(deps.db) };
}
