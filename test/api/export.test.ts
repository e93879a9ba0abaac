/**
 * Exports of case lists and KPI tables (issue 12, item 6): .csv and .xlsx read back and compared with the JSON
 * the same caller gets for the same filters: Chinese headers, Beijing time, scope and masking as in the list,
 * formulas neutralised, pages streamed past the page size and the row cap, and a failure mid-file that cuts the
 * transfer instead of ending a file that looks complete.
 */
import type { AddressInfo } from 'node:net';
import ExcelJS from 'exceljs';
import { AlertFeed } from '../../api/alert-feed';
import { createApp } from '../../api/app';
import type { ExportLimits } from '../../api/routes/export';
import { createLogger } from '../../config/logger';
import { demo } from '../../db/seeds/demo-city';
import { exportColumns, zh } from '../../workflows/domain';
import { arrange } from '../support/arrange';
import { eventually } from '../support/eventually';
import { ownGateway, startTestStack, type TestStack } from '../support/stack';

const { users: u, units, communities } = demo;
let stack: TestStack;
const { open, act, withdrawAll } = arrange(() => stack);
const run = `导出${Date.now() % 1_000_000}`;
const closers: (() => Promise<void>)[] = [];

beforeAll(async () => {
  stack = await startTestStack({ ownDatabase: true });
});
afterAll(async () => {
  for (const close of closers) await close();
  await withdrawAll();
  await stack?.stop();
});

