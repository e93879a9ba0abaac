import type {
  AttachmentKind,
  CaseStatus,
  Channel,
  HandlingMode,
  Rating,
  RequestType,
  Role,
  SlaClassName,
  Tier,
  Urgency,
} from './terms';

/** Instants are ISO 8601 strings so that state stays plain JSON (queries, continue-as-new, projection). */
export type Instant = string;

/** Who issued a command, as the API authenticated them. */
export interface Actor {
  userId: string;
  username: string;
  displayName: string;
  role: Role;
  /** The jurisdiction node the user works for (absent for liaisons). */
  jurisdictionId?: string | null;
  /** Materialized path of that node, e.g. `/410581/410581001/`, to test "at or below". */
  jurisdictionPath?: string | null;
  /** The unit a liaison speaks for. */
  unitId?: string | null;
}

/** Where the case is, resolved at intake from the community up to the city: escalation climbs these ids. */
export interface CaseLocation {
  communityId: string;
  /**
   * Materialized path of the community, e.g. `/410581/41058101/410581001/410581001001/`: every node above it
   * (a district too) acts on the case with its subtree. Absent on cases opened before it was recorded.
   */
  path?: string | null;
  streetId: string;
  cityId: string;
  gridId?: string | null;
  address: string;
  lat?: number | null;
  lng?: number | null;
}

export interface Reporter {
  name?: string | null;
  phone?: string | null;
}

export interface Attachment {
  url: string;
  kind: AttachmentKind;
}

export type AssignmentRole = 'lead' | 'cooperating';
export type AssignmentState = 'pending' | 'accepted' | 'rejected';

export interface Assignment {
  unitId: string;
  role: AssignmentRole;
  state: AssignmentState;
  /** False once its dispatch round ended (the lead unit rejected it): kept for the record. */
  active: boolean;
  /** The tier that dispatched it (a rejection goes back to that tier's dispatcher). */
  tier: Tier;
  assignedAt: Instant;
  respondBy?: Instant | null;
  decidedAt?: Instant | null;
  decidedBy?: string | null;
  reason?: string | null;
  note?: string | null;
}

export interface Deadlines {
  triageBy?: Instant | null;
  respondBy?: Instant | null;
  resolveBy?: Instant | null;
  callbackBy?: Instant | null;
}

export interface Escalation {
  from: Tier;
  to: Tier;
  cause: 'deadline' | 'manual' | 'dispute';
  at: Instant;
  reason?: string | null;
}

export interface Resolution {
  summary: string;
  evidence: string[];
  explainedUnresolved: boolean;
  by: string;
  at: Instant;
}

export interface Callback {
  rating: Rating;
  comment?: string | null;
  by: string;
  at: Instant;
}

export type ClockKind = 'triage' | 'respond' | 'resolve' | 'callback' | 'repeatOverdue' | 'pause';

/**
 * What moves a planned deadline, with the instant it was decided:
 * - `extend`: an approved extension adds `duration`, counted from the deadline, or from `at` when the deadline
 *   had already passed by then (a late extension is a new deadline, not one that is already missed);
 * - `shift`: a pause (待补充材料) from `from` to `to` moves the deadline by the time waited when time was left at
 *   `from`; when the deadline had passed before the pause, the new deadline counts that time from `to`.
 */
export type ClockAdjustment = { kind: 'extend'; duration: string; at: Instant } | { kind: 'shift'; from: Instant; to: Instant };

/**
 * How to plan a clock: the policy's duration for its kind from `from`, or, when `base` is given, the deadline
 * already planned; then each of `steps` in order.
 */
export interface ClockPlanning {
  from: Instant;
  base?: Instant | null;
  steps?: ClockAdjustment[];
}

/**
 * One SLA clock. It is started by an event with `due: null`; the workflow asks an activity to plan it
 * (policy + calendar) and records the answer, so deadlines are absolute instants in history.
 */
