/**
 * DOMAIN.md §8: the cases the source articles tell, each played through the HTTP API to the end the article
 * describes. Shared by the jest test (test/api/worked-examples.test.ts), which asserts on the answers, and by
 * bench/history-size.ts, which measures the histories the cases leave behind.
 */
import { demo } from '../../db/seeds/demo-city';

const { users: u, units, communities: c, categories: k } = demo;

/** Just enough of an HTTP client: where the API is and how to get a token for a seeded user. */
export interface ExampleClient {
  baseUrl: string;
  tokenFor(username: string): Promise<string>;
}

/** What every example leaves behind: its name and the cases it opened. */
export interface PlayedExample {
  name: string;
  caseIds: string[];
}

/** Somebody acting: a seeded user by name, or a token (the users the examples create). */
type Who = string | { token: string };

export type WorkedExamples = Awaited<ReturnType<typeof prepareWorkedExamples>>;

/**
 * Creates, as the city's admin would, the people the demo seed does not have, and returns the examples ready
 * to play one by one (each resolving to the answers the test asserts on, plus its case ids).
 */
export async function prepareWorkedExamples(client: ExampleClient) {
  async function call(method: string, path: string, who: Who, body?: unknown) {
    const token = typeof who === 'string' ? await client.tokenFor(who) : who.token;
    const res = await fetch(`${client.baseUrl}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  }

  async function expectCreated(method: string, path: string, who: Who, body: unknown) {
    const res = await call(method, path, who, body);
    if (res.status !== 201) throw new Error(`${method} ${path}: expected 201, got ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  async function act(id: string, action: string, who: Who, body: unknown = {}) {
    const res = await call('POST', `/cases/${id}/${action}`, who, body);
    if (res.status >= 300) throw new Error(`${action}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  const report = (who: Who, body: Record<string, unknown>) =>
    expectCreated('POST', '/cases', who, { requestType: 'report', urgency: 'normal', reporter: {}, ...body });
  const closeSatisfied = (id: string) => act(id, 'callback', u.clerk, { rating: 'satisfied' });

  const suffix = Date.now().toString(36);
  const create = async (username: string, body: Record<string, string>): Promise<Who> => {
    const created = await expectCreated('POST', '/users', u.admin, { username: `${username}-${suffix}`, ...body });
    return { token: created.token as string };
  };
  const wayaoDispatcher = await create('wayao', { displayName: '瓦窑社区调度员', role: 'dispatcher', jurisdictionId: c.wayao });
  const longshanDispatcher = await create('longshan', { displayName: '龙山社区调度员', role: 'dispatcher', jurisdictionId: c.longshan });
  const housing = await create('housing', { displayName: '住建局联络员', role: 'liaison', unitId: units.housing });
  const transport = await create('transport', { displayName: '交通局联络员', role: 'liaison', unitId: units.transport });

  return {
    /** 林州 岩峪村: sagging cables of 4 operators go village → town → city, which designates 移动 to lead. */
    async yanyu() {
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
      for (const l of [u.liaisonMobile, u.liaisonTelecom, u.liaisonCable, u.liaisonUnicom]) await act(id, 'accept', l);
      await act(id, 'progress', u.liaisonMobile, { note: '明天到村里整治下垂的通信线缆' });
      await act(id, 'resolve', u.liaisonMobile, { summary: '对下垂线缆集中梳理和抬升，隐患消除' });
      const closed = await closeSatisfied(id);
      return { name: '林州 岩峪村', caseIds: [id], designated, closed };
    },

    /** 林州 瓦窑社区: a pavement collapse; 豫广网络 agrees the repair with the community on site (商定办). */
    async wayao() {
      const { id } = await report(u.clerk, {
        category: k.roadDamage,
        channel: 'gridPatrol',
        title: '商户步道路面塌陷',
        description: '林州市公安局家属院外侧商户步道出现一处路面塌陷，已设置警示标志。',
        location: { communityId: c.wayao, address: '开元街道瓦窑社区' },
      });
      const agreed = await act(id, 'agreement', wayaoDispatcher, {
        leadUnitId: units.cable,
        participants: [{ name: '豫广网络公司负责人', unitId: units.cable }, { name: '瓦窑社区工作人员', role: '社区' }],
        plan: '先排查管线、再回填硬化',
      });
      await act(id, 'resolve', u.liaisonCable, { summary: '破路、修复管线、回填、硬化，隐患消除' });
      const closed = await closeSatisfied(id);
      return { name: '林州 瓦窑社区', caseIds: [id], agreed, closed };
    },

    /** 林州 龙山社区: a leaking wall; 28 households agree to share the cost at a meeting (商定办). */
    async longshan() {
      const { id } = await report(u.clerk, {
        category: k.drainage,
        channel: 'gridPatrol',
        title: '外墙大面积渗漏',
        description: '相邻楼栋公共下水道堵塞，导致外墙渗漏，涉及28户居民。',
        location: { communityId: c.longshan, address: '龙山街道龙山社区' },
      });
      const agreed = await act(id, 'agreement', longshanDispatcher, {
        leadUnitId: units.housing,
        participants: [{ name: '龙山社区两委' }, { name: '28户居民代表' }, { name: '维修人员' }],
        plan: '疏通公共下水道并修复外墙',
        costSharing: '28户按户分摊维修费用，方案现场公示',
      });
      await act(id, 'resolve', housing, { summary: '两天内疏通下水道、修复外墙' });
      const closed = await closeSatisfied(id);
      return { name: '林州 龙山社区', caseIds: [id], agreed, closed };
    },

    /** 义马: a dangerous utility pole reported in the mini-program, removed jointly by 6 units. */
    async yima() {
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
      for (const who of [u.liaisonPower, u.liaisonUrban, housing, u.liaisonMobile, u.liaisonUnicom, u.liaisonTelecom]) {
        await act(id, 'accept', who);
      }
      await act(id, 'resolve', u.liaisonPower, { summary: '六家单位联合处置，32小时内拆除危险电杆' });
      const closed = await closeSatisfied(id);
      return { name: '义马', caseIds: [id], closed };
    },

    /** 中原区: a street lamp (city app), closed; a cold radiator (7×24 utility class), dispatched. */
    async zhongyuan() {
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
      const lampClosed = await closeSatisfied(lamp.id);

      const heating = await report(u.clerk, {
        requestType: 'complaint',
        category: k.heating,
        channel: 'hotline',
        title: '单元楼暖气不热',
        description: '整栋楼暖气温度偏低。',
        location: { communityId: c.xiaochi, address: '小池社区3号楼' },
      });
      const heatingDispatched = await act(heating.id, 'dispatch', u.dispatcherCommunity, { leadUnitId: units.heating });
      return { name: '中原区', caseIds: [lamp.id, heating.id], lampClosed, heating, heatingDispatched };
    },

    /** 渑池: a truck driver's short video about potholes on national road 310 becomes a tracked case. */
    async mianchi() {
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
      await act(id, 'accept', transport);
      await act(id, 'resolve', transport, { summary: '路面修缮完成，邀请诉求人担任特约监督员' });
      const closed = await closeSatisfied(id);
      return { name: '渑池', caseIds: [id], closed };
    },
  };
}

/** Plays the six examples in the order of DOMAIN.md §8. */
export async function playWorkedExamples(client: ExampleClient): Promise<PlayedExample[]> {
  const examples = await prepareWorkedExamples(client);
  const played: PlayedExample[] = [];
  for (const play of [examples.yanyu, examples.wayao, examples.longshan, examples.yima, examples.zhongyuan, examples.mianchi]) {
    const { name, caseIds } = await play();
    played.push({ name, caseIds });
  }
  return played;
}
