/**
 * Done, as issue 14 says it: a client configured only with the base URL, a jurisdiction id and an api key
 * lists the services, posts a request with a point inside the demo city, reads it back by id and by date
 * window, and sees it become `closed` once the case is resolved through the jiesu API. Calls are made the way
 * FixMyStreet makes them (XML, the endpoint ending in `/`, jurisdiction_id on every call, api_key on POSTs,
 * a form-encoded POST with lat/long, first/last name, email, phone, media_url, attribute[...]); every JSON
 * answer is checked against the GeoReport v2 schemas, and XML answers are read with a real XML parser and
 * compared with their JSON twins.
 */
import { demo, demoPlaces } from '../../db/seeds/demo-city';
import { getOpen311Request } from '../../db/queries/open311-clients';
import { arrange } from '../support/arrange';
import { startTestStack, type TestStack } from '../support/stack';
import { insideBox, issueOpen311Key, open311Client, schema, validate, w3cdtfPattern, type Answer } from './support';

const { users: u, communities: c, categories: k, units } = demo;

let stack: TestStack;
let client: ReturnType<typeof open311Client>;
const a = arrange(() => stack);
const opened: string[] = [];

beforeAll(async () => {
  stack = await startTestStack({ ownDatabase: true });
  const apiKey = await issueOpen311Key(stack.db, 'FixMyStreet 林州');
  client = open311Client({ endpoint: `${stack.baseUrl}/open311/v2/`, jurisdictionId: demo.cityId, apiKey });
}, 120_000);
afterAll(async () => {
  for (const id of opened) await stack.call('POST', `/api/v1/cases/${id}/withdraw`, { as: u.clerk, body: { reason: '测试结束，撤回' } });
  await a.withdrawAll();
  await stack?.stop();
});

/** XML values are text: the JSON twin with every scalar as the text XML carries (null as the empty element). */
const asXmlText = (v: unknown): unknown => {
  if (v === null) return '';
  if (Array.isArray(v)) return v.map(asXmlText);
  if (typeof v === 'object') return Object.fromEntries(Object.entries(v as object).map(([key, x]) => [key, asXmlText(x)]));
  return String(v);
};

const expectValid = (answer: Answer, schemaFile: string) => {
  expect({ status: answer.status, type: answer.type }).toEqual({ status: 200, type: 'application/json; charset=utf-8' });
  expect(validate(answer.json, schema(schemaFile))).toEqual([]);
};

