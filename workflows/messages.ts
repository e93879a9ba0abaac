/**
 * The case workflow's messages, shared by the workflow and its clients (API, CLI, tests) without pulling
 * in workflow code. One Update per user command; a refused one fails its validator and never enters history.
 */
import { defineSearchAttributeKey, SearchAttributePair, SearchAttributeType, UpdateDefinition } from '@temporalio/common';
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import { caseCommandNames } from './domain/commands';
import type { Actor, CaseCommandName, CaseCommands, CaseEvent, CaseIntake, CaseRecord, CaseState, ClockPlan } from './domain';

export const caseWorkflowType = 'caseWorkflow';

export const workflowIdForCase = (caseId: string): string => `case-${caseId}`;

/**
 * The changes a case takes from its first task, stamped into its start input by whoever starts it. A change
 * reaches cases already running through `patched()`, which records a marker and a search-attribute write in
 * every case that meets it; a case started with a revision that includes the change takes it without them.
 * - 1: projections after the commit; deadlines counted before commands; search attributes set at the start
 *   and written only when they change; the first deadlines planned by the caller and given with the start
 *   (`opening`); updates answer once their deadlines are planned, and the caller waits for the row in
 *   PostgreSQL (api/case-gateway.ts) instead of the workflow waiting for the projection.
 */
export const caseWorkflowRevision = 1;

export interface CaseWorkflowInput {
  intake: CaseIntake;
  openedBy: Actor;
  /**
   * A hash of the intake request that opened the case. Whoever meets this workflow again by its id (a retry,
   * or a number handed out twice after a database restore) compares it before answering with this case.
   */
  fingerprint?: string | null;
  /** What a run hands to the next when its history grew long (continue-as-new): the case so far. */
  carried?: CarriedCase | null;
  /** `caseWorkflowRevision` when the case was opened; absent for cases opened before revisions existed. */
  revision?: number;
  /** When the case opened and its first deadlines, planned before the start; absent: the first task plans them. */
  opening?: CaseOpening | null;
}

/**
 * The opening of a case as its caller planned it, with the worker's own planner (activities/clocks.ts): the
 * deadlines are recorded in the start input as a planner's answer is recorded in history, so the first task
 * needs no planning of its own.
 */
export interface CaseOpening {
  at: string;
  /** Plans for the clocks that start with the case; one missing is planned by the workflow as usual. */
  plans: ClockPlan[];
}

export interface CarriedCase {
  record: CaseRecord;
  projectedVersion: number;
  /** Ids of the latest updates handled, so a retry that lands on the next run is not acted on twice. */
  recentUpdateIds: string[];
}

/**
 * What an update answers: the version of the case it produced, with its deadlines planned. The API answers
 * once that version is readable from PostgreSQL and reads the case there; the workflow's history keeps only
 * this, not a copy of the case per command. (Before revision 1 the update itself waited for the projection.)
 */
export interface CaseChanged {
  version: number;
}

/** The answer to intake: the version, and the fingerprint of the request that opened the case. */
export interface CaseOpened extends CaseChanged {
  fingerprint: string | null;
}

/** A case as the workflow knows it: current state plus its timeline (the snapshot query; reproject reads it). */
export interface CaseSnapshot {
  state: CaseState;
  timeline: CaseEvent[];
}

export interface CommandEnvelope<K extends CaseCommandName> {
  actor: Actor;
  command: CaseCommands[K];
}

export type CaseUpdate<K extends CaseCommandName> = UpdateDefinition<CaseChanged, [CommandEnvelope<K>], K>;

const update = <K extends CaseCommandName>(name: K): CaseUpdate<K> => defineUpdate<CaseChanged, [CommandEnvelope<K>], K>(name);

export const caseUpdates = Object.fromEntries(caseCommandNames.map((name) => [name, update(name)])) as {
  [K in CaseCommandName]: CaseUpdate<K>;
};

/** Sent with the workflow start (update-with-start): answers once the new case's first deadlines are planned. */
export const caseOpenedUpdate = defineUpdate<CaseOpened>('opened');

export const caseSnapshotQuery = defineQuery<CaseSnapshot>('snapshot');

/** From a duplicate to its primary case when it is merged (并单), so the primary lists it. */
export const duplicateMergedSignal = defineSignal<[{ caseId: string; title: string }]>('duplicateMerged');

/**
 * The custom search attributes every case workflow carries, so operators find cases in the Temporal UI
 * (e.g. `CaseStatus = "triage" AND CaseTier = "street"`): the one list. The launcher and the tests register
 * them on the dev server; a production namespace registers them once (docker-compose.yml's one-shot).
 */
export const searchAttributeKeys = {
  caseNo: defineSearchAttributeKey('CaseNo', SearchAttributeType.KEYWORD),
  status: defineSearchAttributeKey('CaseStatus', SearchAttributeType.KEYWORD),
  tier: defineSearchAttributeKey('CaseTier', SearchAttributeType.KEYWORD),
  communityId: defineSearchAttributeKey('CaseCommunityId', SearchAttributeType.KEYWORD),
};

/** The search attributes of a case as it stands: given with its start, and written again when one changes. */
export const caseSearchAttributes = (state: Pick<CaseState, 'caseNo' | 'status' | 'tier' | 'location'>): SearchAttributePair[] => [
  { key: searchAttributeKeys.caseNo, value: state.caseNo },
  { key: searchAttributeKeys.status, value: state.status },
  { key: searchAttributeKeys.tier, value: state.tier },
  { key: searchAttributeKeys.communityId, value: state.location.communityId },
];

