import type { RequestHandler } from 'express';
import type { Logger } from '../config/logger';
import type { Db } from '../db/connection';
import { appendAudit, type AuditOutcome } from '../db/queries/audit';
import { routeFor } from './permissions';

const writes = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** Refusals worth recording on reads too: someone tried what they may not, or sent what cannot be right. */
const refusedReads = new Set([400, 401, 403, 409]);

const outcomeOf = (status: number): AuditOutcome => (status < 400 ? 'ok' : status < 500 ? 'refused' : 'error');

/**
 * Records every write and every refused request under /api/v1 in the append-only audit_log: who (user, role,
 * token id), what (method, route pattern, the permission it stands for, case), when, from where (client address
 * after `trust proxy`), and how it ended (status, error code). Never the body, the query string or the raw URL:
 * they can carry a citizen's name and number.
 *
 * Rate-limited requests (429) are not recorded: a flood would otherwise write the table it is being stopped
 * from loading. The row is written once the answer is out, so auditing never delays or fails a request;
 * a failed write is logged.
 */
export function auditTrail(deps: { db: Db; log: Logger }): RequestHandler {
  return (req, res, next) => {
    // Mounted at /api/v1: req.path is relative to it, and Express rewrites it further down the chain.
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
      if (!writes.has(method) && !refusedReads.has(status)) return;
      const route = routeFor(method, path);
      const error = (answer as { error?: { code?: unknown } } | undefined)?.error;
      const created = answer as { id?: unknown; caseNo?: unknown } | undefined;
      const caseId =
        route?.path.startsWith('/cases/:id') === true
          ? decodeSegment(path.split('/')[2])
          : typeof created?.caseNo === 'string' && typeof created.id === 'string'
            ? created.id
            : null;
      const user = req.user;
      appendAudit(deps.db, {
        userId: user?.id ?? null,
        username: user?.username ?? null,
        role: user?.role ?? null,
        tokenId: user?.tokenId ?? null,
        ip: req.ip ?? null,
        method,
        route: route ? `/api/v1${route.path}` : '/api/v1/(unmatched)',
        caseId,
        action: route?.permission ?? 'unknown',
        outcome: finished ? outcomeOf(status) : 'error',
        status,
        code: typeof error?.code === 'string' ? error.code : finished ? null : 'CLIENT_CLOSED',
      }).catch((err: unknown) => deps.log.warn({ err: (err as Error).message }, 'audit write failed'));
    });
    next();
  };
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
