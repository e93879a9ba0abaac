import { createHash } from 'node:crypto';
import type { Knex } from 'knex';

export type RequestClaim = { kind: 'new' } | { kind: 'seen'; resourceId: string | null } | { kind: 'conflict' };

/** What a request asked, for comparing a retry with the first call: a hash of its canonical JSON. */
export const requestHash = (body: unknown): string => createHash('sha256').update(JSON.stringify(body ?? null)).digest('hex');

/**
 * Binds an Idempotency-Key (per user) to the action and body it first came with. The same key again with
 * the same action and body is `seen` (answer as the first call did); with anything else, a `conflict`.
 * Inside a transaction, a concurrent retry waits on the first call's row until it commits.
 */
export async function claimRequestKey(db: Knex, claim: { userId: string; key: string; action: string; hash: string }): Promise<RequestClaim> {
  const inserted = await db('request_idempotency')
    .insert({ user_id: claim.userId, key: claim.key, action: claim.action, request_hash: claim.hash })
    .onConflict(['user_id', 'key'])
    .ignore()
    .returning('key');
  if (inserted.length > 0) return { kind: 'new' };
  const row = await db('request_idempotency').where({ user_id: claim.userId, key: claim.key }).forUpdate().first();
  if (!row || row.action !== claim.action || row.request_hash !== claim.hash) return { kind: 'conflict' };
  return { kind: 'seen', resourceId: row.resource_id ?? null };
}

export async function recordRequestResource(db: Knex, claim: { userId: string; key: string }, resourceId: string): Promise<void> {
  await db('request_idempotency').where({ user_id: claim.userId, key: claim.key }).update({ resource_id: resourceId });
}
