import type { OpenAPIRegistry, RouteConfig } from '@asteasolutions/zod-to-openapi';
import type { Request, RequestHandler, Response, Router } from 'express';
import { z, type ZodType } from 'zod';
import type { AuthenticatedUser } from '../db/queries/users';
import { Permission, recordRoute, requirePermission } from './permissions';
import { ApiError, zodDetails } from './errors';
import { ErrorBody, errorResponses, IdempotencyHeader } from './schemas/common';

type Schema = ZodType;
type Parsed<S> = S extends Schema ? z.output<S> : undefined;

export interface RouteSpec<B, Q, P> {
  method: 'get' | 'post' | 'put' | 'delete';
  /** Express-style path under /api/v1, e.g. `/cases/:id/accept`. */
  path: string;
  summary: string;
  tag: string;
  permission: Permission;
  body?: B;
  query?: Q;
  params?: P;
  /** Status → response schema; error statuses are documented from `errors`. */
  responses: Record<number, { description: string; schema?: Schema }>;
  errors: number[];
  idempotent?: boolean;
  /**
   * Open to anyone, without a token (the public board): no permission check, and `user` is absent. Such a
   * route is mounted before authentication and names a permission held by every role, for the route table.
   */
  public?: boolean;
}

export interface RouteContext<B, Q, P> {
  req: Request;
  user: AuthenticatedUser;
  body: Parsed<B>;
  query: Parsed<Q>;
  params: Parsed<P>;
  idempotencyKey?: string;
}

export interface RouteResult {
  status: number;
  body: unknown;
}

/** A route that declares no query takes none: an unknown parameter is refused like an unknown body field. */
const NoQuery = z.strictObject({});

function parse<S>(schema: S | undefined, value: unknown, where: string): Parsed<S> {
  if (!schema) return undefined as Parsed<S>;
  const result = (schema as unknown as Schema).safeParse(value ?? {});
  if (!result.success) {
    throw ApiError.validation(zodDetails(result.error).map((d) => ({ ...d, field: where ? `${where}.${d.field}` : d.field })));
  }
  return result.data as Parsed<S>;
}

const idempotencyKeyOf = (req: Request): string | undefined => {
  const key = req.header('idempotency-key');
  if (key === undefined) return undefined;
  if (key.length === 0 || key.length > 200) {
    throw ApiError.validation([{ field: 'header.Idempotency-Key', message: '长度应为 1 到 200 个字符' }]);
  }
  return key;
};

/**
 * Declares a route once: the zod schemas validate the request (keeping the parsed values) and the same
 * schemas document it in the OpenAPI registry, so the docs cannot drift from what is enforced.
 */
export function defineRoute<B extends Schema | undefined, Q extends Schema | undefined, P extends Schema | undefined>(
  router: Router,
  registry: OpenAPIRegistry,
  spec: RouteSpec<B, Q, P>,
  handler: (ctx: RouteContext<B, Q, P>) => Promise<RouteResult>,
): void {
  recordRoute({ method: spec.method, path: spec.path, permission: spec.permission });
  const documentedErrors = [...new Set([...alwaysDocumentedErrors, ...spec.errors])].sort((a, b) => a - b);
  const checks: RequestHandler[] = checkingResponses() ? [checkResponses(spec, documentedErrors)] : [];
  const permit: RequestHandler[] = spec.public ? [] : [requirePermission(spec.permission)];
  router[spec.method](spec.path, ...checks, ...permit, async (req, res) => {
    const ctx: RouteContext<B, Q, P> = {
      req,
      user: req.user!,
      params: parse(spec.params, req.params, 'path'),
      query: spec.query ? parse(spec.query, req.query, 'query') : (parse(NoQuery, req.query, 'query'), undefined as Parsed<Q>),
      body: parse(spec.body, req.body, ''),
      idempotencyKey: spec.idempotent ? idempotencyKeyOf(req) : undefined,
    };
    const result = await handler(ctx);
    res.status(result.status).json(result.body);
  });

  const config: RouteConfig = {
    method: spec.method,
    path: `/api/v1${spec.path.replace(/:(\w+)/g, '{$1}')}`,
    summary: spec.summary,
    tags: [spec.tag],
    security: spec.public ? [] : [{ bearerAuth: [] }],
    request: {
      ...(spec.params ? { params: spec.params as never } : {}),
      ...(spec.query ? { query: spec.query as never } : {}),
      ...(spec.body ? { body: { required: true, content: { 'application/json': { schema: spec.body as Schema } } } } : {}),
      ...(spec.idempotent
        ? { headers: IdempotencyHeader }
        : {}),
    },
    responses: {
      ...Object.fromEntries(
        Object.entries(spec.responses).map(([status, r]) => [
          status,
          { description: r.description, ...(r.schema ? { content: { 'application/json': { schema: r.schema } } } : {}) },
        ]),
      ),
      ...errorResponses(...documentedErrors),
    },
  };
  registry.registerPath(config);
}

