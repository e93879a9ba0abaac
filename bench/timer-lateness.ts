/**
 * How late deadline timers fire under load, against a running stack (`npm start`), by hand:
 *   node --import tsx bench/timer-lateness.ts [--cases 200] [--after 20] [--base http://127.0.0.1:3000]
 * Opens N urgent cases whose triage deadline is `after` seconds away (the urgent policy is set for the run
 * and restored), waits until every one has climbed to the street, and reports how long after its deadline
 * each escalation happened (p50/p95/p99/max). Only ever points at loopback.
 */
import { execFileSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { urgentIntake } from './support/jiesu-api';

const { values } = parseArgs({
  options: {
    cases: { type: 'string', default: '200' },
    after: { type: 'string', default: '20' },
    base: { type: 'string', default: 'http://127.0.0.1:3000' },
  },
});
const base = new URL(values.base!);
if (!['127.0.0.1', 'localhost', '[::1]'].includes(base.hostname)) throw new Error('bench targets loopback only');
const total = Number(values.cases);

const token = (user: string) => execFileSync('npm', ['run', '-s', 'cli', '--', 'token', user], { encoding: 'utf8' }).trim();
const admin = token('admin');
const clerk = token('clerk');

async function call(method: string, path: string, auth: string, body?: unknown): Promise<any> {
  const res = await fetch(new URL(`/api/v1${path}`, base), {
    method,
    headers: { authorization: `Bearer ${auth}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json();
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;

async function main() {
  const original = await call('GET', '/sla-policies/urgent', admin);
  const { slaClass: _c, updatedAt: _u, updatedBy: _b, ...policy } = original;
  await call('PUT', '/sla-policies/urgent', admin, { ...policy, triage: `PT${values.after}S` });
  try {
    const due = new Map<string, number>();
    let next = 0;
    const opening = performance.now();
    await Promise.all(
      Array.from({ length: 10 }, async () => {
        while (next < total) {
          const i = next++;
          const c = await call('POST', '/cases', clerk, urgentIntake(i));
          due.set(c.id, Date.parse(c.deadlines.triageBy));
        }
      }),
    );
    console.log(`opened ${total} urgent cases in ${((performance.now() - opening) / 1000).toFixed(1)} s; waiting for their triage deadlines ...`);
    const lateness = new Map<string, number>();
    const giveUp = Date.now() + (Number(values.after) + 300) * 1000;
    while (lateness.size < total && Date.now() < giveUp) {
      await new Promise((r) => setTimeout(r, 2000));
      for (const id of due.keys()) {
        if (lateness.has(id)) continue;
        const c = await call('GET', `/cases/${id}`, clerk);
        const climbed = c.escalations.find((e: any) => e.cause === 'deadline');
        if (climbed) lateness.set(id, Date.parse(climbed.at) - due.get(id)!);
      }
    }
    const ms = [...lateness.values()];
    console.log(`${ms.length}/${total} escalated; lateness after the deadline: p50 ${pct(ms, 50)} ms, p95 ${pct(ms, 95)} ms, p99 ${pct(ms, 99)} ms, max ${Math.max(...ms)} ms`);
    for (const id of due.keys()) await call('POST', `/cases/${id}/withdraw`, clerk, { reason: '基准测试结束' }).catch(() => undefined);
  } finally {
    await call('PUT', '/sla-policies/urgent', admin, policy);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
