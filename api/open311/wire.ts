/**
 * The GeoReport v2 wire (../shared/spec/OPEN311.md "Wire rules"): one canonical value per answer, written as
 * XML (the element names the spec fixes, no namespace, empty elements for absent values) or as JSON (the
 * Spark convention: bare arrays for lists, objects for a service definition and discovery, nulls for absent
 * values); instants as W3C-DTF with the +08:00 offset and no fractions.
 */
import type { Response } from 'express';
import { XMLBuilder } from 'fast-xml-parser';

export const formats = ['xml', 'json'] as const;
export type Format = (typeof formats)[number];

export const isFormat = (ext: string): ext is Format => (formats as readonly string[]).includes(ext);

/** What an answer is, for its XML root and the element name of each list item. */
export type Shape =
  | { kind: 'services' }
  | { kind: 'service_definition' }
  | { kind: 'service_requests' }
  | { kind: 'errors' }
  | { kind: 'discovery' };

type Scalar = string | number | boolean | null;
export type WireValue = Scalar | WireValue[] | { [key: string]: WireValue };

/** Element names of list items, by the name of the list (the spec's `services/service`, `attributes/attribute`, ...). */
const itemNames: Record<string, string> = {
  services: 'service',
  attributes: 'attribute',
  values: 'value',
  service_requests: 'request',
  errors: 'error',
  endpoints: 'endpoint',
  formats: 'format',
};

// XML 1.0 cannot carry these at all, not even escaped: a description pasted with control characters would
// otherwise make the whole document unreadable to the client.
// eslint-disable-next-line no-control-regex
const notXmlChars = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** The value as fast-xml-parser builds it: lists wrapped in their item element, scalars as text. */
function toXmlTree(value: WireValue, listName: string): unknown {
  if (value === null) return '';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return value.replace(notXmlChars, '');
  if (Array.isArray(value)) {
    const item = itemNames[listName] ?? listName.replace(/s$/, '');
    return value.length === 0 ? '' : { [item]: value.map((v) => toXmlTree(v, item)) };
  }
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toXmlTree(v, k)]));
}

const builder = new XMLBuilder({ format: true, indentBy: '  ', suppressEmptyNode: false, processEntities: true });

const roots: Record<Shape['kind'], string> = {
  services: 'services',
  service_definition: 'service_definition',
  service_requests: 'service_requests',
  errors: 'errors',
  discovery: 'discovery',
};

export function toXml(shape: Shape, value: WireValue): string {
  const root = roots[shape.kind];
  const tree = toXmlTree(value, root);
  return `<?xml version="1.0" encoding="utf-8"?>\n${builder.build({ [root]: tree }) as string}`;
}

export function send(res: Response, format: Format, status: number, shape: Shape, value: WireValue): void {
  res.status(status);
  if (format === 'json') {
    res.setHeader('content-type', 'application/json; charset=utf-8');
    res.send(JSON.stringify(value));
  } else {
    res.setHeader('content-type', 'text/xml; charset=utf-8');
    res.send(toXml(shape, value));
  }
}

/** An Open311 refusal: the status and a zh-CN description naming what was wrong. */
export class Open311Error extends Error {
  constructor(
    readonly status: number,
    readonly description: string,
  ) {
    super(description);
  }
}

export const errorBody = (status: number, description: string): WireValue => [{ code: status, description }];

// ---------------------------------------------------------------------------------------------------------
// Instants

const offsetMs = 8 * 3_600_000;

/** `2026-11-23T14:05:00+08:00`: Beijing time (no daylight saving), seconds, no fraction. */
export function w3cdtf(instant: string | Date | null | undefined): string | null {
  if (instant === null || instant === undefined) return null;
  const ms = new Date(instant).getTime();
  if (Number.isNaN(ms)) return null;
  return `${new Date(ms + offsetMs).toISOString().slice(0, 19)}+08:00`;
}

export interface ParsedInstant {
  /** The first instant the value names. */
  start: Date;
  /** The first instant after it (the value's precision: a day, a second, ...). */
  end: Date;
}

const dtf = /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?)?)?)?$/i;

/**
 * A W3C-DTF value between 1970 and 9998 (`YYYY`, `YYYY-MM`, `YYYY-MM-DD`, `YYYY-MM-DDThh:mm[:ss[.s]]TZD`), leniently: `Z`, `+08`,
 * `+0800`, a missing TZD (Beijing time), and a space where `+` was sent unencoded in a query string. A value
 * without time means the whole year, month or day in Beijing time. Null when it is not one.
 */
export function parseW3cdtf(text: string): ParsedInstant | null {
  const value = text.trim().replace(/(\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?) (\d{2}(?::?\d{2})?)$/, '$1+$2');
  const m = dtf.exec(value);
  if (!m) return null;
  const [, y, mo, d, h, mi, s, frac, tz] = m;
  const year = Number(y);
  const month = mo ? Number(mo) : 1;
  const day = d ? Number(d) : 1;
  const hour = h ? Number(h) : 0;
  const minute = mi ? Number(mi) : 0;
  const second = s ? Number(s) : 0;
  if (year < 1970 || year > 9998 || month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) return null;
  let offset = offsetMs;
  if (tz && tz.toUpperCase() !== 'Z') {
    const sign = tz.startsWith('-') ? -1 : 1;
    const digits = tz.slice(1).replace(':', '');
    const oh = Number(digits.slice(0, 2));
    const om = digits.length > 2 ? Number(digits.slice(2)) : 0;
    if (oh > 14 || om > 59) return null;
    offset = sign * (oh * 3_600_000 + om * 60_000);
  } else if (tz) offset = 0;
  const local = Date.UTC(year, month - 1, day, hour, minute, second, frac ? Math.floor(Number(`0.${frac}`) * 1000) : 0);
  // Day 31 of a 30-day month would roll over: refuse it rather than read another date.
  const check = new Date(local);
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) return null;
  const start = local - offset;
  let end: number;
  if (!mo) end = Date.UTC(year + 1, 0, 1) - offset;
  else if (!d) end = Date.UTC(year, month, 1) - offset;
  else if (!h) end = start + 86_400_000;
  else if (!s) end = start + 60_000;
  else end = start + 1000;
  return { start: new Date(start), end: new Date(end) };
}

/** `2026年11月30日 17:30` in Beijing time: a deadline in words. */
export function inWords(instant: string | null | undefined): string | null {
  const t = w3cdtf(instant);
  if (!t) return null;
  const [, y, mo, d, h, mi] = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(t)!;
  return `${y}年${Number(mo)}月${Number(d)}日 ${h}:${mi}`;
}
