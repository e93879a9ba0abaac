import type { Knex } from 'knex';
import type { CaseState } from '../../workflows/domain';
import { indexTerms, rarestListSize } from './search-terms';

/** A phone number as digits only, so `138-0000-5678` and `13800005678` are the same caller. */
export const phoneDigits = (phone: string | null | undefined): string | null => phone?.replace(/\D/g, '') || null;

export interface CaseFilter {
  /** The caller's phone, any formatting: the digits are compared. */
  phone?: string;
  status?: string;
  tier?: string;
  mode?: string;
  unitId?: string;
  streetId?: string;
  communityId?: string;
  category?: string;
  channel?: string;
  requestType?: string;
  urgency?: string;
  overdue?: boolean;
  /** `approval`: an extension or the complex mark waits for a supervisor. */
  awaiting?: 'approval';
  createdFrom?: string;
  createdTo?: string;
  dispatchedFrom?: string;
  dispatchedTo?: string;
  /** Words in the title, description or address (a phrase, Chinese or not). */
  q?: string;
}

/** Newest first (by intake), or the nearest running deadline first (cases with none last). */
export type CaseSort = 'newest' | 'due';

/** What part of the read model a caller may see: a jurisdiction subtree, or the cases a unit is assigned. */
export type CaseScope = { kind: 'all' } | { kind: 'jurisdiction'; path: string } | { kind: 'unit'; unitId: string };

function applyScope(query: Knex.QueryBuilder, scope: CaseScope): Knex.QueryBuilder {
  if (scope.kind === 'jurisdiction') return query.where('jurisdiction_path', 'like', `${scope.path}%`);
  if (scope.kind === 'unit') return query.whereRaw('unit_ids @> ?::text[]', [[scope.unitId]]);
  return query;
}

/** Where a page ended: the sort keys of its last row. */
interface Cursor {
  sort: CaseSort;
  key: string | null;
  id: string;
}

const encodeCursor = (c: Cursor): string => Buffer.from(JSON.stringify(c)).toString('base64url');

export function decodeCursor(cursor: string, sort: CaseSort): Cursor | null {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    // A page of another sort does not continue this one.
    if (parsed?.sort !== sort || typeof parsed.id !== 'string') return null;
    if (parsed.key !== null && (typeof parsed.key !== 'string' || Number.isNaN(Date.parse(parsed.key)))) return null;
    return parsed as Cursor;
  } catch {
    return null;
  }
}

const likeEscaped = (text: string): string => text.replace(/[\\%_]/g, '\\$&');

/** When a search reads the newest cases first rather than the index's candidates (exported for the tests of both ways). */
export interface SearchTuning {
  /** Up to how many index candidates a search sorts itself rather than reading the newest cases first. */
  fewCandidates: number;
  /** Counting candidates is skipped when even the rarest term's list is longer than this (the count would cost more). */
  countableList: number;
  /** How many of the newest cases (in the page's order) a search may read for a frequent word; it stops at a page. */
  recentWindow: number;
}

export const searchTuning: SearchTuning = { fewCandidates: 5_000, countableList: 100_000, recentWindow: 20_000 };

/**
 * A page of the cases holding a phrase, by the cheaper of two ways that give the same rows. Few candidates in the
 * index (bigrams, scope and filter terms, migration 017) for the caller's scope and filters (a rare word, or a
 * frequent one among a street's water-supply cases) are sorted as they are. A frequent word (井盖 city-wide: 59,524
 * of a million) would hand over every case that ever held it to be sorted; it fills the page from the newest cases
 * instead, the scan stopping as soon as the page is full, and only a page it cannot fill falls back to the index.
 * The candidates are counted, up to a cap, unless PostgreSQL's statistics say every term is too common to count.
 */
