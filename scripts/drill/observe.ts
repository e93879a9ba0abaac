/**
 * Reads back what the stack holds once the load stopped: every case row, event and alert in PostgreSQL,
 * and every case workflow's state through the same snapshot query reproject uses (scripts/reproject.ts),
 * through the same encrypted data converter as the API and workers.
 */
import type { Client } from '@temporalio/client';
import type { Db } from '../../db/connection';
import { getUserByUsername } from '../../db/queries/users';
import { caseSnapshotQuery, caseWorkflowType, workflowIdForCase } from '../../workflows/messages';
import type { CaseRow, ObservedCase, Observation } from './records';

async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let i = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (i < items.length) {
      const at = i++;
      out[at] = await fn(items[at]!);
    }
  });
  await Promise.all(lanes);
  return out;
}

export class Observer {
  constructor(
    private readonly db: Db,
    private readonly client: Client,
  ) {}

  /** Case ids of every case workflow Temporal lists (the current run of each). */
  async listedCaseIds(): Promise<string[]> {
    const ids: string[] = [];
    const query = `WorkflowType = "${caseWorkflowType}" AND ExecutionStatus != "ContinuedAsNew"`;
    for await (const execution of this.client.workflow.list({ query })) ids.push(execution.workflowId.replace(/^case-/, ''));
    return ids;
  }

  private async snapshot(id: string): Promise<Pick<ObservedCase, 'workflow' | 'workflowExists' | 'workflowError' | 'observedAt'>> {
    const observedAt = new Date().toISOString();
    const handle = this.client.workflow.getHandle(workflowIdForCase(id));
    try {
      const workflow = await this.client.withDeadline(Date.now() + 15_000, () => handle.query(caseSnapshotQuery));
      return { workflow, workflowExists: true, workflowError: null, observedAt };
    } catch (err) {
      // The query needs a worker to answer; whether the workflow exists at all is the server's to say.
      const described = await this.client.withDeadline(Date.now() + 5_000, () => handle.describe()).then(
        (d) => ({ exists: true, text: `存在 exists/${d.status.name}` }),
        (e: Error) => ({ exists: false, text: e.name }),
      );
      return { workflow: null, workflowExists: described.exists, workflowError: `${(err as Error).name}: ${(err as Error).message}; describe: ${described.text}`, observedAt };
    }
  }

  private async rows(ids: string[]): Promise<{ rows: Map<string, CaseRow>; events: Map<string, ObservedCase['eventRows']>; alerts: Map<string, ObservedCase['alertRows']> }> {
    const rows = new Map<string, CaseRow>();
    const events = new Map<string, ObservedCase['eventRows']>();
    const alerts = new Map<string, ObservedCase['alertRows']>();
    // One snapshot of the three tables: a projection committing between the reads would otherwise look like a mismatch.
    await this.db.transaction(
      async (trx) => {
        const caseRows = await trx('cases').whereIn('id', ids).select('id', 'status', 'tier', 'version', 'overdue', 'lead_unit_id', 'doc');
        for (const r of caseRows) {
          rows.set(r.id, { id: r.id, status: r.status, tier: r.tier, version: Number(r.version), overdue: r.overdue, leadUnitId: r.lead_unit_id, doc: r.doc });
        }
        for (const e of await trx('case_events').whereIn('case_id', ids).select('case_id', 'seq', 'type', 'at').orderBy(['case_id', 'seq'])) {
          if (!events.has(e.case_id)) events.set(e.case_id, []);
          events.get(e.case_id)!.push({ seq: Number(e.seq), type: e.type, at: new Date(e.at).toISOString() });
        }
        for (const a of await trx('alerts').whereIn('case_id', ids).select('case_id', 'type', 'tier', 'dedupe_key')) {
          if (!alerts.has(a.case_id)) alerts.set(a.case_id, []);
          alerts.get(a.case_id)!.push({ type: a.type, tier: a.tier, dedupeKey: a.dedupe_key });
        }
      },
      { isolationLevel: 'repeatable read', readOnly: true },
    );
    return { rows, events, alerts };
  }

  /**
   * One case, read again until its row and its workflow are of the same version (a timer may fire between
   * the two reads) and its workflow answers; bounded, so a lasting difference is reported as it stands.
   */
  async readCase(id: string, first?: ObservedCase): Promise<ObservedCase> {
    let seen = first;
    for (let attempt = 0; attempt < 5; attempt++) {
      if (seen?.workflow && seen.row?.version === seen.workflow.state.version) return seen;
      if (attempt > 0) await new Promise((r) => setTimeout(r, 1000));
      const wf = await this.snapshot(id);
      const db = await this.rows([id]);
      seen = { id, row: db.rows.get(id) ?? null, eventRows: db.events.get(id) ?? [], alertRows: db.alerts.get(id) ?? [], ...wf };
    }
    return seen!;
  }

  /** Every case the ledger, PostgreSQL or Temporal knows of (`ids` adds the ledger's). */
  async observe(ids: Iterable<string>): Promise<Observation> {
    const listed = await this.listedCaseIds();
    const inDb: string[] = (await this.db('cases').pluck('id')) as string[];
    const all = [...new Set([...ids, ...listed, ...inDb])].sort();
    const snapshots = await mapLimit(all, 8, (id) => this.snapshot(id));
    const db = await this.rows(all);
    const firstRead = all.map(
      (id, i): ObservedCase => ({ id, row: db.rows.get(id) ?? null, eventRows: db.events.get(id) ?? [], alertRows: db.alerts.get(id) ?? [], ...snapshots[i]! }),
    );
    const cases = await mapLimit(firstRead, 4, (c) => this.readCase(c.id, c));
    const clerk = await getUserByUsername(this.db, 'clerk');
    const keys = clerk ? await this.db('intake_idempotency').where({ user_id: clerk.id }).select('key', 'case_id') : [];
    return {
      cases: new Map(cases.map((c) => [c.id, c])),
      workflowIds: listed,
      intakeKeys: new Map(keys.map((k: { key: string; case_id: string }) => [k.key, k.case_id])),
    };
  }
}
