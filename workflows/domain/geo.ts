/**
 * Where a reported point lies, in pure code (no PostGIS): the community whose area holds it, else the nearest
 * community centroid within a radius. Areas are GeoJSON geometries (Polygon or MultiPolygon, positions
 * `[lng, lat]` in WGS84 degrees, rings closed or not, holes after the outer ring).
 */

export type Position = [number, number];
export type Ring = Position[];
export type AreaGeometry = { type: 'Polygon'; coordinates: Ring[] } | { type: 'MultiPolygon'; coordinates: Ring[][] };

export interface PlacedCommunity {
  id: string;
  centroid: { lat: number; lng: number } | null;
  area: AreaGeometry | null;
}

/** Farther than this from every centroid (and in no area) is outside the city. */
export const nearestCentroidRadiusMeters = 5_000;

const earthRadiusMeters = 6_371_008.8;
const rad = (deg: number) => (deg * Math.PI) / 180;

/** Great-circle distance (haversine), in meters. */
export function distanceMeters(a: { lat: number; lng: number }, b: { lat: number; lng: number }): number {
  const dLat = rad(b.lat - a.lat);
  const dLng = rad(b.lng - a.lng);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(dLng / 2) ** 2;
  return 2 * earthRadiusMeters * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** Even-odd ray casting; a point exactly on an edge counts as inside. */
function inRing(lng: number, lat: number, ring: Ring): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i]!;
    const [xj, yj] = ring[j]!;
    // On the segment: collinear and within its bounding box.
    const cross = (xj - xi) * (lat - yi) - (yj - yi) * (lng - xi);
    if (Math.abs(cross) < 1e-12 && lng >= Math.min(xi, xj) && lng <= Math.max(xi, xj) && lat >= Math.min(yi, yj) && lat <= Math.max(yi, yj)) {
      return true;
    }
    if (yi > lat !== yj > lat && lng < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

const inPolygon = (lng: number, lat: number, rings: Ring[]): boolean =>
  rings.length > 0 && inRing(lng, lat, rings[0]!) && !rings.slice(1).some((hole) => inRing(lng, lat, hole));

export function areaContains(area: AreaGeometry, point: { lat: number; lng: number }): boolean {
  const polygons = area.type === 'Polygon' ? [area.coordinates] : area.coordinates;
  return polygons.some((rings) => inPolygon(point.lng, point.lat, rings));
}

/** Planar area of a ring in square degrees (shoelace): only to prefer the smaller of two overlapping areas. */
function ringArea(ring: Ring): number {
  let sum = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) sum += (ring[j]![0] + ring[i]![0]) * (ring[j]![1] - ring[i]![1]);
  return Math.abs(sum / 2);
}

const areaSize = (area: AreaGeometry): number =>
  (area.type === 'Polygon' ? [area.coordinates] : area.coordinates).reduce((s, rings) => s + ringArea(rings[0] ?? []), 0);

export type PointResolution<C> = { community: C; by: 'area' | 'centroid'; distanceMeters: number | null } | null;

/**
 * The community of a point: the one whose area holds it (the smallest, should areas overlap), else the one
 * with the nearest centroid within `radius` meters, else null (outside the city).
 */
export function communityAt<C extends PlacedCommunity>(communities: readonly C[], point: { lat: number; lng: number }, radius = nearestCentroidRadiusMeters): PointResolution<C> {
  const holding = communities.filter((c) => c.area && areaContains(c.area, point));
  if (holding.length > 0) {
    const smallest = holding.reduce((best, c) => (areaSize(c.area!) < areaSize(best.area!) ? c : best));
    return { community: smallest, by: 'area', distanceMeters: null };
  }
  let best: { community: C; d: number } | null = null;
  for (const c of communities) {
    if (!c.centroid) continue;
    const d = distanceMeters(point, c.centroid);
    if (d <= radius && (!best || d < best.d)) best = { community: c, d };
  }
  return best ? { community: best.community, by: 'centroid', distanceMeters: Math.round(best.d) } : null;
}

// ---------------------------------------------------------------------------------------------------------
// Loading areas: a GeoJSON FeatureCollection whose features name a jurisdiction (`properties.id`, or
// `properties.name` when unique) and carry a Polygon / MultiPolygon (the area; its centroid is computed unless
// `properties.centroid` = [lat, lng] or `properties.centroid_lat`/`centroid_lng` says) or a Point (centroid only).

export interface AreaImport {
  /** `properties.id` or `properties.name`, as given. */
  ref: { id?: string; name?: string };
  centroid: { lat: number; lng: number };
  area: AreaGeometry | null;
}

export class GeoJsonError extends Error {}

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isPosition = (p: unknown): p is Position =>
  Array.isArray(p) && p.length >= 2 && isNum(p[0]) && isNum(p[1]) && Math.abs(p[0]) <= 180 && Math.abs(p[1]) <= 90;

