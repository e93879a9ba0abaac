import type { CaseLocation, Attachment, Instant, Reporter } from './types';
import type { Channel, Rating, RequestType, Role, SlaClassName, Urgency } from './terms';

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
}

/** Who did it, as recorded on the timeline. */
export interface ActorRef {
  userId: string;
  username: string;
  displayName: string;
  role: Role;
  unitId?: string | null;
}

/** What happened to a case; the timeline is the list of these. */
export type CaseEventData =
  | { type: 'case_opened'; intake: CaseIntake }
  | { type: 'handled_directly'; note: string }
  | { type: 'dispatched'; leadUnitId: string; cooperatingUnitIds: string[]; designated: boolean; note: string | null }
  | { type: 'assignment_accepted'; unitId: string; note: string | null }
  | { type: 'assignment_rejected'; unitId: string; reason: string }
  | { type: 'resolved'; summary: string; evidence: string[]; explainedUnresolved: boolean }
  | { type: 'callback_recorded'; rating: Rating; comment: string | null };

export type CaseEventType = CaseEventData['type'];

export type CaseEvent = CaseEventData & {
  /** 1-based position in the case's timeline; equals the case version after it is applied. */
  seq: number;
  at: Instant;
  actor: ActorRef | null;
};