/**
 * Every route can answer these: 400 because every route validates its query (a route that declares none refuses
 * any parameter), its path parameters and body; 401/403 from authentication and the permission table; 429 from
 * the rate limiter; 503 when PostgreSQL or Temporal is down.
 */
const alwaysDocumentedErrors = [400, 401, 403, 429, 503];

/**
 * Under test (NODE_ENV=test, which jest sets) or with JIESU_CHECK_RESPONSES=1, every response of a declared
 * route is checked against what the route documents, so that a test exercising the route catches drift
 * between the code and the OpenAPI document. Read when the route is declared.
 */
export const checkingResponses = (): boolean => process.env.NODE_ENV === 'test' || process.env.JIESU_CHECK_RESPONSES === '1';

export interface ResponseProblem {
  field: string;
  message: string;
}

/**
 * What is wrong with `body` sent with `status`, by the route's documentation; empty when nothing is.
 * Strict: a field the schema does not name is a problem too (a plain `z.object` would let it through).
 * 500 is never documented but always possible (an unexpected failure); it must still be in the error format.
 */
export function responseProblems(
  spec: Pick<RouteSpec<unknown, unknown, unknown>, 'responses'>,
  documentedErrors: number[],
  status: number,
  body: unknown,
): ResponseProblem[] {
  const declared = spec.responses[status];
  const isError = status >= 400;
  if (!declared && !(isError && (documentedErrors.includes(status) || status === 500))) {
    const documented = [...Object.keys(spec.responses), ...documentedErrors].join(', ');
    return [{ field: '(status)', message: `未声明的状态码 ${status}（已声明：${documented}）` }];
  }
  const schema = declared ? declared.schema : ErrorBody;
  // What the client receives: Dates become strings, undefined fields disappear.
  const sent: unknown = body === undefined ? undefined : JSON.parse(JSON.stringify(body));
  if (!schema) {
    return sent === undefined ? [] : [{ field: '(body)', message: `状态码 ${status} 声明为无响应体，实际返回了响应体` }];
  }
  const result = schema.safeParse(sent);
  if (!result.success) return zodDetails(result.error);
  return undeclaredFields(sent, result.data, []).map((path) => ({ field: path, message: '响应中有文档未声明的字段' }));
}

/**
 * Fields of `sent` that parsing dropped: a non-strict `z.object` strips the keys it does not name, so a key
 * present in what was sent but absent from what was parsed is one the schema does not document.
 */
function undeclaredFields(sent: unknown, parsed: unknown, path: (string | number)[]): string[] {
  if (Array.isArray(sent)) {
    if (!Array.isArray(parsed)) return [];
    return sent.flatMap((item, i) => undeclaredFields(item, parsed[i], [...path, i]));
  }
  if (sent === null || typeof sent !== 'object' || parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return [];
  return Object.entries(sent as Record<string, unknown>).flatMap(([key, value]) =>
    Object.prototype.hasOwnProperty.call(parsed, key)
      ? undeclaredFields(value, (parsed as Record<string, unknown>)[key], [...path, key])
      : [[...path, key].join('.')],
  );
}

/**
 * Wraps `res.json` for this route (the route's own answer and the error handler's alike): a response that
 * does not match its documentation becomes a 500 RESPONSE_SCHEMA_MISMATCH naming the route, status and fields.
 */
function checkResponses(spec: RouteSpec<unknown, unknown, unknown>, documentedErrors: number[]): RequestHandler {
  const route = `${spec.method.toUpperCase()} /api/v1${spec.path}`;
  return (req, res, next) => {
    const json = res.json.bind(res) as Response['json'];
    res.json = ((body: unknown) => {
      const status = res.statusCode;
      const problems = responseProblems(spec, documentedErrors, status, body);
      if (problems.length === 0) return json(body);
      const fields = problems.map((p) => `${p.field}：${p.message}`).join('；');
      const message = `响应与文档不符：${route} 返回 ${status}，${fields}`;
      const log = req.log;
      if (log && log.isLevelEnabled('error')) log.error({ route, status, problems, body }, 'response does not match its documented schema');
      else console.error(`[RESPONSE_SCHEMA_MISMATCH] ${message}`);
      res.status(500);
      return json({ error: { code: 'RESPONSE_SCHEMA_MISMATCH', message, details: problems } });
    }) as Response['json'];
    next();
  };
}