function checkRings(rings: unknown, where: string): Ring[] {
  if (!Array.isArray(rings) || rings.length === 0) throw new GeoJsonError(`${where}: 多边形没有坐标环 (polygon without rings)`);
  return rings.map((ring, i) => {
    if (!Array.isArray(ring) || ring.length < 3 || !ring.every(isPosition)) {
      throw new GeoJsonError(`${where}: 第 ${i + 1} 个环无效，应为至少 3 个 [经度, 纬度] (ring ${i + 1} must be at least 3 [lng, lat] positions)`);
    }
    return ring.map((p) => [p[0], p[1]] as Position);
  });
}

/** The centroid of an area (of its largest polygon's outer ring, area-weighted); the vertex mean for a degenerate one. */
export function areaCentroid(area: AreaGeometry): { lat: number; lng: number } {
  const polygons = area.type === 'Polygon' ? [area.coordinates] : area.coordinates;
  const outer = polygons.map((rings) => rings[0]!).reduce((best, r) => (ringArea(r) > ringArea(best) ? r : best));
  // Relative to the first vertex: products of large absolute degrees would cancel away the digits that matter.
  const [ox, oy] = outer[0]!;
  let a = 0;
  let cx = 0;
  let cy = 0;
  for (let i = 0, j = outer.length - 1; i < outer.length; j = i++) {
    const x0 = outer[j]![0] - ox;
    const y0 = outer[j]![1] - oy;
    const x1 = outer[i]![0] - ox;
    const y1 = outer[i]![1] - oy;
    const f = x0 * y1 - x1 * y0;
    a += f;
    cx += (x0 + x1) * f;
    cy += (y0 + y1) * f;
  }
  if (Math.abs(a) < 1e-15) {
    const n = outer.length;
    return { lng: outer.reduce((s, p) => s + p[0], 0) / n, lat: outer.reduce((s, p) => s + p[1], 0) / n };
  }
  // Nine decimals of a degree are under a millimetre: no float noise in what is stored.
  const round = (v: number) => Math.round(v * 1e9) / 1e9;
  return { lng: round(ox + cx / (3 * a)), lat: round(oy + cy / (3 * a)) };
}

/** Validates a FeatureCollection (or a single Feature) into what `import-areas` writes. */
export function parseAreaImport(doc: unknown): AreaImport[] {
  const d = doc as { type?: unknown; features?: unknown };
  const features = d?.type === 'FeatureCollection' ? d.features : d?.type === 'Feature' ? [doc] : null;
  if (!Array.isArray(features)) throw new GeoJsonError('应为 GeoJSON FeatureCollection (expected a GeoJSON FeatureCollection)');
  return features.map((raw, index) => {
    const where = `features[${index}]`;
    const f = raw as { type?: unknown; properties?: Record<string, unknown> | null; geometry?: { type?: unknown; coordinates?: unknown } | null };
    if (f?.type !== 'Feature') throw new GeoJsonError(`${where}: 应为 Feature (expected a Feature)`);
    const props = f.properties ?? {};
    const id = typeof props.id === 'string' || typeof props.id === 'number' ? String(props.id) : undefined;
    const name = typeof props.name === 'string' ? props.name : undefined;
    if (!id && !name) throw new GeoJsonError(`${where}: properties 需要 id（辖区编码）或 name (properties need id or name)`);
    const g = f.geometry;
    let area: AreaGeometry | null = null;
    let centroid: { lat: number; lng: number } | null = null;
    if (g?.type === 'Polygon') area = { type: 'Polygon', coordinates: checkRings(g.coordinates, where) };
    else if (g?.type === 'MultiPolygon') {
      if (!Array.isArray(g.coordinates) || g.coordinates.length === 0) throw new GeoJsonError(`${where}: MultiPolygon 没有多边形 (no polygons)`);
      area = { type: 'MultiPolygon', coordinates: g.coordinates.map((rings, i) => checkRings(rings, `${where}.coordinates[${i}]`)) };
    } else if (g?.type === 'Point') {
      if (!isPosition(g.coordinates)) throw new GeoJsonError(`${where}: Point 坐标应为 [经度, 纬度] (Point must be [lng, lat])`);
      centroid = { lng: (g.coordinates as Position)[0], lat: (g.coordinates as Position)[1] };
    } else throw new GeoJsonError(`${where}: 几何类型应为 Polygon、MultiPolygon 或 Point (geometry must be Polygon, MultiPolygon or Point)`);
    const given = Array.isArray(props.centroid) ? { lat: props.centroid[0], lng: props.centroid[1] } : { lat: props.centroid_lat, lng: props.centroid_lng };
    if (given.lat !== undefined || given.lng !== undefined) {
      if (!isNum(given.lat) || !isNum(given.lng) || Math.abs(given.lat) > 90 || Math.abs(given.lng) > 180) {
        throw new GeoJsonError(`${where}: centroid 应为 [纬度, 经度] (centroid must be [lat, lng])`);
      }
      centroid = { lat: given.lat, lng: given.lng };
    }
    return { ref: { id, name }, centroid: centroid ?? areaCentroid(area!), area };
  });
}
