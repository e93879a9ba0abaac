import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { existsSync } from 'node:fs';
import path from 'node:path';
import express, { Express } from 'express';
import { parse as parseLegacyUrl } from 'node:url';
import { pinoHttp } from 'pino-http';
import swaggerUi from 'swagger-ui-express';
import type { Db } from '../db/connection';
import type { Logger } from '../config/logger';
import { authenticate } from './auth';
import { auditTrail } from './audit';
import { corsPolicy, rateLimitPerToken, securityHeaders } from './security';
import { auditRoutes } from './routes/audit';
import { tokenRoutes } from './routes/tokens';
import type { CaseGateway } from './case-gateway';
import { ApiError, errorHandler } from './errors';
import { createMetrics } from './metrics';
import { createRegistry, generateOpenApiDocument } from './openapi';
import { defaultOfficeHours, OfficeHours } from '../workflows/domain/calendar/deadline-arithmetic';
import { alertRoutes } from './routes/alerts';
import { kpiRoutes } from './routes/kpis';
import { caseRoutes } from './routes/cases';
import { exportRoutes, type ExportLimits } from './routes/export';
import type { AlertFeed } from './alert-feed';
import { referenceRoutes } from './routes/reference';
import { calendarRoutes } from './routes/calendar';
import { slaPolicyRoutes } from './routes/sla-policies';
import { publicBoardRoutes } from './routes/public-board';
import type { PayloadCodec } from '@temporalio/common';
import { codecEndpoint } from './codec-endpoint';
import { triageRoutes } from './routes/triage';
import { TriageModels } from '../triage/models';
import { open311Router, type Open311Settings } from './open311/router';
import { open311AdminRoutes } from './open311/admin-routes';
import { webhookRoutes } from './routes/webhooks';
import { webhookSettings, type WebhookSettings } from '../activities/webhook-http';
import { open311Settings } from './open311/settings';

export interface AppDeps {
  db: Db;
  gateway: CaseGateway;
  log: Logger;
  /** Office hours for working-time deadlines (OFFICE_HOURS); the default when absent. */
  officeHours?: OfficeHours;
  /** Wakes alert streams (LISTEN/NOTIFY); one per process. */
  alertFeed: AlertFeed;
  trustProxy?: string;
  /** Browser origins allowed by CORS (CORS_ORIGINS); none when absent. */
  corsOrigins?: string[];
  /** Requests per minute per token, or per address without one (RATE_LIMIT_PER_MINUTE); 600 when absent. */
  rateLimitPerMinute?: number;
  /** Validity of tokens issued by POST /users (TOKEN_TTL_DAYS); 90 when absent. */
  tokenTtlDays?: number;
  /** Where the built console lives (console/dist by default). */
  consoleDir?: string;
  /** The payload codec served to the Temporal Web UI at /codec (CODEC_CORS_ORIGINS); no /codec when absent. */
  codec?: { codec: PayloadCodec; namespace: string; corsOrigins: string[] };
  /** The smart-dispatch model this process serves (reloaded when a newer one is trained); one per app when absent. */
  triageModels?: TriageModels;
  /** Open311 GeoReport v2 at /open311/v2; what is not given comes from OPEN311_* in the environment. */
  open311?: Partial<Open311Settings>;
  /** Alert webhooks' test ping and target rules; what is not given comes from WEBHOOK_* in the environment. */
  webhooks?: Partial<WebhookSettings>;
  /** Rows per page read and the row cap of case exports; defaults in routes/export.ts. */
  exportLimits?: Partial<ExportLimits>;
}

const trustProxySetting = (value: string | undefined): boolean | number | string => {
  if (value === undefined || value === 'false') return false;
  if (value === 'true') return true;
  return /^\d+$/.test(value) ? Number(value) : value;
};

