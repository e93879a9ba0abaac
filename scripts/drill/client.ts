/**
 * The drill's HTTP client, behaving as a careful integrator would: every write carries an Idempotency-Key
 * and is sent again under the same key until the API gives a definitive answer (2xx, or a 4xx other than
 * 429). A refused connection, a reset, a timeout or a 5xx means "try again", within a time budget. With
 * several API replicas, requests go round-robin, and one that got no answer is resent at once to another
 * replica (as a load balancer's retry would), which then sees the same key: idempotency across replicas.
 */
import type { Outcome, Routing } from './records';

export interface Answer {
  outcome: Outcome;
  status: number | null;
  code: string | null;
  body: any;
  attempts: number;
}

export interface ClientOptions {
  /** The API replicas; requests go round-robin to those that answer. */
  apiUrls: string[];
  /** Bearer token per username. */
  tokens: Map<string, string>;
  /** Counts every answer by status ("net" for none), for the report. */
  answers: Record<string, number>;
  /** Counts 500s by route and error code. */
  internalErrors: Record<string, number>;
  /** Counts answers per replica and failovers. */
  routing?: Routing;
  /** Give up on a request after this long without a definitive answer. */
  budgetMs?: number;
  /** One attempt waits at most this long (the API's own wait for Temporal is 15 s). */
  attemptTimeoutMs?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A replica that gave no answer is passed over this long; then it is tried again (it may be back). */
const SHUNNED_MS = 2000;

/** "Try again later" answers: the API asks for it (503, 429) or broke (5xx). */
const retryable = (status: number, code: string | null, isIntake: boolean): boolean =>
  status >= 500 ||
  status === 429 ||
  // Intake: the key's first request is still looking for a free number (the API says to retry).
  (isIntake && status === 409 && code === 'IDEMPOTENCY_CONFLICT');

export class DrillClient {
  private next = 0;
  /** Replica → until when it is passed over. */
  private readonly shunned = new Map<string, number>();
  constructor(private readonly o: ClientOptions) {}

  private usable(url: string): boolean {
    return (this.shunned.get(url) ?? 0) <= Date.now();
  }

  /** The next replica in turn that is not passed over; when every one is, the next in turn anyway. */
  private pick(): string {
    const urls = this.o.apiUrls;
    for (let i = 0; i < urls.length; i++) {
      const url = urls[this.next++ % urls.length]!;
      if (this.usable(url)) return url;
    }
    return urls[this.next++ % urls.length]!;
  }

  async send(method: 'POST' | 'PUT' | 'GET', path: string, as: string, body: unknown, key: string | null): Promise<Answer> {
    const token = this.o.tokens.get(as);
    if (!token) throw new Error(`没有用户 ${as} 的令牌 (no token for ${as})`);
    const budget = Date.now() + (this.o.budgetMs ?? 180_000);
    const isIntake = method === 'POST' && path === '/api/v1/cases';
    let attempts = 0;
    let last: { status: number | null; code: string | null; body: any } = { status: null, code: null, body: null };
    let pause = 500;
    while (Date.now() < budget) {
      attempts++;
      const base = this.pick();
      try {
        const res = await fetch(base + path, {
          method,
          headers: {
            authorization: `Bearer ${token}`,
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
            ...(key ? { 'idempotency-key': key } : {}),
          },
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: AbortSignal.timeout(this.o.attemptTimeoutMs ?? 25_000),
        });
        const text = await res.text();
        const parsed = text ? safeJson(text) : null;
        const code = (parsed as { error?: { code?: string } } | null)?.error?.code ?? null;
        this.count(this.o.answers, String(res.status));
        this.shunned.delete(base);
        if (this.o.routing) this.count(this.o.routing.answered, base);
        if (res.status === 500) this.count(this.o.internalErrors, `${method} ${path.replace(/\/\d{9,}(\/|$)/, '/:id$1')} ${code ?? ''}`.trim());
        last = { status: res.status, code, body: parsed };
        if (res.ok) return { outcome: 'accepted', ...last, attempts };
        if (!retryable(res.status, code, isIntake)) return { outcome: 'refused', ...last, attempts };
      } catch {
        // Connection refused or reset, or no answer in time: the request may or may not have been acted on.
        this.count(this.o.answers, 'net');
        this.shunned.set(base, Date.now() + SHUNNED_MS);
        // Another replica may answer: go there now. A 503 or 5xx is not a reason to: the replicas share what broke.
        if (this.o.apiUrls.some((url) => this.usable(url))) {
          if (this.o.routing) this.o.routing.failovers++;
          continue;
        }
      }
      await sleep(pause + Math.random() * pause);
      // Backing off matters: every retry of a write is work for a stack that is catching up.
      pause = Math.min(pause * 2, 8000);
    }
    return { outcome: 'gave-up', ...last, attempts };
  }

  private count(tally: Record<string, number>, key: string): void {
    tally[key] = (tally[key] ?? 0) + 1;
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return { raw: text.slice(0, 200) };
  }
}
