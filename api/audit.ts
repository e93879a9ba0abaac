import type { RequestHandler } from 'express';
import type { Logger } from '../config/logger';
import type { Db } from '../db/connection';
import { appendAudit, type AuditEntry, type AuditOutcome } from '../db/queries/audit';
import { routeFor } from './permissions';

const writes = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** Refusals worth recording on reads too: someone tried what they may not, or sent what cannot be right. */
const refusedReads = new Set([400, 401, 403, 409]);

const outcomeOf = (status: number): AuditOutcome => (status < 400 ? 'ok' : status < 500 ? 'refused' : 'error');

/** What the answer to a request was, as the audit sees it once it is out. */
export interface Answered {
  /** The path relative to where the middleware is mounted, as it was when the request arrived. */
  path: string;
  method: string;
  status: number;
  /** The body sent, when it was JSON. */
  answer: unknown;
}

/** What a trail records of a request, given its answer; null records nothing. */
export type AuditDescription = Pick<AuditEntry, 'route' | 'caseId' | 'action'> | null;

/**
 * Writes one audit row per request once the answer is out, so auditing never delays or fails a request (a
 * failed write is logged): who (user, role, token id), from where (client address after `trust proxy`), how
 * it ended (status, error code), and what `describe` says it was. Rate-limited requests (429) are never
 * recorded: a flood would otherwise write the table it is being stopped from loading.
 */
export function auditWhenAnswered(deps: { db: Db; log: Logger }, describe: (answered: Answered) => AuditDescription): RequestHandler {
  return (req, res, next) => {
    // Express rewrites req.path further down the chain: keep it as it arrived.
    const path = req.path;
    const method = req.method;
    let answer: unknown;
    const json = res.json.bind(res);
    res.json = (body: unknown) => {
      answer = body;
      return json(body);
    };
    res.once('close', () => {
      const finished = res.writableFinished;
      const status = finished || res.headersSent ? res.statusCode : 499;
      if (status === 429) return;
      const what = describe({ path, method, status, answer });
      if (!what) return;
      const error = (answer as { error?: { code?: unknown } } | undefined)?.error;
      const user = req.user;
      appendAudit(deps.db, {
        userId: user?.id ?? null,
        username: user?.username ?? null,
        role: user?.role ?? null,
        tokenId: user?.tokenId ?? null,
        ip: req.ip ?? null,
        method,
        ...what,
        outcome: finished ? outcomeOf(status) : 'error',
        status,
        code: typeof error?.code === 'string' ? error.code : finished ? null : 'CLIENT_CLOSED',
      }).catch((err: unknown) => deps.log.warn({ err: (err as Error).message }, 'audit write failed'));
    });
    next();
  };
}

/**
 * Records every write and every refused request under /api/v1 in the append-only audit_log: the method, the
 * route pattern, the permission it stands for and the case, besides what every row has. Never the body, the
 * query string or the raw URL: they can carry a citizen's name and number.
 */
export function auditTrail(deps: { db: Db; log: Logger }): RequestHandler {
  return auditWhenAnswered(deps, ({ path, method, status, answer }) => {
    if (!writes.has(method) && !refusedReads.has(status)) return null;
    const route = routeFor(method, path);
    const created = answer as { id?: unknown; caseNo?: unknown } | undefined;
    const caseId =
      route?.path.startsWith('/cases/:id') === true
        ? decodeSegment(path.split('/')[2])
        : typeof created?.caseNo === 'string' && typeof created.id === 'string'
          ? created.id
          : null;
    return { route: route ? `/api/v1${route.path}` : '/api/v1/(unmatched)', caseId, action: route?.permission ?? 'unknown' };
  });
}

/** A case id as the route saw it; anything that is not a plausible id is not worth keeping. */
function decodeSegment(segment: string | undefined): string | null {
  if (!segment) return null;
  let value: string;
  try {
    value = decodeURIComponent(segment);
  } catch {
    return null;
  }
  return /^[0-9]{1,30}$/.test(value) ? value : null;
}
