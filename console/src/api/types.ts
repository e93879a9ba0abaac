/** The shapes the console reads from /api/v1 (see ../shared/spec/API.md and api/schemas). */

export type Role = 'clerk' | 'gridWorker' | 'dispatcher' | 'liaison' | 'supervisor' | 'admin';
export type Tier = 'community' | 'street' | 'city';
export type CaseStatus = 'triage' | 'dispatched' | 'in_progress' | 'resolved' | 'closed' | 'withdrawn' | 'merged';
export type DeadlineKey = 'triageBy' | 'respondBy' | 'resolveBy' | 'callbackBy';
export type Decision = 'pending' | 'approved' | 'refused';

export interface Jurisdiction {
  id: string;
  name: string;
  level: 'city' | 'district' | 'street' | 'community' | 'grid';
  parentId?: string | null;
  path: string;
}

export interface Unit {
  id: string;
  name: string;
  shortName?: string;
  kind?: string;
  jurisdictionId?: string;
  active?: boolean;
}

export interface Category {
  id: string;
  name: string;
  parentId: string | null;
  slaClass: string;
  description: string | null;
  responsibilities?: { jurisdictionId: string; unitId: string; role: 'lead' | 'cooperating' }[];
}

export interface Me {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  jurisdiction: Pick<Jurisdiction, 'id' | 'name' | 'level' | 'path'> | null;
  unit: Pick<Unit, 'id' | 'name'> | null;
}

export interface Assignment {
  unitId: string;
  role: 'lead' | 'cooperating';
  state: 'pending' | 'accepted' | 'rejected';
  active?: boolean;
  tier?: Tier;
  assignedAt?: string;
  respondBy: string | null;
  decidedAt?: string | null;
  reason?: string | null;
  note?: string | null;
}

export interface TimelineEntry {
  seq: number;
  type: string;
  at: string;
  actor: { userId: string; displayName: string; role: string; unitId: string | null } | null;
  data: Record<string, unknown>;
}

export interface Case {
  id: string;
  caseNo: string;
  status: CaseStatus;
  tier: Tier;
  mode: 'direct' | 'negotiated' | 'designated' | null;
  requestType: string;
  category: string;
  urgency: 'urgent' | 'normal';
  slaClass: string;
  title: string;
  description: string;
  channel: string;
  location: { communityId: string; streetId?: string; cityId?: string; gridId?: string | null; address: string };
  reporter: { name?: string | null; phone?: string | null };
  attachments?: { url: string; kind: string }[];
  public?: boolean;
  assignments: Assignment[];
  deadlines: Partial<Record<DeadlineKey, string | null>>;
  timeLeft?: Partial<Record<DeadlineKey, string>>;
  overdue: boolean;
  escalations: { from: Tier; to: Tier; cause: 'deadline' | 'manual' | 'dispute'; at: string; reason?: string | null }[];
  resolution?: { summary: string; evidence: string[]; explainedUnresolved: boolean; at: string } | null;
  extension?: { state: Decision; duration: string; reason: string; requestedAt: string; decidedAt?: string | null; note?: string | null } | null;
  agreement?: { participants: { name: string; unitId?: string | null; role?: string | null }[]; plan: string; costSharing?: string | null; at: string } | null;
  paused?: { since: string; reason: string } | null;
  complexMark?: { state: Decision; reason: string; requestedAt: string; decidedAt?: string | null; note?: string | null } | null;
  mergedInto?: string | null;
  duplicates?: string[];
  endReason?: string | null;
  notRated?: boolean;
  reopenCount: number;
  rating: string | null;
  createdAt: string;
  dispatchedAt: string | null;
  resolvedAt?: string | null;
  closedAt?: string | null;
  updatedAt: string;
  version: number;
  timeline?: TimelineEntry[];
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface Alert {
  id: string;
  type: string;
  caseId: string;
  tier: string;
  jurisdictionId: string;
  unitId: string | null;
  deadline: string | null;
  at: string;
  message: string;
  acknowledgedAt?: string | null;
  acknowledgedBy?: { userId: string; displayName: string } | null;
}

export interface AlertCounts {
  unacknowledged: { community: number; street: number; city: number };
  total: number;
}

export interface Measures {
  dispatched: number;
  responseRate: number | null;
  onTimeFeedbackRate: number | null;
  onTimeCompletionRate: number | null;
  firstTimeResolutionRate: number | null;
  resolutionRate: number | null;
  satisfactionRate: number | null;
  escalationRate: number | null;
}

export interface KpiRow extends Measures {
  key: string;
  name: string | null;
}

export interface KpiReport {
  period: { from: string; to: string };
  total: KpiRow;
  groups: KpiRow[];
}

export interface Proposal {
  leadUnitId: string | null;
  cooperatingUnitIds: string[];
}

// The public board (no login).

export interface PublicOverview {
  month: string;
  byStreet: { id: string; name: string; received: number; resolved: number; closed: number; overdue: number }[];
  byCategory: { id: string; name: string; received: number; resolved: number; closed: number }[];
}

export interface PublicScorecards {
  month: string;
  units: (Measures & { unitId: string; name: string })[];
}

export interface PublicCase {
  caseNo: string;
  status: string;
  statusName: string;
  categoryName: string | null;
  streetName: string | null;
  communityName?: string | null;
  createdAt: string;
  dispatchedAt?: string | null;
  resolvedAt?: string | null;
  closedAt: string | null;
  leadUnitName?: string | null;
  title: string | null;
  description?: string | null;
  steps?: { at: string; label: string }[];
}
