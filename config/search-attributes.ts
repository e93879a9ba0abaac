/**
 * The case search attributes (workflows/messages.ts holds the one list) as the CLI and the compose one-shot
 * name them: `CaseNo=Keyword`.
 */
import { searchAttributeKeys } from '../workflows/messages';

const cliType = { KEYWORD: 'Keyword' } as const;

export const caseSearchAttributes = Object.values(searchAttributeKeys).map((key) => ({
  name: key.name,
  type: cliType[key.type],
  key,
}));
