/**
 * The public board (晾晒): what anyone may see without logging in. Counts by area and category, each unit's
 * scorecard, and one case looked up by its number. Never a reporter, never free text unless the citizen
 * agreed (`disclosed`), never a note or a reason typed by staff.
 */
import type { Knex } from 'knex';
import { zh, type CaseState, type CaseStatus } from '../../workflows/domain';
import { kpiReport, type KpiRow } from './kpis';

/** A calendar month in Asia/Shanghai, as the half-open instants it covers. */
export function monthPeriod(month: string): { from: Date; to: Date } {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const from = new Date(Date.UTC(y, m - 1, 1) - 8 * 3_600_000);
  const to = new Date(Date.UTC(y, m, 1) - 8 * 3_600_000);
  return { from, to };
}

export interface AreaCount {
  id: string;
  name: string;
  received: number;
  resolved: number;
  closed: number;
  overdue: number;
}

/** Cases received in the month, by street and by category: how many, how many resolved, closed, overdue. */
export async function boardOverview(db: Knex, month: string): Promise<{ byStreet: AreaCount[]; byCategory: AreaCount[] }> {
  const { from, to } = monthPeriod(month);
  const counts = (groupColumn: string, nameTable: string) =>
    db('cases as c')
      .join(`${nameTable} as n`, 'n.id', `c.${groupColumn}`)
      .where('c.created_at', '>=', from)
      .andWhere('c.created_at', '<', to)
      .whereNot('c.status', 'merged')
      .groupBy('n.id', 'n.name')
      .orderBy([{ column: 'received', order: 'desc' }, { column: 'n.id' }])
      .select(
        'n.id',
        'n.name',
        db.raw('count(*)::int as received'),
        db.raw("count(*) filter (where c.resolved_at is not null or c.status = 'closed')::int as resolved"),
        db.raw("count(*) filter (where c.status = 'closed')::int as closed"),
        db.raw('count(*) filter (where c.overdue)::int as overdue'),
      );
  const [byStreet, byCategory] = await Promise.all([counts('street_id', 'jurisdictions'), counts('category_id', 'categories')]);
  return { byStreet, byCategory };
}

export type Scorecard = Omit<KpiRow, 'key'> & { unitId: string; name: string };

/** DOMAIN.md §6 per unit, for the cases first dispatched in the month: the same report supervisors read. */
export async function unitScorecards(db: Knex, month: string): Promise<Scorecard[]> {
  const { from, to } = monthPeriod(month);
  const report = await kpiReport(db, { from, to, groupBy: 'unit', scope: null });
  return report.groups.filter((g) => g.dispatched > 0 || g.responseRate !== null).map(({ key, name, ...rates }) => ({ unitId: key, name: name ?? key, ...rates }));
}

export interface PublicCaseRow {
  caseNo: string;
  status: CaseStatus;
  statusName: string;
  categoryName: string;
  streetName: string;
  createdAt: string;
  closedAt: string | null;
  title: string | null;
}

interface Cursor {
  createdAt: string;
  id: string;
}

const encode = (c: Cursor) => Buffer.from(JSON.stringify(c)).toString('base64url');
export function decodeBoardCursor(text: string): Cursor | null {
  try {
    const c = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as Cursor;
    return typeof c.createdAt === 'string' && typeof c.id === 'string' && !Number.isNaN(Date.parse(c.createdAt)) ? c : null;
  } catch {
    return null;
  }
}

/** Recent cases received in the month, newest first; the title only where the citizen agreed. */
export async function boardCases(db: Knex, month: string, page: { limit: number; cursor: Cursor | null }): Promise<{ items: PublicCaseRow[]; nextCursor: string | null }> {
  const { from, to } = monthPeriod(month);
  let query = db('cases as c')
    .join('categories as k', 'k.id', 'c.category_id')
    .join('jurisdictions as s', 's.id', 'c.street_id')
    .where('c.created_at', '>=', from)
    .andWhere('c.created_at', '<', to)
    .whereNot('c.status', 'merged')
    .select('c.id', 'c.case_no', 'c.status', 'c.created_at', 'c.closed_at', 'c.title', 'c.disclosed', 'k.name as category_name', 's.name as street_name');
  if (page.cursor) query = query.whereRaw('(c.created_at, c.id) < (?::timestamptz, ?)', [page.cursor.createdAt, page.cursor.id]);
  const rows = await query.orderBy([{ column: 'c.created_at', order: 'desc' }, { column: 'c.id', order: 'desc' }]).limit(page.limit + 1);
  const items = rows.slice(0, page.limit);
  const last = items.at(-1);
  return {
    items: items.map((r) => ({
      caseNo: r.case_no,
      status: r.status,
      statusName: zh.status[r.status as CaseStatus],
      categoryName: r.category_name,
      streetName: r.street_name,
      createdAt: new Date(r.created_at).toISOString(),
      closedAt: r.closed_at ? new Date(r.closed_at).toISOString() : null,
      title: r.disclosed ? r.title : null,
    })),
    nextCursor: rows.length > page.limit && last ? encode({ createdAt: new Date(last.created_at).toISOString(), id: last.id }) : null,
  };
}

