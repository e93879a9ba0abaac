/**
 * Escalations at scale (issue 15, item 2), by hand, on a stack of its own (one Temporal dev server, a
 * throwaway database; bench/support/bench-stack.ts), dropped at the end:
 *   node --import tsx bench/escalation-scale.ts                      # full: 100,000 parked, 20–60 min of parking
 *   node --import tsx bench/escalation-scale.ts --park 200 --rates 2,5 --window 10   # smoke: ~4 min
 * 1. Parks `--park` open cases whose deadlines are 30 days away (the general policy's triage set to P30D).
 *    `--via engine` (default) opens copies of a case the API opened, by the same update-with-start the API
 *    makes (bench/support/case-copies.ts: real cases, projected, only the HTTP hop skipped); `--via api`
 *    sends every one through POST /cases. Parking is engine-bound: at 25–80 cases/s, 100,000 take 20–60 min.
 * 2. For each `--rates` R: a batch of urgent cases whose triage deadlines fall due R a second for `--window`
 *    seconds (the urgent triage set to a number of seconds, openings paced at R, warnings off so that each
 *    case fires one timer), then the policy back to P30D before the first one falls. Lateness: the deadline
 *    → the `escalated` alert's row stored in PostgreSQL (a trigger in the throwaway database stamps it).
 *    Next to it, measured the same way in the same run, the bare engine: a workflow that sleeps until its
 *    deadline, then one local activity stores a row stamped by PostgreSQL (bench/workflows/bare.ts).
 *    Each kind steps up until its p99 passes `--max-p99` ms.
 * Reports worker and Temporal server RSS, and history length and size per case for samples.
 */
import { parseArgs } from 'node:util';
import type { TimerInput } from './workflows/bare-messages';
import { workflowIdForCase } from '../workflows/messages';
import { createBenchTables } from './support/bare-activities';
import { startBenchStack, type BenchStack } from './support/bench-stack';
import { openCopy, startInputOf } from './support/case-copies';
import { awaitFirings, bareFirings, caseFirings, openPaced, outcomeOf, type PacedBatch, type StepOutcome } from './support/deadline-steps';
import { apiCaller, generalIntake, updatePolicy, urgentIntake, type Api } from './support/jiesu-api';
import { describeHistory, evenSample, historyStats } from './support/history-stats';
import { MemoryWatch } from './support/process-memory';
import { header, loadAverage, markdownTable, say } from './support/report';
import { ms, numberList, perSecond, positive } from './support/stats';

const { values } = parseArgs({
  options: {
    park: { type: 'string', default: '100000' },
    via: { type: 'string', default: 'engine' },
    'park-concurrency': { type: 'string', default: '32' },
    rates: { type: 'string', default: '2,5,10,15,20,30,40' },
    window: { type: 'string', default: '30' },
    lead: { type: 'string', default: '10' },
    grace: { type: 'string', default: '60' },
    'max-p99': { type: 'string', default: '2000' },
    sample: { type: 'string', default: '20' },
    'skip-bare': { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
  },
});
const parkCount = Math.round(Number(values.park));
if (!(parkCount >= 0)) throw new Error('--park: 应为非负整数 (a count ≥ 0)');
if (values.via !== 'engine' && values.via !== 'api') throw new Error('--via: engine 或 api');
const via = values.via;
const parkConcurrency = Math.round(positive('park-concurrency', values['park-concurrency']));
const rates = numberList('rates', values.rates!);
const windowSeconds = positive('window', values.window);
const leadSeconds = positive('lead', values.lead);
const graceSeconds = positive('grace', values.grace);
const maxP99 = positive('max-p99', values['max-p99']);
const sampleSize = Math.round(positive('sample', values.sample));

interface StepRow {
  engine: 'bare' | 'jiesu';
  rate: number;
  outcome: StepOutcome;
  errors: number;
  notSent: number;
  peaks: Map<string, number>;
  ids: string[];
}

type Paced = Parameters<typeof openPaced>[0];
type Prepared = Awaited<ReturnType<typeof prepare>>;

const passes = (r: StepRow) => r.outcome.measured > 0 && r.outcome.missing === 0 && r.errors === 0 && r.outcome.lateness.p99 <= maxP99;

/** One of each case the API opens, to copy; both policies set so that nothing falls due unasked. */
async function prepare(stack: BenchStack, api: Api) {
  const [admin, clerk] = await Promise.all([stack.tokenFor('admin'), stack.tokenFor('clerk')]);
  await updatePolicy(api, admin, 'general', { triage: 'P30D' });
  // warnAt 1: no separate warning timer, so each due case fires exactly one timer, as the bare workflow does.
  await updatePolicy(api, admin, 'urgent', { triage: 'P30D', warnAt: 1 });
  const general = await api<{ id: string }>('POST', '/cases', clerk, generalIntake(0, '停放案件'));
  const urgent = await api<{ id: string }>('POST', '/cases', clerk, urgentIntake(0));
  return { admin, clerk, general: general.id, urgent: urgent.id };
}

/** A copy must be the API's case but for its number and instants; said loudly when it is not. */
async function checkCopy(stack: BenchStack, templateId: string, copyId: string): Promise<void> {
  const { rows } = await stack.db.raw('select id, doc from cases where id = any(?)', [[templateId, copyId]]);
  const shape = (id: string) => {
    const doc = rows.find((r: { id: string }) => r.id === id)?.doc;
    return JSON.stringify(doc ?? null).replaceAll(id, '<no>').replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, '<t>');
  };
  if (shape(templateId) !== shape(copyId)) say(`警告：复制的案件与 API 受理的案件不同 (WARNING: copy ${copyId} differs from API-made ${templateId} beyond number and instants)`);
}

