/** `npm run drill -- [options]`: the command line, checked, with defaults that suit a shared two-core machine. */
import type { TopologyName } from './topology';

export const topologies: readonly TopologyName[] = ['single', 'production'];

export interface DrillOptions {
  /** The layout of each round's stack (topology.ts). */
  topology: TopologyName;
  rounds: number;
  /** Seconds of load per round (the faults fall inside it; the load outlasts the last one). */
  durationS: number;
  /** New cases per second. */
  rate: number;
  seed: number;
  /** Deadlines due this close to the moment a case is read are not judged yet. */
  graceS: number;
  /** The longest wait for timers and projections to catch up after the load. */
  settleS: number;
  /** Keep each round's folder (data and logs) even when it passes. */
  keep: boolean;
}

export const usage = `用法 (usage): npm run drill -- [--topology single|production] [--rounds N] [--duration 秒] [--rate 件/秒] [--seed N] [--grace 秒] [--settle 秒] [--keep]
  --topology T    栈的布局 (layout of the stack): single = 单节点（dev server、1 个 worker、1 个 API），默认;
                  production = 生产形态（Temporal 服务器 v1.29.1 在 PostgreSQL 上、2 个 worker、2 个 API 副本）
  --rounds N      轮数，每轮一个全新的栈 (rounds, each on a fresh stack); 默认 1
  --duration S    每轮加压秒数 (seconds of load per round); 默认 90
  --rate R        每秒新增案件数 (new cases per second); 默认 1
  --seed N        随机种子，决定旅程与故障时刻 (seed of journeys and fault moments); 默认随机并打印
  --grace S       读取前这么久内到期的时限暂不评判 (deadlines due this recently are not judged); 默认 10
  --settle S      加压后等待定时器与投影赶上的上限 (longest settle wait); 默认 120
  --keep          保留每轮的数据与日志目录 (keep each round's data and logs)`;

export class OptionsError extends Error {}

export function parseDrillOptions(argv: string[]): DrillOptions {
  const o: DrillOptions = { topology: 'single', rounds: 1, durationS: 90, rate: 1, seed: Math.floor(Math.random() * 1_000_000), graceS: 10, settleS: 120, keep: false };
  const numeric: Record<string, { field: keyof DrillOptions; min: number; max: number; integer: boolean }> = {
    '--rounds': { field: 'rounds', min: 1, max: 100, integer: true },
    '--duration': { field: 'durationS', min: 20, max: 3600, integer: false },
    '--rate': { field: 'rate', min: 0.1, max: 50, integer: false },
    '--seed': { field: 'seed', min: 0, max: 2 ** 31, integer: true },
    '--grace': { field: 'graceS', min: 1, max: 120, integer: false },
    '--settle': { field: 'settleS', min: 10, max: 1800, integer: false },
  };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i]!.split('=', 2) as [string, string | undefined];
    if (flag === '--keep') {
      o.keep = true;
      continue;
    }
    if (flag === '--help' || flag === '-h') throw new OptionsError(usage);
    if (flag === '--topology') {
      const raw = inline ?? argv[++i];
      const found = topologies.find((t) => t === raw);
      if (!found) throw new OptionsError(`--topology 应为 ${topologies.join(' 或 ')}，收到 (got) ${raw ?? '(nothing)'}\n${usage}`);
      o.topology = found;
      continue;
    }
    const spec = numeric[flag];
    if (!spec) throw new OptionsError(`未知参数 (unknown option) ${flag}\n${usage}`);
    const raw = inline ?? argv[++i];
    const value = Number(raw);
    if (raw === undefined || !Number.isFinite(value) || value < spec.min || value > spec.max || (spec.integer && !Number.isInteger(value))) {
      throw new OptionsError(`${flag} 应为 ${spec.min} 到 ${spec.max} 之间的${spec.integer ? '整数' : '数'}，收到 (got) ${raw ?? '(nothing)'}\n${usage}`);
    }
    (o as unknown as Record<string, number>)[spec.field] = value;
  }
  return o;
}
