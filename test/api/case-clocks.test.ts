/**
 * The whole life of a case on a real Temporal dev server, with SLA policies of seconds (DOMAIN.md §4–§5):
 * deadlines, warnings, automatic escalation community → street → city, disputes, designation,
 * extensions, pauses, callback expiry, early ends, and the alert list and stream.
 */
import { demo } from '../../db/seeds/demo-city';
import { arrange } from '../support/arrange';
import { eventually } from '../support/eventually';
import { recordHistory } from '../support/histories';
import { startTestStack, TestStack } from '../support/stack';

const { users: u, units } = demo;
let stack: TestStack;
const { open, act, get, alertsOf, setPolicy, withdrawAll } = arrange(() => stack);

beforeAll(async () => {
  stack = await startTestStack({ ownDatabase: true });
});
afterAll(async () => {
  await withdrawAll();
  await stack?.stop();
});
beforeEach(() => setPolicy());

describe('automatic escalation by deadline', () => {
  it('when nobody triages in time, then the case climbs community → street → city with warnings, overdue and escalated alerts, and the city is reminded until it designates', async () => {
    await setPolicy({ triage: 'PT2S', repeatOverdue: 'PT2S', warnAt: 0.5 });
    const { id } = await open();
    const atCity = await eventually(async () => {
      const c = await get(id);
      expect(c.tier).toBe('city');
      return c;
    });
    expect(atCity.escalations.map((e: any) => [e.from, e.to, e.cause])).toEqual([
      ['community', 'street', 'deadline'],
      ['street', 'city', 'deadline'],
    ]);
    expect(atCity.status).toBe('triage');

    const streetAlerts = await alertsOf(id, u.supervisorStreet);
    expect(streetAlerts.filter((a) => a.tier === 'street').map((a) => a.type)).toEqual(expect.arrayContaining(['overdue', 'escalated']));
    expect(streetAlerts.some((a) => a.type === 'warning' && a.tier === 'community')).toBe(true);
    expect(streetAlerts[0]!.message).toContain(id);

    // Past the city there is nowhere to climb: overdue reminders repeat.
    await eventually(async () => {
      const cityOverdue = (await alertsOf(id)).filter((a) => a.tier === 'city' && a.type === 'overdue');
      expect(cityOverdue.length).toBeGreaterThanOrEqual(3);
    });
    expect((await get(id)).overdue).toBe(true);

    await setPolicy();
    const designated = await act(id, 'dispatch', u.dispatcherCity, { leadUnitId: units.mobile, cooperatingUnitIds: [units.telecom] });
    expect(designated).toMatchObject({ mode: 'designated', status: 'dispatched', overdue: false });
    const settled = (await alertsOf(id)).length;
    await new Promise((r) => setTimeout(r, 3000));
    expect((await alertsOf(id)).length).toBe(settled);
    await recordHistory(stack.client, 'escalation-by-deadline-to-city', id);
  });

  it('when a unit does not respond in time, then the case climbs a tier and the unit can still accept, late', async () => {
    await setPolicy({ respond: 'PT2S' });
    const { id } = await open();
    await act(id, 'dispatch', u.dispatcherCommunity, { leadUnitId: units.mobile });
    await eventually(async () => expect((await get(id)).tier).toBe('street'));
    const late = await act(id, 'accept', u.liaisonMobile);
    expect(late.status).toBe('in_progress');
    const timeline = (await get(id)).timeline;
    expect(timeline.find((e: any) => e.type === 'assignment_accepted').data.late).toBe(true);
    await recordHistory(stack.client, 'respond-missed-late-accept', id);
  });
});