describe('a GeoReport v2 client, configured with a base URL, a jurisdiction id and an api key', () => {
  let requestId: string;
  const fms = {
    title: '和谐路口路灯不亮',
    detail: '和谐路与开元大道交叉口三盏路灯连续一周不亮，夜间行人看不清路面。',
  };

  it('discovers the endpoint (both formats, text/xml among them, a past changeset)', async () => {
    const json = await client.get('discovery.json');
    expectValid(json, 'discovery.json');
    const endpoint = json.json.endpoints[0];
    expect(endpoint).toEqual({
      specification: 'http://wiki.open311.org/GeoReport_v2',
      url: `${stack.baseUrl}/open311/v2/`,
      changeset: expect.stringMatching(w3cdtfPattern),
      type: 'production',
      formats: ['text/xml', 'application/json'],
    });
    expect(Date.parse(json.json.changeset)).toBeLessThan(Date.now());
    expect(json.json.contact).toContain('林州市');
    const xml = await client.get('discovery.xml');
    expect(xml.type).toBe('text/xml; charset=utf-8');
    expect(xml.text.startsWith('<?xml version="1.0" encoding="utf-8"?>')).toBe(true);
    expect(xml.xml.discovery).toEqual({ ...asXmlText(json.json) as object, endpoints: { endpoint: [{ ...asXmlText(endpoint) as object, formats: { format: ['text/xml', 'application/json'] } }] } });
  });

  it('lists the services: one per leaf category, with its group; XML says the same as JSON', async () => {
    const json = await client.get('services.json');
    expectValid(json, 'services.json');
    const codes = json.json.map((s: { service_code: string }) => s.service_code);
    expect(codes).toEqual(expect.arrayContaining(Object.values(k)));
    expect(codes).toHaveLength(Object.values(k).length);
    expect(json.json.find((s: { service_code: string }) => s.service_code === k.streetLight)).toEqual({
      service_code: k.streetLight,
      service_name: '路灯故障',
      description: '路灯不亮、遮挡、损坏',
      metadata: true,
      type: 'realtime',
      keywords: null,
      group: '市政设施',
    });
    const xml = await client.get('services.xml');
    expect(xml.xml.services.service).toEqual(asXmlText(json.json));
  });

  it("reads a service's definition (metadata=true): request_type, optional, with its values", async () => {
    const json = await client.get(`services/${k.streetLight}.json`);
    expectValid(json, 'service-definition.json');
    expect(json.json.attributes).toEqual([
      expect.objectContaining({ code: 'request_type', datatype: 'singlevaluelist', required: false, variable: true, order: 1 }),
    ]);
    expect(json.json.attributes[0].values.map((v: { key: string }) => v.key)).toEqual(['consultation', 'help', 'complaint', 'report', 'suggestion']);
    const xml = await client.get(`services/${k.streetLight}.xml`);
    const attribute = json.json.attributes[0];
    expect(xml.xml.service_definition).toEqual({
      service_code: k.streetLight,
      attributes: { attribute: [{ ...(asXmlText(attribute) as object), values: { value: asXmlText(attribute.values) } }] },
    });
  });

  it('posts a request as FixMyStreet does (XML, lat/long inside 小池社区): a real case opens at once', async () => {
    const point = insideBox(demoPlaces[c.xiaochi]!.box!);
    const res = await client.post('requests.xml', [
      ['service_code', k.streetLight],
      ['lat', String(point.lat)],
      ['long', String(point.lng)],
      ['description', `${fms.title}\n\n${fms.detail}\n\nhttps://fixmystreet.example/report/42`],
      ['first_name', '凤'],
      ['last_name', '郭'],
      ['email', 'guofeng@example.com'],
      ['phone', '138 0000 5678'],
      ['media_url', 'https://fixmystreet.example/photo/42.jpeg'],
      ['attribute[request_type]', 'report'],
      ['attribute[fms_extra_title]', '女士'],
      ['device_id', 'device-7'],
    ]);
    expect({ status: res.status, type: res.type }).toEqual({ status: 200, type: 'text/xml; charset=utf-8' });
    const [created] = res.xml.service_requests.request;
    expect(created.service_request_id).toMatch(/^\d{14,}$/);
    expect(created.service_notice).toContain(created.service_request_id);
    requestId = created.service_request_id;
    opened.push(requestId);

    // The same case as POST /api/v1/cases opens: the same workflow, in triage, channel open311, by the client's clerk.
    const { body: kase } = await stack.call('GET', `/api/v1/cases/${requestId}`, { as: u.clerk });
    expect(kase).toMatchObject({
      caseNo: requestId,
      status: 'triage',
      tier: 'community',
      channel: 'open311',
      category: k.streetLight,
      requestType: 'report',
      urgency: 'normal',
      slaClass: 'general',
      title: fms.title,
      location: { communityId: c.xiaochi, streetId: demo.streets.kaiyuan, cityId: demo.cityId, lat: point.lat, lng: point.lng, address: '开元街道小池社区' },
      reporter: { name: '郭凤', phone: '13800005678' },
      attachments: [{ url: 'https://fixmystreet.example/photo/42.jpeg', kind: 'image' }],
    });
    expect(kase.description).toContain(fms.detail);
    const opening = kase.timeline.find((e: { type: string }) => e.type === 'case_opened');
    expect(opening.actor).toMatchObject({ role: 'clerk', displayName: 'Open311 客户端：FixMyStreet 林州' });
    // What the case does not hold is kept beside it, privately: the client, email, device, every attribute.
    expect(await getOpen311Request(stack.db, requestId)).toMatchObject({
      client_name: 'FixMyStreet 林州',
      email: 'guofeng@example.com',
      device_id: 'device-7',
      attributes: { request_type: ['report'], fms_extra_title: ['女士'] },
    });
  });

  it('reads it back by id, in JSON and XML, without the reporter', async () => {
    const json = await client.get(`requests/${requestId}.json`);
    expectValid(json, 'requests.json');
    expect(json.json).toHaveLength(1);
    const [request] = json.json;
    expect(request).toMatchObject({
      service_request_id: requestId,
      status: 'open',
      service_code: k.streetLight,
      service_name: '路灯故障',
      address: '开元街道小池社区',
      address_id: null,
      zipcode: null,
      media_url: 'https://fixmystreet.example/photo/42.jpeg',
    });
    expect(typeof request.lat).toBe('number');
    for (const field of ['requested_datetime', 'updated_datetime']) expect(request[field]).toMatch(w3cdtfPattern);
    for (const personal of ['郭凤', '13800005678', '138 0000 5678', 'guofeng@example.com', 'device-7']) expect(json.text).not.toContain(personal);
    const xml = await client.get(`requests/${requestId}.xml`);
    expect(xml.xml.service_requests.request).toEqual(asXmlText(json.json));
  });

  it('finds it in a date window (FixMyStreet fetch-reports: the last hour) and by a service_request_id list', async () => {
    const now = new Date();
    const window = { start_date: new Date(now.getTime() - 3_600_000).toISOString().replace(/\.\d+Z$/, 'Z'), end_date: new Date(now.getTime() + 60_000).toISOString() };
    const json = await client.get('requests.json', window);
    expectValid(json, 'requests.json');
    expect(json.json.map((r: { service_request_id: string }) => r.service_request_id)).toContain(requestId);
    const xml = await client.get('requests.xml', { ...window, status: 'open', service_code: `${k.streetLight},${k.drainage}` });
    expect(xml.xml.service_requests.request.map((r: { service_request_id: string }) => r.service_request_id)).toContain(requestId);
    // A window that ended before it was made does not hold it.
    const before = await client.get('requests.json', { start_date: '2026-01-01T00:00:00+08:00', end_date: '2026-01-02T00:00:00+08:00' });
    expect(before.json).toEqual([]);
    // open311-update-reports: `service_request_id=a,b,c` overrides every other filter (a closed-only filter included).
    const byIds = await client.get('requests.xml', { service_request_id: `${requestId},20990101999999`, status: 'closed' });
    expect(byIds.xml.service_requests.request.map((r: { service_request_id: string }) => r.service_request_id)).toEqual([requestId]);
  });

  it('follows the case: a progress note becomes status_notes, then `closed` with the resolution once resolved', async () => {
    await a.act(requestId, 'dispatch', u.dispatcherCommunity, { leadUnitId: units.urban });
    await a.act(requestId, 'accept', u.liaisonUrban, { note: '明天到现场' });
    await a.act(requestId, 'progress', u.liaisonUrban, { note: '已安排维修班组更换灯具' });
    const inProgress = (await client.get(`requests/${requestId}.json`)).json[0];
    expect(inProgress).toMatchObject({ status: 'open', status_notes: '已安排维修班组更换灯具', agency_responsible: '林州市城市管理局' });
    expect(inProgress.expected_datetime).toMatch(w3cdtfPattern);

    const resolved = await a.act(requestId, 'resolve', u.liaisonUrban, { summary: '三盏路灯已更换灯具，恢复照明' });
    expect(resolved.status).toBe('resolved');
    // As FixMyStreet's open311-update-reports asks for it: XML, by id.
    const xml = await client.get('requests.xml', { service_request_id: requestId });
    const [request] = xml.xml.service_requests.request;
    expect(request).toMatchObject({ service_request_id: requestId, status: 'closed', status_notes: '三盏路灯已更换灯具，恢复照明' });
    expect(request.updated_datetime).toMatch(w3cdtfPattern);
    expect(Date.parse(request.updated_datetime)).toBe(Math.floor(Date.parse(resolved.resolvedAt) / 1000) * 1000);
    const json = await client.get(`requests/${requestId}.json`);
    expectValid(json, 'requests.json');
    expect(json.json[0].status).toBe('closed');
    const closed = await client.get('requests.json', { status: 'closed' });
    expect(closed.json.map((r: { service_request_id: string }) => r.service_request_id)).toContain(requestId);
  });

  it('takes multipart/form-data and JSON, and places a request by address_string or by the nearest village centroid', async () => {
    const byName = await client.post(
      'requests.json',
      [
        ['service_code', k.drainage],
        ['address_string', '开元街道瓦窑社区幸福路12号'],
        ['description', '下水道堵塞，污水漫到路面'],
      ],
      { multipart: true },
    );
    expect(byName.status).toBe(200);
    expect(validate(byName.json, schema('post-response.json'))).toEqual([]);
    const id1 = byName.json[0].service_request_id as string;
    opened.push(id1);
    const { body: case1 } = await stack.call('GET', `/api/v1/cases/${id1}`, { as: u.clerk });
    expect(case1).toMatchObject({ requestType: 'help', location: { communityId: c.wayao, address: '开元街道瓦窑社区幸福路12号' }, reporter: { name: null, phone: null } });

    // 岩峪村 has a centroid and no area: a point 1 km from it is there.
    const village = demoPlaces[c.yanyu]!.centroid;
    const byPoint = await client.post('requests.json', [
      ['service_code', k.cableSagging],
      ['lat', String(village[0] + 0.009)],
      ['long', String(village[1])],
      ['description', '东大线通信线缆下垂'],
    ]);
    expect(byPoint.status).toBe(200);
    const id2 = byPoint.json[0].service_request_id as string;
    opened.push(id2);
    expect((await stack.call('GET', `/api/v1/cases/${id2}`, { as: u.clerk })).body.location.communityId).toBe(c.yanyu);

    // address_id may name a grid: the case is at the grid's community.
    const byGrid = await client.post('requests.json', [
      ['service_code', k.sanitation],
      ['address_id', demo.grids.xiaochi2],
      ['description', '垃圾堆放'],
    ]);
    expect(byGrid.status).toBe(200);
    const id3 = byGrid.json[0].service_request_id as string;
    opened.push(id3);
    expect((await stack.call('GET', `/api/v1/cases/${id3}`, { as: u.clerk })).body.location).toMatchObject({ communityId: c.xiaochi, gridId: demo.grids.xiaochi2 });
  });

  it('lists only what came in through Open311 by default: a hotline case is neither listed nor found', async () => {
    const hotline = await a.open({ channel: 'hotline', requestType: 'complaint', category: k.streetLight });
    const list = await client.get('requests.json');
    expect(list.json.map((r: { service_request_id: string }) => r.service_request_id)).not.toContain(hotline.id);
    expect((await client.get(`requests/${hotline.id}.json`)).status).toBe(404);
    // Newest first.
    const times = list.json.map((r: { requested_datetime: string }) => Date.parse(r.requested_datetime));
    expect([...times].sort((x, y) => y - x)).toEqual(times);
  });
});
