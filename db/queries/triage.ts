import type { Knex } from 'knex';
import type { CaseEvent, CaseState } from '../../workflows/domain';
import { proposeUnits } from './categories';
import { subtreeLikePattern } from './jurisdictions';
import type { CatalogueEntry, TrainingSummary, TrainingText } from '../../triage/training';
import type { LinearModelData } from '../../triage/classifier';

/** Models kept in triage_models; older ones are deleted when a new one is stored. */
export const keptModels = 10;

export interface StoredModelInfo {
  version: number;
  trainedAt: string;
  examples: number;
}

export interface StoredModel extends StoredModelInfo {
  weights: LinearModelData;
}

// ---------------------------------------------------------------------------------------------------------
// Models

export async function saveModel(
  db: Knex,
  model: { examples: number; summary: TrainingSummary; trigger: string; weights: LinearModelData },
): Promise<StoredModelInfo> {
  const [row] = await db('triage_models')
    .insert({ examples: model.examples, summary: JSON.stringify(model.summary), trigger: model.trigger, weights: JSON.stringify(model.weights) })
    .returning(['version', 'trained_at', 'examples']);
  await db('triage_models')
    .where('version', '<=', row.version - keptModels)
    .delete();
  return { version: row.version, trainedAt: new Date(row.trained_at).toISOString(), examples: row.examples };
}

/** The newest model's version, without its weights (the API asks this every 30 s). */
export async function latestModelInfo(db: Knex): Promise<StoredModelInfo | null> {
  const row = await db('triage_models').select('version', 'trained_at', 'examples').orderBy('version', 'desc').first();
  return row ? { version: row.version, trainedAt: new Date(row.trained_at).toISOString(), examples: row.examples } : null;
}

export async function loadModel(db: Knex, version: number): Promise<StoredModel | null> {
  const row = await db('triage_models').select('version', 'trained_at', 'examples', 'weights').where({ version }).first();
  if (!row) return null;
  const weights = typeof row.weights === 'string' ? JSON.parse(row.weights) : row.weights;
  return { version: row.version, trainedAt: new Date(row.trained_at).toISOString(), examples: row.examples, weights };
}

// ---------------------------------------------------------------------------------------------------------
// Training texts

/**
 * Everything the classifier learns from, apart from the catalogue's own words: the labelled examples (seed,
 * import, corrections) and closed cases (label: the category the case ended with), newest first up to
 * `maxCases`. Only leaf categories are classes; a case closed under a group category teaches nothing.
 */
export async function listTrainingTexts(db: Knex, options: { maxCases: number }): Promise<{ leafCategories: CatalogueEntry[]; texts: TrainingText[] }> {
  const categories: { id: string; name: string; description: string | null; keywords: string[] | null }[] = await db('categories as c')
    .select('c.id', 'c.name', 'c.description', 'c.keywords')
    .whereNotExists(db('categories as child').select(db.raw('1')).whereRaw('child.parent_id = c.id'))
    .orderBy('c.id');
  const leafCategories = categories.map((c) => ({ id: c.id, name: c.name, description: c.description, keywords: c.keywords ?? [] }));

  const examples: { source: 'seed' | 'import' | 'correction'; text: string; category_id: string }[] = await db('triage_examples')
    .select('source', 'text', 'category_id')
    .whereIn('source', ['seed', 'import', 'correction'])
    .orderBy('id');
  const cases: { title: string; description: string | null; category_id: string }[] = await db('cases')
    .select('title', db.raw("doc->>'description' as description"), 'category_id')
    .where('status', 'closed')
    .orderBy([{ column: 'closed_at', order: 'desc' }, { column: 'id', order: 'desc' }])
    .limit(options.maxCases);

  const texts: TrainingText[] = [
    ...examples.map((e) => ({ text: e.text, label: e.category_id, source: e.source })),
    ...cases.map((c) => ({ text: caseText(c.title, c.description), label: c.category_id, source: 'cases' as const })),
  ];
  return { leafCategories, texts };
}

/** What the classifier reads of a case: its title and description. */
export const caseText = (title: string | null | undefined, description: string | null | undefined): string =>
  [title, description].filter((s) => s && s.trim()).join('。');

