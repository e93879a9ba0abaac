/**
 * Parameterised SQL only: no SQL text in the product is built from values. Raw SQL is a string literal with
 * `?` (knex) or `$n` (pg) placeholders; the one exception is an identifier, which cannot be a parameter and
 * must go through `quoteIdent`.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '..', '..');
const scanned = ['api', 'db', 'activities', 'workflows', 'scripts', 'config'];

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return files(full);
    return /\.(ts|js)$/.test(name) ? [full] : [];
  });
}

/** Calls that look like raw SQL from values but are not, each with why. */
const reviewed: Record<string, string> = {
  'scripts/reproject.ts: .query(caseSnapshotQuery': 'a Temporal workflow query, not SQL',
  'scripts/drill/observe.ts: .query(caseSnapshotQuery': 'a Temporal workflow query, not SQL',
};

/** The first argument of every raw-SQL call: knex's `*Raw`/`raw` and node-postgres' `query`. */
const rawCall = /\.(raw|whereRaw|orWhereRaw|andWhereRaw|orderByRaw|selectRaw|havingRaw|joinRaw|fromRaw|query)\(\s*/g;

function firstArgument(source: string, from: number): string {
  const quote = source[from];
  if (quote === "'" || quote === '"' || quote === '`') {
    let i = from + 1;
    while (i < source.length && source[i] !== quote) i += source[i] === '\\' ? 2 : 1;
    // Anything joined to the literal (`'…' + x`) counts as part of it.
    const rest = /^\s*\+/.exec(source.slice(i + 1));
    return source.slice(from, i + 1) + (rest ? ' + …' : '');
  }
  return source.slice(from, from + 40).split(/[,)]/)[0]!;
}

describe('SQL is parameterised', () => {
  it('never builds raw SQL text from values', () => {
    const offenders: string[] = [];
    let calls = 0;
    for (const dir of scanned) {
      for (const file of files(path.join(root, dir))) {
        const source = readFileSync(file, 'utf8');
        for (const match of source.matchAll(rawCall)) {
          const arg = firstArgument(source, match.index! + match[0].length);
          calls++;
          const isLiteral = /^(['"`])/.test(arg);
          const interpolations = [...arg.matchAll(/\$\{([^}]*)\}/g)].map((m) => m[1]!.trim());
          const safe = isLiteral && !arg.endsWith('+ …') && interpolations.every((expr) => /^quoteIdent\([\w.]+\)$/.test(expr));
          const where = `${path.relative(root, file)}: .${match[1]}(${arg.slice(0, 80)}`;
          if (!safe && !reviewed[where]) offenders.push(where);
        }
      }
    }
    expect(calls).toBeGreaterThan(10);
    expect(offenders).toEqual([]);
  });
});
