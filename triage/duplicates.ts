/**
 * Duplicate proposals (并单): how likely an open case is about the same problem as a new report. Pure: the
 * candidates come from PostgreSQL (db/queries/triage.ts `findDuplicateCandidates`: the same community, nearby,
 * or the same caller, received recently), the category probabilities from the classifier.
 *
 * score = 0.40 × text + 0.25 × category + 0.25 × place + 0.10 × recency, where
 * - text: cosine similarity of words and character bigrams (title + description);
 * - category: the classifier's probability that the new report is of the candidate's category;
 * - place: 1 within 100 m (or the same address), falling to 0 at 1 km; 0.6 for the same community without
 *   coordinates, 0.8 in the same grid; 0 when both name a building and not the same one (5号楼 vs 9号楼);
 * - recency: 1 for a case received today, halving every 7 days.
 * The same caller's number adds 0.15 (a citizen calling again about their case is the commonest repeat).
 * Proposed from `duplicateThreshold` up; the dispatcher decides (POST /cases/:id/merge).
 */
import { cosine, features, type FeatureVector } from './text';

export const duplicateThreshold = 0.55;
/** Open cases received this long ago or later are looked at. */
export const duplicateWindowDays = 30;
/** How far around the point asked about a case may be. */
export const duplicateRadiusMeters = 1000;

export interface DuplicateQuery {
  text: string;
  communityId?: string | null;
  gridId?: string | null;
  lat?: number | null;
  lng?: number | null;
  address?: string | null;
  /** Digits only. */
  phone?: string | null;
  /** The classifier's probability per category for the new report's text. */
  categoryProbability: (categoryId: string) => number;
  now: Date;
}

export interface DuplicateCandidate {
  id: string;
  caseNo: string;
  title: string;
  description: string;
  categoryId: string;
  categoryName?: string;
  communityId: string;
  communityName?: string;
  gridId?: string | null;
  address?: string | null;
  lat?: number | null;
  lng?: number | null;
  reporterPhone?: string | null;
  createdAt: string;
}

export interface DuplicateScore {
  score: number;
  reason: string;
  parts: { text: number; category: number; place: number; recency: number; sameCaller: boolean };
}

/** Great-circle distance in metres. */
export function distanceMeters(a: { lat: number; lng: number }, b: { lat: number; lng: number }): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLng = (b.lng - a.lng) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLng / 2) ** 2;
  return 2 * 6_371_000 * Math.asin(Math.sqrt(h));
}

const normalizeAddress = (s: string | null | undefined): string => (s ?? '').replace(/[\s，,。.、\-—()（）]/g, '');

/** Building numbers named in a text (5号楼, 12栋, 3幢): two reports naming different buildings are two problems. */
const buildings = (...texts: (string | null | undefined)[]): Set<string> =>
  new Set(texts.flatMap((t) => [...(t ?? '').normalize('NFKC').matchAll(/(\d+)\s*(?:号楼|栋|幢|号院)/g)].map((m) => m[1]!)));

function placeScore(q: DuplicateQuery, c: DuplicateCandidate): { score: number; why: string | null } {
  const ours = buildings(q.text, q.address);
  const theirs = buildings(c.title, c.description, c.address);
  if (ours.size > 0 && theirs.size > 0 && ![...ours].some((b) => theirs.has(b))) return { score: 0, why: null };
  if (q.lat != null && q.lng != null && c.lat != null && c.lng != null) {
    const d = distanceMeters({ lat: q.lat, lng: q.lng }, { lat: c.lat, lng: c.lng });
    const score = d <= 100 ? 1 : Math.max(0, 1 - (d - 100) / 900);
    return { score, why: `相距约 ${d < 50 ? Math.round(d) : Math.round(d / 10) * 10} 米` };
  }
  const qa = normalizeAddress(q.address);
  const ca = normalizeAddress(c.address);
  if (qa.length >= 4 && ca.length >= 4 && (qa.includes(ca) || ca.includes(qa))) return { score: 1, why: '地址相同' };
  if (q.gridId && c.gridId && q.gridId === c.gridId) return { score: 0.8, why: '同一网格' };
  if (q.communityId && q.communityId === c.communityId) return { score: 0.6, why: `同一社区${c.communityName ? `（${c.communityName}）` : ''}` };
  return { score: 0, why: null };
}

const dayMs = 86_400_000;

function ago(createdAt: string, now: Date): string {
  const days = Math.floor((now.getTime() - Date.parse(createdAt)) / dayMs);
  if (days <= 0) return '今天受理';
  return `${days} 天前受理`;
}

/**
 * A case's words and bigrams, kept for the next request: a case's title and description never change after
 * intake, and the same open cases are candidates again and again. Bounded; the oldest entry goes first.
 */
const candidateFeatures = new Map<string, { text: string; features: FeatureVector }>();
const candidateFeaturesKept = 20_000;

function featuresOf(c: DuplicateCandidate): FeatureVector {
  const text = `${c.title}。${c.description}`;
  const known = candidateFeatures.get(c.id);
  if (known && known.text === text) return known.features;
  const computed = features(text, { chars: false });
  candidateFeatures.delete(c.id);
  candidateFeatures.set(c.id, { text, features: computed });
  if (candidateFeatures.size > candidateFeaturesKept) candidateFeatures.delete(candidateFeatures.keys().next().value!);
  return computed;
}

/** Scores one candidate, with the reason in words a clerk reads out. `queryFeatures` saves re-segmenting the report. */
export function scoreDuplicate(q: DuplicateQuery, c: DuplicateCandidate, queryFeatures?: FeatureVector): DuplicateScore {
  const qf = queryFeatures ?? features(q.text, { chars: false });
  const text = Math.max(0, cosine(qf, featuresOf(c)));
  const category = Math.max(0, Math.min(1, q.categoryProbability(c.categoryId)));
  const place = placeScore(q, c);
  const ageDays = Math.max(0, (q.now.getTime() - Date.parse(c.createdAt)) / dayMs);
  const recency = Math.pow(0.5, ageDays / 7);
  const sameCaller = !!q.phone && !!c.reporterPhone && q.phone === c.reporterPhone;
  const score = Math.min(1, 0.4 * text + 0.25 * category + 0.25 * place.score + 0.1 * recency + (sameCaller ? 0.15 : 0));

  const reasons: string[] = [];
  if (sameCaller) reasons.push('同一来电人');
  if (place.why) reasons.push(place.why);
  if (category >= 0.3) reasons.push(`同类事项${c.categoryName ? `（${c.categoryName}）` : ''}`);
  if (text >= 0.2) reasons.push(`描述相近 ${Math.round(text * 100)}%`);
  reasons.push(ago(c.createdAt, q.now));
  return { score: Math.round(score * 1000) / 1000, reason: reasons.join('，'), parts: { text, category, place: place.score, recency, sameCaller } };
}

/** Candidates at or above the threshold, best first, at most `limit`. */
export function proposeDuplicates<C extends DuplicateCandidate>(q: DuplicateQuery, candidates: C[], limit = 5): (C & DuplicateScore)[] {
  const qf = features(q.text, { chars: false });
  return candidates
    .map((c) => ({ ...c, ...scoreDuplicate(q, c, qf) }))
    .filter((c) => c.score >= duplicateThreshold)
    .sort((a, b) => b.score - a.score || Date.parse(b.createdAt) - Date.parse(a.createdAt))
    .slice(0, limit);
}
