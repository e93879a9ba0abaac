import type { Knex } from 'knex';

export const jurisdictionLevels = ['city', 'district', 'street', 'community', 'grid'] as const;
export type JurisdictionLevel = (typeof jurisdictionLevels)[number];

export interface Jurisdiction {
  id: string;
  name: string;
  level: JurisdictionLevel;
  parentId: string | null;
  /** Ids from the root down, e.g. `/410581/410581001/410581001003/`. */
  path: string;
}

/** The tiers a case climbs through (community → street → city); null where the tree has no such node. */
export interface EscalationTiers {
  community: Jurisdiction | null;
  street: Jurisdiction | null;
  city: Jurisdiction | null;
}

interface JurisdictionRow {
  id: string;
  name: string;
  level: JurisdictionLevel;
  parent_id: string | null;
  path: string;
}

const columns = ['id', 'name', 'level', 'parent_id', 'path'];

function toJurisdiction(row: JurisdictionRow): Jurisdiction {
  return { id: row.id, name: row.name, level: row.level, parentId: row.parent_id, path: row.path };
}

/** Builds a node's path from its parent's; the root's parent path is null. */
export function childPath(parentPath: string | null, id: string): string {
  return `${parentPath ?? '/'}${id}/`;
}

/** Ids in a path, root first. */
export function pathIds(path: string): string[] {
  return path.split('/').filter((part) => part !== '');
}

/** True when the node at `nodePath` is the node at `ancestorPath` or lies below it. No I/O: for scope checks. */
export function isPathWithin(nodePath: string, ancestorPath: string): boolean {
  return nodePath.startsWith(ancestorPath);
}

/**
 * A LIKE pattern matching `path` and everything under it, for `where path like ?` in other query modules.
 * Ids are escaped so that a `_` or `%` in an id cannot widen the match.
 */
export function subtreeLikePattern(path: string): string {
  return `${path.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export async function listJurisdictions(db: Knex): Promise<Jurisdiction[]> {
  // Ordered by path, so each node comes right after its parent (a depth-first listing).
  const rows: JurisdictionRow[] = await db('jurisdictions').select(columns).orderBy('path');
  return rows.map(toJurisdiction);
}

export async function getJurisdiction(db: Knex, id: string): Promise<Jurisdiction | null> {
  const row: JurisdictionRow | undefined = await db('jurisdictions').select(columns).where({ id }).first();
  return row ? toJurisdiction(row) : null;
}

export async function getJurisdictions(db: Knex, ids: readonly string[]): Promise<Jurisdiction[]> {
  if (ids.length === 0) return [];
  const rows: JurisdictionRow[] = await db('jurisdictions').select(columns).whereIn('id', ids).orderBy('path');
  return rows.map(toJurisdiction);
}

/** The direct children of a node, by path. */
export async function childrenOf(db: Knex, id: string): Promise<Jurisdiction[]> {
  const rows: JurisdictionRow[] = await db('jurisdictions').select(columns).where({ parent_id: id }).orderBy('path');
  return rows.map(toJurisdiction);
}

/** True when `nodeId` is `ancestorId` or lies in its subtree; false when either does not exist. */
export async function isWithin(db: Knex, nodeId: string, ancestorId: string): Promise<boolean> {
  const row = await db('jurisdictions as n')
    .join('jurisdictions as a', db.raw('starts_with(n.path, a.path)'))
    .where('n.id', nodeId)
    .andWhere('a.id', ancestorId)
    .first(db.raw('1 as ok'));
  return row !== undefined;
}

/** The node itself and its ancestors, ordered from the node up to the root (the city). Empty when unknown. */
export async function ancestorsOf(db: Knex, id: string): Promise<Jurisdiction[]> {
  const node = await getJurisdiction(db, id);
  if (!node) return [];
  const rows: JurisdictionRow[] = await db('jurisdictions')
    .select(columns)
    .whereIn('id', pathIds(node.path))
    .orderByRaw('length(path) desc');
  return rows.map(toJurisdiction);
}

/** The nearest node at `level` on the way from `id` up to the root (the node itself when it is at that level). */
export async function ancestorAtLevel(db: Knex, id: string, level: JurisdictionLevel): Promise<Jurisdiction | null> {
  const chain = await ancestorsOf(db, id);
  return chain.find((j) => j.level === level) ?? null;
}

/** The street or town (街道/镇) a community, grid or street belongs to. */
export async function findStreetOf(db: Knex, id: string): Promise<Jurisdiction | null> {
  return ancestorAtLevel(db, id, 'street');
}

/** The city (the 接诉即办 platform tier) a node belongs to. */
export async function cityOf(db: Knex, id: string): Promise<Jurisdiction | null> {
  return ancestorAtLevel(db, id, 'city');
}

/** Community, street and city of a node in one read, for escalation (community → street → city). */
export async function escalationTiersOf(db: Knex, id: string): Promise<EscalationTiers> {
  const chain = await ancestorsOf(db, id);
  const at = (level: JurisdictionLevel) => chain.find((j) => j.level === level) ?? null;
  return { community: at('community'), street: at('street'), city: at('city') };
}

/** Ids of a node and everything below it; empty when the node does not exist. */
export async function subtreeIds(db: Knex, rootId: string): Promise<string[]> {
  const rows: { id: string }[] = await db('jurisdictions as n')
    .join('jurisdictions as r', db.raw('starts_with(n.path, r.path)'))
    .where('r.id', rootId)
    .orderBy('n.path')
    .select('n.id');
  return rows.map((r) => r.id);
}