describe('responsibility decisions', () => {
  it('when the lead unit rejects twice, then it is a dispute (派单争议) decided one tier up', async () => {
    const { id } = await open();
    await act(id, 'dispatch', u.dispatcherCommunity, { leadUnitId: units.mobile });
    await act(id, 'reject', u.liaisonMobile, { reason: '线缆产权不属于移动公司' });
    await act(id, 'dispatch', u.dispatcherCommunity, { leadUnitId: units.telecom });
    const disputed = await act(id, 'reject', u.liaisonTelecom, { reason: '线缆产权也不属于电信公司' });
    expect(disputed).toMatchObject({ status: 'triage', tier: 'street' });
    expect(disputed.escalations.at(-1)).toMatchObject({ from: 'community', to: 'street', cause: 'dispute' });
    const types = (await alertsOf(id, u.supervisorStreet)).map((a) => a.type);
    expect(types.filter((t) => t === 'rejected')).toHaveLength(2);
    expect(types).toContain('escalated');
    // At the street the same rule: the first rejection goes back to the street's dispatcher (改派), the
    // second is a dispute for the city, which designates.
    await act(id, 'dispatch', u.dispatcherStreet, { leadUnitId: units.cable });
    const back = await act(id, 'reject', u.liaisonCable, { reason: '非广电线路，无法处理' });
    expect(back).toMatchObject({ tier: 'street', status: 'triage' });
    await act(id, 'dispatch', u.dispatcherStreet, { leadUnitId: units.unicom });
    const toCity = await act(id, 'reject', u.liaisonUnicom, { reason: '非联通线路，无法处理' });
    expect(toCity).toMatchObject({ tier: 'city', status: 'triage' });
    expect(toCity.escalations.at(-1)).toMatchObject({ from: 'street', to: 'city', cause: 'dispute' });
    await recordHistory(stack.client, 'two-rejections-dispute', id);
  });

  it('when the city designates lead and cooperating units, then a unit that tries to reject gets 409 and must accept', async () => {
    const { id } = await open();
    await act(id, 'escalate', u.dispatcherCommunity, { reason: '涉及4家运营商，社区无法厘清责任' });
    await act(id, 'escalate', u.dispatcherStreet, { reason: '镇平台无法明确责任单位' });
    const designated = await act(id, 'dispatch', u.dispatcherCity, {
      leadUnitId: units.mobile,
      cooperatingUnitIds: [units.telecom, units.cable, units.unicom],
    });
    expect(designated.mode).toBe('designated');
    const refused = await stack.call('POST', `/api/v1/cases/${id}/reject`, { as: u.liaisonTelecom, body: { reason: '不是我们的线缆' } });
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toContain('指定办');
    for (const liaison of [u.liaisonMobile, u.liaisonTelecom, u.liaisonCable, u.liaisonUnicom]) await act(id, 'accept', liaison);
    expect((await get(id)).status).toBe('in_progress');
    await recordHistory(stack.client, 'manual-escalation-city-designation', id);
  });

  it('when a case has one lead and five cooperating units, then each decides for itself and only the lead resolves', async () => {
    const { id } = await open({ category: demo.categories.utilityPole, title: '电杆倾斜存在安全隐患' });
    const cooperating = [units.urban, units.housing, units.mobile, units.unicom, units.telecom];
    const dispatched = await act(id, 'dispatch', u.dispatcherCommunity, { leadUnitId: units.power, cooperatingUnitIds: cooperating });
    expect(dispatched.assignments.map((a: any) => a.role)).toEqual(['lead', ...cooperating.map(() => 'cooperating')]);
    expect(dispatched.assignments.every((a: any) => a.respondBy)).toBe(true);
    for (const liaison of [u.liaisonPower, u.liaisonUrban, u.liaisonMobile, u.liaisonUnicom, u.liaisonTelecom]) await act(id, 'accept', liaison);
    await act(id, 'progress', u.liaisonPower, { note: '已联合现场勘查，明日拆除' });
    await act(id, 'resolve', u.liaisonUrban, { summary: '协办单位不能办结' }, 403);
    const resolved = await act(id, 'resolve', u.liaisonPower, { summary: '32小时内联合拆除危险电杆' });
    expect(resolved.status).toBe('resolved');
    expect(resolved.assignments.find((a: any) => a.unitId === units.housing).state).toBe('pending');
    await recordHistory(stack.client, 'one-lead-five-cooperating', id);
  });
});

