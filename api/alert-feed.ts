import type { Logger } from '../config/logger';
import { alertChannel } from '../db/queries/alerts';
import { PgListener } from './pg-listener';

/**
 * One LISTEN connection per API process that wakes every open alert stream when the projection stores
 * new alerts. Streams read the alerts themselves (by id), so a missed wake-up only delays, never loses.
 */
export class AlertFeed {
  private readonly subscribers = new Set<() => void>();
  private readonly listener: PgListener;

  constructor(connectionString: string, log: Logger) {
    const wakeAll = () => this.subscribers.forEach((wake) => wake());
    this.listener = new PgListener(connectionString, alertChannel, log, { notified: wakeAll, listening: wakeAll });
  }

  subscribe(wake: () => void): () => void {
    this.subscribers.add(wake);
    this.listener.open();
    return () => {
      this.subscribers.delete(wake);
      if (this.subscribers.size === 0) this.close();
    };
  }

  close(): void {
    this.listener.close();
  }
}
