/**
 * How big a case's Temporal history grows, against a running stack (`npm start`), by hand:
 *   node --import tsx bench/history-size.ts [--base http://127.0.0.1:3000] [--temporal 127.0.0.1:7233]
 * Plays the six worked examples of DOMAIN.md §8 (test/support/worked-examples.ts), then fetches each case's
 * workflow history raw, as the server stores it (no data converter: encrypted payloads count as stored), and
 * prints a markdown section for bench/RESULTS.md: per case the events, the protobuf-encoded history size and
 * how much of it the update results are (WorkflowExecutionUpdateCompleted outcome.success payloads).
 * Tokens come from `npm run -s cli -- token <user>`, so run it with the stack's environment (PG_DATABASE ...).
 * Only ever points at loopback.
 */
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { workflowIdForCase } from '../workflows/messages';
import { playWorkedExamples } from '../test/support/worked-examples';

const { values } = parseArgs({
  options: {
    base: { type: 'string', default: 'http://127.0.0.1:3000' },
    temporal: { type: 'string', default: '127.0.0.1:7233' },
    namespace: { type: 'string', default: 'default' },
  },
});
const loopback = ['127.0.0.1', 'localhost', '[::1]'];
const base = new URL(values.base!);
if (!loopback.includes(base.hostname)) throw new Error('bench targets loopback only');
if (!loopback.includes(new URL(`grpc://${values.temporal}`).hostname)) throw new Error('bench targets loopback only');

const tokens = new Map<string, string>();
const tokenFor = async (user: string): Promise<string> => {
  if (!tokens.has(user)) tokens.set(user, execFileSync('npm', ['run', '-s', 'cli', '--', 'token', user], { encoding: 'utf8' }).trim());
  return tokens.get(user)!;
};

const { History } = temporal.api.history.v1;
const { Payload } = temporal.api.common.v1;

interface Row {
  example: string;
  caseId: string;
  events: number;
  updates: number;
  historyBytes: number;
  updateResultBytes: number;
}

async function measure(client: Client, example: string, caseId: string): Promise<Row> {
  const history = await client.workflow.getHandle(workflowIdForCase(caseId)).fetchHistory();
  const events = history.events ?? [];
  let updates = 0;
  let updateResultBytes = 0;
  for (const event of events) {
    const completed = event.workflowExecutionUpdateCompletedEventAttributes;
    if (!completed) continue;
    updates++;
    for (const payload of completed.outcome?.success?.payloads ?? []) updateResultBytes += Payload.encode(payload).finish().length;
  }
  return { example, caseId, events: events.length, updates, historyBytes: History.encode(history).finish().length, updateResultBytes };
}

const share = (part: number, whole: number) => (whole ? `${((100 * part) / whole).toFixed(0)} %` : '-');

function table(rows: Row[]): string {
  const line = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;
  const sum = (key: 'events' | 'updates' | 'historyBytes' | 'updateResultBytes') => rows.reduce((n, r) => n + r[key], 0);
  return [
    line(['Example', 'Case', 'Events', 'Updates', 'History bytes', 'Update-result bytes', 'Share']),
    line(['---', '---', '---:', '---:', '---:', '---:', '---:']),
    ...rows.map((r) => line([r.example, r.caseId, r.events, r.updates, r.historyBytes, r.updateResultBytes, share(r.updateResultBytes, r.historyBytes)])),
    line([
      '**Total**',
      `${rows.length} cases`,
      sum('events'),
      sum('updates'),
      sum('historyBytes'),
      sum('updateResultBytes'),
      share(sum('updateResultBytes'), sum('historyBytes')),
    ]),
  ].join('\n');
}

function git(args: string[]): string {
  try {
    return execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return '';
  }
}

function machine(): string {
  const cpus = os.cpus();
  return `${cpus[0]?.model.trim() ?? 'unknown CPU'} × ${cpus.length}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB RAM, ${os.type()} ${os.release()}, Node ${process.version}`;
}

async function main() {
  const played = await playWorkedExamples({ baseUrl: base.origin, tokenFor });
  const connection = await Connection.connect({ address: values.temporal! });
  try {
    // No data converter: the history as stored, payloads encrypted.
    const client = new Client({ connection, namespace: values.namespace! });
    const rows: Row[] = [];
    for (const { name, caseIds } of played) for (const id of caseIds) rows.push(await measure(client, name, id));
    let commit = git(['rev-parse', '--short', 'HEAD']);
    // diff-index, not status: it never rewrites the index of a checkout others work in.
    if (commit && git(['diff-index', '--name-only', 'HEAD', '--'])) commit += ' + uncommitted changes';
    console.log(
      [
        '## History size',
        '',
        `- Machine: ${machine()}`,
        `- Commit: ${commit || 'unknown'}`,
        `- Command: \`node --import tsx bench/history-size.ts --base ${base.origin} --temporal ${values.temporal}\``,
        `- Date: ${new Date().toISOString()}`,
        '',
        table(rows),
        '',
      ].join('\n'),
    );
  } finally {
    await connection.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
