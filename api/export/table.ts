import type { Writable } from 'node:stream';

/**
 * What an export is, apart from its file format: columns that turn a row into cells, and the rules for writing
 * times and rates that both formats follow, so a .csv and an .xlsx of the same rows say the same thing.
 */

/**
 * `time`: an ISO instant, written as Beijing wall-clock time; `percent`: a fraction in [0, 1], written as a
 * percentage with one decimal; `integer` and `text` as they are. null is an empty cell.
 */
export type CellKind = 'text' | 'time' | 'integer' | 'percent';
export type CellValue = string | number | null;

export interface Column<R> {
  header: string;
  kind: CellKind;
  /** Width in characters in the .xlsx (a CJK character counts two). */
  width: number;
  value: (row: R) => CellValue;
}

export type Format = 'csv' | 'xlsx';

/** Writes one table into a response; `row` resolves once the response can take more (backpressure). */
export interface TableWriter {
  row(cells: CellValue[]): Promise<void>;
  /** Finishes the file; the response is ended by it. */
  end(): Promise<void>;
}

const SHANGHAI_OFFSET_MS = 8 * 3600_000; // China has had no daylight saving time since 1991

/** The wall-clock time in Beijing of an instant, as a Date whose UTC fields read it (what a spreadsheet stores). */
export const beijingWallClock = (iso: string): Date => new Date(Date.parse(iso) + SHANGHAI_OFFSET_MS);

/** `2026-11-23T02:15:00Z` → `2026-11-23 10:15:00` (Beijing time). */
export const beijingTimeText = (iso: string): string => beijingWallClock(iso).toISOString().slice(0, 19).replace('T', ' ');

/** 0.8571… → 85.7: rounded once, here, so both formats carry the same number. */
export const percentOf = (fraction: number): number => Math.round(fraction * 1000) / 10;

/** The cells of one row, computed from the columns. */
export const cellsOf = <R>(columns: readonly Column<R>[], row: R): CellValue[] => columns.map((c) => c.value(row));

/** `案件列表-20261123-1015.csv`: what the download is saved as (Beijing time of the export). */
export function exportFileName(title: string, at: Date, format: Format): string {
  const stamp = beijingTimeText(at.toISOString()).replace(/[-:]/g, '').replace(' ', '-').slice(0, 13);
  return `${title}-${stamp}.${format}`;
}

/**
 * Content-Disposition with the Chinese name for every current browser (RFC 6266 / RFC 5987 `filename*`) and an
 * ASCII fallback for the rest, in which each non-ASCII character becomes `_`.
 */
export function contentDisposition(fileName: string, asciiFallback: string): string {
  const ascii = asciiFallback.replace(/[^\x20-\x7e]|["\\]/g, '_');
  const encoded = encodeURIComponent(fileName).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

export const contentTypes: Record<Format, string> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

/** The client went away mid-export: nothing more to write, and nothing went wrong on our side. */
export class ClientGone extends Error {
  constructor() {
    super('client closed the export before it ended');
  }
}

/** Resolves once `out` can take more; rejects with ClientGone when it closes first. */
export function drained(out: Writable): Promise<void> {
  if (out.destroyed) return Promise.reject(new ClientGone());
  if (!out.writableNeedDrain) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const settle = (gone: boolean) => () => {
      out.off('drain', onDrain);
      out.off('close', onClose);
      if (gone) reject(new ClientGone());
      else resolve();
    };
    const onDrain = settle(false);
    const onClose = settle(true);
    out.on('drain', onDrain);
    out.on('close', onClose);
  });
}
