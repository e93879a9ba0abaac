import type { CaseCommand } from './commands';
import { decide } from './decide';
import type { ActorRef, CaseEvent, CaseEventData, CaseIntake } from './events';
import { evolve } from './evolve';
import type { Rejection } from './rejection';
import type { Actor, CaseState, Instant } from './types';

/** A case as the workflow holds it: the current state and every event that led to it (the timeline). */
export interface CaseRecord {
  state: CaseState;
  events: CaseEvent[];
}

export const actorRef = (actor: Actor): ActorRef => ({
  userId: actor.userId,
  username: actor.username,
  displayName: actor.displayName,
  role: actor.role,
  unitId: actor.unitId ?? null,
});

function append(record: CaseRecord | null, data: CaseEventData, actor: ActorRef | null, at: Instant): CaseRecord {
  const event = { ...data, seq: (record?.events.length ?? 0) + 1, at, actor } as CaseEvent;
  return { state: evolve(record?.state ?? null, event), events: [...(record?.events ?? []), event] };
}

export function openCase(intake: CaseIntake, actor: Actor, at: Instant): CaseRecord {
  return append(null, { type: 'case_opened', intake }, actorRef(actor), at);
}

export type Execution = { ok: true; record: CaseRecord; events: CaseEvent[] } | { ok: false; rejection: Rejection };

/** Decide and apply in one step: the only way a case changes. */
export function execute(record: CaseRecord, command: CaseCommand, actor: Actor, at: Instant): Execution {
  const decision = decide(record.state, command, actor);
  if (!decision.ok) return decision;
  let next = record;
  for (const data of decision.events) next = append(next, data, actorRef(actor), at);
  return { ok: true, record: next, events: next.events.slice(record.events.length) };
}

/** Appends what the system itself decided (timers, planned deadlines): no actor on the timeline. */
export function recordSystemEvents(record: CaseRecord, events: CaseEventData[], at: Instant): CaseRecord {
  let next = record;
  for (const data of events) next = append(next, data, null, at);
  return next;
}
