/**
 * Loads synthetic history straight into a PostgreSQL database for the dashboard and list benchmarks
 * (issue 12): closed and open cases over three years across the demo city's communities, categories and
 * units, with escalations, rejections (extra assignments), reopenings, extensions, ratings and repeat callers.
 * Rows are generated inside PostgreSQL (generate_series), in batches, so a million cases take minutes.
 *
 *   node --import tsx bench/generate-history.ts [--database jiesu_bench] [--closed 1000000] [--open 50000] [--batch 50000]
 *
 * The database is created (migrated and seeded with the demo city) when missing. Rows carry a compact case
 * document, the columns every list filter and KPI reads, and the KPI facts; no timeline (events) is written.
 * Only ever points at the local server.
 */
import { parseArgs } from 'node:util';
import { createDb, migrateLatest } from '../db/connection';
import { rebuildKpiRollup } from '../db/queries/kpi-rollup';
import { seedDemoCity } from '../db/seeds/demo-city';
import { triageCorpus } from '../db/seeds/triage-corpus';
import { createDatabase, withDatabase } from '../scripts/stack/postgres';

const { values } = parseArgs({
  options: {
    database: { type: 'string', default: 'jiesu_bench' },
    closed: { type: 'string', default: '1000000' },
    open: { type: 'string', default: '50000' },
    batch: { type: 'string', default: '50000' },
  },
});

function bar(done: number, total: number, started: number): string {
  const width = 30;
  const filled = Math.round((done / total) * width);
  const seconds = (Date.now() - started) / 1000;
  const rate = done / Math.max(seconds, 0.001);
  const eta = (total - done) / Math.max(rate, 1);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} cases, ${rate.toFixed(0)}/s, ${seconds.toFixed(0)} s, eta ${eta.toFixed(0)} s`;
}

/** One batch of cases `from..to` (sequence numbers); `open` ones are recent and still running. */
const batchSql = `
with corpus as (
  -- Parsed once per batch: per category, the texts to draw descriptions from.
  select key as category_id, array(select jsonb_array_elements_text(value)) as texts from jsonb_each(?::jsonb)
), c as (
  select g as n,
    (select id from jurisdictions where level = 'community' order by id offset (g * 7919) % (select count(*) from jurisdictions where level = 'community') limit 1) as community_id,
    (select id from categories k where not exists (select 1 from categories ch where ch.parent_id = k.id) order by id offset (g * 104729) % 18 limit 1) as category_id,
    (select id from units order by id offset (g * 31) % (select count(*) from units) limit 1) as lead_unit_id,
    (select id from units order by id offset (g * 17 + 5) % (select count(*) from units) limit 1) as coop_unit_id,
    case when ? then now() - (random() * interval '20 days') else now() - interval '21 days' - (random() * interval '1075 days') end as created_at,
    random() as r1, random() as r2, random() as r3, random() as r4
  from generate_series(?::bigint, ?::bigint) g
), p as (
  select c.*, j.parent_id as street_id, j.path as jurisdiction_path,
    c.created_at + (random() * interval '2 hours') as dispatched_at,
    case when c.r1 < 0.12 then 'city' when c.r1 < 0.25 then 'street' else 'community' end as tier,
    c.r2 < 0.08 as reopened, c.r3 < 0.9 as on_time, c.r4 < 0.15 as cooperated,
    '1' || lpad(((c.n * 7) % 4000)::text, 4, '0') || lpad(((c.n * 13) % 100000)::text, 5, '0') as phone
  from c join jurisdictions j on j.id = c.community_id
)
insert into cases (id, case_no, status, tier, mode, request_type, category_id, urgency, sla_class, title, channel,
  community_id, street_id, city_id, jurisdiction_path, lead_unit_id, unit_ids, overdue, reopen_count, rating,
  created_at, dispatched_at, resolved_at, closed_at, updated_at, version, doc, search_text, search_bigrams, next_due,
  reporter_phone, disclosed, awaiting_approval, dispatched_to_unit, feedback_on_time, completed_on_time, closed_case,
  reopened, first_time, resolved_case, ratings_total, ratings_satisfied, escalated, kpi_facts)
