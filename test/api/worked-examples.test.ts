/**
 * DOMAIN.md §8: the cases the source articles tell, each played through the HTTP API to the end the
 * article describes.
 */
import { demo } from '../../db/seeds/demo-city';
import { startTestStack, TestStack } from '../support/stack';

const { users: u, units, communities: c, categories: k } = demo;
let stack: TestStack;
const suffix = Date.now().toString(36);
let extra: Record<'wayaoDispatcher' | 'longshanDispatcher' | 'housing' | 'transport', string>;

beforeAll(async () => {
  stack = await startTestStack();
  // The admin bootstraps the people the demo seed does not have, as a city's admin would.
  const create = async (username: string, body: Record<string, string>) => {
    const res = await stack.call('POST', '/api/v1/users', { as: u.admin, body: { username, ...body } });
    expect(res.status).toBe(201);
    return res.body.token as string;
  };
  extra = {
    wayaoDispatcher: await create(`wayao-${suffix}`, { displayName: '瓦窑社区调度员', role: 'dispatcher', jurisdictionId: c.wayao }),
    longshanDispatcher: await create(`longshan-${suffix}`, { displayName: '龙山社区调度员', role: 'dispatcher', jurisdictionId: c.longshan }),
    housing: await create(`housing-${suffix}`, { displayName: '住建局联络员', role: 'liaison', unitId: units.housing }),
    transport: await create(`transport-${suffix}`, { displayName: '交通局联络员', role: 'liaison', unitId: units.transport }),
  };
});
afterAll(async () => {
  await stack?.stop();
});

type Who = string | { token: string };
const as = (who: Who) => (typeof who === 'string' ? { as: who } : { token: who.token });
const token = (t: string) => ({ token: t });

