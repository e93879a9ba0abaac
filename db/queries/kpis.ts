import type { Knex } from 'knex';
import { tiers, zh, type CaseKpiFacts } from '../../workflows/domain';
import { beijingDay, beijingMidnight, rollupCounters } from './kpi-rollup';

/**
 * The measures of DOMAIN.md §6. Each case's contribution is decided in the domain (`kpiFacts`) and projected
 * with the case; here they are only counted and divided, in one SQL statement, so a report over a year of a
 * city's cases never loads a case document.
 */

export type KpiGroupBy = 'unit' | 'street' | 'community' | 'category' | 'tier';

export interface KpiRow {
  key: string;
  name: string | null;
  /** The cases the row's case measures count. */
  dispatched: number;
  responseRate: number | null;
  onTimeFeedbackRate: number | null;
  onTimeCompletionRate: number | null;
  firstTimeResolutionRate: number | null;
  resolutionRate: number | null;
  satisfactionRate: number | null;
  escalationRate: number | null;
}

export interface KpiReport {
  period: { from: string; to: string };
  total: KpiRow;
  groups: KpiRow[];
}

/** The case-level facts as `cases` columns: part of the projected row, so written under its version guard. */
export const kpiColumns = (facts: CaseKpiFacts) => ({
  dispatched_to_unit: facts.dispatchedToUnit,
  feedback_on_time: facts.feedbackOnTime,
  completed_on_time: facts.completedOnTime,
  closed_case: facts.closed,
  reopened: facts.reopened,
  first_time: facts.firstTime,
  resolved_case: facts.resolvedCase,
  ratings_total: facts.ratingsTotal,
  ratings_satisfied: facts.ratingsSatisfied,
  escalated: facts.escalated,
  kpi_facts: true,
});

/**
 * Replaces a case's assignment facts; call it only in the transaction that just wrote the case row.
 * `firstRow`: that row is the case's first, so there are no facts to remove.
 */
export async function saveAssignmentFacts(trx: Knex.Transaction, caseId: string, facts: CaseKpiFacts, firstRow = false): Promise<void> {
  if (!firstRow) await trx('case_assignment_facts').where({ case_id: caseId }).delete();
  if (facts.assignments.length === 0) return;
  await trx('case_assignment_facts').insert(
    facts.assignments.map((a, i) => ({ case_id: caseId, seq: i + 1, unit_id: a.unitId, role: a.role, responded_in_time: a.respondedInTime })),
  );
}

interface Grouping {
  /** The key of a case for its case measures. */
  caseKey: string;
  /** The key of an assignment for the response rate. */
  assignmentKey: string;
  /** Every group the caller may expect to see even when it counted nothing (its measures are then null). */
  candidates: (scopePattern: string | null) => { sql: string; bindings: string[] };
  /** Where the groups' names come from, aliased `n` (id, name). */
  names: string;
}

const inScope = (column: string, pattern: string | null) =>
  pattern === null ? { where: '', bindings: [] as string[] } : { where: ` and ${column} like ?`, bindings: [pattern] };

const jurisdictionLevel = (level: 'street' | 'community'): Grouping => ({
  caseKey: `c.${level}_id`,
  assignmentKey: `c.${level}_id`,
  candidates: (pattern) => {
    const scope = inScope('path', pattern);
    return { sql: `select id from jurisdictions where level = '${level}'${scope.where}`, bindings: scope.bindings };
  },
  names: 'jurisdictions n',
});

const groupings: Record<KpiGroupBy, Grouping> = {
  // Case measures follow the unit that leads at the end; the response rate, every assignment the unit had.
  unit: {
    caseKey: 'c.lead_unit_id',
    assignmentKey: 'f.unit_id',
    candidates: () => ({ sql: 'select id from units where active', bindings: [] }),
    names: 'units n',
  },
  street: jurisdictionLevel('street'),
  community: jurisdictionLevel('community'),
  category: {
    caseKey: 'c.category_id',
    assignmentKey: 'c.category_id',
    // Leaves only: the groups of the catalogue (市政设施…) hold no cases of their own.
    candidates: () => ({ sql: 'select id from categories k where not exists (select 1 from categories ch where ch.parent_id = k.id)', bindings: [] }),
    names: 'categories n',
  },
  // The tier a case has reached (DOMAIN.md §6 reports by tier): every measure of the case, and its assignments.
  tier: {
    caseKey: 'c.tier',
    assignmentKey: 'c.tier',
    candidates: () => ({ sql: `select unnest(array[${tiers.map((t) => `'${t}'`).join(', ')}]) as id`, bindings: [] }),
    names: `(values ${tiers.map((t) => `('${t}', '${zh.tier[t]}')`).join(', ')}) as n(id, name)`,
  },
};

