import { ListCasesQuery } from './cases';
import { KpiQuery } from './kpis';
import { z } from './zod';

export const exportFormats = ['csv', 'xlsx'] as const;

const format = z.enum(exportFormats).openapi({
  description: 'csv：UTF-8（带 BOM，Excel 可直接打开中文）、RFC 4180 引号规则，以 = + - @ 开头的文本前加单引号防公式注入；xlsx：Excel 工作簿，时间为日期单元格',
});

/** The list's own filters and sort (one schema, so the export cannot drift from the list); every row, so no page. */
export const ExportCasesQuery = ListCasesQuery.omit({ limit: true, cursor: true }).extend({ format }).openapi('ExportCasesQuery');

/** The KPI report's parameters, its period check included. */
export const ExportKpisQuery = KpiQuery.safeExtend({ format }).openapi('ExportKpisQuery');

/** The 200 of an export: the file itself, in the format asked for. */
export const exportFileResponse = (description: string) => ({
  description,
  headers: {
    'Content-Disposition': {
      description: '附件及文件名：filename 为 ASCII 备用名，filename* 为 RFC 5987 编码的中文文件名',
      schema: { type: 'string' as const, example: "attachment; filename=\"cases-20261123-1015.csv\"; filename*=UTF-8''%E6%A1%88%E4%BB%B6%E5%88%97%E8%A1%A8-20261123-1015.csv" },
    },
  },
  content: {
    'text/csv': { schema: { type: 'string' as const } },
    'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': { schema: { type: 'string' as const, format: 'binary' } },
  },
});
