/**
 * .xlsx through exceljs's streaming writer: each row is committed (serialised into the zip) as it comes, so a
 * large export never holds its sheet in memory. Text cells are inline strings, which a spreadsheet never runs
 * as formulas, so they are written exactly as typed (no apostrophe, unlike the CSV). Times are real date cells
 * holding Beijing wall-clock time, so they sort and filter as dates; rates are numbers (percent, one decimal).
 */
import type { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import { beijingWallClock, ClientGone, drained, percentOf, type CellKind, type CellValue, type TableWriter } from './table';

const numberFormats: Partial<Record<CellKind, string>> = { time: 'yyyy-mm-dd hh:mm:ss', percent: '0.0', integer: '0' };

function cellOf(kind: CellKind, value: CellValue): string | number | Date | null {
  if (value === null) return null;
  if (kind === 'time') return beijingWallClock(String(value));
  if (kind === 'percent') return percentOf(Number(value));
  return value;
}

/** exceljs commits rows into the zip without waiting for it: look at the zip and the response now and then. */
const ROWS_BETWEEN_DRAIN_CHECKS = 200;
/** What may wait in front of the zip before the next rows wait for it (uncompressed sheet XML). */
const ZIP_BACKLOG_BYTES = 1 << 20;

type Backlogged = NodeJS.EventEmitter & { _writableState?: { length: number } };

/**
 * exceljs 4.4 feeds each sheet through its own buffer into a PassThrough that the zip reads, and ignores that
 * stream's backpressure: a sheet written faster than it is deflated and sent piles up in memory (120 MB for
 * 100,000 rows, measured). The rows wait here until that input drains. Internal to exceljs (pinned exactly);
 * if the shape ever changes this finds nothing and only the response's own backpressure remains.
 */
function zipInputOf(sheet: ExcelJS.Worksheet): Backlogged | undefined {
  const input = (sheet as unknown as { stream?: { pipes?: unknown[] } }).stream?.pipes?.[0] as Backlogged | undefined;
  return typeof input?.once === 'function' && typeof input._writableState?.length === 'number' ? input : undefined;
}

function zipCaughtUp(sheet: ExcelJS.Worksheet, out: Writable): Promise<void> {
  const input = zipInputOf(sheet);
  if (!input || input._writableState!.length <= ZIP_BACKLOG_BYTES) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const settle = (gone: boolean) => () => {
      input.off('drain', onDrain);
      out.off('close', onClose);
      if (gone) reject(new ClientGone());
      else resolve();
    };
    const onDrain = settle(false);
    const onClose = settle(true);
    input.on('drain', onDrain);
    out.on('close', onClose);
  });
}

export function xlsxWriter(out: Writable, columns: readonly { header: string; kind: CellKind; width: number }[], sheetName: string): TableWriter {
  const book = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  const sheet = book.addWorksheet(sheetName, { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = columns.map((c, i) => ({
    header: c.header,
    key: String(i),
    width: c.width,
    ...(numberFormats[c.kind] ? { style: { numFmt: numberFormats[c.kind] } } : {}),
  }));
  sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: columns.length } };
  const header = sheet.getRow(1);
  header.font = { bold: true };
  header.commit();
  let written = 0;
  return {
    async row(cells) {
      sheet.addRow(cells.map((v, i) => cellOf(columns[i]!.kind, v))).commit();
      if (++written % ROWS_BETWEEN_DRAIN_CHECKS === 0) {
        await zipCaughtUp(sheet, out);
        await drained(out);
      }
    },
    async end() {
      sheet.commit();
      // The book's promise settles when the response finishes; a client that leaves first would leave it pending.
      await new Promise<void>((resolve, reject) => {
        const gone = () => reject(new ClientGone());
        out.once('close', gone);
        book.commit().then(
          () => {
            out.off('close', gone);
            resolve();
          },
          (err: unknown) => {
            out.off('close', gone);
            reject(err);
          },
        );
      });
    },
  };
}
