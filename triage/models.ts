/**
 * The model an API process serves, loaded without a restart: at most every `checkEveryMs` (30 s by default) a
 * request asks PostgreSQL for the newest version (one indexed row) and loads it when it is newer than the one
 * held. Training anywhere (the scheduled workflow, `npm run cli -- train`, another API process) is therefore
 * picked up by every process within 30 s. With no model stored at all (a fresh database), the first request
 * trains one (under an advisory lock, so that two processes do not both train), which takes a second or two.
 */
import type { Knex } from 'knex';
import type { Logger } from '../config/logger';
import { latestModelInfo, loadModel } from '../db/queries/triage';
import { TriageModel } from './model';
import { trainFromDatabase } from './training';

/** pg_advisory_xact_lock key for the bootstrap training ("triage" in ASCII). */
const bootstrapLock = 0x747269616765;

export class TriageModels {
  private model: TriageModel | null = null;
  private checkedAt = 0;
  private refreshing: Promise<TriageModel> | null = null;
  readonly checkEveryMs: number;

  constructor(
    private readonly db: Knex,
    private readonly log?: Logger,
    options: { checkEveryMs?: number } = {},
  ) {
    this.checkEveryMs = options.checkEveryMs ?? 30_000;
  }

  /** The newest model, checked for at most every `checkEveryMs`. */
  async current(): Promise<TriageModel> {
    if (this.model && Date.now() - this.checkedAt < this.checkEveryMs) return this.model;
    this.refreshing ??= this.refresh().finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  private async refresh(): Promise<TriageModel> {
    let latest = await latestModelInfo(this.db);
    if (!latest) latest = await this.bootstrap();
    if (!this.model || latest.version > this.model.info.version) {
      const stored = await loadModel(this.db, latest.version);
      if (!stored) throw new Error(`triage model ${latest.version} disappeared while loading`);
      try {
        this.model = new TriageModel({ version: stored.version, trainedAt: stored.trainedAt, examples: stored.examples }, stored.weights);
      } catch (err) {
        // Stored by an older version of this code (another feature set): train one this code can read.
        this.log?.warn({ err: (err as Error).message }, 'triage model unusable; training a new one');
        const fresh = await trainFromDatabase(this.db, { trigger: 'bootstrap' });
        const again = await loadModel(this.db, fresh.version);
        this.model = new TriageModel({ version: fresh.version, trainedAt: fresh.trainedAt, examples: fresh.examples }, again!.weights);
      }
      this.log?.info({ version: this.model.info.version, examples: this.model.info.examples }, 'triage model loaded');
    }
    this.checkedAt = Date.now();
    return this.model;
  }

  /** No model stored yet: one process trains the first, the others wait for it and load it. */
  private async bootstrap() {
    this.log?.info('no triage model stored yet; training the first one');
    return this.db.transaction(async (trx) => {
      await trx.raw('select pg_advisory_xact_lock(?)', [bootstrapLock]);
      const meanwhile = await latestModelInfo(trx);
      if (meanwhile) return meanwhile;
      return trainFromDatabase(trx, { trigger: 'bootstrap' });
    });
  }
}