export interface Clock {
  id: string;
  kind: ClockKind;
  /** The tier whose deadline it is (escalation climbs from here). */
  tier: Tier;
  unitId?: string | null;
  startedAt: Instant;
  /** Null until planned. */
  due: Instant | null;
  warnAt: Instant | null;
  basis?: 'calendar' | 'working' | null;
  /** What to plan next (null once planned). */
  plan: ClockPlanning | null;
  /**
   * The extensions and pauses applied so far, in order: a replan on another policy (the complex mark) starts
   * from `startedAt` again and applies them anew, so an approved extension or a pause is never lost.
   */
  adjustments?: ClockAdjustment[];
  /** Seconds of office time in one working day when the deadline was planned (working basis). */
  workdaySeconds?: number | null;
  warned: boolean;
  missedAt: Instant | null;
  /**
   * The due it had when it was first missed. A later replan (an extension approved too late, a pause after
   * the miss) moves `due` and clears `missedAt`, but the measures judge against the deadline as it stood then.
   */
  missedDue?: Instant | null;
  stoppedAt: Instant | null;
  /** Resolve clock only: paused while waiting for the citizen (待补充材料). */
  pausedAt?: Instant | null;
}

/** Something asked of a supervisor: an extension, or the complex mark. */
export interface ApprovalRequest {
  state: 'pending' | 'approved' | 'refused';
  reason: string;
  requestedAt: Instant;
  requestedBy: string;
  decidedAt?: Instant | null;
  decidedBy?: string | null;
  note?: string | null;
}

export interface Extension extends ApprovalRequest {
  duration: string;
  /** resolveBy before and after an approval, kept for the record. */
  previousResolveBy?: Instant | null;
}

export interface Agreement {
  participants: { name: string; unitId?: string | null; role?: string | null }[];
  plan: string;
  costSharing?: string | null;
  at: Instant;
}

/** Everything intake knows about a new case, already validated and with its location resolved. */
export interface CaseIntake {
  id: string;
  caseNo: string;
  requestType: RequestType;
  category: string;
  slaClass: SlaClassName;
  urgency: Urgency;
  title: string;
  description: string;
  channel: Channel;
  location: CaseLocation;
  reporter: Reporter;
  attachments: Attachment[];
  /** The citizen agreed that the text of the request may be shown on the public board (公开). */
  public?: boolean;
}

export interface CaseState extends CaseIntake {
  status: CaseStatus;
  tier: Tier;
  mode: HandlingMode | null;
  assignments: Assignment[];
  deadlines: Deadlines;
  overdue: boolean;
  escalations: Escalation[];
  clocks: Clock[];
  extensions: Extension[];
  /** The current extension request, if any (API.md `extension`). */
  extension: Extension | null;
  agreement: Agreement | null;
  /** The dispatcher's "complex" mark (复杂件), in force only once a supervisor approves it. */
  complexMark: ApprovalRequest | null;
  /** While waiting for the citizen's information (待补充材料). */
  paused: { since: Instant; reason: string } | null;
  /** First feedback of the lead unit (progress note or resolution): the on-time feedback measure. */
  firstFeedbackAt: Instant | null;
  progressNotes: number;
  /** Lead-unit rejections so far: the second one is a dispute (派单争议). */
  leadRejections: number;
  mergedInto: string | null;
  /** Duplicate reports merged into this case (并单). */
  duplicates?: string[];
  endReason: string | null;
  /** Closed because nobody rated it within the callback window. */
  notRated: boolean;
  /** Who handles a case handled directly (直接办): they also resolve it. */
  directHandler: { userId: string; note: string } | null;
  resolution: Resolution | null;
  callbacks: Callback[];
  reopenCount: number;
  rating: Rating | null;
  createdAt: Instant;
  dispatchedAt: Instant | null;
  resolvedAt: Instant | null;
  /** The first resolution: a reopening clears `resolvedAt`, but on-time completion is judged on this one. */
  firstResolvedAt?: Instant | null;
  closedAt: Instant | null;
  updatedAt: Instant;
  /** Bumped by every event; the projection only ever moves forward on it. */
  version: number;
}
