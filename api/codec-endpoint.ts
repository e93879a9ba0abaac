/**
 * Temporal's remote codec protocol (`POST <endpoint>/encode`, `POST <endpoint>/decode`, body and answer
 * `{payloads: [{metadata: {k: base64}, data: base64}]}`), so the Temporal Web UI or CLI can show the case data
 * that config/payload-codec.ts encrypts in history. Decoding hands out citizens' names and numbers unmasked: only an
 * admin token may, and every call is written to the audit log.
 *
 * Mounted outside /api/v1 (the protocol fixes the last path segment, and the UI calls it from its own origin
 * with its own CORS list), before the app's CORS policy and JSON parser.
 */
import cors from 'cors';
import express, { type RequestHandler, type Router } from 'express';
import { z } from 'zod';
import type { Payload, PayloadCodec } from '@temporalio/common';
import type { Logger } from '../config/logger';
import { PayloadDecryptionError } from '../config/payload-codec';
import type { Db } from '../db/connection';
import { auditWhenAnswered } from './audit';
import { authenticate } from './auth';
import { ApiError, zodDetails } from './errors';
import { requirePermission } from './permissions';
import { rateLimitPerToken } from './security';

export interface CodecEndpointDeps {
  db: Db;
  log: Logger;
  codec: PayloadCodec;
  /** The one namespace whose payloads this codec knows (X-Namespace, when not empty, must name it). */
  namespace: string;
  /** Origins of the Temporal Web UI (CODEC_CORS_ORIGINS). */
  corsOrigins: string[];
  rateLimitPerMinute: number;
}

const base64 = z.string().regex(/^[A-Za-z0-9+/_-]*={0,2}$/, '应为 base64 (must be base64)');
// Proto3 JSON of temporal.api.common.v1.Payloads: empty fields are left out (the CLI sends `{}` for none).
const PayloadJson = z.object({ metadata: z.record(z.string(), base64).optional(), data: base64.optional() });
const Body = z.object({ payloads: z.array(PayloadJson).max(1000).default([]) });

const fromJson = (p: z.infer<typeof PayloadJson>): Payload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, new Uint8Array(Buffer.from(v, 'base64'))])),
  data: new Uint8Array(Buffer.from(p.data ?? '', 'base64')),
});

const toJson = (p: Payload) => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v ?? new Uint8Array()).toString('base64')])),
  data: Buffer.from(p.data ?? new Uint8Array()).toString('base64'),
});

export function codecEndpoint(deps: CodecEndpointDeps): Router {
  const origins = new Set(deps.corsOrigins);
  const router = express.Router();
  router.use(
    cors({
      origin: (origin, callback) => callback(null, origin !== undefined && origins.has(origin)),
      methods: ['POST'],
      allowedHeaders: ['Authorization', 'Content-Type', 'X-Namespace'],
      maxAge: 600,
    }),
  );
  router.use(auditCodecUse(deps));
  router.use(rateLimitPerToken({ perMinute: deps.rateLimitPerMinute, log: deps.log }));
  // A history event can carry payloads up to Temporal's 2 MB blob limit, base64 makes them a third larger.
  router.use(express.json({ limit: '4mb' }));
  router.use(authenticate(deps.db));
  router.use(requirePermission('codec.use'));

  for (const direction of ['encode', 'decode'] as const) {
    router.post(`/${direction}`, async (req, res) => {
      // The `temporal` CLI sends an empty X-Namespace when none is given on its command line.
      const namespace = req.header('x-namespace');
      if (namespace && namespace !== deps.namespace) {
        throw ApiError.validation([{ field: 'header.X-Namespace', message: `只支持命名空间「${deps.namespace}」(only namespace ${deps.namespace})` }]);
      }
      const parsed = Body.safeParse(req.body ?? {});
      if (!parsed.success) throw ApiError.validation(zodDetails(parsed.error));
      const payloads = parsed.data.payloads.map(fromJson);
      // One at a time so that a payload that cannot be decrypted is named by its position.
      const out: Payload[] = [];
      for (const [i, payload] of payloads.entries()) {
        try {
          out.push(...(await deps.codec[direction]([payload])));
        } catch (err) {
          if (err instanceof PayloadDecryptionError) throw ApiError.validation([{ field: `payloads.${i}`, message: err.message }]);
          throw err;
        }
      }
      res.json({ payloads: out.map(toJson) });
    });
  }
  return router;
}

/** Who used the codec, when, from where, and how it ended (never the payloads); preflights are not recorded. */
const auditCodecUse = (deps: Pick<CodecEndpointDeps, 'db' | 'log'>): RequestHandler =>
  auditWhenAnswered(deps, ({ path, method }) =>
    method !== 'POST'
      ? null
      : { route: path === '/encode' || path === '/decode' ? `/codec${path}` : '/codec/(unmatched)', caseId: null, action: 'codec.use' },
  );