async function park(stack: BenchStack, api: Api, prep: Prepared) {
  const template = via === 'engine' ? await startInputOf(stack.client, prep.general) : null;
  const open = template
    ? () => openCopy(stack.client, stack.db, stack.caseTaskQueue, template)
    : (n: number) => api<{ id: string }>('POST', '/cases', prep.clerk, generalIntake(n, '停放案件')).then((c) => c.id);
  const ids: string[] = [];
  let errors = 0;
  let firstError: string | null = null;
  let next = 0;
  const started = Date.now();
  const progress = setInterval(() => {
    const rate = ids.length / ((Date.now() - started) / 1000);
    say(`parked ${ids.length}/${parkCount} (${perSecond(rate)}/s, ~${Math.round((parkCount - ids.length) / Math.max(rate, 0.01) / 60)} min left), errors ${errors}`);
  }, 15_000);
  try {
    await Promise.all(
      Array.from({ length: Math.min(parkConcurrency, parkCount) }, async () => {
        while (next < parkCount) {
          const n = next++;
          await open(n).then(
            (id) => void ids.push(id),
            (err: Error) => {
              errors++;
              firstError ??= err.message;
            },
          );
        }
      }),
    );
  } finally {
    clearInterval(progress);
  }
  if (template && ids[0]) await checkCopy(stack, prep.general, ids[0]);
  const seconds = (Date.now() - started) / 1000;
  return { ids, errors, firstError, seconds };
}

/** The bare engine's step: timer workflows started at `rate`, each due `afterSeconds` after it first runs. */
async function bareStep(stack: BenchStack, paced: Paced): Promise<{ batch: PacedBatch; outcome: StepOutcome }> {
  const tag = `timer-${paced.rate}-${Date.now()}`;
  const start = (n: number) => {
    const input: TimerInput = { id: `${tag}-${n}`, afterSeconds: paced.afterSeconds };
    return stack.client.workflow.start('timerWorkflow', { taskQueue: stack.bareTaskQueue, workflowId: input.id, args: [input] }).then(() => input.id);
  };
  const batch = await openPaced(paced, start, async () => undefined);
  const giveUpAt = batch.firstSentAt + (paced.afterSeconds + paced.count / paced.rate + graceSeconds) * 1000;
  const firings = await awaitFirings(() => bareFirings(stack.db, batch.ids), batch.ids.length, () => giveUpAt);
  return { batch, outcome: outcomeOf(firings) };
}

