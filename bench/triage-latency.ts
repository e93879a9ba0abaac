/**
 * Latency of POST /api/v1/triage/suggestions against a running stack (`npm start`), by hand:
 *   node --import tsx bench/triage-latency.ts [--requests 1000] [--concurrency 4] [--cases 60] [--base http://127.0.0.1:3000]
 * First opens `--cases` open cases across two communities (so that the duplicate search has candidates to
 * score), then asks for suggestions with the held-out texts (bench/data/triage-heldout.ts), each with a community,
 * a point and a caller's number, and prints p50/p95/p99. The first request (model load, and training when the
 * database has no model yet) is reported apart and left out. Only ever points at loopback.
 */
import { execFileSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { heldOut } from './data/triage-heldout';

const { values } = parseArgs({
  options: {
    requests: { type: 'string', default: '1000' },
    concurrency: { type: 'string', default: '4' },
    cases: { type: 'string', default: '60' },
    base: { type: 'string', default: 'http://127.0.0.1:3000' },
  },
});
const base = new URL(values.base!);
if (!['127.0.0.1', 'localhost', '[::1]'].includes(base.hostname)) throw new Error('bench targets loopback only');

const token = (user: string) => execFileSync('npm', ['run', '-s', 'cli', '--', 'token', user], { encoding: 'utf8' }).trim();
const clerk = token('clerk');
const communities = ['410581001001', '410581001002'];

async function post(path: string, body: unknown): Promise<{ ms: number; status: number; json: any }> {
  const started = performance.now();
  const res = await fetch(new URL(`/api/v1${path}`, base), {
    method: 'POST',
    headers: { authorization: `Bearer ${clerk}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json = await res.json();
  return { ms: performance.now() - started, status: res.status, json };
}

const pct = (xs: number[], p: number) => xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!.toFixed(1);

async function main() {
  const categories = [...new Set(heldOut.map(([c]) => c))];
  for (let i = 0; i < Number(values.cases); i++) {
    const [category, text] = heldOut[(i * 7) % heldOut.length]!;
    const res = await post('/cases', {
      requestType: 'report',
      category: categories.includes(category) ? category : 'road-damage',
      title: text.slice(0, 30),
      description: text,
      urgency: 'normal',
      channel: 'hotline',
      location: { communityId: communities[i % 2], address: `压测地址 ${i}`, lat: 36.08 + (i % 10) * 0.001, lng: 113.82 + (i % 7) * 0.001 },
      reporter: { phone: `1370000${String(i).padStart(4, '0')}` },
    });
    if (res.status !== 201) throw new Error(`open: ${res.status} ${JSON.stringify(res.json)}`);
  }

  const ask = (i: number) => {
    const [, text] = heldOut[i % heldOut.length]!;
    return post('/triage/suggestions', {
      description: text,
      location: { communityId: communities[i % 2], lat: 36.08 + (i % 10) * 0.001, lng: 113.82 + (i % 7) * 0.001 },
      reporter: { phone: `1370000${String(i % 60).padStart(4, '0')}` },
    });
  };
  const first = await ask(0);
  if (first.status !== 200) throw new Error(`suggestions: ${first.status} ${JSON.stringify(first.json)}`);
  console.log(`first request (loads the model): ${first.ms.toFixed(0)} ms, model ${JSON.stringify(first.json.model)}`);

  const total = Number(values.requests);
  const times: number[] = [];
  let duplicatesFound = 0;
  let next = 1;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: Number(values.concurrency) }, async () => {
      while (next <= total) {
        const i = next++;
        const res = await ask(i);
        if (res.status !== 200) throw new Error(`suggestions: ${res.status} ${JSON.stringify(res.json)}`);
        if (res.json.duplicates.length > 0) duplicatesFound++;
        times.push(res.ms);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  times.sort((a, b) => a - b);
  console.log(
    `${total} requests, concurrency ${values.concurrency}, ${(total / seconds).toFixed(0)} req/s; ` +
      `p50 ${pct(times, 50)} ms, p95 ${pct(times, 95)} ms, p99 ${pct(times, 99)} ms, max ${times[times.length - 1]!.toFixed(1)} ms; ` +
      `answers with duplicates: ${duplicatesFound}`,
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
