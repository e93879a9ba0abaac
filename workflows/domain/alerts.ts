import { tierNode } from './place';
import type { AlertData, CaseEventData } from './events';
import type { AlertType, Tier } from './terms';
import type { CaseState } from './types';

/**
 * The one way a case raises an alert: for the supervisors and dispatchers of a tier's node, naming the case
 * by number and title (never the reporter), as an event on its timeline that the projection stores once.
 */
export const alert = (state: CaseState, type: AlertType, tier: Tier, message: string, extra: Partial<AlertData> = {}): CaseEventData => ({
  type: 'alert_raised',
  alert: { type, tier, jurisdictionId: tierNode(state, tier), message: `案件 ${state.caseNo}「${state.title}」${message}`, ...extra },
});
