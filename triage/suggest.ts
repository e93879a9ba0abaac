/**
 * The answer of POST /api/v1/triage/suggestions: categories from the classifier, units from the responsibility
 * list (权责清单) weighed by how dispatchers actually routed the category here, and open cases that may be the
 * same problem (并单).
 */
import type { Knex } from 'knex';
import { proposeUnits } from '../db/queries/categories';
import { getJurisdiction, getJurisdictions, pathIds, type Jurisdiction } from '../db/queries/jurisdictions';
import { caseText, dispatchHistory, findDuplicateCandidates } from '../db/queries/triage';
import { getUnits } from '../db/queries/units';
import { phoneDigits } from '../db/queries/case-lists';
import type { TriageModel } from './model';
import { duplicateRadiusMeters, duplicateWindowDays, proposeDuplicates } from './duplicates';

export interface SuggestionRequest {
  title?: string;
  description: string;
  location?: { communityId?: string; lat?: number; lng?: number; address?: string };
  reporter?: { phone?: string };
}

export interface Suggestions {
  categories: { category: string; name: string; score: number }[];
  units: { unitId: string; name: string; role: 'lead' | 'cooperating'; score: number }[];
  duplicates: { id: string; caseNo: string; title: string; score: number; reason: string }[];
  model: { version: number; trainedAt: string; examples: number };
}

/** Categories in the answer: at least three (API.md), five so that the clerk has a choice. */
export const suggestedCategories = 5;

const round = (x: number): number => Math.round(x * 1000) / 1000;

/** A place that is not a community (or none was given): units are proposed for the caller's own area. */
export class UnknownPlaceError extends Error {}

interface Place {
  node: Jurisdiction;
  streetId: string | null;
  communityId: string | null;
}

async function resolvePlace(db: Knex, req: SuggestionRequest, fallbackNodeId: string | null): Promise<Place | null> {
  const asked = req.location?.communityId;
  const node = asked ? await getJurisdiction(db, asked) : fallbackNodeId ? await getJurisdiction(db, fallbackNodeId) : null;
  if (asked && (!node || (node.level !== 'community' && node.level !== 'grid'))) throw new UnknownPlaceError(asked);
  if (!node) return null;
  const chain = await getJurisdictions(db, pathIds(node.path));
  return {
    node,
    streetId: chain.find((j) => j.level === 'street')?.id ?? null,
    communityId: chain.find((j) => j.level === 'community')?.id ?? null,
  };
}

/**
 * Units for the category at the place: the responsibility list's lead (1) and cooperating units (0.6), and,
 * once there were at least three dispatches of the category in the street within a year, half of the weight
 * from how often dispatchers chose each unit (so a unit they keep choosing against the list rises, and one they
 * keep replacing sinks). Each score is multiplied by the category's probability.
 */
async function unitSuggestions(db: Knex, categoryId: string, probability: number, place: Place | null): Promise<Suggestions['units']> {
  if (!place) return [];
  const [proposal, history] = await Promise.all([proposeUnits(db, categoryId, place.node.id), dispatchHistory(db, categoryId, place.streetId)]);
  const listed = new Map<string, { role: 'lead' | 'cooperating'; base: number }>();
  if (proposal.lead) listed.set(proposal.lead, { role: 'lead', base: 1 });
  for (const id of proposal.cooperating) listed.set(id, { role: 'cooperating', base: 0.6 });
  const learned = history.dispatches >= 3;
  const scored = new Map<string, { role: 'lead' | 'cooperating'; score: number }>();
  for (const [unitId, l] of listed) scored.set(unitId, { role: l.role, score: learned ? 0.5 * l.base : l.base });
  if (learned) {
    for (const h of history.units) {
      const share = (h.lead + 0.6 * h.cooperating) / history.dispatches;
      const current = scored.get(h.unitId);
      if (current) current.score += 0.5 * share;
      else if (share >= 0.2) scored.set(h.unitId, { role: h.lead >= h.cooperating ? 'lead' : 'cooperating', score: 0.5 * share });
    }
  }
  const units = await getUnits(db, [...scored.keys()]);
  const names = new Map(units.filter((u) => u.active).map((u) => [u.id, u.name]));
  return [...scored]
    .filter(([id]) => names.has(id))
    .map(([unitId, s]) => ({ unitId, name: names.get(unitId)!, role: s.role, score: round(Math.min(1, s.score) * probability) }))
    .sort((a, b) => b.score - a.score || (a.role === 'lead' ? -1 : 1));
}

export async function suggest(
  db: Knex,
  model: TriageModel,
  req: SuggestionRequest,
  caller: { jurisdictionId: string | null; scopePath: string | null },
  now = new Date(),
): Promise<Suggestions> {
  const text = caseText(req.title, req.description);
  const ranked = model.classify(text);
  const probability = new Map(ranked.map((r) => [r.label, r.score]));
  const top = ranked[0]!;

  const place = await resolvePlace(db, req, caller.jurisdictionId);
  const [categoryRows, units, candidates] = await Promise.all([
    db('categories').select('id', 'name') as Promise<{ id: string; name: string }[]>,
    unitSuggestions(db, top.label, top.score, place),
    findDuplicateCandidates(db, {
      communityId: req.location?.communityId ? place?.communityId : null,
      lat: req.location?.lat,
      lng: req.location?.lng,
      phone: phoneDigits(req.reporter?.phone),
      since: new Date(now.getTime() - duplicateWindowDays * 86_400_000),
      scopePath: caller.scopePath,
      limit: 200,
      radiusMeters: duplicateRadiusMeters,
    }),
  ]);
  const names = new Map(categoryRows.map((c) => [c.id, c.name]));
  const duplicates = proposeDuplicates(
    {
      text,
      communityId: req.location?.communityId ? place?.communityId : null,
      gridId: place?.node.level === 'grid' ? place.node.id : null,
      lat: req.location?.lat,
      lng: req.location?.lng,
      address: req.location?.address,
      phone: phoneDigits(req.reporter?.phone),
      categoryProbability: (id) => probability.get(id) ?? 0,
      now,
    },
    candidates.map((c) => ({
      ...c,
      categoryName: names.get(c.categoryId),
      communityName: c.communityId === place?.communityId && place?.node.level === 'community' ? place.node.name : undefined,
    })),
  );

  return {
    categories: ranked.slice(0, suggestedCategories).map((r) => ({ category: r.label, name: names.get(r.label) ?? r.label, score: round(r.score) })),
    units,
    duplicates: duplicates.map((d) => ({ id: d.id, caseNo: d.caseNo, title: d.title, score: d.score, reason: d.reason })),
    model: { ...model.info },
  };
}
