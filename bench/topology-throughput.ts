/**
 * Throughput and escalation lateness on the production topology (issue 16, item 4), by hand:
 *   node --import tsx bench/topology-throughput.ts --workers 1 [--cases 300] [--concurrency 20] [--timers 200] [--after 20]
 *     [--rate 5 --duration 60]
 * Starts a topology of its own (the real Temporal server on PostgreSQL, N workers, two API replicas taking
 * requests in turn) on fresh databases, then measures:
 *   1. burst: `cases` cases opened and dispatched, `concurrency` at a time: cases/s and latency per call;
 *   2. paced (with --rate): `rate` cases/s opened and dispatched for `duration` s: whether it keeps up;
 *   3. timers: `timers` urgent cases whose triage deadline is `after` s away: how late each escalation is.
 * Everything it made is dropped at the end. Only ever talks to loopback.
 */
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadEnv } from '../config/env';
import { newPayloadKeySetting } from '../config/payload-codec';
import { createDb } from '../db/connection';
import { getUserByUsername, issueToken } from '../db/queries/users';
import { startDisposableTopology } from '../scripts/stack/disposable-topology';

const { values } = parseArgs({
  options: {
    workers: { type: 'string', default: '2' },
    cases: { type: 'string', default: '300' },
    concurrency: { type: 'string', default: '20' },
    timers: { type: 'string', default: '200' },
    after: { type: 'string', default: '20' },
    rate: { type: 'string', default: '0' },
    duration: { type: 'string', default: '60' },
  },
});
const n = (k: keyof typeof values) => Number(values[k]);

const say = (line: string) => process.stderr.write(`[bench] ${line}\n`);
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] ?? NaN;
const spread = (xs: number[]) => `p50 ${pct(xs, 50).toFixed(0)} ms  p95 ${pct(xs, 95).toFixed(0)} ms  p99 ${pct(xs, 99).toFixed(0)} ms  max ${Math.max(...xs).toFixed(0)} ms`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Caller = (method: string, path: string, token: string, body?: unknown) => Promise<{ ms: number; json: any }>;

function caller(apiUrls: string[]): Caller {
  let turn = 0;
  return async (method, path, token, body) => {
    const base = apiUrls[turn++ % apiUrls.length]!;
    if (!/^http:\/\/127\.0\.0\.1:/.test(base)) throw new Error('bench targets loopback only');
    const started = performance.now();
    const res = await fetch(`${base}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = await res.json();
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
    return { ms: performance.now() - started, json };
  };
}

const intake = (i: number, urgency = 'normal') => ({
  requestType: urgency === 'urgent' ? 'help' : 'complaint',
  category: urgency === 'urgent' ? 'safety-hazard' : 'road-damage',
  title: `压测诉求 ${i}`,
  description: '生产形态基准测试',
  urgency,
  channel: 'hotline',
  location: { communityId: '410581001001', address: '小池社区' },
  reporter: { phone: '13800000000' },
});

async function burst(call: Caller, clerk: string, dispatcher: string): Promise<void> {
  const total = n('cases');
  const openMs: number[] = [];
  const dispatchMs: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: n('concurrency') }, async () => {
      while (next < total) {
        const i = next++;
        const opened = await call('POST', '/cases', clerk, intake(i));
        openMs.push(opened.ms);
        dispatchMs.push((await call('POST', `/cases/${opened.json.id}/dispatch`, dispatcher, { leadUnitId: 'unit-urban' })).ms);
      }
    }),
  );
  const s = (performance.now() - started) / 1000;
  console.log(`burst: ${total} cases opened and dispatched in ${s.toFixed(1)} s: ${(total / s).toFixed(1)} cases/s (concurrency ${n('concurrency')})`);
  console.log(`  open      ${spread(openMs)}`);
  console.log(`  dispatch  ${spread(dispatchMs)}`);
}

async function paced(call: Caller, clerk: string, dispatcher: string): Promise<void> {
  const rate = n('rate');
  const total = rate * n('duration');
  const ms: number[] = [];
  const started = performance.now();
  const inFlight: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / rate;
    await sleep(Math.max(0, due - performance.now()));
    inFlight.push(
      (async () => {
        const t = performance.now();
        const opened = await call('POST', '/cases', clerk, intake(i));
        await call('POST', `/cases/${opened.json.id}/dispatch`, dispatcher, { leadUnitId: 'unit-urban' });
        ms.push(performance.now() - t);
      })(),
    );
  }
  await Promise.all(inFlight);
  const s = (performance.now() - started) / 1000;
  console.log(`paced: ${total} cases at ${rate}/s asked, done in ${s.toFixed(1)} s (${(total / s).toFixed(2)}/s); open+dispatch ${spread(ms)}`);
}

async function timers(call: Caller, admin: string, clerk: string): Promise<void> {
  const total = n('timers');
  const original = (await call('GET', '/sla-policies/urgent', admin)).json;
  const { slaClass: _c, updatedAt: _u, updatedBy: _b, ...policy } = original;
  await call('PUT', '/sla-policies/urgent', admin, { ...policy, triage: `PT${values.after}S` });
  const due = new Map<string, number>();
  let next = 0;
  await Promise.all(
    Array.from({ length: 10 }, async () => {
      while (next < total) {
        const c = (await call('POST', '/cases', clerk, intake(next++, 'urgent'))).json;
        due.set(c.id, Date.parse(c.deadlines.triageBy));
      }
    }),
  );
  const lateness = new Map<string, number>();
  const giveUp = Date.now() + (n('after') + 300) * 1000;
  while (lateness.size < total && Date.now() < giveUp) {
    await sleep(2000);
    for (const id of due.keys()) {
      if (lateness.has(id)) continue;
      const c = (await call('GET', `/cases/${id}`, clerk)).json;
      const climbed = c.escalations.find((e: any) => e.cause === 'deadline');
      if (climbed) lateness.set(id, Date.parse(climbed.at) - due.get(id)!);
    }
  }
  console.log(`timers: ${lateness.size}/${total} escalated; lateness after the deadline ${spread([...lateness.values()])}`);
}

async function main(): Promise<void> {
  const env = loadEnv();
  const started = new Date();
  console.log(`topology bench, ${started.toISOString()}: ${os.cpus().length} CPUs (${os.cpus()[0]?.model}), ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  console.log(`workers ${values.workers}, API replicas 2, history shards 4; ${process.argv.slice(2).join(' ')}`);
  const run = await startDisposableTopology({
    env,
    dataDir: path.resolve(__dirname, '..', env.DATA_DIR),
    prefix: 'jiesu-bench',
    workers: n('workers'),
    payloadKeys: newPayloadKeySetting('bench'),
    childEnv: { LOG_LEVEL: 'warn', RATE_LIMIT_PER_MINUTE: '1000000' },
    log: say,
    sink: () => undefined,
  });
  try {
    const db = createDb(run.databaseUrl, { max: 2 });
    const token = async (u: string) => (await issueToken(db, (await getUserByUsername(db, u))!.id, { label: 'bench' })).token;
    const [admin, clerk, dispatcher] = await Promise.all(['admin', 'clerk', 'dispatcher-community'].map(token));
    await db.destroy();
    const call = caller(run.topology.apiUrls);
    await burst(call, clerk!, dispatcher!);
    if (n('rate') > 0) await paced(call, clerk!, dispatcher!);
    if (n('timers') > 0) await timers(call, admin!, clerk!);
    console.log(`load after ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  } finally {
    await run.dispose();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