/** The real app once more, on the stack's database and Temporal, with small export limits. */
async function appWithLimits(limits: Partial<ExportLimits>): Promise<string> {
  const log = createLogger({ level: 'silent', name: 'export-test' });
  const alertFeed = new AlertFeed(stack.databaseUrl, log);
  const { gateway, close } = ownGateway(stack);
  const app = createApp({ db: stack.db, gateway, log, alertFeed, exportLimits: limits, rateLimitPerMinute: 1_000_000 });
  const server = await new Promise<import('node:http').Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  closers.push(async () => {
    alertFeed.close();
    close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const get = async (path: string, as: string, base = stack.baseUrl) =>
  fetch(`${base}${path}`, { headers: { authorization: `Bearer ${await stack.tokenFor(as)}` } });

async function download(path: string, as: string, base?: string): Promise<{ headers: Headers; bytes: Buffer }> {
  const res = await get(path, as, base);
  const bytes = Buffer.from(await res.arrayBuffer());
  if (res.status !== 200) throw new Error(`${path} as ${as}: ${res.status} ${bytes.toString()}`);
  return { headers: res.headers, bytes };
}

/** RFC 4180: quoted fields may hold commas, quotes (doubled) and line breaks; records end with CRLF. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let inQuotes = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (inQuotes && ch === '"' && text[i + 1] === '"') {
      field += '"';
      i++;
    } else if (ch === '"') inQuotes = !inQuotes;
    else if (!inQuotes && ch === ',') {
      row.push(field);
      field = '';
    } else if (!inQuotes && ch === '\r' && text[i + 1] === '\n') {
      rows.push([...row, field]);
      row = [];
      field = '';
      i++;
    } else field += ch;
  }
  return rows;
}

async function csvRows(path: string, as: string, base?: string): Promise<string[][]> {
  const { headers, bytes } = await download(`${path}&format=csv`, as, base);
  expect(headers.get('content-type')).toBe('text/csv; charset=utf-8');
  expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]); // the BOM Excel needs to read UTF-8
  const text = bytes.toString('utf8').slice(1);
  expect(text.endsWith('\r\n')).toBe(true);
  return parseCsv(text);
}

async function xlsxRows(path: string, as: string, base?: string): Promise<ExcelJS.CellValue[][]> {
  const { headers, bytes } = await download(`${path}&format=xlsx`, as, base);
  expect(headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(bytes as unknown as ArrayBuffer);
  const sheet = book.worksheets[0]!;
  const rows: ExcelJS.CellValue[][] = [];
  sheet.eachRow({ includeEmpty: true }, (r) => rows.push(Array.from({ length: sheet.columnCount }, (_, i) => r.getCell(i + 1).value ?? null)));
  return rows;
}

type Listed = { id: string; caseNo: string; status: keyof typeof zh.status; createdAt: string; reporter: { name: string | null; phone: string | null } };
const list = async (query: string, as: string): Promise<Listed[]> => {
  const res = await stack.call('GET', `/api/v1/cases?limit=200&${query}`, { as });
  if (res.status !== 200) throw new Error(`${res.status} ${JSON.stringify(res.body)}`);
  return res.body.items;
};

const header = Object.values(exportColumns.case);
const col = (name: keyof typeof exportColumns.case) => header.indexOf(exportColumns.case[name]);
const beijing = (iso: string) =>
  new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Shanghai', dateStyle: 'short', timeStyle: 'medium' }).format(new Date(iso));
const wallClock = (d: ExcelJS.CellValue) => (d as Date).toISOString().slice(0, 19).replace('T', ' ');

describe('case list export', () => {
  it('has Chinese headers, Beijing times and the rows of the JSON list, masked for whoever exports; audited', async () => {
    const q = `q=${encodeURIComponent(`${run}列表`)}`;
    const a = await open({ title: `${run}列表 一` });
    await act(a.id, 'dispatch', u.dispatcherCommunity, { leadUnitId: units.mobile, cooperatingUnitIds: [units.telecom] });
    await open({ title: `${run}列表 二`, urgency: 'urgent', channel: 'hotline' });
    for (const as of [u.dispatcherCommunity, u.clerk]) {
      const expected = await list(q, as);
      expect(expected).toHaveLength(2);
      const csv = await csvRows(`/api/v1/cases/export?${q}`, as);
      expect(csv[0]).toEqual(header);
      expect(csv.slice(1).map((r) => r[col('caseNo')])).toEqual(expected.map((c) => c.caseNo));
      expect(csv.slice(1).map((r) => [r[col('reporterName')], r[col('reporterPhone')]])).toEqual(expected.map((c) => [c.reporter.name, c.reporter.phone]));
      expect(csv.slice(1).map((r) => r[col('createdAt')])).toEqual(expected.map((c) => beijing(c.createdAt)));
      expect(csv.slice(1).map((r) => r[col('status')])).toEqual(expected.map((c) => zh.status[c.status]));
      const xlsx = await xlsxRows(`/api/v1/cases/export?${q}`, as);
      expect(xlsx[0]).toEqual(header);
      expect(xlsx.slice(1).map((r) => r[col('caseNo')])).toEqual(expected.map((c) => c.caseNo));
      expect(xlsx.slice(1).map((r) => wallClock(r[col('createdAt')]!))).toEqual(expected.map((c) => beijing(c.createdAt)));
      expect(xlsx.slice(1).map((r) => r.map((v) => (v instanceof Date ? wallClock(v) : v === null ? '' : String(v))))).toEqual(csv.slice(1));
    }
    const masked = await csvRows(`/api/v1/cases/export?${q}`, u.dispatcherCommunity);
    expect(masked[1]!.slice(col('reporterName'), col('reporterPhone') + 1)).toEqual(['郭*', '138****5678']);
    const dispatched = masked.find((r) => r[col('caseNo')] === a.caseNo)!;
    expect([dispatched[col('leadUnit')], dispatched[col('cooperatingUnits')], dispatched[col('category')]]).toEqual(['中国移动林州分公司', '中国电信林州分公司', '通信线缆下垂']);

    const { headers } = await download(`/api/v1/cases/export?${q}&format=xlsx`, u.clerk);
    const disposition = headers.get('content-disposition')!;
    expect(disposition).toMatch(/^attachment; filename="cases-\d{8}-\d{4}\.xlsx"; filename\*=UTF-8''/);
    expect(decodeURIComponent(disposition.split("UTF-8''")[1]!)).toMatch(/^案件列表-\d{8}-\d{4}\.xlsx$/);
    const audited = await eventually(async () => {
      const rows = await stack.db('audit_log').where({ route: '/api/v1/cases/export', username: u.clerk });
      if (rows.length < 2) throw new Error('not yet');
      return rows;
    });
    expect(audited.map((r) => [r.action, r.outcome, r.status])).toContainEqual(['cases.read', 'ok', 200]);
  });

  it('exports exactly what the list shows each caller: a liaison its unit, a street its subtree', async () => {
    const q = `q=${encodeURIComponent(`${run}范围`)}`;
    const here = await open({ title: `${run}范围 小池` });
    await act(here.id, 'dispatch', u.dispatcherCommunity, { leadUnitId: units.mobile, cooperatingUnitIds: [units.telecom] });
    await act(here.id, 'accept', u.liaisonMobile);
    const there = await open({ title: `${run}范围 岩峪`, location: { communityId: communities.yanyu, address: '东岗镇岩峪村东大线' } });
    const seen: Record<string, string[]> = {};
    for (const as of [u.supervisorStreet, u.supervisorCity, u.liaisonMobile, u.liaisonTelecom, u.liaisonUnicom]) {
      const expected = await list(q, as);
      const csv = (await csvRows(`/api/v1/cases/export?${q}`, as)).slice(1);
      expect({ as, rows: csv.map((r) => [r[col('caseNo')], r[col('reporterName')], r[col('reporterPhone')]]) }).toEqual({
        as,
        rows: expected.map((c) => [c.caseNo, c.reporter.name, c.reporter.phone]),
      });
      seen[as] = expected.map((c) => c.id);
    }
    expect(seen).toEqual({
      [u.supervisorStreet]: [here.id],
      [u.supervisorCity]: [there.id, here.id],
      [u.liaisonMobile]: [here.id],
      [u.liaisonTelecom]: [here.id],
      [u.liaisonUnicom]: [],
    });
    const lead = await csvRows(`/api/v1/cases/export?${q}`, u.liaisonMobile);
    expect(lead[1]![col('reporterPhone')]).toBe('13800005678'); // accepted lead unit: in full, as in the list
    const cooperating = await csvRows(`/api/v1/cases/export?${q}`, u.liaisonTelecom);
    expect(cooperating[1]![col('reporterPhone')]).toBe('138****5678');
  });

  it('neutralises formulas in the CSV, keeps them as plain text in the xlsx, and quotes per RFC 4180', async () => {
    const phone = '+8613912345678';
    const title = '=HYPERLINK("http://evil.example","点我")';
    const description = '第一行，含逗号,和"引号"\n第二行';
    await open({ title, description, location: { communityId: communities.xiaochi, address: '@SUM(1+1)' }, reporter: { name: '郭凤', phone } });
    const path = `/api/v1/cases/export?phone=${encodeURIComponent(phone)}`;
    const [, row] = await csvRows(path, u.clerk);
    expect([row![col('title')], row![col('description')], row![col('address')], row![col('reporterPhone')]]).toEqual([
      `'${title}`,
      description,
      "'@SUM(1+1)",
      phone, // a phone number cannot hold a formula: left as it is
    ]);
    const [, cells] = await xlsxRows(path, u.clerk);
    expect([cells![col('title')], cells![col('address')]]).toEqual([title, '@SUM(1+1)']); // strings, not { formula }
    expect((await get(`${path}&format=csv`, u.liaisonMobile)).status).toBe(403); // the phone filter: clerks and admins only
  });

  it('streams page after page (page size 2) in either sort, and marks an export stopped at its cap', async () => {
    const base = await appWithLimits({ pageSize: 2, maxRows: 5 });
    const q = `q=${encodeURIComponent(`${run}分页`)}`;
    for (let i = 1; i <= 6; i++) await open({ title: `${run}分页 ${i}`, urgency: i === 6 ? 'urgent' : 'normal' });
    for (const sort of ['newest', 'due']) {
      const expected = (await list(`${q}&sort=${sort}&urgency=normal`, u.supervisorCity)).map((c) => c.caseNo);
      expect(expected).toHaveLength(5); // exactly the cap: complete, no notice
      const csv = await csvRows(`/api/v1/cases/export?${q}&sort=${sort}&urgency=normal`, u.supervisorCity, base);
      expect(csv.slice(1).map((r) => r[col('caseNo')])).toEqual(expected);
    }
    const all = (await list(q, u.supervisorCity)).map((c) => c.caseNo);
    const capped = await csvRows(`/api/v1/cases/export?${q}`, u.supervisorCity, base);
    expect(capped.slice(1, 6).map((r) => r[col('caseNo')])).toEqual(all.slice(0, 5));
    expect(capped.slice(6)).toEqual([[exportColumns.truncated(5), ...header.slice(1).map(() => '')]]);
    const cappedXlsx = await xlsxRows(`/api/v1/cases/export?${q}`, u.supervisorCity, base);
    expect(cappedXlsx.map((r) => r[0])).toEqual([header[0], ...all.slice(0, 5), exportColumns.truncated(5)]);
  });

  it('cuts the transfer when a page fails after the file has started; never a complete-looking 200', async () => {
    const base = await appWithLimits({ pageSize: 2 });
    const started = new Date();
    const ids: string[] = [];
    for (let i = 1; i <= 3; i++) ids.push((await open({ title: `${run}中断 ${i}` })).id);
    // The oldest case, on the second page, is unreadable: its document lost the reporter.
    await stack.db('cases').where({ id: ids[0] }).update({ doc: stack.db.raw(`doc - 'reporter'`) });
    try {
      for (const format of ['csv', 'xlsx']) {
        const res = await get(`/api/v1/cases/export?q=${encodeURIComponent(`${run}中断`)}&format=${format}`, u.admin, base);
        expect(res.status).toBe(200); // committed with the first page
        await expect(res.arrayBuffer()).rejects.toThrow();
      }
      const outcomes = await eventually(async () => {
        const rows = await stack.db('audit_log').where({ route: '/api/v1/cases/export', username: u.admin }).andWhere('at', '>=', started);
        if (rows.length < 2) throw new Error('not yet');
        return rows.map((r) => r.outcome);
      });
      expect(outcomes).toEqual(['error', 'error']);
    } finally {
      await stack.db('cases').where({ id: ids[0] }).update({ doc: stack.db.raw(`jsonb_set(doc, '{reporter}', ?::jsonb)`, [JSON.stringify({ name: '郭凤', phone: '13800005678' })]) });
    }
  });

  it('refuses bad parameters with a 400 naming the field, before any byte of a file', async () => {
    const cases: [string, string][] = [
      ['/api/v1/cases/export', 'query.format'],
      ['/api/v1/cases/export?format=pdf', 'query.format'],
      ['/api/v1/cases/export?format=csv&status=lost', 'query.status'],
      ['/api/v1/cases/export?format=csv&limit=10', 'query.limit'],
      ['/api/v1/cases/export?format=xlsx&createdFrom=yesterday', 'query.createdFrom'],
      ['/api/v1/kpis/export?format=csv&from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z&groupBy=unit', 'query.to'],
      ['/api/v1/kpis/export?format=csv&from=2026-01-01T00:00:00Z&to=2026-02-01T00:00:00Z&groupBy=mayor', 'query.groupBy'],
    ];
    for (const [path, field] of cases) {
      const res = await get(path, u.admin);
      expect({ path, status: res.status, type: res.headers.get('content-type'), disposition: res.headers.get('content-disposition') }).toEqual({
        path,
        status: 400,
        type: 'application/json; charset=utf-8',
        disposition: null,
      });
      expect(((await res.json()) as { error: { details: { field: string }[] } }).error.details.map((d: { field: string }) => d.field)).toContain(field);
    }
    expect((await get('/api/v1/kpis/export?format=csv&from=2026-01-01T00:00:00Z&to=2026-02-01T00:00:00Z&groupBy=unit', u.clerk)).status).toBe(403);
  });
});

describe('KPI export', () => {
  it('has the rows of GET /kpis for the same caller and parameters, the total last, rates in percent', async () => {
    const a = await open({ title: `${run}指标` });
    await act(a.id, 'dispatch', u.dispatcherCommunity, { leadUnitId: units.mobile });
    await act(a.id, 'accept', u.liaisonMobile);
    const period = 'from=2000-01-01T00:00:00Z&to=2100-01-01T00:00:00Z';
    const rates = ['responseRate', 'onTimeFeedbackRate', 'onTimeCompletionRate', 'firstTimeResolutionRate', 'resolutionRate', 'satisfactionRate', 'escalationRate'] as const;
    for (const [groupBy, as] of [['community', u.supervisorStreet], ['tier', u.supervisorCity]] as const) {
      const json = (await stack.call('GET', `/api/v1/kpis?${period}&groupBy=${groupBy}`, { as })).body;
      const expected = [...json.groups, { ...json.total, name: '合计' }].map((r: Record<string, any>) => [
        r.key,
        r.name ?? '',
        String(r.dispatched),
        ...rates.map((m) => (r[m] === null ? '' : String(Math.round(r[m] * 1000) / 10))),
      ]);
      expect(expected.some((r) => r[2] !== '0')).toBe(true);
      const csv = await csvRows(`/api/v1/kpis/export?${period}&groupBy=${groupBy}`, as);
      expect(csv[0]).toEqual(['编号', exportColumns.kpiGroup[groupBy], '统计案件数', ...rates.map((m) => `${zh.measure[m]}（%）`)]);
      expect(csv.slice(1)).toEqual(expected);
      const xlsx = await xlsxRows(`/api/v1/kpis/export?${period}&groupBy=${groupBy}`, as);
      expect(xlsx.slice(1).map((r) => r.map((v) => (v === null ? '' : String(v))))).toEqual(expected);
    }
    const { headers } = await download(`/api/v1/kpis/export?${period}&groupBy=unit&format=csv`, u.admin);
    expect(decodeURIComponent(headers.get('content-disposition')!.split("UTF-8''")[1]!)).toBe('考核指标-责任单位-20000101-21000101.csv');
  });
});
