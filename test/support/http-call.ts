/** How tests reach an API over HTTP, in process or in the topology: tokens issued in the database, then `call`. */
import type { Db } from '../../db/connection';
import { getUserByUsername, issueToken } from '../../db/queries/users';
import type { ApiResponse } from './stack';

export type CallOptions = { as?: string; token?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> };
export type Call = <T = any>(method: string, path: string, options?: CallOptions) => Promise<ApiResponse<T>>;

/** A fresh token per seeded (or test-created) user, issued once and remembered. */
export function tokenIssuer(db: Db): (username: string) => Promise<string> {
  const tokens = new Map<string, string>();
  return async (username) => {
    const cached = tokens.get(username);
    if (cached) return cached;
    const user = await getUserByUsername(db, username);
    if (!user) throw new Error(`no user ${username}`);
    const { token } = await issueToken(db, user.id, { label: 'test' });
    tokens.set(username, token);
    return token;
  };
}

/** The "act" client: every status is returned, never thrown. `baseUrl` is asked per request (replicas take turns). */
export function httpCaller(baseUrl: () => string, tokenFor: (username: string) => Promise<string>): Call {
  return async (method, path, opts = {}) => {
    const token = opts.token ?? (opts.as ? await tokenFor(opts.as) : undefined);
    const headers: Record<string, string> = { ...(opts.headers ?? {}) };
    if (token) headers.authorization = `Bearer ${token}`;
    let body: string | undefined = opts.rawBody;
    if (opts.body !== undefined) body = JSON.stringify(opts.body);
    if (body !== undefined) headers['content-type'] ??= 'application/json';
    const res = await fetch(`${baseUrl()}${path}`, { method, headers, body });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // not JSON (e.g. /docs); the raw text stays
    }
    return { status: res.status, body: parsed as any, headers: res.headers };
  };
}
