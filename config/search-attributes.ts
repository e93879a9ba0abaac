/**
 * Custom search attributes every case workflow carries, so operators can find cases in the Temporal UI
 * (e.g. `CaseStatus = "triage" AND CaseTier = "street"`). The launcher registers them on the dev server;
 * a production namespace registers them once with `temporal operator search-attribute create`.
 */
export const caseSearchAttributes = [
  { name: 'CaseNo', type: 'Keyword' },
  { name: 'CaseStatus', type: 'Keyword' },
  { name: 'CaseTier', type: 'Keyword' },
  { name: 'CaseCommunityId', type: 'Keyword' },
] as const;
