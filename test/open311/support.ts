/**
 * What the Open311 tests share: the GeoReport v2 JSON Schemas (test/fixtures/open311, written from the spec
 * in the shape open311/schema-validation publishes) with a small validator for the keywords they use, and a
 * client configured the way a real one is: a base URL, a jurisdiction id and an api key, nothing else.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { commands, type CliContext } from '../../scripts/cli';
import type { Db } from '../../db/connection';
import { loadEnv } from '../../config/env';

type Schema = Record<string, any>;

const fixtures = path.resolve(__dirname, '..', 'fixtures', 'open311');
const loaded = new Map<string, Schema>();
export const schema = (name: string): Schema => {
  if (!loaded.has(name)) loaded.set(name, JSON.parse(readFileSync(path.join(fixtures, name), 'utf8')));
  return loaded.get(name)!;
};

// RFC 3339 date-time (what JSON Schema's `date-time` means): the offset is required.
const dateTime = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;

const typeOf = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'array' : Number.isInteger(v) ? 'integer' : typeof v);
const isType = (v: unknown, t: string): boolean => typeOf(v) === t || (t === 'number' && typeof v === 'number');

/**
 * Problems of `value` against `s` (empty when valid): type, enum, required, properties, additionalProperties,
 * items, minItems, maxItems, maxLength, anyOf, format (date-time, uri) and `$ref` to a sibling file.
 */
export function validate(value: unknown, s: Schema, at = '$'): string[] {
  if (s.$ref) return validate(value, schema(s.$ref as string), at);
  if (s.anyOf) {
    const all = (s.anyOf as Schema[]).map((alt) => validate(value, alt, at));
    return all.some((p) => p.length === 0) ? [] : [`${at}: matches no alternative (${all.map((p) => p.join(', ')).join(' | ')})`];
  }
  const problems: string[] = [];
  if (s.type && !isType(value, s.type)) return [`${at}: expected ${s.type}, got ${typeOf(value)} ${JSON.stringify(value)}`];
  if (s.enum && !(s.enum as unknown[]).includes(value)) problems.push(`${at}: ${JSON.stringify(value)} not in ${JSON.stringify(s.enum)}`);
  if (typeof value === 'string') {
    if (s.maxLength !== undefined && [...value].length > s.maxLength) problems.push(`${at}: longer than ${s.maxLength}`);
    if (s.format === 'date-time' && !dateTime.test(value)) problems.push(`${at}: not a date-time: ${value}`);
    if (s.format === 'uri' && !URL.canParse(value)) problems.push(`${at}: not a uri: ${value}`);
  }
  if (Array.isArray(value)) {
    if (s.minItems !== undefined && value.length < s.minItems) problems.push(`${at}: fewer than ${s.minItems} items`);
    if (s.maxItems !== undefined && value.length > s.maxItems) problems.push(`${at}: more than ${s.maxItems} items`);
    if (s.items) value.forEach((item, i) => problems.push(...validate(item, s.items as Schema, `${at}[${i}]`)));
  }
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const obj = value as Record<string, unknown>;
    for (const key of (s.required as string[] | undefined) ?? []) if (!(key in obj)) problems.push(`${at}: missing ${key}`);
    const props = (s.properties ?? {}) as Record<string, Schema>;
    for (const [key, v] of Object.entries(obj)) {
      if (props[key]) problems.push(...validate(v, props[key]!, `${at}.${key}`));
      else if (s.additionalProperties === false) problems.push(`${at}: unexpected ${key}`);
    }
  }
  return problems;
}

/** W3C-DTF as jiesu writes it: Beijing time, seconds, no fraction. */
export const w3cdtfPattern = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$/;

/** The real XML parser, with the lists the spec defines always parsed as arrays (as XML::Simple's ForceArray). */
export const xmlParser = new XMLParser({
  parseTagValue: false,
  ignoreDeclaration: true,
  isArray: (name) => ['service', 'request', 'error', 'attribute', 'value', 'endpoint', 'format'].includes(name),
});

export interface Answer {
  status: number;
  type: string;
  text: string;
  json: any;
  xml: any;
  headers: Headers;
}

/** A GeoReport v2 client: base URL (ending in `/`, as FixMyStreet wants it), jurisdiction id, api key. */
export function open311Client(config: { endpoint: string; jurisdictionId?: string; apiKey?: string }) {
  const answer = async (res: Response): Promise<Answer> => {
    const text = await res.text();
    const type = res.headers.get('content-type') ?? '';
    let json: any;
    let xml: any;
    if (type.startsWith('application/json')) json = JSON.parse(text);
    if (type.startsWith('text/xml')) xml = xmlParser.parse(text);
    return { status: res.status, type, text, json, xml, headers: res.headers };
  };
  const withJurisdiction = (query: Record<string, string>) => ({ ...(config.jurisdictionId ? { jurisdiction_id: config.jurisdictionId } : {}), ...query });
  return {
    async get(resource: string, query: Record<string, string> = {}): Promise<Answer> {
      const qs = new URLSearchParams(withJurisdiction(query)).toString();
      return answer(await fetch(`${config.endpoint}${resource}${qs ? `?${qs}` : ''}`));
    },
    /** A form-encoded POST (repeated fields as [key, value] pairs), with jurisdiction_id and api_key like FixMyStreet's `_post`. */
    async post(resource: string, fields: [string, string][], options: { multipart?: boolean; withKey?: boolean } = {}): Promise<Answer> {
      const all: [string, string][] = [
        ...Object.entries(withJurisdiction({})),
        ...(config.apiKey && options.withKey !== false ? [['api_key', config.apiKey] as [string, string]] : []),
        ...fields,
      ];
      let body: URLSearchParams | FormData;
      if (options.multipart) {
        const form = new FormData();
        for (const [k, v] of all) form.append(k, v);
        body = form;
      } else body = new URLSearchParams(all);
      return answer(await fetch(`${config.endpoint}${resource}`, { method: 'POST', body }));
    },
  };
}

/** Runs a CLI command against this database; what it printed on stdout and stderr. */
export async function runCliCommand(db: Db, name: string, args: string[]): Promise<{ out: string[]; hints: string[] }> {
  const out: string[] = [];
  const hints: string[] = [];
  const ctx: CliContext = { env: loadEnv({}), db: async () => db, hint: (l) => hints.push(l), out: (l) => out.push(l) };
  await commands[name]!.run(args, ctx);
  return { out, hints };
}

/** `npm run cli -- open311-key <name>`: the key is the last word it printed. */
export async function issueOpen311Key(db: Db, name: string): Promise<string> {
  const { out } = await runCliCommand(db, 'open311-key', [name]);
  return out.join('\n').trim().split(/\s+/).at(-1)!;
}

/** A point inside the community's demo area (a box [south, west, north, east]). */
export const insideBox = (box: readonly [number, number, number, number]) => ({ lat: (box[0] + box[2]) / 2 + 0.001, lng: (box[1] + box[3]) / 2 - 0.002 });
