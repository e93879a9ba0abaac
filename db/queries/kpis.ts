import type { Knex } from 'knex';
import { tiers, zh, type CaseKpiFacts } from '../../workflows/domain';

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

/** Replaces a case's assignment facts; call it only in the transaction that just wrote the case row. */
export async function saveAssignmentFacts(trx: Knex.Transaction, caseId: string, facts: CaseKpiFacts): Promise<void> {
  await trx('case_assignment_facts').where({ case_id: caseId }).delete();
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

/**
 * Every measure per group and for the caller's whole scope, over the cases first dispatched (or handled
 * directly) in `[from, to)`. `scope` is the jurisdiction path prefix of the caller's subtree, or null for all.
 */
export async function kpiReport(
  db: Knex,
  params: { from: Date; to: Date; groupBy: KpiGroupBy; scope: string | null },
): Promise<KpiReport> {
  const g = groupings[params.groupBy];
  const pattern = params.scope === null ? null : likePrefix(params.scope);
  const caseScope = inScope('c.jurisdiction_path', pattern);
  const candidates = g.candidates(pattern);
  // One pass per table: grouping sets give every group and, from the empty set, the total row together.
  const sql = `
    with scoped as (
      -- The filter and fact columns only: the case document is never read.
      select c.id, c.tier, c.street_id, c.community_id, c.category_id, c.lead_unit_id, c.dispatched_to_unit, c.feedback_on_time,
        c.completed_on_time, c.closed_case, c.first_time, c.resolved_case, c.ratings_total, c.ratings_satisfied, c.escalated
      from cases c
      where c.dispatched_at >= ?::timestamptz and c.dispatched_at < ?::timestamptz${caseScope.where}
    ),
    case_agg as (
      select case when grouping(${g.caseKey}) = 1 then '${TOTAL}' else ${g.caseKey} end as gkey,
        count(*)::int as dispatched,
        ${rate('count(*) filter (where c.feedback_on_time)', 'count(*) filter (where c.dispatched_to_unit)')} as on_time_feedback_rate,
        ${rate('count(*) filter (where c.completed_on_time)', 'count(*) filter (where c.dispatched_to_unit)')} as on_time_completion_rate,
        ${rate('count(*) filter (where c.first_time)', 'count(*) filter (where c.closed_case)')} as first_time_resolution_rate,
        ${rate('count(*) filter (where c.resolved_case)', 'count(*) filter (where c.closed_case)')} as resolution_rate,
        ${rate('coalesce(sum(c.ratings_satisfied), 0)', 'coalesce(sum(c.ratings_total), 0)')} as satisfaction_rate,
        ${rate('count(*) filter (where c.escalated)', 'count(*)')} as escalation_rate
      from scoped c
      group by grouping sets ((${g.caseKey}), ())
      having grouping(${g.caseKey}) = 1 or ${g.caseKey} is not null
    ),
    assignment_agg as (
      select case when grouping(${g.assignmentKey}) = 1 then '${TOTAL}' else ${g.assignmentKey} end as gkey,
        ${rate('count(*) filter (where f.responded_in_time)', 'count(*)')} as response_rate
      from case_assignment_facts f join scoped c on c.id = f.case_id
      group by grouping sets ((${g.assignmentKey}), ())
    ),
    keys as (
      select '${TOTAL}'::text as gkey
      union select gkey from case_agg
      union select gkey from assignment_agg
      union select id from (${candidates.sql}) candidate
    )
    select k.gkey as key, n.name, coalesce(ca.dispatched, 0) as dispatched, aa.response_rate,
      ca.on_time_feedback_rate, ca.on_time_completion_rate, ca.first_time_resolution_rate,
      ca.resolution_rate, ca.satisfaction_rate, ca.escalation_rate
    from keys k
    left join case_agg ca on ca.gkey = k.gkey
    left join assignment_agg aa on aa.gkey = k.gkey
    left join ${g.names} on n.id = k.gkey
    order by k.gkey`;
  const bindings = [params.from.toISOString(), params.to.toISOString(), ...caseScope.bindings, ...candidates.bindings];
  const { rows } = await db.raw<{ rows: ReportRow[] }>(sql, bindings);
  const total = rows.find((r) => r.key === TOTAL)!;
  return {
    period: { from: params.from.toISOString(), to: params.to.toISOString() },
    total: { ...toKpiRow(total), key: 'total', name: '合计' },
    groups: rows.filter((r) => r.key !== TOTAL).map(toKpiRow),
  };
}