describe('work, extension, pause and closure', () => {
  async function inProgress() {
    const { id } = await open();
    await act(id, 'dispatch', u.dispatcherCommunity, { leadUnitId: units.mobile });
    return act(id, 'accept', u.liaisonMobile);
  }

  it('when an extension is approved, then resolveBy moves by the duration and the earlier deadline stays on record', async () => {
    const c = await inProgress();
    const before = c.deadlines.resolveBy;
    const pending = await stack.call('POST', `/api/v1/cases/${c.id}/extension`, { as: u.liaisonMobile, body: { duration: 'P2D', reason: '需协调断路施工' } });
    expect(pending.status).toBe(202);
    expect(pending.body.extension).toMatchObject({ state: 'pending', duration: 'P2D' });
    expect(pending.body.deadlines.resolveBy).toBe(before);
    expect((await alertsOf(c.id, u.supervisorStreet)).map((a) => a.type)).toContain('extension_requested');
    await act(c.id, 'extension/decision', u.dispatcherStreet, { approve: true }, 403);
    const approved = await act(c.id, 'extension/decision', u.supervisorStreet, { approve: true, note: '同意' });
    expect(Date.parse(approved.deadlines.resolveBy) - Date.parse(before)).toBe(2 * 86_400_000);
    expect(approved.extension).toMatchObject({ state: 'approved', previousResolveBy: before });
    const again = await stack.call('POST', `/api/v1/cases/${c.id}/extension`, { as: u.liaisonMobile, body: { duration: 'P1D', reason: '再延一天' } });
    expect(again.status).toBe(409);
    const tooLong = await stack.call('POST', `/api/v1/cases/${c.id}/extension`, { as: u.liaisonMobile, body: { duration: 'P3M', reason: 'x' } });
    expect(tooLong.status).toBe(400);
    await recordHistory(stack.client, 'extension-approved', c.id);
  });

  it('when a refused extension, then resolveBy does not move', async () => {
    const c = await inProgress();
    await act(c.id, 'extension', u.liaisonMobile, { duration: 'P1D', reason: '理由' }, 202);
    const refused = await act(c.id, 'extension/decision', u.supervisorCity, { approve: false, note: '不同意' });
    expect(refused.deadlines.resolveBy).toBe(c.deadlines.resolveBy);
    expect(refused.extension.state).toBe('refused');
  });

  it('when the unit waits for the citizen, then the resolve clock pauses visibly and resumes moved by the wait', async () => {
    const c = await inProgress();
    const paused = await act(c.id, 'pause', u.liaisonMobile, { reason: '等待诉求人提供具体位置照片' });
    expect(paused.paused.reason).toContain('照片');
    await new Promise((r) => setTimeout(r, 1500));
    const resumed = await act(c.id, 'resume', u.liaisonMobile, { note: '已收到照片' });
    expect(resumed.paused).toBeNull();
    const moved = Date.parse(resumed.deadlines.resolveBy) - Date.parse(c.deadlines.resolveBy);
    const waited = Date.parse(resumed.updatedAt) - Date.parse(paused.updatedAt);
    expect(Math.abs(moved - waited)).toBeLessThan(1000);
    expect(moved).toBeGreaterThanOrEqual(1000);
    await recordHistory(stack.client, 'pause-and-resume', c.id);
  });

  it('when the wait for the citizen outlasts the policy’s maxPause, then the resolve clock runs again by itself', async () => {
    await setPolicy({ maxPause: 'PT2S' });
    const c = await inProgress();
    const paused = await act(c.id, 'pause', u.liaisonMobile, { reason: '等待诉求人补充材料' });
    expect(paused.timeLeft.resolveBy).toContain('暂停计时');
    const resumed = await eventually(async () => {
      const now = await get(c.id);
      expect(now.paused).toBeNull();
      return now;
    });
    expect(resumed.timeline.some((e: any) => e.type === 'resumed' && e.actor === null)).toBe(true);
    expect(Date.parse(resumed.deadlines.resolveBy)).toBeGreaterThan(Date.parse(c.deadlines.resolveBy));
  });

  it('when nobody calls back within the window, then the case closes as not rated', async () => {
    await setPolicy({ callback: 'PT2S' });
    const { id } = await open({ category: demo.categories.manholeCover }, u.grid);
    await act(id, 'handle-directly', u.grid, { note: '当场更换井盖' });
    const resolved = await act(id, 'resolve', u.grid, { summary: '井盖已更换' });
    expect(resolved.deadlines.callbackBy).toBeTruthy();
    const closed = await eventually(async () => {
      const now = await get(id);
      expect(now.status).toBe('closed');
      return now;
    });
    expect(closed).toMatchObject({ notRated: true, rating: null });
    await recordHistory(stack.client, 'callback-window-expired', id);
  });

  it('when the citizen withdraws or the case is merged into another, then it ends early and its workflow completes', async () => {
    const a = await open({ title: '并单主案件' });
    const b = await open({ title: '重复诉求' });
    const merged = await act(b.id, 'merge', u.dispatcherCommunity, { intoCaseId: a.id });
    expect(merged).toMatchObject({ status: 'merged', mergedInto: a.id });
    // A primary that does not exist is answered like one outside the area: 404, so existence never leaks.
    await act(b.id, 'merge', u.dispatcherCommunity, { intoCaseId: '19990101000000' }, 404);
    await eventually(async () => expect((await get(a.id)).duplicates).toEqual([b.id]));
    expect((await get(a.id)).timeline.some((e: any) => e.type === 'duplicate_merged' && e.data.caseId === b.id)).toBe(true);
    const withdrawn = await act(a.id, 'withdraw', u.clerk, { reason: '诉求人表示问题已自行解决' });
    expect(withdrawn.status).toBe('withdrawn');
    await stack.client.workflow.getHandle(`case-${a.id}`).result();
    await recordHistory(stack.client, 'merged', b.id);
    await recordHistory(stack.client, 'withdrawn', a.id);
  });

  it('when a community convenes the parties (商定办), then the named units start accepted and the plan is on the case', async () => {
    const { id } = await open({ category: demo.categories.roadDamage, title: '商户步道路面塌陷' });
    const agreed = await act(id, 'agreement', u.dispatcherCommunity, {
      leadUnitId: units.cable,
      cooperatingUnitIds: [units.urban],
      participants: [{ name: '豫广网络负责人', unitId: units.cable }, { name: '社区网格员秦军慧', role: '网格员' }],
      plan: '先排查管线、再回填硬化',
    });
    expect(agreed).toMatchObject({ mode: 'negotiated', status: 'in_progress' });
    expect(agreed.assignments.map((a: any) => a.state)).toEqual(['accepted', 'accepted']);
    expect(agreed.agreement.plan).toBe('先排查管线、再回填硬化');
    expect(agreed.deadlines.resolveBy).toBeTruthy();
    await recordHistory(stack.client, 'negotiated-agreement', id);
  });
});

