/**
 * CPU time of the stack's processes, read from /proc (Linux only; elsewhere the figures are absent): what
 * one request costs each process is the difference over a run divided by the requests it served.
 * PostgreSQL is counted as all of its processes (one per connection), found by their command name.
 */
import { promises as fs } from 'node:fs';
import type { Watched } from './process-memory';

/** Clock ticks per second of utime/stime in /proc/<pid>/stat (USER_HZ, 100 on every Linux we run on). */
const ticksPerSecond = 100;

/** User + system CPU milliseconds of one process, all its threads; null when it cannot be read. */
async function cpuMillis(pid: number): Promise<number | null> {
  const stat = await fs.readFile(`/proc/${pid}/stat`, 'utf8').catch(() => null);
  if (!stat) return null;
  // Fields after the command (which may hold spaces) start at state; utime and stime are the 14th and 15th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond;
}

async function pidsNamed(command: string): Promise<number[]> {
  const pids = (await fs.readdir('/proc').catch(() => [] as string[])).filter((d) => /^\d+$/.test(d));
  const named = await Promise.all(pids.map(async (pid) => ((await fs.readFile(`/proc/${pid}/comm`, 'utf8').catch(() => '')).trim() === command ? Number(pid) : null)));
  return named.filter((pid): pid is number => pid !== null);
}

export type CpuReading = Map<string, number>;

/** The CPU milliseconds used so far by each watched process, by PostgreSQL (all its processes) and by this one. */
export async function readCpu(processes: Watched[]): Promise<CpuReading> {
  const reading: CpuReading = new Map();
  for (const p of processes) {
    const value = p.pid ? await cpuMillis(p.pid) : null;
    if (value !== null) reading.set(p.name, value);
  }
  // One key per PostgreSQL process, so that a connection opened or closed between readings is left out.
  for (const pid of await pidsNamed('postgres')) {
    const value = await cpuMillis(pid);
    if (value !== null) reading.set(`postgres:${pid}`, value);
  }
  const own = process.cpuUsage();
  reading.set('bench', (own.user + own.system) / 1000);
  return reading;
}

/**
 * CPU milliseconds per request of each process between two readings. PostgreSQL's connections come and go,
 * so its figure counts only the time of processes alive at both readings (a lower bound).
 */
export function cpuPerRequest(before: CpuReading, after: CpuReading, requests: number): Map<string, number> {
  const per = new Map<string, number>();
  if (requests <= 0) return per;
  for (const [key, end] of after) {
    const start = before.get(key);
    if (start === undefined) continue;
    const name = key.split(':')[0]!;
    per.set(name, (per.get(name) ?? 0) + Math.max(0, end - start) / requests);
  }
  return per;
}
