/**
 * CSV as Excel and every parser read it: UTF-8 with a byte-order mark (without it Excel guesses the ANSI code
 * page and garbles Chinese), RFC 4180 quoting, CRLF line ends. Twenty lines, so no library: the quoting rule
 * is the whole of the format, and a library would not decide the formula question for us anyway.
 */
import type { Writable } from 'node:stream';
import { beijingTimeText, drained, percentOf, type CellKind, type CellValue, type TableWriter } from './table';

/** A cell a spreadsheet would run as a formula (OWASP "CSV injection"): = + - @, or a tab or CR first. */
const formulaStart = /^[=+\-@\t\r]/;
/** A phone number, masked or not (`+86 138****5678`, `-`): no letters, so no function or link can hide in it. */
const numberLike = /^\+?[\d\s*-]+$/;

/**
 * Text a person typed (a title, an address) that a spreadsheet would evaluate gets a leading apostrophe, the
 * mark Excel and LibreOffice read as "this is text". Numbers we computed are never altered.
 */
export const neutralised = (text: string): string => (formulaStart.test(text) && !numberLike.test(text) ? `'${text}` : text);

const quoted = (text: string): string => (/[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text);

function field(kind: CellKind, value: CellValue): string {
  if (value === null) return '';
  if (kind === 'time') return beijingTimeText(String(value));
  if (kind === 'percent') return String(percentOf(Number(value)));
  if (kind === 'integer') return String(value);
  return quoted(neutralised(String(value)));
}

/** Rows are gathered into chunks of about this many characters: one write per row would flood the socket. */
const CHUNK = 16_384;

export function csvWriter(out: Writable, columns: readonly { header: string; kind: CellKind }[]): TableWriter {
  // The header line goes at once: the download starts while the rows are still being read.
  out.write(`\uFEFF${columns.map((c) => quoted(neutralised(c.header))).join(',')}\r\n`);
  let pending = '';
  const flush = async () => {
    if (pending === '') return;
    out.write(pending);
    pending = '';
    await drained(out);
  };
  return {
    async row(cells) {
      pending += `${cells.map((v, i) => field(columns[i]!.kind, v)).join(',')}\r\n`;
      if (pending.length >= CHUNK) await flush();
    },
    async end() {
      await flush();
      out.end();
    },
  };
}
