/**
 * Smart dispatch through the API, on a real stack: the answer's shape, who may ask, duplicates among open cases
 * of the caller's area, corrections recorded as examples, training through the CLI (with an imported history),
 * the API loading the new model without a restart, and the scheduled training workflow.
 */
import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { createApp } from '../../api/app';
import { createLogger } from '../../config/logger';
import { demo } from '../../db/seeds/demo-city';
import { commands, type CliContext } from '../../scripts/cli';
import { loadEnv } from '../../config/env';
import { TriageModels } from '../../triage/models';
import { ensureTriageTrainingSchedule } from '../../worker/triage-schedule';
import { cableIntake } from '../support/fixtures';
import { startTestStack, type TestStack } from '../support/stack';
import { waitFor } from '../security/support';

const { users: u, communities: c, categories: k, units } = demo;

let stack: TestStack;
const opened: string[] = [];
const suggest = (body: unknown, as: string = u.clerk) => stack.call('POST', '/api/v1/triage/suggestions', { as, body });

beforeAll(async () => {
  stack = await startTestStack({ ownDatabase: true });
}, 120_000);
afterAll(async () => {
  for (const id of opened) await stack.call('POST', `/api/v1/cases/${id}/withdraw`, { as: u.clerk, body: { reason: '测试结束，撤回' } });
  await stack?.stop();
});

async function open(over: Record<string, unknown>): Promise<any> {
  const res = await stack.call('POST', '/api/v1/cases', { as: u.clerk, body: cableIntake(over) });
  if (res.status !== 201) throw new Error(`open: ${res.status} ${JSON.stringify(res.body)}`);
  opened.push(res.body.id);
  return res.body;
}