const likePrefix = (path: string): string => `${path.replace(/[\\%_]/g, '\\$&')}%`;

/** A ratio in [0, 1], or null when nothing was counted (DOMAIN.md §6: never 0 or 1 for an empty denominator). */
const rate = (numerator: string, denominator: string) => `(${numerator})::float8 / nullif(${denominator}, 0)`;

interface ReportRow {
  key: string;
  name: string | null;
  dispatched: number;
  response_rate: number | null;
  on_time_feedback_rate: number | null;
  on_time_completion_rate: number | null;
  first_time_resolution_rate: number | null;
  resolution_rate: number | null;
  satisfaction_rate: number | null;
  escalation_rate: number | null;
}

const toKpiRow = (r: ReportRow): KpiRow => ({
  key: r.key,
  name: r.name,
  dispatched: r.dispatched,
  responseRate: r.response_rate,
  onTimeFeedbackRate: r.on_time_feedback_rate,
  onTimeCompletionRate: r.on_time_completion_rate,
  firstTimeResolutionRate: r.first_time_resolution_rate,
  resolutionRate: r.resolution_rate,
  satisfactionRate: r.satisfaction_rate,
  escalationRate: r.escalation_rate,
});

/** The row key of the whole scope; no id is empty, so it cannot collide with a group. */
const TOTAL = '';

/** The rates of §6 from summed counters (`n` holds the sums of `kpi_rollup`'s counters). */
const ratesOf = (n: string) => `
  ${rate(`${n}.responded_in_time`, `${n}.assignments`)} as response_rate,
  ${rate(`${n}.feedback_on_time`, `${n}.to_unit`)} as on_time_feedback_rate,
  ${rate(`${n}.completed_on_time`, `${n}.to_unit`)} as on_time_completion_rate,
  ${rate(`${n}.first_time`, `${n}.closed`)} as first_time_resolution_rate,
  ${rate(`${n}.resolved`, `${n}.closed`)} as resolution_rate,
  ${rate(`${n}.ratings_satisfied`, `${n}.ratings_total`)} as satisfaction_rate,
  ${rate(`${n}.escalated`, `${n}.dispatched`)} as escalation_rate`;

/** The whole Beijing days inside [from, to), as the instants they span; null when there is none. */
function wholeDays(from: Date, to: Date): { from: Date; to: Date; firstDay: string; endDay: string } | null {
  const startDay = beijingDay(from);
  const first = beijingMidnight(startDay).getTime() === from.getTime() ? startDay : beijingDay(new Date(beijingMidnight(startDay).getTime() + 86_400_000));
  const endDay = beijingDay(to);
  if (first >= endDay) return null;
  return { from: beijingMidnight(first), to: beijingMidnight(endDay), firstDay: first, endDay };
}

export interface KpiReportParams {
  from: Date;
  to: Date;
  groupBy: KpiGroupBy;
  /** The jurisdiction path of the caller's subtree, or null for all. */
  scope: string | null;
  /** false recounts every case from its facts (what the rollup is checked against); default true. */
  fastPath?: boolean;
}

/**
 * Every measure per group and for the caller's whole scope, over the cases first dispatched (or handled
 * directly) in `[from, to)`. Whole Beijing days come from `kpi_rollup`; the parts of days at either end, from
 * the cases themselves, so any period is exact.
 */
