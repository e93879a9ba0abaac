import { createHash, randomBytes } from 'node:crypto';
import type { Knex } from 'knex';

export const userRoles = ['clerk', 'gridWorker', 'dispatcher', 'liaison', 'supervisor', 'admin'] as const;
export type UserRole = (typeof userRoles)[number];

export interface User {
  id: string;
  username: string;
  displayName: string;
  role: UserRole;
  /** Scope for every role but liaison: the subtree this user works in. */
  jurisdictionId: string | null;
  /** Scope for a liaison: the unit they act for. */
  unitId: string | null;
  createdAt: Date;
  disabledAt: Date | null;
}

/** The caller behind a bearer token, with what a permission check needs in one read. */
export interface AuthenticatedUser {
  id: string;
  username: string;
  displayName: string;
  role: UserRole;
  jurisdictionId: string | null;
  /** Path of `jurisdictionId`, for subtree checks without another query; null when there is none. */
  jurisdictionPath: string | null;
  unitId: string | null;
  tokenId: string;
}

export interface NewUser {
  username: string;
  displayName: string;
  role: UserRole;
  jurisdictionId?: string | null;
  unitId?: string | null;
}

export interface IssuedToken {
  /** The secret; shown once, never stored. */
  token: string;
  tokenId: string;
  expiresAt: Date | null;
}

export type UserInputErrorCode = 'USERNAME_TAKEN' | 'UNKNOWN_JURISDICTION' | 'UNKNOWN_UNIT' | 'SCOPE_REQUIRED';

/** A user could not be created because of what was asked (not because the database is down): a 4xx. */
export class UserInputError extends Error {
  constructor(
    readonly code: UserInputErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'UserInputError';
  }
}

const tokenPrefix = 'jsu_';
/** last_used_at is advisory; writing it at most once a minute keeps authentication a read. */
const lastUsedResolutionMs = 60_000;

interface UserRow {
  id: string;
  username: string;
  display_name: string;
  role: UserRole;
  jurisdiction_id: string | null;
  unit_id: string | null;
  created_at: Date;
  disabled_at: Date | null;
}

const columns = ['id', 'username', 'display_name', 'role', 'jurisdiction_id', 'unit_id', 'created_at', 'disabled_at'];

function toUser(row: UserRow): User {
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    role: row.role,
    jurisdictionId: row.jurisdiction_id,
    unitId: row.unit_id,
    createdAt: row.created_at,
    disabledAt: row.disabled_at,
  };
}

