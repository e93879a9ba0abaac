/** The lines every bench result in bench/RESULTS.md starts with: machine, commit, command, date, load. */
import { execFileSync } from 'node:child_process';
import os from 'node:os';

function git(args: string[]): string {
  try {
    return execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return '';
  }
}

export function machine(): string {
  const cpus = os.cpus();
  return `${cpus[0]?.model.trim() ?? 'unknown CPU'} × ${cpus.length}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB RAM, ${os.type()} ${os.release()}, Node ${process.version}`;
}

export function commit(): string {
  const head = git(['rev-parse', '--short', 'HEAD']);
  // diff-index, not status: it never rewrites the index of a checkout others work in.
  return head && git(['diff-index', '--name-only', 'HEAD', '--']) ? `${head} + uncommitted changes` : head || 'unknown';
}

export const loadAverage = (): string => os.loadavg().map((l) => l.toFixed(2)).join(' ');

export function header(title: string, script: string): string {
  return [
    `## ${title}`,
    '',
    `- Machine: ${machine()}`,
    `- Commit: ${commit()}`,
    `- Command: \`node --import tsx ${script} ${process.argv.slice(2).join(' ')}\``.replace(/ `$/, '`'),
    `- Date: ${new Date().toISOString()}; load average at start ${loadAverage()}`,
  ].join('\n');
}

export function markdownTable(head: string[], align: ('l' | 'r')[], rows: (string | number)[][]): string {
  const line = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;
  return [line(head), line(align.map((a) => (a === 'r' ? '---:' : '---'))), ...rows.map(line)].join('\n');
}

/** Progress for the person at the terminal, on stderr: stdout carries only the report. */
export const say = (line: string): void => void process.stderr.write(`[bench] ${line}\n`);

/** Only ever loopback. */
export function assertLoopback(url: string): void {
  const host = new URL(url).hostname;
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(host)) throw new Error(`bench targets loopback only, not ${host}`);
}
