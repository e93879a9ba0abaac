/**
 * Resident memory of the stack's processes, read from /proc (Linux only; elsewhere the figures are absent).
 * A server we did not spawn ourselves (the Temporal dev server is started by scripts/stack) is found by the
 * port it listens on.
 */
import { promises as fs } from 'node:fs';

/** VmRSS of a process in MiB, or null when it cannot be read (gone, or not Linux). */
export async function rssMiB(pid: number | undefined): Promise<number | null> {
  if (!pid) return null;
  try {
    const status = await fs.readFile(`/proc/${pid}/status`, 'utf8');
    const kb = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1];
    return kb ? Number(kb) / 1024 : null;
  } catch {
    return null;
  }
}

/** The socket inodes listening on `port` (IPv4 and IPv6), from /proc/net/tcp*. */
async function listeningInodes(port: number): Promise<Set<string>> {
  const inodes = new Set<string>();
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    const text = await fs.readFile(table, 'utf8').catch(() => '');
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      // local_address is HEXIP:HEXPORT; state 0A is LISTEN; column 9 is the inode.
      if (cols[1]?.endsWith(`:${hexPort}`) && cols[3] === '0A' && cols[9]) inodes.add(cols[9]);
    }
  }
  return inodes;
}

/** The process that listens on a TCP port on this machine, or undefined. */
export async function pidListeningOn(port: number): Promise<number | undefined> {
  const inodes = await listeningInodes(port);
  if (inodes.size === 0) return undefined;
  const pids = (await fs.readdir('/proc').catch(() => [] as string[])).filter((d) => /^\d+$/.test(d));
  for (const pid of pids) {
    const fds = await fs.readdir(`/proc/${pid}/fd`).catch(() => [] as string[]);
    for (const fd of fds) {
      const target = await fs.readlink(`/proc/${pid}/fd/${fd}`).catch(() => '');
      const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
      if (inode && inodes.has(inode)) return Number(pid);
    }
  }
  return undefined;
}

export interface Watched {
  name: string;
  pid: number | undefined;
}

/**
 * Samples the RSS of named processes every `everyMs` and keeps each one's peak since the last `resetPeaks`;
 * `now` reads them at once.
 */
export class MemoryWatch {
  private peaks = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly processes: Watched[]) {}

  start(everyMs = 2000): void {
    this.timer = setInterval(() => void this.sample(), everyMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  async now(): Promise<Map<string, number | null>> {
    const pairs = await Promise.all(this.processes.map(async (p) => [p.name, await rssMiB(p.pid)] as const));
    for (const [name, mib] of pairs) if (mib !== null) this.peaks.set(name, Math.max(this.peaks.get(name) ?? 0, mib));
    return new Map(pairs);
  }

  private async sample(): Promise<void> {
    await this.now();
  }

  peaksSinceReset(): Map<string, number> {
    return new Map(this.peaks);
  }

  resetPeaks(): void {
    this.peaks.clear();
  }

  /** `worker 312 MiB, temporal 540 MiB, ...` for a report line. */
  static describe(values: Map<string, number | null>): string {
    return [...values].map(([name, mib]) => `${name} ${mib === null || mib === undefined ? '?' : mib.toFixed(0)} MiB`).join(', ');
  }
}