async function act(id: string, action: string, who: Who, body: unknown = {}) {
  const res = await stack.call('POST', `/api/v1/cases/${id}/${action}`, { ...as(who), body });
  if (res.status >= 300) throw new Error(`${action}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

async function report(who: Who, body: Record<string, unknown>) {
  const res = await stack.call('POST', '/api/v1/cases', { ...as(who), body: { requestType: 'report', urgency: 'normal', reporter: {}, ...body } });
  expect(res.status).toBe(201);
  return res.body;
}

const closeSatisfied = (id: string) => act(id, 'callback', u.clerk, { rating: 'satisfied' });

describe('the worked examples of DOMAIN.md §8', () => {
  it('林州 岩峪村: sagging cables of 4 operators go village → town → city, which designates 移动 to lead with 电信, 广电, 联通', async () => {
    const { id } = await report(u.gridYanyu, {
      category: k.cableSagging,
      channel: 'gridPatrol',
      title: '东大线通信线缆下垂',
      description: '东大线沿途部分通信线缆严重下垂，最低处距地面仅3米，对过往货车构成安全威胁。',
      location: { communityId: c.yanyu, address: '东岗镇岩峪村东大线' },
    });
    await act(id, 'escalate', u.dispatcherTown, { reason: '村网格长核实后上报镇基层治理平台' });
    await act(id, 'escalate', u.dispatcherTown, { reason: '涉及移动、电信、广电、联通4家运营商，单一部门难以厘清责任' });
    const designated = await act(id, 'dispatch', u.dispatcherCity, {
      leadUnitId: units.mobile,
      cooperatingUnitIds: [units.telecom, units.cable, units.unicom],
      note: '依据“指定办”原则，移动公司牵头',
    });
    expect(designated).toMatchObject({ tier: 'city', mode: 'designated' });
    for (const l of [u.liaisonMobile, u.liaisonTelecom, u.liaisonCable, u.liaisonUnicom]) await act(id, 'accept', l);
    await act(id, 'progress', u.liaisonMobile, { note: '明天到村里整治下垂的通信线缆' });
    await act(id, 'resolve', u.liaisonMobile, { summary: '对下垂线缆集中梳理和抬升，隐患消除' });
    const closed = await closeSatisfied(id);
    expect(closed).toMatchObject({ status: 'closed', mode: 'designated', tier: 'city' });
    expect(closed.escalations.map((e: any) => e.cause)).toEqual(['manual', 'manual']);
    expect(closed.assignments.find((a: any) => a.role === 'lead').unitId).toBe(units.mobile);
  });

  it('林州 瓦窑社区: a pavement collapse; 豫广网络 is found responsible and agrees the repair with the community on site (商定办)', async () => {
    const { id } = await report(u.clerk, {
      category: k.roadDamage,
      channel: 'gridPatrol',
      title: '商户步道路面塌陷',
      description: '林州市公安局家属院外侧商户步道出现一处路面塌陷，已设置警示标志。',
      location: { communityId: c.wayao, address: '开元街道瓦窑社区' },
    });
    const agreed = await act(id, 'agreement', token(extra.wayaoDispatcher), {
      leadUnitId: units.cable,
      participants: [{ name: '豫广网络公司负责人', unitId: units.cable }, { name: '瓦窑社区工作人员', role: '社区' }],
      plan: '先排查管线、再回填硬化',
    });
    expect(agreed).toMatchObject({ mode: 'negotiated', status: 'in_progress' });
    await act(id, 'resolve', u.liaisonCable, { summary: '破路、修复管线、回填、硬化，隐患消除' });
    expect(await closeSatisfied(id)).toMatchObject({ status: 'closed', mode: 'negotiated', reopenCount: 0 });
  });

  it('林州 龙山社区: a leaking wall from a blocked shared drain; 28 households agree to share the cost at a meeting, fixed in 2 days', async () => {
    const { id } = await report(u.clerk, {
      category: k.drainage,
      channel: 'gridPatrol',
      title: '外墙大面积渗漏',
      description: '相邻楼栋公共下水道堵塞，导致外墙渗漏，涉及28户居民。',
      location: { communityId: c.longshan, address: '龙山街道龙山社区' },
    });
    const agreed = await act(id, 'agreement', token(extra.longshanDispatcher), {
      leadUnitId: units.housing,
      participants: [{ name: '龙山社区两委' }, { name: '28户居民代表' }, { name: '维修人员' }],
      plan: '疏通公共下水道并修复外墙',
      costSharing: '28户按户分摊维修费用，方案现场公示',
    });
    expect(agreed.agreement.costSharing).toContain('28户');
    await act(id, 'resolve', token(extra.housing), { summary: '两天内疏通下水道、修复外墙' });
    expect((await closeSatisfied(id)).status).toBe('closed');
  });

  it('义马: a dangerous utility pole reported in the mini-program involves 6 units and is removed jointly', async () => {
    const { id } = await report(u.clerk, {
      category: k.utilityPole,
      channel: 'miniProgram',
      title: '电杆倾斜存在安全隐患',
      description: '路边电杆严重倾斜，杆上挂有多家运营商线缆。',
      location: { communityId: c.xiaochi, address: '小池社区和谐路' },
      attachments: [{ url: 'https://files.example.org/pole.jpg', kind: 'image' }],
    });
    await act(id, 'dispatch', u.dispatcherCommunity, {
      leadUnitId: units.power,
      cooperatingUnitIds: [units.urban, units.housing, units.mobile, units.unicom, units.telecom],
    });
    for (const who of [u.liaisonPower, u.liaisonUrban, token(extra.housing), u.liaisonMobile, u.liaisonUnicom, u.liaisonTelecom]) {
      await act(id, 'accept', who);
    }
    await act(id, 'resolve', u.liaisonPower, { summary: '六家单位联合处置，32小时内拆除危险电杆' });
    const closed = await closeSatisfied(id);
    expect(closed.assignments).toHaveLength(6);
    expect(closed.assignments.every((a: any) => a.state === 'accepted')).toBe(true);
  });

  it('中原区: a dark path from a blocked street lamp (city app) and a cold radiator (7×24 utility class) each go to their unit', async () => {
    const lamp = await report(u.clerk, {
      category: k.streetLight,
      channel: 'app',
      title: '路灯被遮挡小路漆黑',
      description: '小区旁小路路灯被树枝遮挡，夜间无法通行。',
      location: { communityId: c.xiaochi, address: '小池社区' },
    });
    await act(lamp.id, 'dispatch', u.dispatcherCommunity, { leadUnitId: units.urban });
    await act(lamp.id, 'accept', u.liaisonUrban);
    await act(lamp.id, 'resolve', u.liaisonUrban, { summary: '修剪遮挡树枝，12小时内恢复照明' });
    expect((await closeSatisfied(lamp.id)).status).toBe('closed');

    const heating = await report(u.clerk, {
      requestType: 'complaint',
      category: k.heating,
      channel: 'hotline',
      title: '单元楼暖气不热',
      description: '整栋楼暖气温度偏低。',
      location: { communityId: c.xiaochi, address: '小池社区3号楼' },
    });
    expect(heating.slaClass).toBe('utility');
    const dispatched = await act(heating.id, 'dispatch', u.dispatcherCommunity, { leadUnitId: units.heating });
    // Utility cases run round the clock: a 2-hour respond deadline in elapsed time.
    expect(Date.parse(dispatched.deadlines.respondBy) - Date.parse(dispatched.dispatchedAt)).toBe(2 * 3600_000);
  });

  it('渑池: a truck driver’s short video about potholes on national road 310 becomes a tracked case', async () => {
    const { id } = await report(u.clerk, {
      requestType: 'complaint',
      category: k.roadDamage,
      channel: 'socialMedia',
      title: '国道310线坑洼不平',
      description: '货运司机通过抖音反映国道310线路段坑洼不平。',
      location: { communityId: c.xiaochi, address: '国道310线' },
      reporter: { name: '张金宝' },
    });
    await act(id, 'dispatch', u.dispatcherCommunity, { leadUnitId: units.transport });
    await act(id, 'accept', token(extra.transport));
    await act(id, 'resolve', token(extra.transport), { summary: '路面修缮完成，邀请诉求人担任特约监督员' });
    const closed = await closeSatisfied(id);
    expect(closed).toMatchObject({ channel: 'socialMedia', status: 'closed', rating: 'satisfied' });
    expect(closed.reporter.name).toBe('张金宝'); // the clerk sees whom to call back
  });
});
