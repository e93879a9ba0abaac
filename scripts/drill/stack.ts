/**
 * A drill stack: named parts (PostgreSQL, Temporal, workers, APIs), each a process with its ports and a
 * readiness check, that can be started in order, killed with -9 and restarted, and stopped. The layout is
 * the topology's business (topology.ts); the drill only speaks to parts by name and kind.
 */
import { ManagedProcess, type ProcessSpec } from './managed-process';
import type { FaultWindow } from './records';

export type Say = (line: string) => void;

/** Where the stack's services answer, for the load generator and the observer. */
export interface StackEndpoints {
  databaseUrl: string;
  temporalAddress: string;
  namespace: string;
  taskQueue: string;
  /** Every API replica's base URL (http://127.0.0.1:port). */
  apiUrls: string[];
  payloadKeys: string;
}

export interface UnplannedExit {
  part: string;
  at: string;
  how: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class Stack {
  readonly parts: ManagedProcess[] = [];
  readonly unplannedExits: UnplannedExit[] = [];
  private stopping = false;

  constructor(
    specs: ProcessSpec[],
    readonly endpoints: StackEndpoints,
    private readonly say: Say,
  ) {
    for (const spec of specs) this.parts.push(new ManagedProcess(spec, (part, how) => this.supervise(part, how)));
  }

  part(name: string): ManagedProcess {
    const found = this.parts.find((p) => p.name === name);
    if (!found) throw new Error(`栈中没有组件 ${name} (no such part); 有 (parts): ${this.parts.map((p) => p.name).join(', ')}`);
    return found;
  }

  /** Parts of a kind, in start order (e.g. every worker). */
  ofKind(kind: ProcessSpec['kind']): ManagedProcess[] {
    return this.parts.filter((p) => p.spec.kind === kind);
  }

  /** Starts the parts in order; `beforeApps` runs once the data stores are up (migrations, seed). */
  async start(beforeApps: () => Promise<void>): Promise<void> {
    let appsReached = false;
    for (const part of this.parts) {
      const isApp = part.spec.kind === 'worker' || part.spec.kind === 'api';
      if (isApp && !appsReached) {
        appsReached = true;
        await beforeApps();
      }
      const started = Date.now();
      await part.start();
      const ports = describePorts(part.spec.ports);
      this.say(`${part.name} 已就绪 (ready)${ports ? ` ${ports}` : ''}，用时 ${((Date.now() - started) / 1000).toFixed(1)}s`);
    }
    if (!appsReached) await beforeApps();
  }

  /** kill -9 a part, leave it down for `downMs`, start it again and wait until it is ready. */
  async crash(name: string, downMs: number): Promise<FaultWindow> {
    const part = this.part(name);
    const window: FaultWindow = { component: name, kind: part.spec.kind, killedAt: new Date().toISOString(), restartedAt: null, readyAt: null };
    await part.kill();
    this.say(`kill -9 ${name}；${(downMs / 1000).toFixed(1)}s 后重启 (restart after)`);
    await sleep(downMs);
    window.restartedAt = new Date().toISOString();
    try {
      await part.start();
      window.readyAt = new Date().toISOString();
      const took = (Date.parse(window.readyAt) - Date.parse(window.restartedAt)) / 1000;
      this.say(`${name} 已重启并就绪 (restarted, ready) 用时 ${took.toFixed(1)}s`);
    } catch (err) {
      this.say(`${name} 重启失败 (restart failed): ${(err as Error).message}`);
    }
    return window;
  }

  /** Stops every part in reverse order (polite first, -9 if it does not go). */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const part of [...this.parts].reverse()) {
      await part.stop().catch((err: Error) => this.say(`停止 ${part.name} 出错 (error stopping): ${err.message}`));
    }
  }

  /** Synchronous kill -9 of everything (the drill is exiting on a signal). */
  killAll(): void {
    this.stopping = true;
    for (const part of this.parts) part.killNow();
  }

  /** A part died on its own: note it (the report lists it) and restart it, as a process supervisor would. */
  private supervise(part: ManagedProcess, how: string): void {
    const at = new Date().toISOString();
    this.unplannedExits.push({ part: part.name, at, how });
    if (this.stopping) return;
    this.say(`${part.name} 意外退出 (exited on its own): ${how}；1s 后重启 (restarting)`);
    void (async () => {
      for (let attempt = 1; attempt <= 5 && !this.stopping; attempt++) {
        await sleep(attempt === 1 ? 1000 : 5000);
        if (this.stopping || part.isUp) return;
        try {
          await part.start();
          this.say(`${part.name} 已由监督重启 (restarted by the supervisor)`);
          return;
        } catch (err) {
          this.say(`${part.name} 监督重启失败 (supervised restart failed, attempt ${attempt}): ${(err as Error).message.split('\n')[0]}`);
        }
      }
    })();
  }
}

export const describePorts = (ports: Record<string, number>): string =>
  Object.entries(ports)
    .map(([k, v]) => `${k}=127.0.0.1:${v}`)
    .join(' ');
