/**
 * The restore drill (issue 9): PostgreSQL is emptied (as a restore from an old backup would leave it) while
 * Temporal keeps every case. Case numbers are handed out again; no request may get another citizen's case,
 * and reproject brings the database back to the engine's truth.
 */
import { demo } from '../../db/seeds/demo-city';
import { reprojectCases } from '../../scripts/reproject';
import { cableIntake } from '../support/fixtures';
import { startTestStack, TestStack } from '../support/stack';

let stack: TestStack;
afterAll(async () => {
  await stack?.stop();
});

/** Each request is told apart by its reporter and title, so a crossed answer cannot pass unseen. */
const request = (n: number, over: Record<string, unknown> = {}) =>
  cableIntake({ title: `恢复演练诉求 ${n}`, reporter: { name: `诉求人${n}`, phone: `1390000${String(n).padStart(4, '0')}` }, ...over });

async function open(n: number, key?: string) {
  const res = await stack.call('POST', '/api/v1/cases', { as: demo.users.clerk, body: request(n), headers: key ? { 'idempotency-key': key } : {} });
  return { n, status: res.status, id: res.body?.id as string, title: res.body?.title as string };
}

describe('a database restored behind the engine', () => {
  it('never answers a new request with an older case, and reproject restores the rows and the numbering', async () => {
    stack = await startTestStack({ ownDatabase: true });
    const { rows } = await stack.db.raw<{ rows: { last_value: string }[] }>('select last_value from case_no_seq');
    const startedAt = Number(rows[0]!.last_value);

    const before = [await open(1), await open(2, 'drill-key-2'), await open(3)];
    expect(before.map((c) => c.status)).toEqual([201, 201, 201]);
    await stack.call('POST', `/api/v1/cases/${before[2]!.id}/withdraw`, { as: demo.users.clerk, body: { reason: '诉求人撤回' } });

    // The restore: every case row, every idempotency mapping and the number sequence go back to before.
    await stack.db.raw('truncate cases, case_events, intake_idempotency, request_idempotency cascade');
    await stack.db.raw(`alter sequence case_no_seq restart with ${startedAt + 1}`);
    // ... and the API and worker restart on it.
    const { databaseUrl, taskQueue } = stack;
    await stack.stop({ keepDatabase: true });
    stack = await startTestStack({ databaseUrl, taskQueue, ownDatabase: true });

    // The same key as before the restore is a new request now: its mapping is gone with the backup.
    const after = [await open(4), await open(5, 'drill-key-2'), await open(6, 'drill-key-6'), await open(7)];
    expect(after.map((c) => c.status)).toEqual([201, 201, 201, 201]);
    for (const c of after) {
      expect(c.title).toBe(`恢复演练诉求 ${c.n}`);
      expect(before.map((b) => b.id)).not.toContain(c.id);
      const read = await stack.call('GET', `/api/v1/cases/${c.id}`, { as: demo.users.clerk });
      expect(read.body).toMatchObject({ title: `恢复演练诉求 ${c.n}`, reporter: { name: `诉求人${c.n}` } });
    }
    expect(new Set(after.map((c) => c.id)).size).toBe(after.length);
    // A retry of a request opened after the restore still finds its own case.
    expect(await open(6, 'drill-key-6')).toMatchObject({ status: 200, id: after[2]!.id, title: '恢复演练诉求 6' });

    // Reproject: the older cases come back as the engine knows them, and numbering moves past all of them.
    const filter = `TaskQueue = "${taskQueue}"`;
    let result = await reprojectCases({ client: stack.client, db: stack.db, filter });
    for (let i = 0; i < 20 && result.cases < 7; i++) {
      await new Promise((r) => setTimeout(r, 250));
      result = await reprojectCases({ client: stack.client, db: stack.db, filter });
    }
    expect(result).toMatchObject({ cases: 7, failed: [] });
    for (const b of before) {
      const read = await stack.call('GET', `/api/v1/cases/${b.id}`, { as: demo.users.clerk });
      expect(read.body).toMatchObject({ title: `恢复演练诉求 ${b.n}` });
    }
    expect((await stack.call('GET', `/api/v1/cases/${before[2]!.id}`, { as: demo.users.clerk })).body.status).toBe('withdrawn');
    const next = await open(8);
    const highest = Math.max(...[...before, ...after].map((c) => Number(c.id.slice(8))));
    expect(next.status).toBe(201);
    expect(Number(next.id.slice(8))).toBeGreaterThan(highest);
  });
});
