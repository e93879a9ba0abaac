import type { Logger } from '../config/logger';
import type { Db } from '../db/connection';
import { caseProjectedChannel, getCaseVersion } from '../db/queries/cases';
import { ApiError } from './errors';
import { PgListener } from './pg-listener';

interface Waiter {
  version: number;
  done(): void;
}

/** Versions heard of lately, per case: enough for every answer in flight, bounded so it never grows. */
const rememberedCases = 20_000;
/** How often a waiter reads PostgreSQL itself: rarely while notifications arrive, often while they cannot. */
const pollWhileListeningMs = 200;
const pollWhileDeafMs = 20;

/**
 * Tells the API when a version of a case is readable from PostgreSQL, so that every answer about a case
 * reflects what the caller changed. The projection announces each version it writes (NOTIFY, sent at its
 * commit); one LISTEN connection per API process hears them. A waiter also reads the row now and then,
 * so a notification missed while the connection was down only delays its answer.
 */
export class ProjectionWatch {
  private readonly heard = new Map<string, number>();
  private readonly waiters = new Map<string, Set<Waiter>>();
  private readonly listener: PgListener;

  constructor(
    private readonly db: Db,
    connectionString: string,
    log: Logger,
  ) {
    this.listener = new PgListener(connectionString, caseProjectedChannel, log, {
      notified: (payload) => this.notified(payload),
    });
  }

  /** Whether notices arrive now (else waiters read the row often); opened by the first wait. */
  get listening(): boolean {
    return this.listener.listening;
  }

  /** Resolves once PostgreSQL holds `version` of the case or a later one; a 503 when that is not so by `deadline` (epoch ms). */
  async reached(caseId: string, version: number, deadline: number): Promise<void> {
    this.listener.open();
    if ((this.heard.get(caseId) ?? 0) >= version) return;
    let waiter: Waiter | undefined;
    const heard = new Promise<void>((resolve) => {
      waiter = { version, done: resolve };
      const set = this.waiters.get(caseId) ?? new Set<Waiter>();
      set.add(waiter);
      this.waiters.set(caseId, set);
    });
    let settled = false;
    void heard.then(() => (settled = true));
    try {
      while (!settled) {
        const left = deadline - Date.now();
        if (left <= 0) throw ApiError.unavailable('案件读模型（案件投影未按时写入，请稍后重试）');
        const pause = Math.min(left, this.listener.listening ? pollWhileListeningMs : pollWhileDeafMs);
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([heard, new Promise((resolve) => (timer = setTimeout(resolve, pause)))]);
        clearTimeout(timer);
        if (!settled && (await getCaseVersion(this.db, caseId)) >= version) break;
      }
    } finally {
      this.forget(caseId, waiter!);
    }
  }

  close(): void {
    this.listener.close();
  }

  private notified(payload: string): void {
    const [caseId, text] = payload.split(':');
    const version = Number(text);
    if (!caseId || !Number.isInteger(version)) return;
    const before = this.heard.get(caseId) ?? 0;
    this.heard.delete(caseId);
    this.heard.set(caseId, Math.max(before, version));
    if (this.heard.size > rememberedCases) this.heard.delete(this.heard.keys().next().value!);
    for (const waiter of this.waiters.get(caseId) ?? []) if (version >= waiter.version) waiter.done();
  }

  private forget(caseId: string, waiter: Waiter): void {
    const set = this.waiters.get(caseId);
    set?.delete(waiter);
    if (set?.size === 0) this.waiters.delete(caseId);
  }
}
