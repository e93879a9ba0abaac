/**
 * Intake throughput and latency against a running stack (`npm start`), by hand:
 *   node --import tsx bench/intake.ts [--cases 300] [--concurrency 20] [--base http://127.0.0.1:3000]
 * Each case is opened (update-with-start: workflow start + triage deadline planned + projected) and then
 * dispatched, the two calls every case makes first. Prints cases/s and p50/p95/p99 per call.
 * Only ever points at loopback.
 */
import { execFileSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { generalIntake } from './support/jiesu-api';

const { values } = parseArgs({
  options: {
    cases: { type: 'string', default: '300' },
    concurrency: { type: 'string', default: '20' },
    base: { type: 'string', default: 'http://127.0.0.1:3000' },
  },
});
const base = new URL(values.base!);
if (!['127.0.0.1', 'localhost', '[::1]'].includes(base.hostname)) throw new Error('bench targets loopback only');
const total = Number(values.cases);
const concurrency = Number(values.concurrency);

const token = (user: string) => execFileSync('npm', ['run', '-s', 'cli', '--', 'token', user], { encoding: 'utf8' }).trim();
const clerk = token('clerk');
const dispatcher = token('dispatcher-community');

async function post(path: string, auth: string, body: unknown): Promise<{ ms: number; json: any }> {
  const started = performance.now();
  const res = await fetch(new URL(`/api/v1${path}`, base), {
    method: 'POST',
    headers: { authorization: `Bearer ${auth}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json = await res.json();
  if (res.status >= 300) throw new Error(`${path}: ${res.status} ${JSON.stringify(json)}`);
  return { ms: performance.now() - started, json };
}

const intake = (i: number) => generalIntake(i);

const pct = (xs: number[], p: number) => xs.sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!.toFixed(0);

async function main() {
  const openMs: number[] = [];
  const dispatchMs: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        const i = next++;
        const opened = await post('/cases', clerk, intake(i));
        openMs.push(opened.ms);
        const dispatched = await post(`/cases/${opened.json.id}/dispatch`, dispatcher, { leadUnitId: 'unit-urban' });
        dispatchMs.push(dispatched.ms);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const rss = process.memoryUsage().rss / 2 ** 20;
  console.log(`${total} cases opened and dispatched in ${seconds.toFixed(1)} s: ${(total / seconds).toFixed(1)} cases/s (concurrency ${concurrency})`);
  console.log(`open      p50 ${pct(openMs, 50)} ms  p95 ${pct(openMs, 95)} ms  p99 ${pct(openMs, 99)} ms`);
  console.log(`dispatch  p50 ${pct(dispatchMs, 50)} ms  p95 ${pct(dispatchMs, 95)} ms  p99 ${pct(dispatchMs, 99)} ms`);
  console.log(`bench client rss ${rss.toFixed(0)} MiB`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