describe('the alert stream', () => {
  async function readEvents(res: Response, count: number, timeoutMs = 10_000): Promise<{ id: string; data: any }[]> {
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    const events: { id: string; data: any }[] = [];
    const deadline = Date.now() + timeoutMs;
    while (events.length < count && Date.now() < deadline) {
      const chunk = await Promise.race([reader.read(), new Promise<null>((r) => setTimeout(() => r(null), 500))]);
      if (chunk && !chunk.done) buffer += decoder.decode(chunk.value, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const id = /^id: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (id && data) events.push({ id, data: JSON.parse(data) });
      }
    }
    await reader.cancel();
    return events;
  }

  it('delivers each alert once as it happens, and a client reconnecting with Last-Event-ID misses nothing', async () => {
    const token = await stack.tokenFor(u.supervisorCity);
    const headers = { authorization: `Bearer ${token}` };
    const live = await fetch(`${stack.baseUrl}/api/v1/alerts/stream`, { headers });
    expect(live.headers.get('content-type')).toContain('text/event-stream');
    const { id } = await open();
    await act(id, 'escalate', u.dispatcherCommunity, { reason: '吹哨：涉及多家单位' });
    await act(id, 'escalate', u.supervisorStreet, { reason: '街道吹哨报市级' });
    const seen = await readEvents(live, 2);
    expect(seen.map((e) => [e.data.caseId, e.data.type, e.data.tier])).toEqual([
      [id, 'escalated', 'street'],
      [id, 'escalated', 'city'],
    ]);
    // Reconnect as if the connection dropped after the first event: the second comes again, the first does not.
    const resumed = await fetch(`${stack.baseUrl}/api/v1/alerts/stream`, { headers: { ...headers, 'last-event-id': seen[0]!.id } });
    const replayed = await readEvents(resumed, 1, 3000);
    expect(replayed.map((e) => e.id)).toEqual([seen[1]!.id]);
  });

  it('keeps each supervisor to their own subtree', async () => {
    // One case in each of two streets, each with alerts of its own.
    const inTown = await open({ location: { communityId: demo.communities.yanyu, address: '东岗镇岩峪村' } });
    await act(inTown.id, 'escalate', u.dispatcherTown, { reason: '吹哨：涉及多家单位' });
    const inKaiyuan = await open();
    await act(inKaiyuan.id, 'escalate', u.dispatcherCommunity, { reason: '吹哨：涉及多家单位' });

    const caseIds = async (as: string) =>
      new Set(((await stack.call('GET', '/api/v1/alerts?limit=200', { as })).body.items as { caseId: string }[]).map((a) => a.caseId));
    const town = await caseIds(u.dispatcherTown);
    expect(town.has(inTown.id)).toBe(true);
    expect(town.has(inKaiyuan.id)).toBe(false);
    const kaiyuan = await caseIds(u.supervisorStreet);
    expect(kaiyuan.has(inKaiyuan.id)).toBe(true);
    expect(kaiyuan.has(inTown.id)).toBe(false);
    const city = await caseIds(u.supervisorCity);
    expect([inTown.id, inKaiyuan.id].every((id) => city.has(id))).toBe(true);
    expect((await stack.call('GET', '/api/v1/alerts', { as: u.liaisonMobile })).status).toBe(403);
  });
});
