import { Client, escapeIdentifier as quoteIdent } from 'pg';
import type { Logger } from '../config/logger';

export interface ListenerHandlers {
  /** A notification on the channel, with its payload. */
  notified(payload: string): void;
  /** Listening (again): anything sent while the connection was down was missed, so read it now. */
  listening?(): void;
}

/**
 * One LISTEN connection to one channel that reconnects on its own. Whoever uses it must survive missed
 * notifications (a connection lost and opened again hears nothing of what happened in between).
 */
export class PgListener {
  private client: Client | null = null;
  private retry: NodeJS.Timeout | null = null;
  private ready = false;

  constructor(
    private readonly connectionString: string,
    private readonly channel: string,
    private readonly log: Logger,
    private readonly handlers: ListenerHandlers,
  ) {}

  /** Whether notifications arrive now. */
  get listening(): boolean {
    return this.ready;
  }

  /** Starts listening, if it is not already (or about to retry). */
  open(): void {
    if (!this.client && !this.retry) void this.connect();
  }

  close(): void {
    if (this.retry) clearTimeout(this.retry);
    this.retry = null;
    this.ready = false;
    const client = this.client;
    this.client = null;
    void client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    this.retry = null;
    const client = new Client({ connectionString: this.connectionString });
    this.client = client;
    client.on('notification', (n) => this.handlers.notified(n.payload ?? ''));
    client.on('error', (err) => {
      this.log.warn({ err: err.message, channel: this.channel }, 'LISTEN connection lost; reconnecting');
      this.reconnectSoon(client);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${quoteIdent(this.channel)}`);
      if (this.client !== client) return;
      this.ready = true;
      this.handlers.listening?.();
    } catch (err) {
      this.log.warn({ err: (err as Error).message, channel: this.channel }, 'cannot LISTEN; retrying');
      this.reconnectSoon(client);
    }
  }

  private reconnectSoon(client: Client): void {
    if (this.client !== client) return;
    this.client = null;
    this.ready = false;
    void client.end().catch(() => undefined);
    if (!this.retry) this.retry = setTimeout(() => void this.connect(), 2000);
  }
}
