import type { Knex } from 'knex';

export type IdempotentClaim = { kind: 'new' } | { kind: 'seen'; caseId: string } | { kind: 'conflict' };

/**
 * Binds an Idempotency-Key (per user) to a case id before the case is started, so a retry, even one racing
 * the first call, starts or finds the same case. A different body under the same key is a conflict.
 */
export async function claimIntakeKey(
  db: Knex,
  claim: { userId: string; key: string; requestHash: string; caseId: string },
): Promise<IdempotentClaim> {
  const inserted = await db('intake_idempotency')
    .insert({ user_id: claim.userId, key: claim.key, request_hash: claim.requestHash, case_id: claim.caseId })
    .onConflict(['user_id', 'key'])
    .ignore()
    .returning('case_id');
  if (inserted.length > 0) return { kind: 'new' };
  const existing = await db('intake_idempotency').where({ user_id: claim.userId, key: claim.key }).first();
  if (!existing || existing.request_hash !== claim.requestHash) return { kind: 'conflict' };
  return { kind: 'seen', caseId: existing.case_id };
}

/** Moves a key to the next number tried when the first one proved taken (only if it still points there). */
export async function rebindIntakeKey(db: Knex, claim: { userId: string; key: string; from: string; to: string }): Promise<void> {
  await db('intake_idempotency').where({ user_id: claim.userId, key: claim.key, case_id: claim.from }).update({ case_id: claim.to });
}
