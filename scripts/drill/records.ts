/**
 * What a drill round records and reads back: the clients' ledger (what the API answered), the fault
 * timeline, and the observation of the stack once it settled. Plain data, so verification is a pure function.
 */
import type { CaseSnapshot } from '../../workflows/messages';
import type { CaseState } from '../../workflows/domain';

/** How a client's request ended: a definitive yes, a definitive no (4xx), or no answer within the retry budget. */
export type Outcome = 'accepted' | 'refused' | 'gave-up';

/** The decisions the load generator makes, by their API path and the timeline event each one records. */
export const drillCommands = {
  dispatch: { path: 'dispatch', event: 'dispatched' },
  accept: { path: 'accept', event: 'assignment_accepted' },
  reject: { path: 'reject', event: 'assignment_rejected' },
  noteProgress: { path: 'progress', event: 'progress_noted' },
  resolve: { path: 'resolve', event: 'resolved' },
  callback: { path: 'callback', event: 'callback_recorded' },
  handleDirectly: { path: 'handle-directly', event: 'handled_directly' },
  withdraw: { path: 'withdraw', event: 'withdrawn' },
} as const;

export type DrillCommand = keyof typeof drillCommands;

/** The ways a case goes through the drill; `idle` ones are left waiting so their deadlines pass. */
export const journeyKinds = ['idle', 'dispatchIdle', 'full', 'reject', 'direct', 'withdraw'] as const;
export type JourneyKind = (typeof journeyKinds)[number];

export interface IntakeRecord {
  key: string;
  /** Unique per request: it tells cases apart, as the intake fingerprint does. */
  title: string;
  journey: JourneyKind;
  outcome: Outcome;
  /** Last HTTP status (null: never answered). */
  status: number | null;
  /** Error code of a refusal (e.g. IDEMPOTENCY_CONFLICT). */
  code: string | null;
  caseId: string | null;
  attempts: number;
  sentAt: string;
  answeredAt: string;
}

export interface DecisionRecord {
  key: string;
  caseId: string;
  command: DrillCommand;
  /** Username of the caller; the timeline names it on the event. */
  actor: string;
  outcome: Outcome;
  status: number | null;
  code: string | null;
  attempts: number;
  sentAt: string;
  answeredAt: string;
}

export interface Ledger {
  intakes: IntakeRecord[];
  decisions: DecisionRecord[];
  /** Every answer the clients got, by status ("net" for no answer: refused connection, reset, timeout). */
  answers: Record<string, number>;
  /** 500s by request (`POST /cases/:id/dispatch INTERNAL`): the API should answer 503 for a part that is down. */
  internalErrors: Record<string, number>;
  /** How the requests spread over the API replicas. */
  routing: Routing;
}

export interface Routing {
  /** HTTP answers by replica base URL. */
  answered: Record<string, number>;
  /** Attempts resent at once to another replica because one gave no answer (refused, reset, timed out). */
  failovers: number;
}

export const emptyLedger = (): Ledger => ({ intakes: [], decisions: [], answers: {}, internalErrors: {}, routing: { answered: {}, failovers: 0 } });

/** One kill -9 and restart, as the timeline logs it. */
export interface FaultWindow {
  component: string;
  /** The part's kind (`worker`, `api`, ...): an API replica's outage holds no timer back. */
  kind?: string;
  killedAt: string;
  restartedAt: string | null;
  /** When the readiness check passed again (null: it never did). */
  readyAt: string | null;
}

/** The deadlines of the drill's policy, in seconds of elapsed time (basis `calendar`). */
export interface DrillPolicy {
  triage: number;
  respond: number;
  resolve: number;
  callback: number;
}

export interface CaseRow {
  id: string;
  status: string;
  tier: string;
  version: number;
  overdue: boolean;
  leadUnitId: string | null;
  doc: CaseState;
}

export interface ObservedCase {
  id: string;
  row: CaseRow | null;
  workflow: CaseSnapshot | null;
  /** Temporal knows the workflow (it may still fail to answer the query, which needs a worker). */
  workflowExists: boolean;
  workflowError: string | null;
  /** case_events rows, by seq (`at` as an ISO instant; absent where a test leaves it out). */
  eventRows: { seq: number; type: string; at?: string }[];
  /** alerts rows of the case. */
  alertRows: { type: string; tier: string; dedupeKey: string }[];
  /** When the workflow was read: deadlines due before this (less a grace) must have fired. */
  observedAt: string;
}

export interface Observation {
  cases: Map<string, ObservedCase>;
  /** Case workflow ids that Temporal's visibility lists (running or closed). */
  workflowIds: string[];
  /** The clerk's intake_idempotency rows: key → case id. */
  intakeKeys: Map<string, string>;
}
