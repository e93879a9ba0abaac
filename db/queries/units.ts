import type { Knex } from 'knex';

export const unitKinds = ['department', 'utility', 'telecom', 'enterprise'] as const;
export type UnitKind = (typeof unitKinds)[number];

/** A responsible unit (责任单位): a department or utility that does the work. */
export interface Unit {
  id: string;
  name: string;
  /** What people call it (移动, 城管, 供电). */
  shortName: string;
  kind: UnitKind;
  /** The area it serves; the city for city-wide units. */
  jurisdictionId: string;
  active: boolean;
}

interface UnitRow {
  id: string;
  name: string;
  short_name: string;
  kind: UnitKind;
  jurisdiction_id: string;
  active: boolean;
}

const columns = ['id', 'name', 'short_name', 'kind', 'jurisdiction_id', 'active'];

function toUnit(row: UnitRow): Unit {
  return {
    id: row.id,
    name: row.name,
    shortName: row.short_name,
    kind: row.kind,
    jurisdictionId: row.jurisdiction_id,
    active: row.active,
  };
}

export async function listUnits(db: Knex, options: { activeOnly?: boolean } = {}): Promise<Unit[]> {
  const query = db('units').select(columns).orderBy('id');
  if (options.activeOnly) query.where({ active: true });
  const rows: UnitRow[] = await query;
  return rows.map(toUnit);
}

export async function getUnit(db: Knex, id: string): Promise<Unit | null> {
  const row: UnitRow | undefined = await db('units').select(columns).where({ id }).first();
  return row ? toUnit(row) : null;
}

/** The units with these ids, in the order asked; unknown ids are left out (compare lengths to detect them). */
export async function getUnits(db: Knex, ids: readonly string[]): Promise<Unit[]> {
  if (ids.length === 0) return [];
  const rows: UnitRow[] = await db('units').select(columns).whereIn('id', ids);
  const byId = new Map(rows.map((r) => [r.id, toUnit(r)]));
  return [...new Set(ids)].flatMap((id) => byId.get(id) ?? []);
}
