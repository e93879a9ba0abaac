import type { Rating } from './terms';

/** What a user asks of a case. Each becomes a Temporal Update of the same name. */
export interface CaseCommands {
  handleDirectly: { note: string };
  dispatch: { leadUnitId: string; cooperatingUnitIds: string[]; note?: string | null };
  accept: { note?: string | null };
  reject: { reason: string };
  resolve: { summary: string; evidence: string[]; explainedUnresolved: boolean };
  callback: { rating: Rating; comment?: string | null };
}

export type CaseCommandName = keyof CaseCommands;

export const caseCommandNames = [
  'handleDirectly',
  'dispatch',
  'accept',
  'reject',
  'resolve',
  'callback',
] as const satisfies readonly CaseCommandName[];

export type CaseCommand = { [K in CaseCommandName]: { type: K } & CaseCommands[K] }[CaseCommandName];
