/**
 * One round of the drill on a fresh stack: start it, set the policy, run the load while the faults strike,
 * let the stack settle, read everything back and verify. The round's folder (data and logs) is removed
 * when the round passes, kept when it fails or with --keep.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { dataConverterFor, parsePayloadKeys } from '../../config/payload-codec';
import { createDb } from '../../db/connection';
import { DrillClient } from './client';
import { planFaults, runFaults } from './faults';
import { drillUsers } from './journeys';
import { runLoad } from './load';
import { Observer } from './observe';
import { seededRandom } from './random';
import { emptyLedger, type FaultWindow, type Ledger } from './records';
import { drillPolicy, prepareDatabase, setDrillPolicy } from './setup';
import { settle } from './settle';
import type { Stack, UnplannedExit } from './stack';
import type { LayoutFactory } from './topology';
import { verifyRound, type Verdict } from './verify';

export interface RoundOptions {
  round: number;
  seed: number;
  durationMs: number;
  rate: number;
  graceMs: number;
  settleTimeoutMs: number;
  keep: boolean;
  /** The stack's layout and its faults (topology.ts). */
  layout: LayoutFactory;
  say: (line: string) => void;
  /** Told the stack as soon as it exists, so a Ctrl-C can take it down. */
  onStack: (stack: Stack | null) => void;
}

export interface RoundResult {
  verdict: Verdict;
  ledger: Ledger;
  arrivals: number;
  faults: FaultWindow[];
  unplannedExits: UnplannedExit[];
  settled: boolean;
  settleMs: number;
  dir: string;
  kept: boolean;
  tookMs: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runRound(o: RoundOptions): Promise<RoundResult> {
  const started = Date.now();
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), `jiesu-drill-r${o.round}-`));
  // The postgres user must reach its data folder inside.
  await fs.chmod(dir, 0o755);
  await fs.mkdir(path.join(dir, 'logs'));
  await fs.mkdir(path.join(dir, 'temporal'));
  o.say(`数据与日志目录 (data and logs): ${dir}`);
  const { stack, faults: targets, faultsAmongTimers } = await o.layout({ dir, say: o.say });
  o.onStack(stack);
  const { endpoints } = stack;
  const ledger = emptyLedger();
  let passed = false;
  try {
    let tokens = new Map<string, string>();
    await stack.start(async () => {
      tokens = await prepareDatabase(endpoints.databaseUrl, drillUsers);
      o.say('迁移、演示数据与令牌就绪 (migrated, seeded, tokens issued)');
    });
    const client = new DrillClient({ apiUrls: endpoints.apiUrls, tokens, answers: ledger.answers, internalErrors: ledger.internalErrors, routing: ledger.routing });
    await setDrillPolicy(client, drillPolicy);
    o.say(`时限策略 (policy): 分拨 ${drillPolicy.triage}s，签收 ${drillPolicy.respond}s，办结 ${drillPolicy.resolve}s，回访 ${drillPolicy.callback}s（自然时间 calendar）`);

    const random = seededRandom(o.seed * 1000 + o.round);
    // The first deadlines (the triage ones of the first cases) fall due a few seconds after the shortest deadline.
    const earliestMs = faultsAmongTimers ? Math.min(...Object.values(drillPolicy)) * 1000 + 5000 : 0;
    const plan = planFaults(random.fork(), stack, o.durationMs, undefined, targets, earliestMs);
    o.say(`故障计划 (fault plan): ${plan.map((f) => `${f.part}@+${(f.atMs / 1000).toFixed(1)}s/${(f.downMs / 1000).toFixed(1)}s`).join('  ')}`);
    const loadStarted = Date.now();
    o.say(`开始加压 (load starts): ${o.rate} 件/秒，${o.durationMs / 1000}s`);
    const faultsDone = runFaults(stack, plan, loadStarted);
    // The load outlasts the last fault, so that the stack is seen working again under load.
    const until = Promise.all([sleep(o.durationMs), faultsDone.then(() => sleep(10_000))]).then(() => o.say('停止新增请求 (arrivals stop)'));
    const arrivals = await runLoad({ rate: o.rate, random: random.fork(), until, context: { client, ledger, runId: `s${o.seed}r${o.round}`, thinkScale: 1 } });
    const faults = await faultsDone;
    o.say(`加压结束 (load done): ${arrivals} 件到达，用时 ${((Date.now() - loadStarted) / 1000).toFixed(1)}s`);

    const db = createDb(endpoints.databaseUrl, { max: 4 });
    const connection = await Connection.connect({ address: endpoints.temporalAddress });
    try {
      const temporal = new Client({ connection, namespace: endpoints.namespace, dataConverter: dataConverterFor(parsePayloadKeys(endpoints.payloadKeys)) });
      const accepted = ledger.intakes.flatMap((i) => (i.caseId ? [i.caseId] : []));
      const settled = await settle(new Observer(db, temporal), accepted, { graceMs: o.graceMs, timeoutMs: o.settleTimeoutMs, say: o.say });
      o.say(`读回 ${settled.observation.cases.size} 件案件 (cases read back)，等待稳定 ${(settled.waitedMs / 1000).toFixed(1)}s`);
      const verdict = verifyRound({ ledger, observation: settled.observation, policy: drillPolicy, faults, graceMs: o.graceMs });
      passed = verdict.ok;
      return {
        verdict,
        ledger,
        arrivals,
        faults,
        unplannedExits: stack.unplannedExits,
        settled: settled.settled,
        settleMs: settled.waitedMs,
        dir,
        kept: o.keep || !verdict.ok,
        tookMs: Date.now() - started,
      };
    } finally {
      await Promise.all([db.destroy(), connection.close()]);
    }
  } finally {
    await stack.stop();
    o.onStack(null);
    if (passed && !o.keep) await fs.rm(dir, { recursive: true, force: true });
  }
}
