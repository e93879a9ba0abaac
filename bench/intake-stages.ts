/**
 * Where an intake's time and CPU go (issue 15, item 1), by hand, on a stack of its own (bench/support/bench-stack.ts):
 *   node --import tsx bench/intake-stages.ts                       # 18/s for 20 s, then 1/s for 10 s
 *   node --import tsx bench/intake-stages.ts --rates 10,20 --seconds 15
 * For each offered rate, open-loop POST /cases, then, from every case's own history, the time between
 * consecutive events up to the answer of the intake's update (the server's clock and the bench's are the
 * same machine's), and before and after: the API's work before the start reached the server, and the
 * answer's way back (update result, read of the row, HTTP). CPU per intake of each process comes from /proc.
 */
import { parseArgs } from 'node:util';
import { temporal } from '@temporalio/proto';
import { tsToMs } from '@temporalio/common/lib/time';
import { openLoop, achievedRate, closedLoop } from './support/load';
import { startBenchStack, type BenchStack } from './support/bench-stack';
import { apiCaller, generalIntake } from './support/jiesu-api';
import { cpuPerRequest, readCpu } from './support/process-cpu';
import { header, loadAverage, markdownTable, say } from './support/report';
import { ms, numberList, perSecond, positive, sleep, spread } from './support/stats';
import { workflowIdForCase } from '../workflows/messages';

const { values } = parseArgs({
  options: {
    rates: { type: 'string', default: '18,1' },
    seconds: { type: 'string', default: '20' },
    warmup: { type: 'string', default: '5' },
  },
});
const rates = numberList('rates', values.rates!);
const seconds = positive('seconds', values.seconds);
const warmupSeconds = Number(values.warmup) || 0;

const EventType = temporal.api.enums.v1.EventType;
type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

/** One intake as the bench saw it: epoch milliseconds when it was due to leave and when it was answered. */
interface Intake {
  caseId: string;
  dueAt: number;
  answeredAt: number;
}

const eventName = (e: HistoryEvent): string =>
  (EventType[e.eventType ?? 0] ?? String(e.eventType))
    .replace(/^EVENT_TYPE_/, '')
    .toLowerCase()
    .replace(/_(\w)/g, (_, c: string) => c.toUpperCase());

/** The intake's update answered with this event; later events (timers, warnings) are not the intake's. */
const answered = (e: HistoryEvent): boolean => e.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED;

async function historyOf(stack: BenchStack, caseId: string): Promise<HistoryEvent[]> {
  const res = await stack.client.workflowService.getWorkflowExecutionHistory({ namespace: stack.namespace, execution: { workflowId: workflowIdForCase(caseId) } });
  return res.history?.events ?? [];
}

/** Named gaps of one intake, in order: `api → workflowExecutionStarted`, `a → b` between events, `… → answer`. */
function gaps(intake: Intake, events: HistoryEvent[]): [string, number][] {
  const end = events.findIndex(answered);
  const upTo = end < 0 ? events : events.slice(0, end + 1);
  const out: [string, number][] = [];
  const seen = new Map<string, number>();
  const push = (name: string, millis: number) => {
    const n = (seen.get(name) ?? 0) + 1;
    seen.set(name, n);
    out.push([n > 1 ? `${name} (#${n})` : name, millis]);
  };
  let previous: { name: string; at: number } = { name: 'sent', at: intake.dueAt };
  for (const e of upTo) {
    const at = tsToMs(e.eventTime);
    push(`${previous.name} → ${eventName(e)}`, at - previous.at);
    previous = { name: eventName(e), at };
  }
  push(`${previous.name} → answered`, intake.answeredAt - previous.at);
  return out;
}

function stageTable(rows: [string, number][][]): string {
  const order: string[] = [];
  const byName = new Map<string, number[]>();
  for (const row of rows) {
    for (const [name, millis] of row) {
      if (!byName.has(name)) {
        order.push(name);
        byName.set(name, []);
      }
      byName.get(name)!.push(millis);
    }
  }
  return markdownTable(
    ['gap', 'cases', 'p50 ms', 'p99 ms', 'max ms'],
    ['l', 'r', 'r', 'r', 'r'],
    order.map((name) => {
      const s = spread(byName.get(name)!);
      return [name, s.n, ms(s.p50), ms(s.p99), ms(s.max)];
    }),
  );
}

async function measureRate(stack: BenchStack, token: string, rate: number): Promise<string> {
  const api = apiCaller(stack.apiUrl);
  const intakes: Intake[] = [];
  const before = await readCpu(stack.processes);
  const result = await openLoop(async (i) => {
    const dueAt = Date.now();
    const opened = await api<{ id: string }>('POST', '/cases', token, generalIntake(i, '分段计时'));
    intakes.push({ caseId: opened.id, dueAt, answeredAt: Date.now() });
  }, rate, seconds);
  const after = await readCpu(stack.processes);
  // Open-loop latency counts from the due instant; the stages count from the send (the two differ only when the bench lags).
  const latency = spread(result.latencies);
  const cpu = cpuPerRequest(before, after, result.ok);
  await sleep(2000);
  const histories = await Promise.all(intakes.map(async (intake) => gaps(intake, await historyOf(stack, intake.caseId))));
  return [
    `### ${rate}/s offered: ${perSecond(achievedRate(result))}/s achieved, p50 ${ms(latency.p50)} ms, p99 ${ms(latency.p99)} ms, ${result.errors} errors`,
    '',
    `CPU per intake: ${[...cpu].map(([name, millis]) => `${name} ${millis.toFixed(1)} ms`).join(', ')} (all: ${[...cpu.values()].reduce((a, b) => a + b, 0).toFixed(1)} ms)`,
    '',
    stageTable(histories),
  ].join('\n');
}

async function main(): Promise<void> {
  const top = header('Where an intake spends its time (issue 15, item 1)', 'bench/intake-stages.ts');
  say("starting a stack of the bench's own (Temporal dev server, database, worker, API) ...");
  const stack = await startBenchStack({ prefix: 'jiesu_bench_stages', log: say, bareWorker: false });
  try {
    const token = await stack.tokenFor('clerk');
    if (warmupSeconds > 0) {
      say(`warm-up ${warmupSeconds}s`);
      const api = apiCaller(stack.apiUrl);
      await closedLoop(async (i) => void (await api('POST', '/cases', token, generalIntake(i, '预热'))), 5, warmupSeconds);
      await sleep(2000);
    }
    const sections: string[] = [];
    for (const rate of rates) {
      say(`${rate}/s for ${seconds}s`);
      sections.push(await measureRate(stack, token, rate));
    }
    console.log([top, `- Each rate open-loop for ${seconds} s; load average at the end ${loadAverage()}`, '', ...sections.flatMap((s) => [s, ''])].join('\n'));
  } finally {
    say('stopping the stack and dropping its database ...');
    await stack.dispose();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
