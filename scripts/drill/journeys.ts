/**
 * What happens to one case in the drill, as the people involved would do it: a clerk opens it, then
 * (depending on its journey) a dispatcher dispatches or handles it, liaisons accept or reject, it is
 * resolved and rated, or withdrawn, or left waiting so that its deadlines pass. Every request is recorded
 * in the ledger with its definitive answer.
 */
import type { DrillClient } from './client';
import type { Random } from './random';
import { drillCommands, type DrillCommand, type JourneyKind, type Ledger } from './records';

/** The demo city's place and people the drill uses (db/seeds/demo-city.ts): 小池社区, its street and the city. */
const community = '410581001001';
const dispatcherOf: Record<string, string> = { community: 'dispatcher-community', street: 'dispatcher-street', city: 'dispatcher-city' };
const lead = { unit: 'unit-mobile', liaison: 'liaison-mobile' };
const cooperating = { unit: 'unit-telecom', liaison: 'liaison-telecom' };
const second = { unit: 'unit-unicom', liaison: 'liaison-unicom' };
export const drillUsers = ['admin', 'clerk', ...Object.values(dispatcherOf), lead.liaison, cooperating.liaison, second.liaison];

export interface JourneyContext {
  client: DrillClient;
  ledger: Ledger;
  random: Random;
  /** Distinguishes this run's keys and titles from every other run's. */
  runId: string;
  /** True once the load stops: a journey finishes its current request and takes no further step. */
  stopping: () => boolean;
  /** Scales the pauses between steps (1 = a few seconds). */
  thinkScale: number;
}

export const intakeBody = (title: string, n: number) => ({
  requestType: 'report',
  category: 'cable-sagging',
  urgency: 'normal',
  channel: 'hotline',
  title,
  description: `故障演练第 ${n} 号诉求：和谐路通信线缆下垂，最低处距地面约3米`,
  location: { communityId: community, address: '开元街道小池社区和谐路' },
  reporter: { name: `演练诉求人${n}`, phone: `139${String(n).padStart(8, '0').slice(-8)}` },
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runJourney(kind: JourneyKind, n: number, ctx: JourneyContext): Promise<void> {
  const key = `${ctx.runId}-c${n}`;
  const title = `故障演练 ${ctx.runId} 第${n}号`;
  const sentAt = new Date().toISOString();
  const opened = await ctx.client.send('POST', '/api/v1/cases', 'clerk', intakeBody(title, n), key);
  const caseId: string | null = opened.outcome === 'accepted' ? (opened.body?.id ?? null) : null;
  const answeredAt = new Date().toISOString();
  ctx.ledger.intakes.push({ key, title, journey: kind, outcome: opened.outcome, status: opened.status, code: opened.code, caseId, attempts: opened.attempts, sentAt, answeredAt });
  if (!caseId) return;

  let view: { tier: string; status: string } = opened.body;
  let step = 0;
  /** One decision: think, send it (retried under its key), record the answer; false when it did not go through. */
  const act = async (command: DrillCommand, actor: string, body: unknown): Promise<boolean> => {
    await sleep(ctx.random.between(1000, 6000) * ctx.thinkScale);
    if (ctx.stopping()) return false;
    const decisionKey = `${key}-${++step}-${command}`;
    const sentAt = new Date().toISOString();
    const answer = await ctx.client.send('POST', `/api/v1/cases/${caseId}/${drillCommands[command].path}`, actor, body, decisionKey);
    ctx.ledger.decisions.push({
      key: decisionKey,
      caseId,
      command,
      actor,
      outcome: answer.outcome,
      status: answer.status,
      code: answer.code,
      attempts: answer.attempts,
      sentAt,
      answeredAt: new Date().toISOString(),
    });
    if (answer.outcome === 'accepted' && answer.body?.tier) view = answer.body;
    return answer.outcome === 'accepted';
  };
  const dispatcher = () => dispatcherOf[view.tier] ?? 'dispatcher-community';
  const summary = { summary: '线缆已抬升并固定', evidence: [], explainedUnresolved: false };

  switch (kind) {
    case 'idle':
      return;
    case 'dispatchIdle':
      await act('dispatch', dispatcher(), { leadUnitId: lead.unit });
      return;
    case 'full': {
      const withPartner = ctx.random.next() < 0.5;
      if (!(await act('dispatch', dispatcher(), { leadUnitId: lead.unit, cooperatingUnitIds: withPartner ? [cooperating.unit] : [] }))) return;
      if (!(await act('accept', lead.liaison, { note: '已签收' }))) return;
      if (withPartner && !(await act('accept', cooperating.liaison, {}))) return;
      if (ctx.random.next() < 0.5 && !(await act('noteProgress', lead.liaison, { note: '已到现场查看' }))) return;
      if (!(await act('resolve', lead.liaison, summary))) return;
      await act('callback', 'clerk', { rating: ctx.random.next() < 0.7 ? 'satisfied' : 'basically_satisfied' });
      return;
    }
    case 'reject':
      if (!(await act('dispatch', dispatcher(), { leadUnitId: lead.unit }))) return;
      if (!(await act('reject', lead.liaison, { reason: '该线缆不属于本公司产权，请改派' }))) return;
      if (!(await act('dispatch', dispatcher(), { leadUnitId: second.unit }))) return;
      await act('accept', second.liaison, {});
      return;
    case 'direct':
      // Only the community handles directly; the resolve is the direct handler's; nobody calls back, so the window closes it.
      if (view.tier !== 'community') return;
      if (!(await act('handleDirectly', 'dispatcher-community', { note: '社区当场协调处理' }))) return;
      await act('resolve', 'dispatcher-community', summary);
      return;
    case 'withdraw':
      await sleep(ctx.random.between(2000, 15000) * ctx.thinkScale);
      await act('withdraw', 'clerk', { reason: '诉求人来电撤回' });
      return;
  }
}
