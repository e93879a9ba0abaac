import { z } from 'zod';
import { defaultOfficeHoursText, parseOfficeHours } from '../workflows/domain/calendar/deadline-arithmetic';
import { parsePayloadKeys, type PayloadKeyRing } from './payload-codec';

/**
 * The one environment schema. Every variable has a default that works on a developer's machine,
 * so nothing must be set to run locally; a bad value stops start-up naming the variable.
 */
const port = z.coerce.number().int().min(1).max(65535);

export const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  /** API listen port. */
  PORT: port.default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Full connection string; when unset the launcher finds or starts a PostgreSQL and sets it. */
  DATABASE_URL: z.string().url().optional(),
  /** Database created on the local server when DATABASE_URL is unset (lets two stacks share one server). */
  PG_DATABASE: z.string().regex(/^[a-z_][a-z0-9_]*$/, 'lower-case letters, digits and _').default('jiesu'),
  /** Port for the embedded PostgreSQL started when no server answers on 127.0.0.1:5432. */
  EMBEDDED_PG_PORT: port.default(54329),
  /** host:port of a running Temporal frontend; when unset the launcher starts a dev server. */
  TEMPORAL_ADDRESS: z.string().regex(/^[^:\s]+:\d+$/, 'host:port').optional(),
  TEMPORAL_PORT: port.default(7233),
  TEMPORAL_UI_PORT: port.default(8233),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('jiesu-cases'),
  /** host:port where a worker serves Temporal's worker metrics for Prometheus (README "Operations"); off when unset. */
  WORKER_METRICS_ADDRESS: z.string().regex(/^[^:\s]+:\d+$/, 'host:port').optional(),
  /** Path to a `temporal` CLI binary; otherwise PATH, then the build cache. */
  TEMPORAL_CLI: z.string().min(1).optional(),
  /** Git-ignored folder for local state (Temporal SQLite file, embedded PostgreSQL). */
  DATA_DIR: z.string().min(1).default('.data'),
  /** Where a built `temporal` binary is cached between clones. */
  JIESU_CACHE_DIR: z.string().min(1).optional(),
  /** `npm run topology`: the Temporal server and its SQL schema tool (otherwise PATH, then the cache, then `go install`). */
  TEMPORAL_SERVER_BIN: z.string().min(1).optional(),
  TEMPORAL_SQL_TOOL: z.string().min(1).optional(),
  /** `npm run topology`: Temporal's own databases, on the same PostgreSQL server as the jiesu database. */
  TEMPORAL_DATABASE: z.string().regex(/^[a-z_][a-z0-9_]*$/, 'lower-case letters, digits and _').default('jiesu_temporal'),
  TEMPORAL_VISIBILITY_DATABASE: z.string().regex(/^[a-z_][a-z0-9_]*$/, 'lower-case letters, digits and _').default('jiesu_temporal_visibility'),
  /** 1 = `npm start` restarts a crashed worker or API with back-off instead of stopping the stack (topology always does). */
  JIESU_SUPERVISE: z
    .enum(['0', '1', 'false', 'true'])
    .default('0')
    .transform((v) => v === '1' || v === 'true'),
  /** 1 = skip the local server on 127.0.0.1:5432 and use the embedded PostgreSQL (tests that path, or avoids a shared server). */
  JIESU_EMBEDDED_PG: z
    .enum(['0', '1', 'false', 'true'])
    .default('0')
    .transform((v) => v === '1' || v === 'true'),
  /** How long an API call waits for the case workflow to answer before 503. */
  WORKFLOW_CALL_TIMEOUT_MS: z.coerce.number().int().min(100).default(15_000),
  /** Express `trust proxy` setting: false, true, a hop count or a list of addresses. */
  TRUST_PROXY: z.string().default('false'),
  /** Browser origins allowed to call the API, comma-separated (`https://a.example,https://b.example`); none by default. */
  CORS_ORIGINS: z.string().default(''),
  /** Requests per minute per API token (without a token: per client address); over it, 429. */
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(600),
  /** Validity of tokens issued by `POST /api/v1/users` and the CLI, in days. */
  TOKEN_TTL_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
  /**
   * Keys encrypting Temporal payloads: `keyId:base64-of-32-bytes`, comma-separated; the first encrypts, all
   * decrypt (rotation: put a new key first, keep the old ones while running cases still use them). Processes
   * that talk to Temporal refuse to start without it (`requirePayloadKeys`); `npm start` generates one.
   */
  PAYLOAD_KEYS: z
    .string()
    .optional()
    .superRefine((value, ctx) => {
      if (value === undefined) return;
      try {
        parsePayloadKeys(value);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message });
      }
    }),
  /** Browser origins of the Temporal Web UI allowed to call the codec endpoint (/codec/decode). */
  CODEC_CORS_ORIGINS: z.string().default('http://127.0.0.1:8233,http://localhost:8233'),
  /** Open311 GeoReport v2 `jurisdiction_id` (/open311/v2); unset: the city node's code. Any other value sent is a 404. */
  OPEN311_JURISDICTION_ID: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'letters, digits, . _ -').optional(),
  /** Which cases `GET /open311/v2/requests` lists: `open311` (those that came in through Open311) or `all` (every one but 举报 reports). */
  OPEN311_PUBLISH: z.enum(['open311', 'all']).default('open311'),
  /** Open311 POSTs per minute per api key; over it, 429. */
  OPEN311_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(60),
  /** Alert webhooks: how long one HTTP attempt may take before it counts as failed. */
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5_000),
  /** Attempts per delivery before it is marked failed; retries back off from the first interval, doubling up to the cap. */
  WEBHOOK_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(8),
  WEBHOOK_RETRY_INITIAL_MS: z.coerce.number().int().min(100).default(10_000),
  WEBHOOK_RETRY_MAX_MS: z.coerce.number().int().min(100).default(600_000),
  /** A subscription whose deliveries failed this many times in a row is disabled (0: never). */
  WEBHOOK_DISABLE_AFTER_FAILURES: z.coerce.number().int().min(0).default(20),
  /** 1 = targets on loopback and private networks are allowed (a local receiver in development and tests). */
  WEBHOOK_ALLOW_PRIVATE_TARGETS: z
    .enum(['0', '1', 'false', 'true'])
    .default('0')
    .transform((v) => v === '1' || v === 'true'),
  /**
   * Office hours for the working-time basis, Asia/Shanghai, e.g. `08:30-12:00,14:00-17:30` (the default).
   * Kept as text; `parseOfficeHours` turns it into periods. Validated here so a typo stops start-up.
   */
  OFFICE_HOURS: z
    .string()
    .default(defaultOfficeHoursText)
    .superRefine((value, ctx) => {
      try {
        parseOfficeHours(value);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message });
      }
    }),
});

export type Env = z.infer<typeof envSchema>;

export class EnvError extends Error {}

export function loadEnv(source: NodeJS.ProcessEnv = process.env): Env {
  // Empty strings mean "unset", as in most shells' `FOO= cmd`.
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== ''));
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new EnvError(`环境变量无效 (invalid environment):\n${lines.join('\n')}`);
  }
  return parsed.data;
}

/**
 * The key ring of a process that writes to or reads from Temporal. Required there in every mode: a worker or
 * API without it would put citizens' data into history in clear text. Processes that never touch Temporal
 * (migrations, seed, tokens) do not need the secret.
 */
export function requirePayloadKeys(env: Env, who: string): PayloadKeyRing {
  if (!env.PAYLOAD_KEYS) {
    throw new EnvError(
      `${who} 需要 PAYLOAD_KEYS（加密 Temporal 载荷的密钥；npm start 会自动生成，生产环境必须设置）` +
        `(${who} needs PAYLOAD_KEYS; npm start generates one, production must set it)`,
    );
  }
  return parsePayloadKeys(env.PAYLOAD_KEYS);
}
