import { createHash } from 'node:crypto';
import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';
import cors from 'cors';
import type { RequestHandler } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import helmet from 'helmet';
import type { Logger } from '../config/logger';
import { ApiError } from './errors';

/**
 * Security headers. The API answers JSON only, so its pages may load nothing at all; the Swagger UI under
 * /docs needs its own scripts, inline styles and data: images, and must work over plain HTTP on an
 * intranet (no `upgrade-insecure-requests`, which would send its assets to an https port that is not there).
 */
export function securityHeaders(): RequestHandler {
  const common = helmet({ contentSecurityPolicy: false });
  const apiCsp = helmet.contentSecurityPolicy({
    useDefaults: false,
    directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"], baseUri: ["'none'"], formAction: ["'none'"] },
  });
  const docsCsp = helmet.contentSecurityPolicy({
    useDefaults: false,
    directives: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'", "'unsafe-inline'"],
      imgSrc: ["'self'", 'data:'],
      connectSrc: ["'self'"],
      fontSrc: ["'self'", 'data:'],
      objectSrc: ["'none'"],
      baseUri: ["'self'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
    },
  });
  return (req, res, next) => {
    common(req, res, (err?: unknown) => {
      if (err) return next(err);
      // Pages people open in a browser (API docs, the console, the public board) load their own scripts and styles.
      const page = ['/docs', '/console', '/public'].some((p) => req.path === p || req.path.startsWith(`${p}/`));
      const csp = page ? docsCsp : apiCsp;
      csp(req, res, next);
    });
  };
}

/** `CORS_ORIGINS` as a list; empty means no browser on another origin may call the API (the default). */
export const parseOrigins = (value: string | undefined): string[] =>
  (value ?? '')
    .split(',')
    .map((o) => o.trim().replace(/\/+$/, ''))
    .filter(Boolean);

/**
 * CORS closed by default: an origin not on the list gets no Access-Control-Allow-Origin, so the browser keeps
 * the answer from the page. Bearer tokens travel in a header, not cookies, so credentials are never allowed.
 */
export function corsPolicy(allowed: string[]): RequestHandler {
  const set = new Set(allowed);
  return cors({
    origin: (origin, callback) => callback(null, origin !== undefined && set.has(origin)),
    methods: ['GET', 'POST', 'PUT', 'DELETE'],
    allowedHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key', 'Last-Event-ID', 'X-Request-Id'],
    exposedHeaders: ['X-Request-Id', 'Retry-After', 'RateLimit', 'RateLimit-Policy'],
    maxAge: 600,
  });
}

const bearer = (header: string | undefined): string | null => /^Bearer\s+(\S+)$/i.exec(header ?? '')?.[1] ?? null;

/**
 * Requests per minute per token; without a token, per client address (after `trust proxy`). The key is a hash
 * of the token, so the limiter runs before authentication (a flood costs no database lookups) and the secret
 * is not kept in memory as such. 429 comes in the API's one error format.
 */
export function rateLimitPerToken(options: { perMinute: number; log: Logger; windowMs?: number }): RequestHandler {
  return rateLimit({
    windowMs: options.windowMs ?? 60_000,
    limit: options.perMinute,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    keyGenerator: (req) => {
      const token = bearer(req.headers.authorization);
      return token ? `t:${createHash('sha256').update(token).digest('base64url')}` : `ip:${ipKeyGenerator(req.ip ?? 'unknown')}`;
    },
    handler: (_req, _res, next) => next(new ApiError(429, 'RATE_LIMITED', '请求过于频繁，请稍后再试')),
    logger: {
      error: (err: unknown) => options.log.error({ err }, 'rate limiter'),
      warn: (err: unknown) => options.log.warn({ err }, 'rate limiter'),
    },
  });
}

/**
 * Requests too broken for Express to see (headers over Node's limit, bad HTTP framing) are answered by Node
 * itself with an empty 400/431. Answer them in the API's error format instead, and close the connection.
 */
export function answerClientErrors(server: Server): void {
  server.on('clientError', (err: NodeJS.ErrnoException & { rawPacket?: Buffer }, socket: Duplex) => {
    if (err.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const tooLarge = err.code === 'HPE_HEADER_OVERFLOW';
    const [status, reason, code, message] = tooLarge
      ? [431, 'Request Header Fields Too Large', 'HEADERS_TOO_LARGE', '请求头过大']
      : [400, 'Bad Request', 'MALFORMED_REQUEST', '请求格式有误'];
    const json = JSON.stringify({ error: { code, message, details: [] } });
    // An answer to HEAD has no body; a client would read one as garbage on its connection.
    const body = err.rawPacket?.subarray(0, 5).toString('latin1') === 'HEAD ' ? '' : json;
    socket.end(
      `HTTP/1.1 ${status} ${reason}\r\ncontent-type: application/json; charset=utf-8\r\n` +
        `content-length: ${Buffer.byteLength(json)}\r\nconnection: close\r\n\r\n${body}`,
    );
  });
}