/** jiesu's step: urgent cases opened at `rate` while the urgent triage is `afterSeconds` long. */
async function caseStep(stack: BenchStack, api: Api, prep: Prepared, paced: Paced): Promise<{ batch: PacedBatch; outcome: StepOutcome }> {
  await updatePolicy(api, prep.admin, 'urgent', { triage: `PT${paced.afterSeconds}S`, warnAt: 1 });
  const template = via === 'engine' ? await startInputOf(stack.client, prep.urgent) : null;
  const open = template
    ? () => openCopy(stack.client, stack.db, stack.caseTaskQueue, template)
    : (n: number) => api<{ id: string }>('POST', '/cases', prep.clerk, urgentIntake(n)).then((c) => c.id);
  const batch = await openPaced(paced, open, async (b) => {
    // Before any deadline falls: the tier a case climbs to must plan its triage 30 days away, not in seconds.
    await updatePolicy(api, prep.admin, 'urgent', { triage: 'P30D' });
    if (Date.now() >= b.firstSentAt + paced.afterSeconds * 1000) {
      say(`jiesu ${paced.rate}/s: 策略恢复晚于首个时限 (the policy went back after the first deadline): some cases of this step may climb twice`);
    }
  });
  // Every opened case is projected with its deadline; one opened after the policy went back is not due.
  const dueBefore = Date.now() + 86_400_000;
  const due = await caseFirings(stack.db, batch.ids, dueBefore);
  const giveUpAt = Math.max(...due.map((f) => f.due), Date.now()) + graceSeconds * 1000;
  const firings = await awaitFirings(() => caseFirings(stack.db, batch.ids, dueBefore), due.length, () => giveUpAt);
  return { batch, outcome: outcomeOf(firings) };
}

async function step(stack: BenchStack, api: Api, prep: Prepared, engine: StepRow['engine'], rate: number, memory: MemoryWatch): Promise<StepRow> {
  const count = Math.max(5, Math.round(rate * windowSeconds));
  // The openings take count/rate seconds; the first deadline falls `lead` seconds after the last opening.
  const paced: Paced = { rate, count, afterSeconds: Math.ceil(count / rate + leadSeconds), maxInFlight: 256 };
  memory.resetPeaks();
  const { batch, outcome } = engine === 'bare' ? await bareStep(stack, paced) : await caseStep(stack, api, prep, paced);
  const l = outcome.lateness;
  say(
    `${engine} ${rate}/s: ${outcome.measured} deadlines at ${perSecond(outcome.dueRate)}/s; lateness p50 ${ms(l.p50)} ms, p99 ${ms(l.p99)} ms, ` +
      `max ${ms(l.max)} ms; missing ${outcome.missing}${outcome.missing ? ` (${outcome.missingIds.join(', ')})` : ''}, errors ${batch.errors}${batch.firstError ? ` (${batch.firstError})` : ''}, not sent ${batch.notSent}`,
  );
  return { engine, rate, outcome, errors: batch.errors, notSent: batch.notSent, peaks: memory.peaksSinceReset(), ids: batch.ids };
}

