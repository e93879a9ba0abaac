/**
 * Where communities are: centroids and areas (for resolving a reported point to a community), names, and
 * the import of a city's own areas from GeoJSON.
 */
import type { Knex } from 'knex';
import type { AreaGeometry, AreaImport } from '../../workflows/domain/geo';


export interface CommunityPlace {
  id: string;
  name: string;
  level: 'community' | 'grid';
  parentId: string | null;
  centroid: { lat: number; lng: number } | null;
  area: AreaGeometry | null;
}

/** Every community with its centroid and area (either may be missing). */
export async function communityPlaces(db: Knex): Promise<CommunityPlace[]> {
  const rows = await db('jurisdictions').where({ level: 'community' }).select('id', 'name', 'level', 'parent_id', 'centroid_lat', 'centroid_lng', 'area').orderBy('id');
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    level: r.level,
    parentId: r.parent_id,
    centroid: r.centroid_lat === null ? null : { lat: Number(r.centroid_lat), lng: Number(r.centroid_lng) },
    area: r.area ?? null,
  }));
}

/** Communities and streets whose names appear in `text`, longest name first. */
export async function placesNamedIn(db: Knex, text: string): Promise<{ id: string; name: string; level: string }[]> {
  const rows: { id: string; name: string; level: string }[] = await db('jurisdictions')
    .whereIn('level', ['community', 'street'])
    .whereRaw("length(name) >= 2 and strpos(?, name) > 0", [text])
    .select('id', 'name', 'level');
  return rows.sort((a, b) => b.name.length - a.name.length || (a.level === 'community' ? -1 : 1) - (b.level === 'community' ? -1 : 1) || a.id.localeCompare(b.id));
}

/** The first community of a street (by id): where a case located only by the street's name is filed. */
export async function firstCommunityOf(db: Knex, streetId: string): Promise<string | null> {
  const row = await db('jurisdictions').where({ level: 'community', parent_id: streetId }).orderBy('id').select('id').first();
  return row?.id ?? null;
}

export async function jurisdictionNode(db: Knex, id: string): Promise<{ id: string; name: string; level: string; parentId: string | null } | null> {
  const row = await db('jurisdictions').where({ id }).select('id', 'name', 'level', 'parent_id').first();
  return row ? { id: row.id, name: row.name, level: row.level, parentId: row.parent_id } : null;
}

/**
 * Writes centroids and areas: each import names its jurisdiction by id, or by name when exactly one
 * community or street has it. All or nothing; the names that matched no node, or several, are refused.
 */
export async function importAreas(db: Knex, imports: AreaImport[]): Promise<{ updated: number }> {
  return db.transaction(async (trx) => {
    const problems: string[] = [];
    const targets: { id: string; item: AreaImport }[] = [];
    for (const item of imports) {
      const rows: { id: string }[] = item.ref.id
        ? await trx('jurisdictions').where({ id: item.ref.id }).select('id')
        : await trx('jurisdictions').where({ name: item.ref.name }).whereIn('level', ['community', 'street', 'district', 'city']).select('id');
      const label = item.ref.id ?? item.ref.name!;
      if (rows.length === 0) problems.push(`未找到辖区 (no such jurisdiction): ${label}`);
      else if (rows.length > 1) problems.push(`名称对应多个辖区，请用 id (name is ambiguous, use id): ${label}`);
      else targets.push({ id: rows[0]!.id, item });
    }
    if (problems.length > 0) throw new Error(problems.join('\n'));
    for (const { id, item } of targets) {
      await trx('jurisdictions')
        .where({ id })
        .update({ centroid_lat: item.centroid.lat, centroid_lng: item.centroid.lng, area: item.area ? JSON.stringify(item.area) : null });
    }
    return { updated: targets.length };
  });
}
