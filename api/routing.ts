import type { OpenAPIRegistry, RouteConfig } from '@asteasolutions/zod-to-openapi';
import type { Request, Router } from 'express';
import { z, type ZodType } from 'zod';
import type { AuthenticatedUser } from '../db/queries/users';
import { Permission, recordRoute, requirePermission } from './permissions';
import { ApiError, zodDetails } from './errors';
import { errorResponses, IdempotencyHeader } from './schemas/common';

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
  router[spec.method](spec.path, requirePermission(spec.permission), async (req, res) => {
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
    security: [{ bearerAuth: [] }],
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
      ...errorResponses(401, 403, 429, 503, ...spec.errors),
    },
  };
  registry.registerPath(config);
}
