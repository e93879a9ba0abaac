import type { Knex } from 'knex';
import type { SlaClass } from '../../config/sla-defaults';

export interface Category {
  id: string;
  name: string;
  parentId: string | null;
  slaClass: SlaClass;
  description: string | null;
}

export type ResponsibilityRole = 'lead' | 'cooperating';

/** One line of the 权责清单: in this area, this unit leads or cooperates on this category. */
export interface Responsibility {
  id: number;
  categoryId: string;
  jurisdictionId: string;
  unitId: string;
  role: ResponsibilityRole;
}

/** Routing proposal for a dispatcher: "一门主责、其他配合". */
export interface UnitProposal {
  lead: string | null;
  cooperating: string[];
}

interface CategoryRow {
  id: string;
  name: string;
  parent_id: string | null;
  sla_class: SlaClass;
  description: string | null;
}

interface ResponsibilityRow {
  id: number;
  category_id: string;
  jurisdiction_id: string;
  unit_id: string;
  role: ResponsibilityRole;
}

const columns = ['id', 'name', 'parent_id', 'sla_class', 'description'];

function toCategory(row: CategoryRow): Category {
  return {
    id: row.id,
    name: row.name,
    parentId: row.parent_id,
    slaClass: row.sla_class,
    description: row.description,
  };
}

function toResponsibility(row: ResponsibilityRow): Responsibility {
  return {
    id: row.id,
    categoryId: row.category_id,
    jurisdictionId: row.jurisdiction_id,
    unitId: row.unit_id,
    role: row.role,
  };
}

export async function listCategories(db: Knex): Promise<Category[]> {
  // Groups (no parent) first, then their members, each level by id.
  const rows: CategoryRow[] = await db('categories')
    .select(columns)
    .orderByRaw('coalesce(parent_id, id), parent_id nulls first, id');
  return rows.map(toCategory);
}

export async function getCategory(db: Knex, id: string): Promise<Category | null> {
  const row: CategoryRow | undefined = await db('categories').select(columns).where({ id }).first();
  return row ? toCategory(row) : null;
}

/** The 权责清单, optionally for one category; lead rows before cooperating ones. */
export async function listResponsibilities(db: Knex, categoryId?: string): Promise<Responsibility[]> {
  const query = db('responsibilities')
    .select('id', 'category_id', 'jurisdiction_id', 'unit_id', 'role')
    .orderBy([{ column: 'category_id' }, { column: 'jurisdiction_id' }, { column: 'role', order: 'desc' }, { column: 'id' }]);
  if (categoryId !== undefined) query.where({ category_id: categoryId });
  const rows: ResponsibilityRow[] = await query;
  return rows.map(toResponsibility);
}

/**
 * Which units should handle a case of `categoryId` located at `communityId` (any node works: grid,
 * community, street). Uses the most specific rows: among the areas containing the location that have rows
 * for the category, the deepest wins outright, so a street's own 权责清单 replaces the city-wide one rather
 * than adding to it. When the category has no rows at all, its parent category's apply. Inactive units are
 * left out. Unknown ids give an empty proposal: this feeds a dispatcher's suggestion, never a hard failure.
 */
export async function proposeUnits(db: Knex, categoryId: string, communityId: string): Promise<UnitProposal> {
  const location: { path: string } | undefined = await db('jurisdictions').select('path').where({ id: communityId }).first();
  if (!location) return { lead: null, cooperating: [] };

  const seen = new Set<string>();
  let current: string | null = categoryId;
  // Walk up the category tree; `seen` guards against a cycle an admin might have created by mistake.
  while (current !== null && !seen.has(current)) {
    seen.add(current);
    const rows: { unit_id: string; role: ResponsibilityRole; depth: number }[] = await db('responsibilities as r')
      .join('jurisdictions as j', 'j.id', 'r.jurisdiction_id')
      .join('units as u', 'u.id', 'r.unit_id')
      .where('r.category_id', current)
      .andWhere('u.active', true)
      .andWhereRaw('starts_with(?, j.path)', [location.path])
      .select('r.unit_id', 'r.role', db.raw('length(j.path) as depth'))
      .orderBy([{ column: 'depth', order: 'desc' }, { column: 'r.id' }]);
    if (rows.length > 0) {
      const deepest = rows[0]!.depth;
      const chosen = rows.filter((r) => r.depth === deepest);
      return {
        lead: chosen.find((r) => r.role === 'lead')?.unit_id ?? null,
        cooperating: chosen.filter((r) => r.role === 'cooperating').map((r) => r.unit_id),
      };
    }
    const category: { parent_id: string | null } | undefined = await db('categories')
      .select('parent_id')
      .where({ id: current })
      .first();
    current = category?.parent_id ?? null;
  }
  return { lead: null, cooperating: [] };
}
