import { Client } from 'pg';
import type { Logger } from '../config/logger';
import { alertChannel } from '../db/queries/alerts';

/**
 * One LISTEN connection per API process that wakes every open alert stream when the projection stores
 * new alerts. Streams read the alerts themselves (by id), so a missed wake-up only delays, never loses.
 */
export class AlertFeed {
  private readonly subscribers = new Set<() => void>();
  private client: Client | null = null;
  private retry: NodeJS.Timeout | null = null;

  constructor(
    private readonly connectionString: string,
    private readonly log: Logger,
  ) {}

  subscribe(wake: () => void): () => void {
    this.subscribers.add(wake);
    if (!this.client && !this.retry) void this.connect();
    return () => {
      this.subscribers.delete(wake);
      if (this.subscribers.size === 0) this.close();
    };
  }

  private async connect(): Promise<void> {
    this.retry = null;
    const client = new Client({ connectionString: this.connectionString });
    this.client = client;
    client.on('notification', () => this.subscribers.forEach((wake) => wake()));
    client.on('error', (err) => {
      this.log.warn({ err: err.message }, 'alert feed connection lost; reconnecting');
      this.reconnectSoon(client);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${alertChannel}`);
      // Anything stored while we were not listening is picked up by a read now.
      this.subscribers.forEach((wake) => wake());
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, 'alert feed cannot listen; retrying');
      this.reconnectSoon(client);
    }
  }

  private reconnectSoon(client: Client): void {
    if (this.client !== client) return;
    this.client = null;
    void client.end().catch(() => undefined);
    if (this.subscribers.size > 0 && !this.retry) this.retry = setTimeout(() => void this.connect(), 2000);
  }

  close(): void {
    if (this.retry) clearTimeout(this.retry);
    this.retry = null;
    const client = this.client;
    this.client = null;
    void client?.end().catch(() => undefined);
  }
}
