/**
 * The case workflow's messages, shared by the workflow and its clients (API, CLI, tests) without pulling
 * in workflow code. One Update per user command; a refused one fails its validator and never enters history.
 */
import { defineSearchAttributeKey, SearchAttributeType, UpdateDefinition } from '@temporalio/common';
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import { caseCommandNames } from './domain/commands';
import type { Actor, CaseCommandName, CaseCommands, CaseEvent, CaseIntake, CaseRecord, CaseState } from './domain';

export const caseWorkflowType = 'caseWorkflow';

export const workflowIdForCase = (caseId: string): string => `case-${caseId}`;

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
}

export interface CarriedCase {
  record: CaseRecord;
  projectedVersion: number;
  /** Ids of the latest updates handled, so a retry that lands on the next run is not acted on twice. */
  recentUpdateIds: string[];
}

/**
 * What an update answers: the version of the case it produced, already readable from PostgreSQL. The API
 * reads the case there; the workflow's history keeps only this, not a copy of the case per command.
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

/** Sent with the workflow start (update-with-start): answers once the new case is in PostgreSQL. */
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
