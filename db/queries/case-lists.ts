import type { Knex } from 'knex';
import type { CaseState } from '../../workflows/domain';

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

/** The character bigrams of a phrase, as jiesu_bigrams() computes them for the rows (migration 012). */
function bigramsOf(q: string): string[] {
  const chars = [...q.toLowerCase()];
  const grams = new Set<string>();
  for (let i = 0; i + 1 < chars.length; i++) {
    const gram = chars[i]! + chars[i + 1]!;
    if (!/\s/.test(gram)) grams.add(gram);
  }
  return [...grams];
}

const likeEscaped = (text: string): string => text.replace(/[\\%_]/g, '\\$&');

/** How many of the newest cases (in the page's order) a search reads before it asks the bigram index. */
const RECENT_WINDOW = 1_000;

/**
 * A page of the cases holding a phrase. A frequent word (井盖 in a city's requests) fills the page from the newest
 * cases at once, while the bigram index would hand over every case that ever held it to be sorted; a rare word
 * is found fastest through the index. So the newest window is read first and, when it holds less than a page,
 * the index answers. Both give the same rows: matches inside the window, in order, are the first matches.
 */
async function searchPage(db: Knex, ordered: Knex.QueryBuilder, phrase: string, page: { limit: number; sort: CaseSort; keyColumn: string }) {
  const pattern = likeEscaped(phrase.toLowerCase());
  // The window carries no case documents: only the page's rows are joined back for theirs.
  const window = ordered.clone().clearSelect().select('id', `${page.keyColumn} as sort_key`, 'search_text').limit(RECENT_WINDOW);
  const recent = db
    .from(window.as('recent'))
    .join('cases as c', 'c.id', 'recent.id')
    .select('c.doc', 'recent.id', 'recent.sort_key')
    .whereRaw("lower(recent.search_text) like '%' || ? || '%'", [pattern])
    .limit(page.limit + 1);
  const found = await (page.sort === 'due'
    ? recent.orderByRaw('recent.sort_key asc nulls last, recent.id asc')
    : recent.orderByRaw('recent.sort_key desc, recent.id desc'));
  if (found.length > page.limit) return found;
  // The bigram index narrows to rows holding every pair of characters; `like` keeps the exact phrase.
  const grams = bigramsOf(phrase);
  const indexed = grams.length > 0 ? ordered.whereRaw('search_bigrams @> ?::text[]', [grams]) : ordered;
  return indexed.whereRaw("lower(search_text) like '%' || ? || '%'", [pattern]).limit(page.limit + 1);
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
  const rows = filter.q ? await searchPage(db, ordered(query), filter.q, { ...page, keyColumn }) : await ordered(query).limit(page.limit + 1);
  const items = rows.slice(0, page.limit);
  const last = items[items.length - 1];
  const key = (v: unknown): string | null => (v ? new Date(v as string).toISOString() : null);
  return {
    items: items.map((r: { doc: CaseState }) => r.doc),
    nextCursor: rows.length > page.limit && last ? encodeCursor({ sort: page.sort, key: key(last.sort_key), id: last.id }) : null,
  };
}