export function normalizeUsername(username: string): string {
  return username.trim().toLowerCase();
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Maps constraint violations to errors the API can show; anything else is rethrown unchanged. */
function toUserInputError(err: unknown, input: NewUser): unknown {
  const e = err as { code?: string; constraint?: string };
  if (e.code === '23505' && e.constraint === 'users_username_unique') {
    return new UserInputError('USERNAME_TAKEN', `用户名“${normalizeUsername(input.username)}”已被使用`);
  }
  if (e.code === '23503' && e.constraint === 'users_jurisdiction_id_foreign') {
    return new UserInputError('UNKNOWN_JURISDICTION', `辖区“${input.jurisdictionId}”不存在`);
  }
  if (e.code === '23503' && e.constraint === 'users_unit_id_foreign') {
    return new UserInputError('UNKNOWN_UNIT', `单位“${input.unitId}”不存在`);
  }
  if (e.code === '23514' && e.constraint === 'users_scope_check') {
    return new UserInputError(
      'SCOPE_REQUIRED',
      input.role === 'liaison' ? '联络员必须指定所属单位（unitId）' : '该角色必须指定所属辖区（jurisdictionId）',
    );
  }
  return err;
}

export async function createUser(db: Knex, input: NewUser): Promise<User> {
  try {
    const [row]: UserRow[] = await db('users')
      .insert({
        username: normalizeUsername(input.username),
        display_name: input.displayName,
        role: input.role,
        jurisdiction_id: input.jurisdictionId ?? null,
        unit_id: input.unitId ?? null,
      })
      .returning(columns);
    return toUser(row!);
  } catch (err) {
    throw toUserInputError(err, input);
  }
}

export async function getUser(db: Knex, id: string): Promise<User | null> {
  const row: UserRow | undefined = await db('users').select(columns).where({ id }).first();
  return row ? toUser(row) : null;
}

/** Case-insensitive: usernames are stored lower-case. */
export async function getUserByUsername(db: Knex, username: string): Promise<User | null> {
  const row: UserRow | undefined = await db('users')
    .select(columns)
    .where({ username: normalizeUsername(username) })
    .first();
  return row ? toUser(row) : null;
}

/** The user a token was issued to (revoked or not), e.g. to answer a retried creation with the same user. */
export async function getTokenOwner(db: Knex, tokenId: string): Promise<User | null> {
  const row: UserRow | undefined = await db('users')
    .select(columns.map((c) => `users.${c}`))
    .join('api_tokens', 'api_tokens.user_id', 'users.id')
    .where('api_tokens.id', tokenId)
    .first();
  return row ? toUser(row) : null;
}

/** Disabling keeps the user (their name stays on past cases) but every token stops working. */
export async function disableUser(db: Knex, userId: string): Promise<boolean> {
  const count = await db('users').where({ id: userId }).whereNull('disabled_at').update({ disabled_at: db.fn.now() });
  return count > 0;
}

export async function issueToken(
  db: Knex,
  userId: string,
  options: { label?: string | null; expiresAt?: Date | null } = {},
): Promise<IssuedToken> {
  const token = tokenPrefix + randomBytes(32).toString('base64url');
  const [row]: { id: string; expires_at: Date | null }[] = await db('api_tokens')
    .insert({
      user_id: userId,
      token_hash: hashToken(token),
      label: options.label ?? null,
      expires_at: options.expiresAt ?? null,
    })
    .returning(['id', 'expires_at']);
  return { token, tokenId: row!.id, expiresAt: row!.expires_at };
}

/**
 * The user a bearer token belongs to, or null when the token is unknown, revoked, expired or its user is
 * disabled. Looking up by hash means the secret is never compared byte by byte in JavaScript.
 */
export async function findUserByToken(db: Knex, token: string): Promise<AuthenticatedUser | null> {
  if (!token.startsWith(tokenPrefix)) return null;
  const row:
    | (UserRow & { token_id: string; last_used_at: Date | null; jurisdiction_path: string | null })
    | undefined = await db('api_tokens as t')
    .join('users as u', 'u.id', 't.user_id')
    .leftJoin('jurisdictions as j', 'j.id', 'u.jurisdiction_id')
    .where('t.token_hash', hashToken(token))
    .whereNull('t.revoked_at')
    .where((q) => q.whereNull('t.expires_at').orWhere('t.expires_at', '>', db.fn.now()))
    .whereNull('u.disabled_at')
    .select(
      'u.id',
      'u.username',
      'u.display_name',
      'u.role',
      'u.jurisdiction_id',
      'u.unit_id',
      'j.path as jurisdiction_path',
      't.id as token_id',
      't.last_used_at',
    )
    .first();
  if (!row) return null;

  if (row.last_used_at === null || Date.now() - row.last_used_at.getTime() >= lastUsedResolutionMs) {
    // The same guard in SQL keeps concurrent requests from all writing.
    await db('api_tokens')
      .where({ id: row.token_id })
      .where((q) => q.whereNull('last_used_at').orWhereRaw("last_used_at < now() - interval '1 minute'"))
      .update({ last_used_at: db.fn.now() });
  }

  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    role: row.role,
    jurisdictionId: row.jurisdiction_id,
    jurisdictionPath: row.jurisdiction_path,
    unitId: row.unit_id,
    tokenId: row.token_id,
  };
}

/** True when the token was active and is now revoked; revoking twice is harmless. */
export async function revokeToken(db: Knex, tokenId: string): Promise<boolean> {
  const count = await db('api_tokens').where({ id: tokenId }).whereNull('revoked_at').update({ revoked_at: db.fn.now() });
  return count > 0;
}