export async function kpiReport(db: Knex, params: KpiReportParams): Promise<KpiReport> {
  const g = groupings[params.groupBy];
  const pattern = params.scope === null ? null : likePrefix(params.scope);
  const caseScope = inScope('c.jurisdiction_path', pattern);
  const candidates = g.candidates(pattern);
  const days = params.fastPath === false ? null : wholeDays(params.from, params.to);
  // The cases to count one by one: the period, less the whole days the rollup holds (two index ranges).
  const edges = days
    ? { sql: '((c.dispatched_at >= ? and c.dispatched_at < ?) or (c.dispatched_at >= ? and c.dispatched_at < ?))', bindings: [params.from, days.from, days.to, params.to] }
    : { sql: '(c.dispatched_at >= ? and c.dispatched_at < ?)', bindings: [params.from, params.to] };
  const counterList = rollupCounters.join(', ');
  const sql = `
    with scoped as (
      -- The filter and fact columns only: the case document is never read.
      select c.id, c.tier, c.street_id, c.community_id, c.category_id, c.lead_unit_id, c.dispatched_to_unit, c.feedback_on_time,
        c.completed_on_time, c.closed_case, c.first_time, c.resolved_case, c.ratings_total, c.ratings_satisfied, c.escalated
      from cases c
      where ${edges.sql}${caseScope.where}
    ),
    -- Grouping sets give every group and, from the empty set, the total row together.
    case_part as (
      select case when grouping(${g.caseKey}) = 1 then '${TOTAL}' else ${g.caseKey} end as gkey,
        count(*) as dispatched, count(*) filter (where c.dispatched_to_unit) as to_unit,
        count(*) filter (where c.feedback_on_time) as feedback_on_time, count(*) filter (where c.completed_on_time) as completed_on_time,
        count(*) filter (where c.closed_case) as closed, count(*) filter (where c.first_time) as first_time,
        count(*) filter (where c.resolved_case) as resolved, coalesce(sum(c.ratings_total), 0) as ratings_total,
        coalesce(sum(c.ratings_satisfied), 0) as ratings_satisfied, count(*) filter (where c.escalated) as escalated,
        0 as assignments, 0 as responded_in_time
      from scoped c
      group by grouping sets ((${g.caseKey}), ())
      having grouping(${g.caseKey}) = 1 or ${g.caseKey} is not null
    ),
    assignment_part as (
      select case when grouping(${g.assignmentKey}) = 1 then '${TOTAL}' else ${g.assignmentKey} end as gkey,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, count(*), count(*) filter (where f.responded_in_time)
      from case_assignment_facts f join scoped c on c.id = f.case_id
      group by grouping sets ((${g.assignmentKey}), ())
      having grouping(${g.assignmentKey}) = 1 or ${g.assignmentKey} is not null
    ),
    rollup_part as (
      select gkey, ${counterList} from kpi_rollup
      where scope_path = ? and dim in (?, 'total') and day >= ?::date and day < ?::date
    ),
    counted as (
      select gkey, ${rollupCounters.map((c) => `sum(${c})::bigint as ${c}`).join(', ')}
      from (select * from case_part union all select * from assignment_part union all select * from rollup_part) p
      group by gkey
      having gkey = '${TOTAL}' or sum(dispatched) > 0 or sum(assignments) > 0
    ),
    keys as (
      select '${TOTAL}'::text as gkey
      union select gkey from counted
      union select id from (${candidates.sql}) candidate
    )
    select k.gkey as key, n.name, coalesce(ct.dispatched, 0)::int as dispatched, ${ratesOf('ct')}
    from keys k
    left join counted ct on ct.gkey = k.gkey
    left join ${g.names} on n.id = k.gkey
    order by k.gkey`;
  const rollupRange = days ? [days.firstDay, days.endDay] : ['1970-01-01', '1970-01-01'];
  const bindings = [...edges.bindings, ...caseScope.bindings, params.scope ?? '', params.groupBy, ...rollupRange, ...candidates.bindings];
  const { rows } = await db.raw<{ rows: ReportRow[] }>(sql, bindings);
  const total = rows.find((r) => r.key === TOTAL)!;
  return {
    period: { from: params.from.toISOString(), to: params.to.toISOString() },
    total: { ...toKpiRow(total), key: 'total', name: '合计' },
    groups: rows.filter((r) => r.key !== TOTAL).map(toKpiRow),
  };
}
