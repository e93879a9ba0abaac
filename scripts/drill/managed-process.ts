/**
 * One part of a drill stack as an operating-system process: started in its own process group with its
 * output in a log file, ready once its check passes, and killed with SIGKILL to the whole group (a
 * machine losing the process, not a polite shutdown). An exit nobody asked for is reported to the stack,
 * which restarts it as a supervisor would.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';

export interface ProcessSpec {
  /** Unique in the stack, e.g. `worker` or `api-2`. */
  name: string;
  /** What kind of part it is; faults and the load generator pick parts by kind. */
  kind: 'postgres' | 'temporal' | 'worker' | 'api';
  /** Ports it listens on, by purpose (e.g. `{ http: 41234 }`), all on 127.0.0.1. */
  ports: Record<string, number>;
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Run as this user (PostgreSQL refuses to run as root). */
  user?: { uid: number; gid: number };
  /** Once, before the first start (e.g. initdb). */
  prepare?: () => Promise<void>;
  /** True once the part serves; the process id lets a check recognise this very process (a worker's poller identity). */
  ready: (pid: number) => Promise<boolean>;
  readyTimeoutMs: number;
  /** The polite stop at the end of a round. */
  stopSignal: NodeJS.Signals;
  logFile: string;
}

type Phase = 'down' | 'starting' | 'up' | 'stopping';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class ManagedProcess {
  private child: ChildProcess | null = null;
  private exited: Promise<string> = Promise.resolve('not started');
  private phase: Phase = 'down';
  private prepared = false;
  private readonly tail: string[] = [];
  starts = 0;

  constructor(
    readonly spec: ProcessSpec,
    /** Told when the process exits while it was up and nobody stopped it. */
    private readonly onUnplannedExit: (part: ManagedProcess, how: string) => void,
  ) {}

  get name(): string {
    return this.spec.name;
  }

  get isUp(): boolean {
    return this.phase === 'up';
  }

  /** Spawns the process and waits for its readiness check; throws with the log's tail if it never gets there. */
  async start(): Promise<void> {
    if (this.child) throw new Error(`${this.name} 已在运行 (already running)`);
    if (!this.prepared && this.spec.prepare) await this.spec.prepare();
    this.prepared = true;
    this.phase = 'starting';
    this.starts++;
    const log = createWriteStream(this.spec.logFile, { flags: 'a' });
    // A log that cannot be written must not take the drill down.
    log.on('error', () => undefined);
    log.write(`\n==== ${this.name} start #${this.starts} ${new Date().toISOString()} ====\n`);
    const child = spawn(this.spec.command, this.spec.args, {
      cwd: this.spec.cwd,
      env: this.spec.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group, so that kill -9 reaches every process of the part (PostgreSQL's backends).
      detached: true,
      ...(this.spec.user ?? {}),
    });
    for (const stream of [child.stdout!, child.stderr!]) {
      stream.on('data', (chunk: Buffer) => {
        // Output can trail the leader's exit (other processes of the group); the log closes with the pipes.
        if (!log.writableEnded) log.write(chunk);
        for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) this.tail.push(line);
        this.tail.splice(0, Math.max(0, this.tail.length - 30));
      });
    }
    this.child = child;
    this.exited = new Promise((resolve) => {
      child.once('close', () => log.end());
      const done = (how: string) => {
        if (!log.writableEnded) log.write(`==== ${this.name} exited ${new Date().toISOString()}: ${how} ====\n`);
        const wasUp = this.phase === 'up';
        this.child = null;
        this.phase = 'down';
        if (wasUp) this.onUnplannedExit(this, how);
        resolve(how);
      };
      child.once('error', (err) => done(`cannot start: ${err.message}`));
      child.once('exit', (code, signal) => done(`code=${code ?? '-'} signal=${signal ?? '-'}`));
    });

    const deadline = Date.now() + this.spec.readyTimeoutMs;
    for (;;) {
      if (this.child !== child) throw new Error(`${this.name} 启动后退出 (exited while starting): ${await this.exited}\n${this.tail.join('\n')}`);
      if (await this.spec.ready(child.pid!).catch(() => false)) break;
      if (Date.now() > deadline) {
        await this.kill();
        throw new Error(`${this.name} ${this.spec.readyTimeoutMs / 1000}s 内未就绪 (not ready in time)\n${this.tail.join('\n')}`);
      }
      await sleep(250);
    }
    // A stop may have begun while it was starting.
    if (this.phase === 'starting') this.phase = 'up';
  }

  /** kill -9 to the process group; resolves once the process is gone. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child?.pid) return;
    this.phase = 'stopping';
    signalGroup(child.pid, 'SIGKILL');
    await this.exited;
  }

  /** Last resort when the drill itself is dying: kill -9 at once, synchronously. */
  killNow(): void {
    if (this.child?.pid) signalGroup(this.child.pid, 'SIGKILL');
  }

  /** The polite stop (end of the round), to the leader only; kill -9 to the group after `graceMs`. */
  async stop(graceMs = 20_000): Promise<void> {
    const child = this.child;
    if (!child?.pid) return;
    this.phase = 'stopping';
    child.kill(this.spec.stopSignal);
    const timer = setTimeout(() => signalGroup(child.pid!, 'SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch (err) {
    // ESRCH: the group is already gone.
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
}
