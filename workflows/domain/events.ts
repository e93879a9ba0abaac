import type { Agreement, CaseIntake, Instant } from './types';
import type { AlertType, Rating, Role, SlaClassName, Tier } from './terms';

export type { CaseIntake };

/** Who did it, as recorded on the timeline; null for the system (timers). */
export interface ActorRef {
  userId: string;
  username: string;
  displayName: string;
  role: Role;
  unitId?: string | null;
}

export interface AlertData {
  type: AlertType;
  /** The tier whose supervisors and dispatchers it is for. */
  tier: Tier;
  jurisdictionId: string;
  unitId?: string | null;
  deadline?: Instant | null;
  message: string;
}

export interface ClockPlan {
  clockId: string;
  due: Instant;
  warnAt: Instant | null;
  /** How the deadline was counted, so "time left" is told the same way. */
  basis: 'calendar' | 'working';
  /** Seconds of office time in a working day (working basis), so the rules can weigh hours as days. */
  workdaySeconds?: number | null;
}

/** A clock the planner could not plan: the case stays alive and supervisors are told (see `clocks_plan_failed`). */
export interface ClockPlanFailure {
  clockId: string;
  reason: string;
}

/** What happened to a case; the timeline is the list of these. */
export type CaseEventData =
  | { type: 'case_opened'; intake: CaseIntake }
  | { type: 'handled_directly'; note: string }
  | { type: 'dispatched'; leadUnitId: string; cooperatingUnitIds: string[]; designated: boolean; note: string | null }
  | ({ type: 'agreement_recorded'; leadUnitId: string; cooperatingUnitIds: string[] } & Omit<Agreement, 'at'>)
  | { type: 'assignment_accepted'; unitId: string; note: string | null; late: boolean }
  | { type: 'assignment_rejected'; unitId: string; reason: string; late: boolean }
  | { type: 'progress_noted'; note: string }
  | { type: 'extension_requested'; duration: string; reason: string }
  | { type: 'extension_decided'; approve: boolean; note: string | null }
  | { type: 'paused'; reason: string }
  | { type: 'resumed'; note: string | null }
  | { type: 'resolved'; summary: string; evidence: string[]; explainedUnresolved: boolean }
  | { type: 'callback_recorded'; rating: Rating; comment: string | null }
  | { type: 'callback_window_expired' }
  | { type: 'complex_requested'; reason: string }
  | { type: 'complex_decided'; approve: boolean; note: string | null }
  | { type: 'escalated'; from: Tier; to: Tier; cause: 'deadline' | 'manual' | 'dispute'; reason: string }
  | { type: 'withdrawn'; reason: string }
  | { type: 'merged'; intoCaseId: string }
  | { type: 'duplicate_merged'; caseId: string; title: string }
  /** The category changed (a dispatcher's correction); `slaClass`: the deadline class from now on. */
  | { type: 'recategorized'; from: string; to: string; slaClass: SlaClassName; note: string | null }
  | { type: 'clocks_planned'; plans: ClockPlan[] }
  | { type: 'clocks_plan_failed'; failures: ClockPlanFailure[] }
  | { type: 'clock_warned'; clockId: string }
  | { type: 'clock_missed'; clockId: string }
  | { type: 'alert_raised'; alert: AlertData };

export type CaseEventType = CaseEventData['type'];

export type CaseEvent = CaseEventData & {
  /** 1-based position in the case's timeline; equals the case version after it is applied. */
  seq: number;
  at: Instant;
  actor: ActorRef | null;
};