async function searchPage(db: Knex, ordered: Knex.QueryBuilder, phrase: string, terms: string[], page: { limit: number; sort: CaseSort; keyColumn: string }, tuning: SearchTuning) {
  const pattern = likeEscaped(phrase.toLowerCase());
  // Every row holding the phrase holds all its terms; `like` keeps the exact phrase.
  const indexed = terms.length > 0 ? ordered.clone().whereRaw('search_bigrams @> ?::text[]', [terms]) : ordered.clone();
  const matching = () => indexed.whereRaw("lower(search_text) like '%' || ? || '%'", [pattern]).limit(page.limit + 1);
  if (terms.length > 0 && ((await rarestListSize(db, terms)) ?? 0) <= tuning.countableList) {
    const candidates = db('cases').select(db.raw('1')).whereRaw('search_bigrams @> ?::text[]', [terms]).limit(tuning.fewCandidates + 1);
    const [counted] = await db.from(candidates.as('candidates')).count({ n: '*' });
    if (Number(counted?.n) <= tuning.fewCandidates) return matching();
  }
  // The window carries no case documents: only the page's rows are joined back for theirs.
  const window = ordered.clone().clearSelect().select('id', `${page.keyColumn} as sort_key`, 'search_text').limit(tuning.recentWindow);
  const recent = db
    .from(window.as('recent'))
    .join('cases as c', 'c.id', 'recent.id')
    .select('c.doc', 'recent.id', 'recent.sort_key')
    .whereRaw("lower(recent.search_text) like '%' || ? || '%'", [pattern])
    .limit(page.limit + 1);
  const found = await (page.sort === 'due'
    ? recent.orderByRaw('recent.sort_key asc nulls last, recent.id asc')
    : recent.orderByRaw('recent.sort_key desc, recent.id desc'));
  return found.length > page.limit ? found : matching();
}

/**
 * One page of cases in a scope, keyset-paginated (deep pages cost what the first does, and a case opened
 * meanwhile never shifts a page): newest first, or due soonest. Each filter is one indexed column.
 */
export async function listCases(
  db: Knex,
  filter: CaseFilter,
  scope: CaseScope,
  page: { limit: number; sort: CaseSort; cursor?: Cursor | null },
  tuning: SearchTuning = searchTuning,
): Promise<{ items: CaseState[]; nextCursor: string | null }> {
  const keyColumn = page.sort === 'due' ? 'next_due' : 'created_at';
  let query = applyScope(db('cases').select('doc', 'id', `${keyColumn} as sort_key`), scope);
  const equal: [keyof CaseFilter, string][] = [
    ['status', 'status'],
    ['tier', 'tier'],
    ['mode', 'mode'],
    ['streetId', 'street_id'],
    ['communityId', 'community_id'],
    ['category', 'category_id'],
    ['channel', 'channel'],
    ['requestType', 'request_type'],
    ['urgency', 'urgency'],
  ];
  for (const [key, column] of equal) if (filter[key] !== undefined) query = query.where(column, filter[key] as string);
  if (filter.unitId) query = query.whereRaw('unit_ids @> ?::text[]', [[filter.unitId]]);
  if (filter.overdue !== undefined) query = query.where('overdue', filter.overdue);
  if (filter.awaiting === 'approval') query = query.where('awaiting_approval', true);
  if (filter.phone) query = query.where('reporter_phone', phoneDigits(filter.phone) ?? '');
  if (filter.createdFrom) query = query.where('created_at', '>=', filter.createdFrom);
  if (filter.createdTo) query = query.where('created_at', '<', filter.createdTo);
  if (filter.dispatchedFrom) query = query.where('dispatched_at', '>=', filter.dispatchedFrom);
  if (filter.dispatchedTo) query = query.where('dispatched_at', '<', filter.dispatchedTo);
  const ordered = (q: Knex.QueryBuilder): Knex.QueryBuilder => {
    if (page.sort === 'due') {
      if (page.cursor?.key) {
        q = q.whereRaw('(next_due > ?::timestamptz or (next_due = ?::timestamptz and id > ?) or next_due is null)', [page.cursor.key, page.cursor.key, page.cursor.id]);
      } else if (page.cursor) q = q.whereNull('next_due').where('id', '>', page.cursor.id);
      return q.orderByRaw('next_due asc nulls last, id asc');
    }
    if (page.cursor) q = q.whereRaw('(created_at, id) < (?::timestamptz, ?)', [page.cursor.key, page.cursor.id]);
    return q.orderBy([{ column: 'created_at', order: 'desc' }, { column: 'id', order: 'desc' }]);
  };
  const rows = filter.q ? await searchPage(db, ordered(query), filter.q, indexTerms(filter.q, filter, scope), { ...page, keyColumn }, tuning) : await ordered(query).limit(page.limit + 1);
  const items = rows.slice(0, page.limit);
  const last = items[items.length - 1];
  const key = (v: unknown): string | null => (v ? new Date(v as string).toISOString() : null);
  return {
    items: items.map((r: { doc: CaseState }) => r.doc),
    nextCursor: rows.length > page.limit && last ? encodeCursor({ sort: page.sort, key: key(last.sort_key), id: last.id }) : null,
  };
}