/** The HTTP app, apart from `listen`, so tests start it on an ephemeral port. */
export function createApp(deps: AppDeps): Express {
  const { db, gateway, log } = deps;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', trustProxySetting(deps.trustProxy));

  app.use(
    pinoHttp({
      logger: log,
      genReqId: (req, res) => {
        const given = req.headers['x-request-id'];
        const id = typeof given === 'string' && /^[\w-]{1,100}$/.test(given) ? given : randomUUID();
        res.setHeader('x-request-id', id);
        return id;
      },
      customProps: (req) => (req.url?.match(/\/cases\/(\d+)/) ? { caseId: req.url.match(/\/cases\/(\d+)/)![1] } : {}),
      // The path only: a query string (a search term, say) may hold a citizen's name or number.
      serializers: { req: (req) => ({ id: req.id, method: req.method, url: String(req.url ?? '').split('?')[0] }) },
    }),
  );
  app.use(securityHeaders());
  // Before the API's CORS policy and body limit: the codec answers the Temporal UI's origin and larger bodies.
  if (deps.codec) app.use('/codec', codecEndpoint({ ...deps.codec, db, log, rateLimitPerMinute: deps.rateLimitPerMinute ?? 600 }));
  // Open311 too: public reads from any origin, form bodies it reads itself, its own error format and limits.
  app.use('/open311/v2', open311Router({ db, gateway, log, settings: open311Settings(deps.open311, deps.rateLimitPerMinute ?? 600) }));
  app.use(corsPolicy(deps.corsOrigins ?? []));
  const metrics = createMetrics(db);
  app.use(metrics.recordRequests);
  // Before the limiter so that refusals are recorded; it skips 429s itself.
  app.use('/api/v1', auditTrail({ db, log }));
  app.use('/api/v1', rateLimitPerToken({ perMinute: deps.rateLimitPerMinute ?? 600, log }));
  app.use(express.json({ limit: '256kb' }));

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    const check = async (fn: () => Promise<unknown>) => fn().then(() => 'ok' as const, () => 'down' as const);
    const [postgres, temporal] = await Promise.all([check(() => db.raw('select 1')), check(() => gateway.ping())]);
    const ready = postgres === 'ok' && temporal === 'ok';
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'unavailable', postgres, temporal });
  });
  app.get('/metrics', metrics.expose);

  const registry = createRegistry();
  const officeHours = deps.officeHours ?? defaultOfficeHours;
  const api = express.Router();
  api.use(publicBoardRoutes({ db }, registry));
  api.use(authenticate(db));
  api.use(referenceRoutes({ db, tokenTtlDays: deps.tokenTtlDays }, registry));
  api.use(tokenRoutes({ db }, registry));
  api.use(auditRoutes({ db }, registry));
  api.use(calendarRoutes({ db, officeHours }, registry));
  api.use(slaPolicyRoutes({ db }, registry));
  // Before the case routes: `/cases/export` is not the case with id `export`.
  api.use(exportRoutes({ db, log, limits: deps.exportLimits }, registry));
  api.use(caseRoutes({ db, gateway, officeHours }, registry));
  api.use(alertRoutes({ db, feed: deps.alertFeed }, registry));
  api.use(kpiRoutes({ db }, registry));
  api.use(triageRoutes({ db, models: deps.triageModels ?? new TriageModels(db, log) }, registry));
  api.use(open311AdminRoutes({ db }, registry));
  api.use(webhookRoutes({ db, settings: webhookSettings(deps.webhooks) }, registry));
  app.use('/api/v1', api);

  serveConsole(app, deps.consoleDir ?? findConsoleBuild());

  const document = generateOpenApiDocument(registry);
  app.get('/openapi.json', (_req, res) => {
    res.json(document);
  });
  app.use('/docs', swaggerUi.serve, swaggerUi.setup(document, { customSiteTitle: 'jiesu 接诉即办 API' }));

  app.use((_req, _res, next) => next(new ApiError(404, 'NOT_FOUND', '未找到该接口')));
  app.use(errorHandler(log));
  refuseUnparsableUrls(app);
  return app;
}

/** The console's build: beside the sources (`npm start`, tests), or one level up from the compiled dist/api. */
function findConsoleBuild(): string {
  const candidates = [path.resolve(__dirname, '..', 'console', 'dist'), path.resolve(__dirname, '..', '..', 'console', 'dist')];
  return candidates.find((dir) => existsSync(path.join(dir, 'index.html'))) ?? candidates[0]!;
}

/**
 * The web console at /console and the public board at /public: one single-page app. Its files are served
 * as they are; every other page under those paths is the app's index.html, whose router picks the page.
 */
function serveConsole(app: Express, dir: string): void {
  const index = path.join(dir, 'index.html');
  app.use('/console', express.static(dir, { index: false, fallthrough: true, maxAge: '1h' }));
  app.get(['/console', '/console/{*page}', '/public', '/public/{*page}'], (_req, res, next) => {
    if (!existsSync(index)) {
      return next(new ApiError(503, 'UNAVAILABLE', '控制台尚未构建：请运行 npm start 或 npm test（会自动构建），或 npm run build:console'));
    }
    res.setHeader('cache-control', 'no-cache');
    res.sendFile(index);
  });
}

/**
 * A URL the router cannot parse (e.g. `/\\*|@#?%E0%A4%A`) never reaches any middleware: Express would answer
 * with its own HTML 404. Answer it here, in the error format, before routing starts.
 */
function refuseUnparsableUrls(app: Express): void {
  type Handle = (req: IncomingMessage, res: ServerResponse, next?: () => void) => void;
  const routed = app as unknown as { handle: Handle };
  const handle = routed.handle.bind(app);
  Object.assign(routed, {
    handle: (req: IncomingMessage, res: ServerResponse, next?: () => void) => {
      // The same legacy parser the router relies on (through parseurl), so both agree on what is unparsable.
      if (parseLegacyUrl(req.url ?? '').pathname != null) return handle(req, res, next);
      const body = { error: { code: 'MALFORMED_REQUEST', message: '请求路径无法解析', details: [{ field: 'path', message: '请求路径无法解析' }] } };
      res.writeHead(400, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
    },
  });
}
