/**
 * Talking to a PostgreSQL server as its administrator: connection URLs, "does it answer", and creating and
 * dropping databases. Shared by the launcher, the embedded server and the test setup.
 */
import { Client } from 'pg';

export type PostgresSource = 'env' | 'local' | 'embedded';

export interface PostgresHandle {
  url: string;
  source: PostgresSource;
  /** Human note on where it came from (e.g. "embedded, started", "embedded, already running"). */
  detail: string;
  /** Settles when a server we started exits on its own (never otherwise). */
  exited: Promise<string>;
  stop(): Promise<void>;
  /** Last resort when the launcher itself is dying: immediate shutdown, synchronously. */
  kill(): void;
}

export const LOCAL_URL = 'postgres://postgres@127.0.0.1:5432';

/** The URL with its password replaced by ***, for logs and summaries. */
export function maskDatabaseUrl(url: string): string {
  try {
    const u = new URL(url);
    if (!u.password) return url;
    u.password = '***';
    return u.toString();
  } catch {
    return url.replace(/(\/\/[^:/@]+:)[^@]*@/, '$1***@');
  }
}

/** Same server, another database. */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

export function databaseOf(url: string): string {
  return decodeURIComponent(new URL(url).pathname.replace(/^\//, '')) || 'postgres';
}

/** For servers we did not start: they never exit on our watch. */
export const neverExits = new Promise<string>(() => undefined);

/** Runs fn with a connected client; connection failures reject within timeoutMs. */
async function withClient<T>(url: string, timeoutMs: number, fn: (c: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: timeoutMs });
  // A server shutting down while we hold the client must not crash the process.
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Resolves with null when the server answers `select 1`, else with the error. */
export async function pgAnswers(url: string, timeoutMs = 2000): Promise<Error | null> {
  try {
    await withClient(url, timeoutMs, (c) => c.query('select 1'));
    return null;
  } catch (err) {
    return err as Error;
  }
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Creates the database on the server behind `url` (any database of it) unless it exists. Returns true if created. */
export async function createDatabase(url: string, name: string): Promise<boolean> {
  return withClient(withDatabase(url, 'postgres'), 5000, async (c) => {
    const found = await c.query('select 1 from pg_database where datname = $1', [name]);
    if (found.rowCount) return false;
    try {
      await c.query(`create database ${quoteIdent(name)}`);
    } catch (err) {
      // 42P04 duplicate_database: a concurrent process won the race, which is what we wanted anyway.
      if ((err as { code?: string }).code !== '42P04') throw err;
      return false;
    }
    return true;
  });
}

/** Drops the database, first ending the sessions still connected to it (pools of a crashed test, say). */
export async function dropDatabase(url: string, name: string): Promise<void> {
  await withClient(withDatabase(url, 'postgres'), 5000, async (c) => {
    await c.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [
      name,
    ]);
    await c.query(`drop database if exists ${quoteIdent(name)}`);
  });
}
