/**
 * Open311 clients (../shared/spec/OPEN311.md): their keys (stored hashed), the system user each files cases
 * as, and what a client sent beside the case (email, device, attributes) that the case itself does not keep.
 */
import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import { hashToken, type AuthenticatedUser } from './users';

const keyPrefix = 'o311_';
const lastUsedResolutionMs = 60_000;

export interface Open311Client {
  id: string;
  name: string;
  /** The key's first characters (`o311_AbC…`), never the key. */
  keyHint: string;
  /** The system user (a clerk at the city) that opens this client's cases. */
  userId: string;
  username: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
  active: boolean;
  /** Cases this client opened. */
  cases: number;
}

export class Open311ClientError extends Error {
  constructor(
    readonly code: 'NAME_TAKEN' | 'NO_CITY' | 'BAD_NAME',
    message: string,
  ) {
    super(message);
  }
}

const iso = (d: Date | string | null): string | null => (d ? new Date(d).toISOString() : null);

const clientColumns = [
  'c.id',
  'c.name',
  'c.key_hint',
  'c.user_id',
  'u.username',
  'c.created_at',
  'c.last_used_at',
  'c.revoked_at',
];

function toClient(row: Record<string, any>): Open311Client {
  return {
    id: row.id,
    name: row.name,
    keyHint: row.key_hint,
    userId: row.user_id,
    username: row.username,
    createdAt: iso(row.created_at)!,
    lastUsedAt: iso(row.last_used_at),
    revokedAt: iso(row.revoked_at),
    active: row.revoked_at === null,
    cases: Number(row.cases ?? 0),
  };
}

const clientsQuery = (db: Knex) =>
  db('open311_clients as c')
    .join('users as u', 'u.id', 'c.user_id')
    .select(clientColumns)
    .select(db.raw('(select count(*) from open311_requests r where r.client_id = c.id) as cases'));

/** Every client, active ones first, newest first. */
export async function listOpen311Clients(db: Knex): Promise<Open311Client[]> {
  const rows = await clientsQuery(db).orderByRaw('c.revoked_at is not null, c.created_at desc, c.id');
  return rows.map(toClient);
}

export async function getOpen311Client(db: Knex, id: string): Promise<Open311Client | null> {
  const row = await clientsQuery(db).where('c.id', id).first();
  return row ? toClient(row) : null;
}

/** The city node (the top of the tree): where Open311's system users sit, and the default jurisdiction_id. */
export async function cityNode(db: Knex): Promise<{ id: string; name: string; path: string } | null> {
  const row = await db('jurisdictions').select('id', 'name', 'path').where({ level: 'city' }).orderBy('path').first();
  return row ?? null;
}

/**
 * A new client with a new key (shown once, stored as its sha256) and its own system user, a clerk at the city
 * whose name says which client it is, so every case it opens names the client on its timeline.
 */
export async function createOpen311Client(db: Knex, name: string): Promise<{ client: Open311Client; key: string }> {
  const clean = name.trim();
  if (clean.length === 0 || clean.length > 100) throw new Open311ClientError('BAD_NAME', '客户端名称应为 1 到 100 个字符');
  const key = keyPrefix + randomBytes(24).toString('base64url');
  const id = await db.transaction(async (trx) => {
    const city = await cityNode(trx);
    if (!city) throw new Open311ClientError('NO_CITY', '没有市级辖区节点：请先导入辖区（npm run cli -- seed）');
    const taken = await trx('open311_clients').whereRaw('lower(name) = lower(?)', [clean]).whereNull('revoked_at').first();
    if (taken) throw new Open311ClientError('NAME_TAKEN', `Open311 客户端「${clean}」已存在（先吊销再重建，或换一个名称）`);
    const [user] = await trx('users')
      .insert({
        username: `open311-${randomBytes(5).toString('hex')}`,
        display_name: `Open311 客户端：${clean}`.slice(0, 200),
        role: 'clerk',
        jurisdiction_id: city.id,
      })
      .returning(['id']);
    try {
      const [row] = await trx('open311_clients')
        .insert({ name: clean, key_hash: hashToken(key), key_hint: key.slice(0, keyPrefix.length + 4), user_id: user.id })
        .returning(['id']);
      return row.id as string;
    } catch (err) {
      if ((err as { code?: string }).code === '23505') throw new Open311ClientError('NAME_TAKEN', `Open311 客户端「${clean}」已存在`);
      throw err;
    }
  });
  return { client: (await getOpen311Client(db, id))!, key };
}

/**
 * Revokes a client: its key stops working at once and its system user is disabled. True when it was active;
 * revoking twice is harmless.
 */
export async function revokeOpen311Client(db: Knex, id: string): Promise<boolean> {
  return db.transaction(async (trx) => {
    const [row] = await trx('open311_clients').where({ id }).whereNull('revoked_at').update({ revoked_at: trx.fn.now() }).returning(['user_id']);
    if (!row) return false;
    await trx('users').where({ id: row.user_id }).whereNull('disabled_at').update({ disabled_at: trx.fn.now() });
    return true;
  });
}

/** The client a key belongs to, as the user its cases are opened by; null for an unknown or revoked key. */
export async function findOpen311ClientByKey(db: Knex, key: string): Promise<{ clientId: string; clientName: string; user: AuthenticatedUser } | null> {
  if (!key.startsWith(keyPrefix) || key.length > 200) return null;
  const row = await db('open311_clients as c')
    .join('users as u', 'u.id', 'c.user_id')
    .leftJoin('jurisdictions as j', 'j.id', 'u.jurisdiction_id')
    .where('c.key_hash', hashToken(key))
    .whereNull('c.revoked_at')
    .whereNull('u.disabled_at')
    .select('c.id as client_id', 'c.name', 'c.last_used_at', 'u.id', 'u.username', 'u.display_name', 'u.role', 'u.jurisdiction_id', 'u.unit_id', 'j.path')
    .first();
  if (!row) return null;
  if (row.last_used_at === null || Date.now() - new Date(row.last_used_at).getTime() >= lastUsedResolutionMs) {
    await db('open311_clients')
      .where({ id: row.client_id })
      .where((q) => q.whereNull('last_used_at').orWhereRaw("last_used_at < now() - interval '1 minute'"))
      .update({ last_used_at: db.fn.now() });
  }
  return {
    clientId: row.client_id,
    clientName: row.name,
    user: {
      id: row.id,
      username: row.username,
      displayName: row.display_name,
      role: row.role,
      jurisdictionId: row.jurisdiction_id,
      jurisdictionPath: row.path,
      unitId: row.unit_id,
      // Not a bearer token: the api key's client stands for it in logs.
      tokenId: `open311:${row.client_id}`,
    },
  };
}

/** What the client sent that the case does not hold; private (never in a public answer). */
export async function recordOpen311Request(
  db: Knex,
  row: { caseId: string; clientId: string; email?: string; deviceId?: string; accountId?: string; attributes: Record<string, string[]> },
): Promise<void> {
  await db('open311_requests')
    .insert({
      case_id: row.caseId,
      client_id: row.clientId,
      email: row.email ?? null,
      device_id: row.deviceId ?? null,
      account_id: row.accountId ?? null,
      attributes: JSON.stringify(row.attributes),
    })
    .onConflict('case_id')
    .ignore();
}

export async function getOpen311Request(db: Knex, caseId: string) {
  return db('open311_requests as r').join('open311_clients as c', 'c.id', 'r.client_id').where('r.case_id', caseId).select('r.*', 'c.name as client_name').first();
}
