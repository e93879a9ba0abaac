/**
 * p50/p95 of the queries supervisors and clerks run all day, on a database filled by bench/generate-history.ts:
 * every KPI groupBy over a week, a quarter and a year, and the case lists (newest, due soonest, filters, Chinese
 * search, a caller's phone), as the API runs them (the same query modules), city-wide and for one street.
 *
 *   node --import tsx bench/dashboard-queries.ts [--database jiesu_bench] [--runs 20]
 *
 * Prints a markdown section for bench/RESULTS.md. Only ever points at the local server.
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import { createDb } from '../db/connection';
import { listCases, type CaseFilter, type CaseSort } from '../db/queries/case-lists';
import { kpiReport, type KpiGroupBy } from '../db/queries/kpis';
import { withDatabase } from '../scripts/stack/postgres';

const { values } = parseArgs({ options: { database: { type: 'string', default: 'jiesu_bench' }, runs: { type: 'string', default: '20' }, only: { type: 'string' } } });
const runs = Number(values.runs);

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

async function time(run: () => Promise<unknown>): Promise<{ p50: number; p95: number }> {
  await run(); // warm the cache and the plan
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await run();
    ms.push(performance.now() - started);
  }
  ms.sort((a, b) => a - b);
  return { p50: percentile(ms, 50), p95: percentile(ms, 95) };
}

async function main(): Promise<void> {
  const db = createDb(withDatabase('postgres://postgres@127.0.0.1:5432/postgres', values.database!), { max: 2 });
  try {
    const { rows } = await db.raw<{ rows: { n: string }[] }>('select count(*)::text as n from cases');
    const street = await db('jurisdictions').where({ level: 'street' }).orderBy('id').first();
    const community = await db('jurisdictions').where({ level: 'community' }).orderBy('id').first();
    const phone = (await db('cases').select('reporter_phone').whereNotNull('reporter_phone').orderBy('created_at', 'desc').first())?.reporter_phone;
    const now = Date.now();
    const periods = { week: 7, quarter: 91, year: 365 } as const;
    const lines: string[] = [];
    // `--only <regex>`: just the queries whose name matches (checking one change quickly).
    const only = values.only ? new RegExp(values.only) : null;
    const row = (what: string, scope: string, t: { p50: number; p95: number }) =>
      lines.push(`| ${what} | ${scope} | ${t.p50.toFixed(1)} | ${t.p95.toFixed(1)} | ${t.p95 < 100 ? 'yes' : '**no**'} |`);

    for (const groupBy of ['unit', 'street', 'community', 'category', 'tier'] as KpiGroupBy[]) {
      for (const [name, days] of Object.entries(periods)) {
        const params = { from: new Date(now - days * 86_400_000), to: new Date(now), groupBy };
        if (only && !only.test(`KPI by ${groupBy}, ${name}`)) continue;
        row(`KPI by ${groupBy}, ${name}`, 'city', await time(() => kpiReport(db, { ...params, scope: null })));
        row(`KPI by ${groupBy}, ${name}`, 'street', await time(() => kpiReport(db, { ...params, scope: street.path })));
      }
    }
    const lists: [string, CaseFilter, CaseSort][] = [
      ['list newest', {}, 'newest'],
      ['list due soonest', {}, 'due'],
      ['list status=in_progress, due soonest', { status: 'in_progress' }, 'due'],
      ['list overdue', { overdue: true }, 'newest'],
      ['list unit + category', { unitId: 'unit-mobile', category: 'cable-sagging' }, 'newest'],
      ['list channel=app, created last 30 days', { channel: 'app', createdFrom: new Date(now - 30 * 86_400_000).toISOString() }, 'newest'],
      ['list street filter, newest', { streetId: street.id }, 'newest'],
      ['list community filter, created in 2025', { communityId: community.id, createdFrom: '2025-01-01T00:00:00+08:00', createdTo: '2026-01-01T00:00:00+08:00' }, 'newest'],
      // Words as citizens use them (the generator's descriptions come from the smart-dispatch corpus): frequent,
      // rarer, rare, a phrase, one that is nowhere, and search combined with filters.
      ['search q=井盖 (frequent word)', { q: '井盖' }, 'newest'],
      ['search q=化粪池 (rarer word)', { q: '化粪池' }, 'newest'],
      ['search q=锥桶 (rare word)', { q: '锥桶' }, 'newest'],
      ['search q=黑灯瞎火 (rare phrase)', { q: '黑灯瞎火' }, 'newest'],
      ['search q=和谐路 (address)', { q: '和谐路' }, 'newest'],
      ['search q=量子纠缠 (no match)', { q: '量子纠缠' }, 'newest'],
      ['search q=井盖 + status=in_progress, due soonest', { q: '井盖', status: 'in_progress' }, 'due'],
      ['search q=漏水 + category=water-supply', { q: '漏水', category: 'water-supply' }, 'newest'],
      ['caller phone', { phone }, 'newest'],
    ];
    for (const [what, filter, sort] of lists) {
      if (only && !only.test(what)) continue;
      row(what, 'city', await time(() => listCases(db, filter, { kind: 'all' }, { limit: 50, sort })));
      row(what, 'street', await time(() => listCases(db, filter, { kind: 'jurisdiction', path: street.path }, { limit: 50, sort })));
    }
    console.log(`## Dashboards and lists at ${Number(rows[0]!.n).toLocaleString('en')} cases

- Machine: ${os.cpus()[0]?.model.trim()} × ${os.cpus().length}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}; PostgreSQL on 127.0.0.1
- Command: \`node --import tsx bench/dashboard-queries.ts --database ${values.database} --runs ${runs}\` after \`bench/generate-history.ts\`
- Date: ${new Date().toISOString()}; ${runs} runs each after one warm-up; the street is ${street.name}

| query | scope | p50 ms | p95 ms | p95 < 100 ms |
| --- | --- | ---: | ---: | --- |
${lines.join('\n')}`);
  } finally {
    await db.destroy();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