describe('POST /api/v1/triage/suggestions', () => {
  it('answers categories best first (at least three), units from the responsibility list, and the model', async () => {
    const res = await suggest({ title: '线缆耷拉', description: '俺家门口的网线耷拉下来了，快碰到头了，大货车过不去', location: { communityId: c.xiaochi } });
    expect(res.status).toBe(200);
    const { categories, units: proposed, duplicates, model } = res.body;
    expect(categories.length).toBeGreaterThanOrEqual(3);
    expect(categories[0]).toMatchObject({ category: k.cableSagging, name: '通信线缆下垂' });
    expect(categories.map((x: { score: number }) => x.score)).toEqual([...categories.map((x: { score: number }) => x.score)].sort((a, b) => b - a));
    // 岩峪村's designation in the seed list: 移动 leads, 电信, 广电 and 联通 cooperate.
    expect(proposed[0]).toMatchObject({ unitId: units.mobile, role: 'lead', name: '中国移动林州分公司' });
    expect(proposed.filter((x: { role: string }) => x.role === 'cooperating').map((x: { unitId: string }) => x.unitId).sort()).toEqual(
      [units.telecom, units.cable, units.unicom].sort(),
    );
    expect(Array.isArray(duplicates)).toBe(true);
    expect(model).toEqual({ version: expect.any(Number), trainedAt: expect.any(String), examples: expect.any(Number) });
    expect(model.examples).toBeGreaterThan(18 * 40);
  });

  it('uses the local responsibility list of the place (the towns keep their own street lights)', async () => {
    const res = await suggest({ description: '村里的路灯黑地儿一个都不亮', location: { communityId: c.yanyu } }, u.clerk);
    expect(res.body.categories[0].category).toBe(k.streetLight);
    expect(res.body.units[0]).toMatchObject({ unitId: units.power, role: 'lead' });
  });

  it('proposes an open case about the same problem nearby, within the caller’s area only', async () => {
    const primary = await open({
      category: k.manholeCover,
      title: '和谐路口井盖破碎',
      description: '和谐路与振林路口东侧井盖碎裂，车辆碾压有响声',
      location: { communityId: c.xiaochi, address: '小池社区和谐路与振林路口', lat: 36.0801, lng: 113.8201 },
    });
    const other = await open({ category: k.noise, title: '广场舞太吵', description: '晚上广场舞音响太大声', location: { communityId: c.xiaochi, address: '小池社区广场' } });
    const body = { description: '和谐路口那个井盖碎了，车一压哐哐响', location: { communityId: c.xiaochi, lat: 36.08012, lng: 113.82013 } };
    const res = await suggest(body, u.grid);
    expect(res.status).toBe(200);
    expect(res.body.categories[0].category).toBe(k.manholeCover);
    const found = res.body.duplicates.find((d: { id: string }) => d.id === primary.id);
    expect(found).toMatchObject({ caseNo: primary.caseNo, title: '和谐路口井盖破碎', score: expect.any(Number), reason: expect.stringContaining('相距约') });
    expect(found.reason).toContain('井盖破损');
    expect(res.body.duplicates.map((d: { id: string }) => d.id)).not.toContain(other.id);
    // 岩峪村's grid worker does not see cases of 小池社区.
    const outside = await suggest(body, u.gridYanyu);
    expect(outside.status).toBe(200);
    expect(outside.body.duplicates).toEqual([]);
  });

  it('is for clerks, grid workers and dispatchers; refuses an unknown place and a body without a description', async () => {
    const body = { description: '路灯不亮' };
    for (const who of [u.clerk, u.grid, u.dispatcherCommunity]) expect((await suggest(body, who)).status).toBe(200);
    for (const who of [u.liaisonMobile, u.supervisorCity, u.admin]) expect((await suggest(body, who)).body.error.code).toBe('FORBIDDEN');
    const unknown = await suggest({ description: '路灯不亮', location: { communityId: '999' } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.details[0].field).toBe('location.communityId');
    expect((await suggest({ title: '路灯' })).status).toBe(400);
    expect((await stack.call('POST', '/api/v1/triage/suggestions', { body })).status).toBe(401);
  });
});

describe('learning from dispatchers', () => {
  it('records a change of category as a correction, and every dispatch with the units chosen against the proposal', async () => {
    const wrong = await open({ category: k.utilityPole, title: '网线垂下来了', description: '楼前网线垂到人头顶，快递车都挂着了', location: { communityId: c.xiaochi, address: '小池社区8号楼' } });
    const fixed = await stack.call('POST', `/api/v1/cases/${wrong.id}/category`, { as: u.dispatcherCommunity, body: { category: k.cableSagging, note: '是线缆下垂' } });
    expect(fixed.status).toBe(200);
    expect(fixed.body).toMatchObject({ category: k.cableSagging, slaClass: 'general' });
    const again = await stack.call('POST', `/api/v1/cases/${wrong.id}/category`, { as: u.dispatcherCommunity, body: { category: k.cableSagging } });
    expect(again.status).toBe(400);
    expect((await stack.call('POST', `/api/v1/cases/${wrong.id}/category`, { as: u.dispatcherCommunity, body: { category: 'telecom' } })).status).toBe(400);
    expect((await stack.call('POST', `/api/v1/cases/${wrong.id}/category`, { as: u.clerk, body: { category: k.noise } })).status).toBe(403);

    const correction = await stack.db('triage_examples').where({ source: 'correction', case_id: wrong.id }).first();
    expect(correction).toMatchObject({ category_id: k.cableSagging, previous_category_id: k.utilityPole });
    expect(correction.text).toContain('网线垂到人头顶');

    await stack.call('POST', `/api/v1/cases/${wrong.id}/dispatch`, { as: u.dispatcherCommunity, body: { leadUnitId: units.unicom, cooperatingUnitIds: [units.mobile] } });
    const dispatch = await stack.db('triage_examples').where({ source: 'dispatch', case_id: wrong.id }).first();
    expect(dispatch).toMatchObject({ category_id: k.cableSagging, lead_unit_id: units.unicom, cooperating_unit_ids: [units.mobile], proposed_lead_unit_id: units.mobile });
  });

  it('moves the deadlines when the new category has another class (noise reported, a water cut meant)', async () => {
    const wrong = await open({ category: k.noise, title: '水管嗡嗡响', description: '家里没水了，水管一直响', location: { communityId: c.xiaochi, address: '小池社区' } });
    const fixed = await stack.call('POST', `/api/v1/cases/${wrong.id}/category`, { as: u.dispatcherCommunity, body: { category: k.waterSupply } });
    expect(fixed.status).toBe(200);
    expect(fixed.body.slaClass).toBe('utility');
    expect(fixed.body.deadlines.triageBy).not.toBe(wrong.deadlines.triageBy);
    expect(fixed.body.timeline ?? []).toEqual([]);
    const detail = await stack.call('GET', `/api/v1/cases/${wrong.id}`, { as: u.dispatcherCommunity });
    expect(detail.body.timeline.map((e: { type: string }) => e.type)).toContain('recategorized');
  });
});

describe('training', () => {
  function cliContext(out: string[]): CliContext {
    return { env: loadEnv({}), db: async () => stack.db, hint: () => undefined, out: (line) => out.push(line) };
  }

  it('trains through the CLI with an imported history, and the API serves the new version without a restart', async () => {
    const models = new TriageModels(stack.db, undefined, { checkEveryMs: 0 });
    const app = createApp({ db: stack.db, gateway: {} as never, log: createLogger({ level: 'silent', name: 'triage' }), alertFeed: {} as never, triageModels: models });
    const server = await new Promise<import('node:http').Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const token = await stack.tokenFor(u.clerk);
    const ask = async () =>
      (
        await (
          await fetch(`${base}/api/v1/triage/suggestions`, {
            method: 'POST',
            headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
            body: JSON.stringify({ description: '咕嘟泉那边老是冒泡子' }),
          })
        ).json()
      ) as any;
    try {
      const before = await ask();
      // A word the seed never uses, taught by the city's own history: a local name for the water company's pipes.
      const file = path.join(os.tmpdir(), `triage-import-${randomUUID()}.jsonl`);
      const lines = Array.from({ length: 12 }, (_, i) => JSON.stringify({ id: `old-${i}`, text: `咕嘟泉那边又冒泡子了 ${i}`, category: k.waterSupply }));
      await fs.writeFile(file, `${lines.join('\n')}\n`);
      const out: string[] = [];
      await commands.train!.run(['--import', file], cliContext(out));
      await fs.rm(file, { force: true });
      const trained = JSON.parse(out[0]!);
      expect(trained).toMatchObject({ version: expect.any(Number), examples: expect.any(Number), sources: expect.objectContaining({ seed: 757, import: 12 }) });
      expect(trained.version).toBeGreaterThan(before.model.version);
      expect(await stack.db('triage_examples').where({ source: 'import' }).count('* as n').first()).toEqual({ n: '12' });

      const after = await ask();
      expect(after.model.version).toBe(trained.version);
      expect(after.categories[0].category).toBe(k.waterSupply);

      await expect(commands.train!.run(['--exclude', 'nonsense'], cliContext([]))).rejects.toThrow('--exclude');
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('retrains on the Temporal Schedule: created once, its workflow stores a new model', async () => {
    const scheduleId = `triage-training-test-${randomUUID().slice(0, 8)}`;
    const before = await stack.db('triage_models').max('version as v').first();
    expect(await ensureTriageTrainingSchedule(stack.client, { taskQueue: stack.taskQueue, scheduleId })).toBe('created');
    expect(await ensureTriageTrainingSchedule(stack.client, { taskQueue: stack.taskQueue, scheduleId })).toBe('exists');
    const handle = stack.client.schedule.getHandle(scheduleId);
    try {
      expect((await handle.describe()).spec.timezone).toBe('Asia/Shanghai');
      await handle.trigger();
      const stored = await waitFor(() => stack.db('triage_models').where('version', '>', before?.v ?? 0).andWhere({ trigger: 'schedule' }).first(), 60_000);
      expect(stored.examples).toBeGreaterThan(700);
    } finally {
      await handle.delete();
    }
  }, 90_000);
});