function report(rows: StepRow[]): string {
  const peak = (r: StepRow, name: string) => (r.peaks.has(name) ? r.peaks.get(name)!.toFixed(0) : '?');
  const table = markdownTable(
    ['engine', 'offered /s', 'deadlines', 'due /s', 'lateness p50 ms', 'p99 ms', 'max ms', 'missing', 'errors', 'workflow looked p99 ms', 'worker MiB', 'temporal MiB', 'p99 ≤ target'],
    ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'l'],
    rows.map((r) => {
      const o = r.outcome;
      const worker = r.engine === 'bare' ? peak(r, 'bare-worker') : peak(r, 'worker');
      const unmeasured = r.ids.length - o.measured + r.notSent;
      return [r.engine, r.rate, o.measured + (unmeasured ? ` (${unmeasured} opened too late)` : ''), perSecond(o.dueRate), ms(o.lateness.p50), ms(o.lateness.p99), ms(o.lateness.max), o.missing, r.errors, o.looked ? ms(o.looked.p99) : '-', worker, peak(r, 'temporal'), passes(r) ? 'yes' : '**no**'];
    }),
  );
  const best = (engine: StepRow['engine']) => Math.max(0, ...rows.filter((r) => r.engine === engine && passes(r)).map((r) => r.outcome.dueRate));
  const lines = [table, ''];
  lines.push(`- highest due rate with p99 ≤ ${maxP99} ms: bare ${perSecond(best('bare'))}/s, jiesu ${perSecond(best('jiesu'))}/s`);
  if (best('bare') > 0) {
    const ratio = best('jiesu') / best('bare');
    lines.push(`- **jiesu / bare = ${ratio.toFixed(2)}** (target ≥ 0.5: ${ratio >= 0.5 ? 'met' : 'not met'})`);
  }
  const top = (engine: StepRow['engine']) => rows.filter((r) => r.engine === engine).at(-1);
  for (const engine of ['bare', 'jiesu'] as const) {
    const last = top(engine);
    if (last && passes(last)) lines.push(`- ${engine}: still within the target at the highest rate asked (${last.rate}/s): ask for higher \`--rates\``);
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  const top = header('Escalations at scale (issue 15, item 2)', 'bench/escalation-scale.ts');
  say(`starting a stack of the bench's own (Temporal dev server, database, worker, ${values['skip-bare'] ? '' : 'bare worker, '}API) ...`);
  const stack = await startBenchStack({ prefix: 'jiesu_bench_escalation', log: say, bareWorker: !values['skip-bare'] });
  const memory = new MemoryWatch(stack.processes);
  try {
    memory.start();
    await createBenchTables(stack.db);
    const api = apiCaller(stack.apiUrl);
    const prep = await prepare(stack, api);
    const atStart = MemoryWatch.describe(await memory.now());
    say(`parking ${parkCount} cases via ${via}, ${parkConcurrency} at a time ...`);
    const parked = await park(stack, api, prep);
    const afterParking = MemoryWatch.describe(await memory.now());
    say(`parked ${parked.ids.length} in ${parked.seconds.toFixed(0)} s; RSS ${afterParking}`);

    const rows: StepRow[] = [];
    const active = new Set<StepRow['engine']>(values['skip-bare'] ? ['jiesu'] : ['bare', 'jiesu']);
    for (const rate of rates) {
      for (const engine of ['bare', 'jiesu'] as const) {
        if (!active.has(engine)) continue;
        const row = await step(stack, api, prep, engine, rate, memory);
        rows.push(row);
        if (!passes(row)) active.delete(engine);
      }
      if (active.size === 0) break;
    }

    const history = async (ids: string[], toWorkflowId: (id: string) => string) =>
      describeHistory(await historyStats(stack.client, stack.namespace, evenSample(ids, sampleSize).map(toWorkflowId)));
    const escalated = rows.filter((r) => r.engine === 'jiesu').flatMap((r) => r.ids);
    const timers = rows.filter((r) => r.engine === 'bare').flatMap((r) => r.ids);
    console.log(
      [
        top,
        `- Stack: its own Temporal dev server (SQLite, WAL) and database; worker, bare worker and API as separate processes`,
        `- Parked: ${parked.ids.length} open cases (deadlines 30 days away) via ${via}, ${parkConcurrency} at a time, in ${parked.seconds.toFixed(0)} s ` +
          `(${perSecond(parked.ids.length / Math.max(parked.seconds, 0.001))}/s), ${parked.errors} errors${parked.firstError ? ` (${parked.firstError})` : ''}`,
        `- Steps: deadlines falling for ${windowSeconds} s at each rate, the first ${leadSeconds} s after the last opening; warnings off; lateness = deadline → row stored; ` +
          `"workflow looked" = deadline → the alert's \`at\` (the workflow's clock)`,
        `- RSS: at start ${atStart}; after parking ${afterParking}; at the end ${MemoryWatch.describe(await memory.now())}; load average at the end ${loadAverage()}`,
        `- History per case: parked ${await history(parked.ids, workflowIdForCase)}; escalated ${await history(escalated, workflowIdForCase)}; bare timers ${await history(timers, (id) => id)}`,
        '',
        report(rows),
        '',
      ].join('\n'),
    );
    if (values.keep) {
      say(`--keep: the stack stays up until Ctrl-C: API ${stack.apiUrl}, Temporal ${stack.temporalAddress}, database ${stack.databaseUrl}`);
      await new Promise(() => setInterval(() => undefined, 60_000));
    }
  } finally {
    memory.stop();
    say('stopping the stack and dropping its database ...');
    await stack.dispose();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