select id, id, status, tier, case when tier = 'city' then 'designated' else null end, 'complaint', category_id, 'normal',
  'general', title, case when n % 5 = 0 then 'app' when n % 7 = 0 then 'gridPatrol' else 'hotline' end,
  community_id, street_id, '410581', jurisdiction_path, lead_unit_id,
  case when cooperated then array[lead_unit_id, coop_unit_id] else array[lead_unit_id] end,
  not closed and not on_time, case when reopened then 1 else 0 end, case when closed then rating end,
  created_at, dispatched_at, case when closed then resolved_at end, case when closed then resolved_at + interval '2 days' end,
  coalesce(resolved_at, dispatched_at), 12,
  jsonb_build_object('id', id, 'caseNo', id, 'status', status, 'tier', tier, 'title', title, 'category', category_id,
    'requestType', 'complaint', 'urgency', 'normal', 'slaClass', 'general', 'channel', 'hotline', 'description', description,
    'location', jsonb_build_object('communityId', community_id, 'streetId', street_id, 'cityId', '410581', 'address', address, 'path', jurisdiction_path),
    'reporter', jsonb_build_object('name', '市民', 'phone', phone), 'attachments', '[]'::jsonb, 'assignments', '[]'::jsonb,
    'deadlines', jsonb_build_object('resolveBy', dispatched_at + interval '7 days'), 'overdue', not closed and not on_time,
    'escalations', '[]'::jsonb, 'clocks', '[]'::jsonb, 'extensions', '[]'::jsonb, 'createdAt', created_at, 'dispatchedAt', dispatched_at,
    'updatedAt', coalesce(resolved_at, dispatched_at), 'version', 12, 'public', false),
  search_text, jiesu_search_terms(search_text, jurisdiction_path, status, category_id,
    case when cooperated then array[lead_unit_id, coop_unit_id] else array[lead_unit_id] end), case when closed then null else dispatched_at + interval '7 days' end,
  phone, false, false, true, on_time, on_time, closed, reopened, closed and not reopened, closed and rating <> 'unsatisfied',
  case when closed then 1 + (reopened)::int else 0 end, case when closed and rating <> 'unsatisfied' then 1 + (reopened)::int else 0 end,
  tier <> 'community', true
from (
  select p.*, (not ?) as closed,
    case when r2 < 0.85 then 'satisfied' when r2 < 0.95 then 'basically_satisfied' else 'unsatisfied' end as rating,
    dispatched_at + (random() * interval '9 days') as resolved_at,
    case when ? then case when r1 < 0.5 then 'in_progress' else 'dispatched' end else 'closed' end as status,
    to_char(created_at at time zone 'Asia/Shanghai', 'YYYYMMDD') || lpad(n::text, 7, '0') as id,
    k.name || '（' || (array['东门', '北区', '和谐路', '人民路', '3号楼', '菜市场', '学校门口'])[1 + n % 7] || '）' as title,
    -- A citizen's words for the case's category (the smart-dispatch corpus): searched words are as rare as in real requests.
    coalesce(t.texts[1 + (n / 7) % cardinality(t.texts)], '市民来电反映问题') as description,
    (array['和谐路', '人民路', '红旗渠大道', '振林路', '桂园街'])[1 + n % 5] || (n % 300)::text || '号' as address
  from p join categories k on k.id = p.category_id left join corpus t on t.category_id = p.category_id
) x
cross join lateral (select title || ' ' || description || ' ' || address as search_text) s`;

/** The batch's cases, then every assignment of them: the lead, and a cooperating unit on some. */
const batchWithAssignments = `
with inserted as (${batchSql} returning id, unit_ids)
insert into case_assignment_facts (case_id, seq, unit_id, role, responded_in_time)
select id, s.seq, unit_ids[s.seq], case when s.seq = 1 then 'lead' else 'cooperating' end, random() < 0.93
from inserted cross join lateral generate_subscripts(unit_ids, 1) as s(seq)`;

async function main(): Promise<void> {
  // The local server (the same default the launcher tries first); a bench never points elsewhere.
  const server = 'postgres://postgres@127.0.0.1:5432/postgres';
  const name = values.database!;
  await createDatabase(server, name).catch(() => undefined);
  const db = createDb(withDatabase(server, name), { max: 2 });
  try {
    await migrateLatest(db);
    await seedDemoCity(db);
    const closed = Number(values.closed);
    const open = Number(values.open);
    const batch = Number(values.batch);
    const corpus = JSON.stringify(triageCorpus);
    const total = closed + open;
    const { rows } = await db.raw<{ rows: { n: string }[] }>('select count(*)::text as n from cases');
    let done = 0;
    const offset = Number(rows[0]!.n);
    const started = Date.now();
    for (let from = 1; from <= total; from += batch) {
      const to = Math.min(from + batch - 1, total);
      const isOpen = from > closed;
      await db.raw(batchWithAssignments, [corpus, isOpen, offset + from, offset + to, isOpen, isOpen]);
      done = to;
      process.stderr.write(`\r${bar(done, total, started)}`);
    }
    process.stderr.write('\n');
    const loaded = Date.now();
    // The rows went in without projections, so the KPI rollup is counted once from them (as migration 014 does).
    const counted = await db.raw<{ rows: { n: string }[] }>('select count(*)::text as n from cases where dispatched_at is not null');
    const dispatched = Number(counted.rows[0]!.n);
    await rebuildKpiRollup(db, { onProgress: (n) => process.stderr.write(`\r${bar(n, dispatched, loaded)} (KPI rollup)`) });
    process.stderr.write('\n');
    await db.raw('analyze cases');
    await db.raw('analyze case_assignment_facts');
    await db.raw('analyze kpi_rollup');
    console.log(`generated ${total} cases (${closed} closed, ${open} open) into ${name} in ${((Date.now() - started) / 1000).toFixed(0)} s` +
      ` (rows ${((loaded - started) / 1000).toFixed(0)} s, KPI rollup ${((Date.now() - loaded) / 1000).toFixed(0)} s)`);
  } finally {
    await db.destroy();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
