import { tokenStore } from './token-store';

export const apiBase = '/api/v1';

export interface FieldProblem {
  field: string;
  message: string;
}

/** A call that did not succeed: the HTTP status (0 when the server was not reached) and the API's error body. */
export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: FieldProblem[] = [],
  ) {
    super(message);
    this.name = 'ApiFailure';
  }
}

type Listener = () => void;
const unauthorizedListeners = new Set<Listener>();

/** Called when a logged-in call answers 401: the session is over (token expired or revoked). */
export function onUnauthorized(listener: Listener): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

export type Query = Record<string, string | number | boolean | null | undefined>;

export function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

export interface RequestOptions {
  query?: Query;
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** false for the public board: no Authorization header, and a 401 does not end a session. */
  auth?: boolean;
}

export async function readError(res: Response): Promise<ApiFailure> {
  let code = `HTTP_${res.status}`;
  let message = res.statusText || `HTTP ${res.status}`;
  let details: FieldProblem[] = [];
  try {
    const body = (await res.json()) as { error?: { code?: string; message?: string; details?: FieldProblem[] } };
    if (body.error) {
      code = body.error.code ?? code;
      message = body.error.message ?? message;
      details = Array.isArray(body.error.details) ? body.error.details : [];
    }
  } catch {
    // not JSON (a proxy's page): the status says enough
  }
  return new ApiFailure(res.status, code, message, details);
}

/** One call to the API: JSON in, JSON out, a thrown ApiFailure for anything but 2xx. */
export async function request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  const auth = options.auth ?? true;
  const headers: Record<string, string> = { accept: 'application/json', ...(options.headers ?? {}) };
  const token = auth ? tokenStore.get() : null;
  if (token) headers.authorization = `Bearer ${token}`;
  let body: string | undefined;
  if (options.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  let res: Response;
  try {
    res = await fetch(apiBase + withQuery(path, options.query), { method, headers, body, signal: options.signal });
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new ApiFailure(0, 'NETWORK', '无法连接服务器');
  }
  if (!res.ok) {
    const failure = await readError(res);
    if (res.status === 401 && auth) for (const listener of unauthorizedListeners) listener();
    throw failure;
  }
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

export const api = {
  get: <T>(path: string, query?: Query, signal?: AbortSignal) => request<T>('GET', path, { query, signal }),
  post: <T>(path: string, body: unknown, headers?: Record<string, string>) => request<T>('POST', path, { body, headers }),
  /** The public board: never sends the token. */
  publicGet: <T>(path: string, query?: Query, signal?: AbortSignal) => request<T>('GET', path, { query, signal, auth: false }),
};

export const isAbort = (err: unknown): boolean => (err as Error | null)?.name === 'AbortError';