export interface PublicCase {
  caseNo: string;
  status: CaseStatus;
  statusName: string;
  categoryName: string;
  streetName: string;
  communityName: string;
  createdAt: string;
  dispatchedAt: string | null;
  resolvedAt: string | null;
  closedAt: string | null;
  leadUnitName: string | null;
  title: string | null;
  description: string | null;
  steps: { at: string; label: string }[];
}

/** What the timeline says to the public: the step, the tier or unit where it matters, never who or why. */
function publicStep(type: string, data: Record<string, unknown>, names: Map<string, string>): string | null {
  const unit = (id: unknown) => names.get(String(id)) ?? String(id);
  switch (type) {
    case 'case_opened':
      return '已受理';
    case 'handled_directly':
      return '社区（村）直接办理';
    case 'dispatched':
      return `${data.designated ? '市级平台指定' : '派单至'}${unit(data.leadUnitId)}牵头办理`;
    case 'agreement_recorded':
      return `多方商定办理方案，由${unit(data.leadUnitId)}牵头`;
    case 'assignment_accepted':
      return `${unit(data.unitId)}已签收`;
    case 'escalated':
      return `升级至${zh.tier[data.to as keyof typeof zh.tier] ?? String(data.to)}督办`;
    case 'extension_decided':
      return data.approve ? '办理时限经批准延长' : null;
    case 'paused':
      return '等待诉求人补充材料';
    case 'resolved':
      return data.explainedUnresolved ? '已答复（因客观原因暂无法解决，已作说明）' : '已办结';
    case 'callback_recorded':
      return `回访评价：${zh.rating[data.rating as keyof typeof zh.rating] ?? ''}`;
    case 'callback_window_expired':
      return '回访期满未评价，已结案';
    case 'withdrawn':
      return '诉求人已撤回';
    case 'merged':
      return '与相同诉求合并办理';
    default:
      return null;
  }
}

export async function publicCase(db: Knex, caseNo: string): Promise<PublicCase | null> {
  const row = await db('cases').select('doc', 'disclosed').where({ case_no: caseNo }).first();
  if (!row) return null;
  const state = row.doc as CaseState;
  const [events, places, category, units] = await Promise.all([
    db('case_events').select('type', 'at', 'data').where({ case_id: state.id }).orderBy('seq'),
    db('jurisdictions').select('id', 'name').whereIn('id', [state.location.streetId, state.location.communityId]),
    db('categories').select('name').where({ id: state.category }).first(),
    db('units').select('id', 'name'),
  ]);
  const names = new Map<string, string>([...units, ...places].map((u: { id: string; name: string }) => [u.id, u.name]));
  const lead = state.assignments.find((a) => a.active && a.role === 'lead');
  return {
    caseNo: state.caseNo,
    status: state.status,
    statusName: zh.status[state.status],
    categoryName: category?.name ?? state.category,
    streetName: names.get(state.location.streetId) ?? state.location.streetId,
    communityName: names.get(state.location.communityId) ?? state.location.communityId,
    createdAt: state.createdAt,
    dispatchedAt: state.dispatchedAt,
    resolvedAt: state.resolvedAt,
    closedAt: state.closedAt,
    leadUnitName: lead ? (names.get(lead.unitId) ?? lead.unitId) : null,
    title: row.disclosed ? state.title : null,
    description: row.disclosed ? state.description : null,
    steps: events.flatMap((e: { type: string; at: Date; data: Record<string, unknown> }) => {
      const label = publicStep(e.type, e.data ?? {}, names);
      return label ? [{ at: new Date(e.at).toISOString(), label }] : [];
    }),
  };
}
