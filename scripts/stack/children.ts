/**
 * The launchers' child processes (workers, API replicas): started in their own process group, their output
 * shown line by line under their name, stopped with SIGTERM and, after a grace period, SIGKILL.
 */
import { ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';

export interface ManagedChild {
  name: string;
  proc: ChildProcess;
  /** Settles with how it ended (`code=1 signal=-`), whoever ended it. */
  exited: Promise<string>;
  done: boolean;
}

/** Where a child's lines go: `stream` says which of its outputs the line came from. */
export type LineSink = (line: string, stream: 'stdout' | 'stderr') => void;

const root = path.resolve(__dirname, '..', '..');

export const consoleSink: LineSink = (line, stream) => (stream === 'stdout' ? process.stdout : process.stderr).write(`${line}\n`);

/** Runs `node <args>` (from the repository root); every line it prints goes to `sink` as `[name] line`. */
export function startChild(name: string, args: string[], env: NodeJS.ProcessEnv, sink: LineSink = consoleSink): ManagedChild {
  // Own process group: Ctrl-C in the terminal reaches the launcher only, which stops the parts in order.
  const proc = spawn(process.execPath, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const child: ManagedChild = { name, proc, exited: Promise.resolve(''), done: false };
  for (const [stream, which] of [
    [proc.stdout!, 'stdout'],
    [proc.stderr!, 'stderr'],
  ] as const) {
    let partial = '';
    stream.on('data', (chunk: Buffer) => {
      const lines = (partial + chunk.toString('utf8')).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) sink(`[${name}] ${line}`, which);
    });
    stream.on('end', () => {
      if (partial) sink(`[${name}] ${partial}`, which);
    });
  }
  child.exited = new Promise((resolve) => {
    proc.on('error', (err) => {
      child.done = true;
      resolve(`无法启动 (cannot start): ${err.message}`);
    });
    proc.on('exit', (code, signal) => {
      child.done = true;
      resolve(`code=${code ?? '-'} signal=${signal ?? '-'}`);
    });
  });
  return child;
}

/** A TypeScript entry point of this repository (`worker/main.ts`) as a child. */
export function startTsChild(name: string, file: string, env: NodeJS.ProcessEnv, sink?: LineSink): ManagedChild {
  return startChild(name, ['--import', 'tsx', path.join(root, file)], env, sink);
}

/** SIGTERM, then SIGKILL after `graceMs`; `say` tells when the grace ran out. */
export async function stopChild(child: ManagedChild, graceMs: number, say: (line: string) => void = () => undefined): Promise<void> {
  if (child.done) return;
  child.proc.kill('SIGTERM');
  const timer = setTimeout(() => {
    say(`${child.name} ${graceMs / 1000}s 内未退出，强制结束 (did not stop in time; killing)`);
    child.proc.kill('SIGKILL');
  }, graceMs);
  await child.exited;
  clearTimeout(timer);
}
