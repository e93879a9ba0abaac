import type { CaseStatus, Rating, SlaClassName } from './terms';

/** What a user asks of a case. Each becomes a Temporal Update of the same name. */
export interface CaseCommands {
  handleDirectly: { note: string };
  dispatch: { leadUnitId: string; cooperatingUnitIds: string[]; note?: string | null };
  recordAgreement: {
    leadUnitId: string;
    cooperatingUnitIds: string[];
    participants: { name: string; unitId?: string | null; role?: string | null }[];
    plan: string;
    costSharing?: string | null;
  };
  accept: { note?: string | null };
  reject: { reason: string };
  noteProgress: { note: string };
  requestExtension: { duration: string; reason: string };
  decideExtension: { approve: boolean; note?: string | null };
  pause: { reason: string };
  resume: { note?: string | null };
  resolve: { summary: string; evidence: string[]; explainedUnresolved: boolean };
  callback: { rating: Rating; comment?: string | null };
  markComplex: { reason: string };
  decideComplex: { approve: boolean; note?: string | null };
  escalate: { reason: string };
  withdraw: { reason: string };
  /** `into`: what the API read of the primary case, so that the rules can refuse one that already ended. */
  merge: { intoCaseId: string; into?: { status: CaseStatus } | null };
  /**
   * A dispatcher corrects the category (智能分拨's corrections are learned from). `categoryClass`: the SLA class
   * of the new category as the API read it from the catalogue, so that the rules can move the deadlines.
   */
  recategorize: { category: string; categoryClass?: SlaClassName | null; note?: string | null };
}

export type CaseCommandName = keyof CaseCommands;

export const caseCommandNames = [
  'handleDirectly',
  'dispatch',
  'recordAgreement',
  'accept',
  'reject',
  'noteProgress',
  'requestExtension',
  'decideExtension',
  'pause',
  'resume',
  'resolve',
  'callback',
  'markComplex',
  'decideComplex',
  'escalate',
  'withdraw',
  'merge',
  'recategorize',
] as const satisfies readonly CaseCommandName[];

export type CaseCommand = { [K in CaseCommandName]: { type: K } & CaseCommands[K] }[CaseCommandName];
