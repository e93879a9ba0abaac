/**
 * `npm run drill`: the chaos drill (故障演练). Each round starts a stack of its own (PostgreSQL, the
 * Temporal dev server on a persistent file, a worker, the API, on free ports in a temporary folder),
 * keeps a steady load of new cases and decisions on it, kills -9 the worker, the API, Temporal and
 * PostgreSQL at random moments and restarts them, then verifies that nothing the API accepted was lost
 * or duplicated, that every passed deadline escalated exactly once and in time, and that the read model
 * equals the workflows. Exits 1 on any loss or mismatch. `--topology production` runs the production
 * shape instead (the Temporal server on PostgreSQL, two workers, two API replicas; one worker, one replica
 * and the server are killed). Modules: scripts/drill/.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { loadEnv } from '../config/env';
import { findOrBuildTemporalCli } from './stack/temporal-cli';
import { findOrBuildServerBinaries, TEMPORAL_SERVER_VERSION } from './stack/temporal-server-binaries';
import { OptionsError, parseDrillOptions, type DrillOptions } from './drill/options';
import { formatRound } from './drill/report';
import { runRound } from './drill/round';
import type { Stack } from './drill/stack';
import { productionLayout, singleNodeLayout, type LayoutFactory } from './drill/topology';

let activeStack: Stack | null = null;
let started = Date.now();

function say(line: string): void {
  process.stdout.write(`[drill +${((Date.now() - started) / 1000).toFixed(1)}s] ${line}\n`);
}

function onSignal(signal: NodeJS.Signals): void {
  say(`收到 ${signal}，结束演练栈 (stopping the drill stack)`);
  activeStack?.killAll();
  process.exit(130);
}

async function main(): Promise<number> {
  let options: DrillOptions;
  try {
    options = parseDrillOptions(process.argv.slice(2));
  } catch (err) {
    if (!(err instanceof OptionsError)) throw err;
    console.error(err.message);
    return 2;
  }
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // Never leave a stack behind in its own process groups.
  process.on('exit', () => activeStack?.killAll());

  const production = options.topology === 'production';
  // Each layout needs its own Temporal: the CLI's dev server, or the real server and its schema tool.
  const layout: LayoutFactory = production ? productionLayout(await findOrBuildServerBinaries(loadEnv(), say)) : singleNodeLayout(await findOrBuildTemporalCli(loadEnv(), say));
  const shape = production
    ? `生产形态 (production): Temporal 服务器 ${TEMPORAL_SERVER_VERSION} 在 PostgreSQL 上，2 个 worker，2 个 API 副本`
    : '单节点 (single node): Temporal dev server，1 个 worker，1 个 API';
  say(
    `故障演练 (chaos drill): ${shape}；${options.rounds} 轮，每轮加压 ${options.durationS}s，${options.rate} 件/秒，种子 (seed) ${options.seed}` +
      `；重现 (replay): npm run drill -- ${production ? '--topology production ' : ''}--seed ${options.seed} --rounds ${options.rounds}`,
  );
  const verdicts: boolean[] = [];
  for (let round = 1; round <= options.rounds; round++) {
    started = Date.now();
    say(`════ 第 ${round}/${options.rounds} 轮 (round) ════`);
    try {
      const result = await runRound({
        round,
        seed: options.seed,
        durationMs: options.durationS * 1000,
        rate: options.rate,
        graceMs: options.graceS * 1000,
        settleTimeoutMs: options.settleS * 1000,
        keep: options.keep,
        layout,
        say,
        onStack: (stack) => (activeStack = stack),
      });
      console.log(formatRound(round, result));
      if (result.kept) {
        // What the clients saw and every failure, for whoever digs into a failed round.
        await fs.writeFile(path.join(result.dir, 'ledger.json'), JSON.stringify(result.ledger, null, 1));
        await fs.writeFile(path.join(result.dir, 'verdict.json'), JSON.stringify({ ...result.verdict, faults: result.faults, unplannedExits: result.unplannedExits }, null, 1));
      }
      verdicts.push(result.verdict.ok);
    } catch (err) {
      say(`第 ${round} 轮无法完成 (round could not complete): ${(err as Error).stack ?? err}`);
      verdicts.push(false);
    }
  }
  const passed = verdicts.filter(Boolean).length;
  console.log(`故障演练 (chaos drill): ${passed}/${verdicts.length} 轮通过 (rounds passed)，种子 (seed) ${options.seed}`);
  return passed === verdicts.length ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`[drill] 意外错误 (unexpected error): ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exit(1);
  },
);
