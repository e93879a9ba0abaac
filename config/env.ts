import { z } from 'zod';

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
  /** Path to a `temporal` CLI binary; otherwise PATH, then the build cache. */
  TEMPORAL_CLI: z.string().min(1).optional(),
  /** Git-ignored folder for local state (Temporal SQLite file, embedded PostgreSQL). */
  DATA_DIR: z.string().min(1).default('.data'),
  /** Where a built `temporal` binary is cached between clones. */
  JIESU_CACHE_DIR: z.string().min(1).optional(),
  /** How long an API call waits for the case workflow to answer before 503. */
  WORKFLOW_CALL_TIMEOUT_MS: z.coerce.number().int().min(100).default(15_000),
  /** Express `trust proxy` setting: false, true, a hop count or a list of addresses. */
  TRUST_PROXY: z.string().default('false'),
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
