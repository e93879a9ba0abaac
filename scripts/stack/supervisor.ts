/**
 * Keeps a worker or API child running: when it dies, it is started again after a back-off that doubles from
 * one second to thirty while it keeps crashing, and starts over once it has stayed up for a minute. What
 * compose's `restart: unless-stopped` does for containers, for `npm run topology` and `npm start -- --supervise`.
 */
import type { ManagedChild } from './children';

export interface BackoffPolicy {
  initialMs: number;
  maxMs: number;
  /** A run at least this long counts as healthy: the next crash waits `initialMs` again. */
  healthyMs: number;
}

export const defaultBackoff: BackoffPolicy = { initialMs: 1000, maxMs: 30_000, healthyMs: 60_000 };

/** The wait before the next start, given the previous wait (null: none yet) and how long the last run lasted. */
export function nextDelay(previousMs: number | null, ranForMs: number, policy: BackoffPolicy = defaultBackoff): number {
  if (previousMs === null || ranForMs >= policy.healthyMs) return policy.initialMs;
  return Math.min(previousMs * 2, policy.maxMs);
}

export interface RestartEvent {
  name: string;
  /** How the run ended, as ManagedChild.exited says it. */
  how: string;
  ranForMs: number;
  delayMs: number;
  /** 1 for the first restart. */
  restart: number;
}

export interface SupervisorOptions {
  policy?: BackoffPolicy;
  /** false: watch only; the first exit is final (`npm start` without --supervise ends the stack then). */
  restart?: boolean;
  /** Told before each wait, so the launcher can log it. */
  onRestart?: (event: RestartEvent) => void;
  /** Told each time a new process is running. */
  onStart?: (child: ManagedChild) => void;
}

/** One supervised child: `current` is the process running now (or the last one, while waiting). */
export class Supervisor {
  current: ManagedChild;
  restarts = 0;
  private stopping = false;
  private wake: (() => void) | null = null;
  private readonly loop: Promise<void>;

  constructor(
    readonly name: string,
    private readonly start: () => ManagedChild,
    private readonly options: SupervisorOptions = {},
  ) {
    this.current = start();
    options.onStart?.(this.current);
    this.loop = this.watch();
  }

  private async watch(): Promise<void> {
    let delay: number | null = null;
    for (;;) {
      const startedAt = Date.now();
      const how = await this.current.exited;
      if (this.stopping || this.options.restart === false) return;
      const ranForMs = Date.now() - startedAt;
      delay = nextDelay(delay, ranForMs, this.options.policy);
      this.restarts += 1;
      this.options.onRestart?.({ name: this.name, how, ranForMs, delayMs: delay, restart: this.restarts });
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, delay!);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = null;
      if (this.stopping) return;
      this.current = this.start();
      this.options.onStart?.(this.current);
    }
  }

  /** Stops restarting, then stops the running process with `stopOne` (e.g. SIGTERM with a grace period). */
  async stop(stopOne: (child: ManagedChild) => Promise<void>): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await stopOne(this.current);
    await this.loop;
  }

  /** Last resort when the launcher itself is dying. */
  kill(): void {
    this.stopping = true;
    this.wake?.();
    if (!this.current.done) this.current.proc.kill('SIGKILL');
  }
}
