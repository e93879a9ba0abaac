/**
 * Arguments of an Open311 call: the query string, and for a POST the form body, either
 * `application/x-www-form-urlencoded` or `multipart/form-data` (parsed by the platform's own Fetch
 * implementation, so no extra dependency). File parts are ignored: GeoReport v2 takes media as `media_url`.
 */
import type { Request } from 'express';
import { Open311Error } from './wire';

/** Every argument with all its values, in the order sent; the body's after the query's. */
export type Params = Map<string, string[]>;

export const maxBodyBytes = 1024 * 1024;

function add(params: Params, key: string, value: string): void {
  const list = params.get(key);
  if (list) list.push(value);
  else params.set(key, [value]);
}

/** The query string as sent (Express's parser would turn `attribute[x]` into nested objects). */
export function queryParams(req: Request): Params {
  const params: Params = new Map();
  const at = req.originalUrl.indexOf('?');
  if (at < 0) return params;
  for (const [k, v] of new URLSearchParams(req.originalUrl.slice(at + 1))) add(params, k, v);
  return params;
}

/**
 * The raw body, up to `maxBodyBytes`. Past it the rest is read and dropped (never cutting the connection, so
 * the client gets the 413) while the answer goes out.
 */
function readBody(req: Request): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const tooLarge = () => new Open311Error(413, `请求体过大（上限 ${maxBodyBytes / 1024} KB）`);
    if (Number(req.headers['content-length'] ?? 0) > maxBodyBytes) {
      req.resume();
      return reject(tooLarge());
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let refused = false;
    const onData = (chunk: Buffer) => {
      if (refused) return;
      size += chunk.length;
      if (size > maxBodyBytes) {
        refused = true;
        chunks.length = 0;
        reject(tooLarge());
      } else chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => {
      if (!refused) resolve(Buffer.concat(chunks));
    });
    req.once('error', (err) => {
      if (!refused) reject(err);
    });
  });
}

/** The query string, then the body's fields (a form value wins over a query value where one is read). */
export async function formParams(req: Request): Promise<Params> {
  const params = queryParams(req);
  const type = (req.headers['content-type'] ?? '').toLowerCase();
  const body = await readBody(req);
  if (body.length === 0) return params;
  if (type.startsWith('application/x-www-form-urlencoded')) {
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(body);
    } catch {
      throw new Open311Error(400, '请求体不是合法的 UTF-8 文本');
    }
    for (const [k, v] of new URLSearchParams(text)) add(params, k, v);
    return params;
  }
  if (type.startsWith('multipart/form-data')) {
    let form: FormData;
    try {
      form = await new Response(body, { headers: { 'content-type': req.headers['content-type']! } }).formData();
    } catch {
      throw new Open311Error(400, 'multipart/form-data 请求体无法解析');
    }
    for (const [k, v] of form.entries()) if (typeof v === 'string') add(params, k, v);
    return params;
  }
  throw new Open311Error(400, '请求体应为 application/x-www-form-urlencoded 或 multipart/form-data');
}

/** The last value given for `key` (form over query), trimmed; undefined when absent or blank. */
export function one(params: Params, key: string): string | undefined {
  const values = params.get(key);
  const value = values?.[values.length - 1]?.trim();
  return value ? value : undefined;
}

/** Every non-blank value of `key` and of `key[]` (clients spell repeated fields both ways). */
export function many(params: Params, key: string): string[] {
  return [...(params.get(key) ?? []), ...(params.get(`${key}[]`) ?? [])].map((v) => v.trim()).filter(Boolean);
}

/** `attribute[code]` and `attribute[code][]` fields, by code. */
export function attributes(params: Params): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const [key, values] of params) {
    const m = /^attribute\[([^\]]*)\](\[\])?$/.exec(key);
    if (!m || !m[1]) continue;
    const list = found.get(m[1]) ?? [];
    list.push(...values.map((v) => v.trim()).filter(Boolean));
    found.set(m[1], list);
  }
  return found;
}
