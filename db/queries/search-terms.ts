import type { Knex } from 'knex';
import type { CaseFilter, CaseScope } from './case-lists';

/** The character bigrams of a phrase, as jiesu_bigrams() computes them for the rows (migration 010). */
function bigramsOf(q: string): string[] {
  const chars = [...q.toLowerCase()];
  const grams = new Set<string>();
  for (let i = 0; i + 1 < chars.length; i++) {
    const gram = chars[i]! + chars[i + 1]!;
    if (!/\s/.test(gram)) grams.add(gram);
  }
  return [...grams];
}

/**
 * What a row holding the phrase, in this scope and these filters, holds in its indexed array (migration 017):
 * the phrase's bigrams, then the scope and filter terms, so that the index intersects a street's or a category's
 * cases with the words before any row is read.
 */
export function indexTerms(phrase: string, filter: CaseFilter, scope: CaseScope): string[] {
  const terms = bigramsOf(phrase);
  if (scope.kind === 'jurisdiction' && scope.path.endsWith('/')) terms.push(`@${scope.path}`);
  if (scope.kind === 'unit') terms.push(`u:${scope.unitId}`);
  if (filter.status) terms.push(`s:${filter.status}`);
  if (filter.category) terms.push(`k:${filter.category}`);
  if (filter.unitId) terms.push(`u:${filter.unitId}`);
  return terms;
}

/** How often terms occur, from PostgreSQL's own statistics of the column (kept by autovacuum's analyze). */
interface TermStatistics {
  rows: number;
  frequency: Map<string, number>;
  /** The frequency of the least common listed term: any term not listed is at most this common. */
  floor: number;
  readAt: number;
}

const statisticsByDb = new WeakMap<Knex, Promise<TermStatistics | null>>();
const STATISTICS_TTL_MS = 10 * 60_000;

async function readStatistics(db: Knex): Promise<TermStatistics | null> {
  const { rows } = await db.raw(`
    select c.reltuples as rows, s.most_common_elems::text::text[] as terms, s.most_common_elem_freqs as freqs
    from pg_class c left join pg_stats s on s.tablename = 'cases' and s.attname = 'search_bigrams' and s.schemaname = current_schema()
    where c.oid = to_regclass('cases')`);
  const row = rows[0] as { rows: number; terms: string[] | null; freqs: number[] | null } | undefined;
  if (!row || row.rows <= 0 || !row.terms || !row.freqs) return null;
  // After one frequency per listed term come the least and greatest of them, then the null frequency.
  const frequency = new Map(row.terms.map((t, i) => [t, row.freqs![i]!]));
  return { rows: row.rows, frequency, floor: row.freqs[row.terms.length] ?? 0, readAt: Date.now() };
}

/**
 * About how many entries the index reads for the rarest of these terms: what counting their rows costs (the index
 * skips through the longer lists). Null when the table has no statistics yet (a new or small table).
 */
export async function rarestListSize(db: Knex, terms: string[]): Promise<number | null> {
  let cached = statisticsByDb.get(db);
  const stats = await cached;
  if (!cached || (stats && Date.now() - stats.readAt > STATISTICS_TTL_MS)) {
    cached = readStatistics(db).catch(() => null);
    statisticsByDb.set(db, cached);
  }
  const current = await cached;
  if (!current || terms.length === 0) return null;
  return Math.min(...terms.map((t) => current.frequency.get(t) ?? current.floor)) * current.rows;
}
