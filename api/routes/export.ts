import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router, type Request, type RequestHandler, type Response } from 'express';
import type { z, ZodType } from 'zod';
import type { Logger } from '../../config/logger';
import type { Db } from '../../db/connection';
import { decodeCursor } from '../../db/queries/case-lists';
import { exportColumns } from '../../workflows/domain';
import { auditWhenAnswered } from '../audit';
import { ApiError, zodDetails } from '../errors';
import { recordRoute, requirePermission, type Permission } from '../permissions';
import { caseColumns, caseRow, nameBook } from '../export/case-rows';
import { csvWriter } from '../export/csv';
import { kpiColumns, kpiRows } from '../export/kpi-rows';
import { beijingTimeText, cellsOf, ClientGone, contentDisposition, contentTypes, exportFileName, type Column, type Format, type TableWriter } from '../export/table';
import { xlsxWriter } from '../export/xlsx';
import { errorResponses } from '../schemas/common';
import { ExportCasesQuery, exportFileResponse, ExportKpisQuery } from '../schemas/export';
import { visibleCasesPage } from './cases';
import { visibleKpiReport } from './kpis';

/**
 * `pageSize`: rows per read of the list (its keyset cursor), so memory holds one page whatever the export's size.
 * `maxRows`: where an export stops. 100,000 rows is a city district's year of cases and about 60 MB of CSV; more
 * than that is a job for a database dump, not a spreadsheet, and it keeps one request from holding a connection
 * for minutes. An export that stops there ends with a line saying so, so the file never passes for complete.
 */
export interface ExportLimits {
  pageSize: number;
  maxRows: number;
}

export const defaultExportLimits: ExportLimits = { pageSize: 1_000, maxRows: 100_000 };

/** As `defineRoute` validates: each bad parameter is a 400 naming `query.<field>`, before any byte is written. */
function parseQuery<S extends ZodType>(schema: S, query: unknown): z.output<S> {
  const result = schema.safeParse(query ?? {});
  if (!result.success) throw ApiError.validation(zodDetails(result.error).map((d) => ({ ...d, field: `query.${d.field}` })));
  return result.data as z.output<S>;
}

function startFile(res: Response, format: Format, columns: readonly Pick<Column<never>, 'header' | 'kind' | 'width'>[], title: string, asciiName: string, fileName: string): TableWriter {
  res.status(200);
  res.setHeader('content-type', contentTypes[format]);
  res.setHeader('content-disposition', contentDisposition(fileName, asciiName));
  // A file of citizens' cases: never kept by a shared cache or the browser's.
  res.setHeader('cache-control', 'no-store');
  // Committed from here on: the download starts now, and any later failure can only cut it (failMidStream).
  res.flushHeaders();
  return format === 'csv' ? csvWriter(res, columns) : xlsxWriter(res, columns, title);
}

/**
 * Once the file has started, a status can no longer say that something failed: the response is destroyed, so
 * the client sees a transfer cut short (no final chunk) rather than a 200 whose file merely looks shorter.
 */
function failMidStream(req: Request, res: Response, err: unknown): void {
  if (err instanceof ClientGone) {
    req.log?.info({ export: req.path }, 'export: the client left before the end');
    return;
  }
  req.log?.error({ err, export: req.path }, 'export failed after its first byte; response destroyed');
  res.destroy();
}

/** Filters as a log may keep them: a search phrase or a phone number may be a citizen's name or number. */
const loggable = (filter: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(filter).map(([k, v]) => [k, k === 'q' || k === 'phone' ? '(redacted)' : v]));

