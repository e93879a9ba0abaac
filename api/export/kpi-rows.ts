/**
 * A KPI report (GET /kpis) as a table: one row per group, then the total (合计) last, as a printed report has
 * it. Rates are percentages with one decimal; an empty cell is a measure with nothing to count (null in JSON).
 */
import type { KpiGroupBy, KpiReport, KpiRow } from '../../db/queries/kpis';
import { exportColumns, kpiMeasures } from '../../workflows/domain';
import type { Column } from './table';

const measures = kpiMeasures satisfies readonly (keyof KpiRow & keyof typeof exportColumns.kpi)[];

export function kpiColumns(groupBy: KpiGroupBy): Column<KpiRow>[] {
  return [
    { header: exportColumns.kpiKey, kind: 'text', width: 16, value: (r) => r.key },
    { header: exportColumns.kpiGroup[groupBy], kind: 'text', width: 24, value: (r) => r.name },
    { header: exportColumns.kpi.dispatched, kind: 'integer', width: 12, value: (r) => r.dispatched },
    ...measures.map((m): Column<KpiRow> => ({ header: exportColumns.kpi[m], kind: 'percent', width: 14, value: (r) => r[m] })),
  ];
}

/** The rows in the order they are written: the groups as the report orders them, then the total. */
export const kpiRows = (report: KpiReport): KpiRow[] => [...report.groups, { ...report.total, name: exportColumns.total }];
