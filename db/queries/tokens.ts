import type { Knex } from 'knex';

/** What an admin may know about a token: never its hash, let alone the secret. */
export interface TokenInfo {
  id: string;
  userId: string;
  label: string | null;
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
  /** Neither revoked nor expired (the user may still be disabled). */
  active: boolean;
}

const columns = ['id', 'user_id', 'label', 'created_at', 'expires_at', 'last_used_at', 'revoked_at'];

const iso = (d: Date | null): string | null => (d ? new Date(d).toISOString() : null);

function toInfo(row: Record<string, any>, now: Date): TokenInfo {
  return {
    id: row.id,
    userId: row.user_id,
    label: row.label,
    createdAt: iso(row.created_at)!,
    expiresAt: iso(row.expires_at),
    lastUsedAt: iso(row.last_used_at),
    revokedAt: iso(row.revoked_at),
    active: row.revoked_at === null && (row.expires_at === null || new Date(row.expires_at) > now),
  };
}

/** A user's tokens, newest first. */
export async function listTokens(db: Knex, userId: string): Promise<TokenInfo[]> {
  const rows = await db('api_tokens').select(columns).where({ user_id: userId }).orderBy('created_at', 'desc').orderBy('id');
  const now = new Date();
  return rows.map((r) => toInfo(r, now));
}

export async function getToken(db: Knex, tokenId: string): Promise<TokenInfo | null> {
  const row = await db('api_tokens').select(columns).where({ id: tokenId }).first();
  return row ? toInfo(row, new Date()) : null;
}