export interface LabelledText {
  /** Stable id within the source (a line number, the old system's case number). */
  key: string;
  text: string;
  category: string;
}

/**
 * Writes labelled texts of one source (seed, import): upserted by key, and, for `replace`, the source's rows
 * not in `rows` are deleted, so a re-run with a changed file leaves exactly the file.
 */
export async function saveLabelledTexts(db: Knex, source: 'seed' | 'import', given: LabelledText[], options: { replace: boolean }): Promise<number> {
  // One row per key (the last one wins): an upsert cannot touch the same row twice in one statement.
  const rows = [...new Map(given.map((r) => [r.key, r])).values()];
  const write = async (trx: Knex.Transaction) => {
    for (let i = 0; i < rows.length; i += 500) {
      await trx('triage_examples')
        .insert(rows.slice(i, i + 500).map((r) => ({ source, key: r.key, text: r.text, category_id: r.category })))
        .onConflict(['source', 'key'])
        .merge(['text', 'category_id']);
    }
    if (options.replace) {
      await trx('triage_examples')
        .where({ source })
        .whereNotIn(
          'key',
          rows.map((r) => r.key),
        )
        .delete();
    }
  };
  await db.transaction(write);
  return rows.length;
}

/** A category with no sub-categories: what a case is finally filed under, and a class of the classifier. */
export async function isLeafCategory(db: Knex, id: string): Promise<boolean> {
  const child = await db('categories').select('id').where({ parent_id: id }).first();
  return !child;
}

// ---------------------------------------------------------------------------------------------------------
// Corrections, recorded by the projection

/**
 * What dispatchers teach, from a case's new events: a change of category (`recategorized`) becomes a labelled
 * example; each dispatch (or negotiated agreement) records the units chosen beside the lead the responsibility
 * list proposed. Keyed by (case, event seq): the projection may send an event twice, reproject sends them all.
 */
export async function recordTriageExamples(db: Knex, state: CaseState, events: CaseEvent[]): Promise<void> {
  const text = caseText(state.title, state.description);
  const base = { case_id: state.id, community_id: state.location.communityId, street_id: state.location.streetId };
  const rows: Record<string, unknown>[] = [];
  for (const e of events) {
    if (e.type === 'recategorized') {
      rows.push({
        ...base,
        source: 'correction',
        key: `${state.id}:${e.seq}`,
        text,
        category_id: e.to,
        previous_category_id: e.from,
        actor_id: e.actor?.userId ?? null,
        at: e.at,
      });
    } else if (e.type === 'dispatched' || e.type === 'agreement_recorded') {
      // The category in force at that event: the last recategorization before it, else the one at intake.
      const category = categoryAt(state, events, e.seq);
      const proposal = await proposeUnits(db, category, state.location.communityId);
      rows.push({
        ...base,
        source: 'dispatch',
        key: `${state.id}:${e.seq}`,
        text,
        category_id: category,
        lead_unit_id: e.leadUnitId,
        cooperating_unit_ids: e.cooperatingUnitIds,
        proposed_lead_unit_id: proposal.lead,
        actor_id: e.actor?.userId ?? null,
        at: e.at,
      });
    }
  }
  if (rows.length > 0) await db('triage_examples').insert(rows).onConflict(['source', 'key']).ignore();
}

/** The case's category just after event `seq`, from the events at hand (the final category when none changed it later). */
function categoryAt(state: CaseState, events: CaseEvent[], seq: number): string {
  const later = events.filter((e): e is Extract<CaseEvent, { type: 'recategorized' }> => e.type === 'recategorized' && e.seq > seq);
  return later.length > 0 ? later[0]!.from : state.category;
}

// ---------------------------------------------------------------------------------------------------------
// What the suggestions read

export interface UnitHistory {
  unitId: string;
  /** Dispatches of the category in the street where the unit was chosen as lead, and as cooperating. */
  lead: number;
  cooperating: number;
}

/**
 * How dispatchers actually routed a category in a street over the last year (every dispatch is recorded, so
 * the units they chose against the responsibility list's proposal show here): the units and how often.
 */