export function exportRoutes(deps: { db: Db; log: Logger; limits?: Partial<ExportLimits> }, registry: OpenAPIRegistry): Router {
  const { db } = deps;
  const { pageSize, maxRows } = { ...defaultExportLimits, ...deps.limits };
  const router = Router();

  /** A served export is a read of many citizens' cases at once: recorded like a write (refusals already are). */
  const audited = (route: string, action: Permission): RequestHandler =>
    auditWhenAnswered(deps, ({ status }) => (status >= 400 && status < 500 ? null : { route: `/api/v1${route}`, caseId: null, action }));

  const route = (path: string, permission: Permission, handler: RequestHandler) => {
    recordRoute({ method: 'get', path, permission });
    router.get(path, requirePermission(permission), audited(path, permission), handler);
  };

  route('/cases/export', 'cases.read', async (req, res) => {
    const user = req.user!;
    const { format, sort, ...filter } = parseQuery(ExportCasesQuery, req.query);
    const page = (cursor: string | null) => visibleCasesPage(db, user, filter, { limit: pageSize, sort, cursor: cursor ? decodeCursor(cursor, sort) : null });
    // The first page and the names before the headers: a refusal or a database down is still a JSON 4xx/503.
    let current = await page(null);
    const names = await nameBook(db);
    const now = new Date();
    const title = exportColumns.title.cases;
    const writer = startFile(res, format, caseColumns, title, exportFileName('cases', now, format), exportFileName(title, now, format));
    let rows = 0;
    let truncated = false;
    try {
      for (;;) {
        await names.learnPlacesOf(current.items);
        for (const state of current.items) {
          if (rows === maxRows) {
            truncated = true;
            break;
          }
          await writer.row(cellsOf(caseColumns, caseRow(state, user, names)));
          rows++;
        }
        if (truncated || !current.nextCursor) break;
        current = await page(current.nextCursor);
      }
      if (truncated) await writer.row([exportColumns.truncated(maxRows), ...caseColumns.slice(1).map(() => null)]);
      await writer.end();
      req.log?.info({ export: 'cases', format, sort, filter: loggable(filter), rows, truncated }, 'cases exported');
    } catch (err) {
      failMidStream(req, res, err);
    }
  });

  route('/kpis/export', 'kpis.read', async (req, res) => {
    const { format, ...query } = parseQuery(ExportKpisQuery, req.query);
    const report = await visibleKpiReport(db, req.user!, query);
    const columns = kpiColumns(query.groupBy);
    // The Beijing days the period covers (`to` is exclusive): 20261101-20261130.
    const day = (iso: string) => beijingTimeText(iso).slice(0, 10).replace(/-/g, '');
    const period = `${day(query.from)}-${day(new Date(Date.parse(query.to) - 1).toISOString())}`;
    const title = exportColumns.title.kpis;
    const fileName = `${title}-${exportColumns.kpiGroup[query.groupBy]}-${period}.${format}`;
    const writer = startFile(res, format, columns, title, `kpis-${query.groupBy}-${period}.${format}`, fileName);
    try {
      const rows = kpiRows(report);
      for (const row of rows) await writer.row(cellsOf(columns, row));
      await writer.end();
      req.log?.info({ export: 'kpis', format, ...query, rows: rows.length }, 'KPIs exported');
    } catch (err) {
      failMidStream(req, res, err);
    }
  });

  const security = [{ bearerAuth: [] }];
  registry.registerPath({
    method: 'get',
    path: '/api/v1/cases/export',
    summary: `导出案件列表（.csv 或 .xlsx，中文表头，时间为北京时间，诉求人按列表的规则脱敏；筛选与排序同 GET /cases；流式输出，最多 ${maxRows} 行）`,
    tags: ['案件 Cases'],
    security,
    request: { query: ExportCasesQuery },
    responses: {
      200: exportFileResponse(`文件本身；超过 ${maxRows} 行时最后一行注明已达上限。传输中途出错时连接被中断（不会是看似完整的文件）`),
      ...errorResponses(400, 401, 403, 429, 503),
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/api/v1/kpis/export',
    summary: `导出考核指标（.csv 或 .xlsx）：与 GET /kpis 相同的行，合计在最后一行；比率为百分数（保留一位小数），无可统计对象时为空`,
    tags: ['督办 Supervision'],
    security,
    request: { query: ExportKpisQuery },
    responses: { 200: exportFileResponse('文件本身'), ...errorResponses(400, 401, 403, 429, 503) },
  });

  return router;
}