export async function dispatchHistory(db: Knex, categoryId: string, streetId: string | null): Promise<{ dispatches: number; units: UnitHistory[] }> {
  const rows: { lead_unit_id: string; cooperating_unit_ids: string[] }[] = await db('triage_examples')
    .select('lead_unit_id', 'cooperating_unit_ids')
    .where({ source: 'dispatch', category_id: categoryId })
    .modify((q) => {
      if (streetId) q.where('street_id', streetId);
    })
    .where('at', '>', db.raw("now() - interval '365 days'"))
    .orderBy('id', 'desc')
    .limit(500);
  const counts = new Map<string, UnitHistory>();
  const bump = (unitId: string, role: 'lead' | 'cooperating') => {
    const h = counts.get(unitId) ?? { unitId, lead: 0, cooperating: 0 };
    h[role]++;
    counts.set(unitId, h);
  };
  for (const r of rows) {
    if (r.lead_unit_id) bump(r.lead_unit_id, 'lead');
    for (const id of r.cooperating_unit_ids ?? []) bump(id, 'cooperating');
  }
  return { dispatches: rows.length, units: [...counts.values()] };
}

export interface DuplicateCandidateRow {
  id: string;
  caseNo: string;
  title: string;
  description: string;
  categoryId: string;
  communityId: string;
  gridId: string | null;
  address: string;
  lat: number | null;
  lng: number | null;
  reporterPhone: string | null;
  status: string;
  createdAt: string;
}

/**
 * Open cases that may be the same problem: in the community asked about, or within `radiusMeters` of the point
 * asked about, or from the same caller; received since `since`; inside the caller's scope (a path prefix, null
 * for everything). Newest first, at most `limit`.
 */
export async function findDuplicateCandidates(
  db: Knex,
  where: { communityId?: string | null; lat?: number | null; lng?: number | null; phone?: string | null; since: Date; scopePath: string | null; limit: number; radiusMeters: number },
): Promise<DuplicateCandidateRow[]> {
  if (!where.communityId && (where.lat == null || where.lng == null) && !where.phone) return [];
  const query = db('cases')
    .select(
      'id',
      'case_no',
      'title',
      db.raw("doc->>'description' as description"),
      'category_id',
      'community_id',
      'grid_id',
      db.raw("doc->'location'->>'address' as address"),
      db.raw("(doc->'location'->>'lat')::float8 as lat"),
      db.raw("(doc->'location'->>'lng')::float8 as lng"),
      'reporter_phone',
      'status',
      'created_at',
    )
    .whereIn('status', ['triage', 'dispatched', 'in_progress', 'resolved'])
    .where('created_at', '>=', where.since)
    .where((q) => {
      if (where.communityId) q.orWhere('community_id', where.communityId);
      if (where.lat != null && where.lng != null) {
        // A box around the point (about `radiusMeters` each way); the exact distance is the scorer's.
        const dLat = where.radiusMeters / 111_320;
        const dLng = where.radiusMeters / (111_320 * Math.max(0.2, Math.cos((where.lat * Math.PI) / 180)));
        q.orWhereRaw("(doc->'location'->>'lat')::float8 between ? and ? and (doc->'location'->>'lng')::float8 between ? and ?", [
          where.lat - dLat,
          where.lat + dLat,
          where.lng - dLng,
          where.lng + dLng,
        ]);
      }
      if (where.phone) q.orWhere('reporter_phone', where.phone);
    })
    .orderBy([{ column: 'created_at', order: 'desc' }, { column: 'id', order: 'desc' }])
    .limit(where.limit);
  if (where.scopePath !== null) query.where('jurisdiction_path', 'like', subtreeLikePattern(where.scopePath));
  const rows: any[] = await query;
  return rows.map((r) => ({
    id: r.id,
    caseNo: r.case_no,
    title: r.title,
    description: r.description ?? '',
    categoryId: r.category_id,
    communityId: r.community_id,
    gridId: r.grid_id,
    address: r.address ?? '',
    lat: r.lat,
    lng: r.lng,
    reporterPhone: r.reporter_phone,
    status: r.status,
    createdAt: new Date(r.created_at).toISOString(),
  }));
}
