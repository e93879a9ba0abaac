/**
 * Open311's refusals, each with its status and an `errors/error` body in the format asked for: 403 for a
 * missing, unknown or revoked api_key, 404 for an unknown service, request, token, jurisdiction or format,
 * 400 naming the bad argument, 429 past a key's limit; never a 500 for bad input. And the privacy setting:
 * OPEN311_PUBLISH=all lists every case but 举报 reports, never with the reporter.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { createApp } from '../../api/app';
import type { Open311Settings } from '../../api/open311/router';
import { createLogger } from '../../config/logger';
import { demo, demoPlaces } from '../../db/seeds/demo-city';
import { arrange } from '../support/arrange';
import { ownGateway, startTestStack, type TestStack } from '../support/stack';
import { insideBox, issueOpen311Key, open311Client, schema, validate, type Answer } from './support';

const { users: u, communities: c, categories: k } = demo;

let stack: TestStack;
let apiKey: string;
let client: ReturnType<typeof open311Client>;
const a = arrange(() => stack);
const opened: string[] = [];
const servers: Server[] = [];
const point = insideBox(demoPlaces[c.xiaochi]!.box!);

/** Another app on the same database and task queue, with other Open311 settings. */
async function appWith(settings: Partial<Open311Settings>): Promise<string> {
  const app = createApp({
    db: stack.db,
    gateway: ownGateway(stack).gateway,
    log: createLogger({ level: 'silent', name: 'open311-test' }),
    alertFeed: {} as never,
    rateLimitPerMinute: 1_000_000,
    open311: settings,
  });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/open311/v2/`;
}

beforeAll(async () => {
  stack = await startTestStack({ ownDatabase: true });
  apiKey = await issueOpen311Key(stack.db, 'SeeClickFix');
  client = open311Client({ endpoint: `${stack.baseUrl}/open311/v2/`, jurisdictionId: demo.cityId, apiKey });
}, 120_000);
afterAll(async () => {
  for (const s of servers) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
  for (const id of opened) await stack.call('POST', `/api/v1/cases/${id}/withdraw`, { as: u.clerk, body: { reason: '测试结束，撤回' } });
  await a.withdrawAll();
  await stack?.stop();
});

const valid = (over: Record<string, string | null> = {}): [string, string][] =>
  Object.entries({ service_code: k.streetLight, lat: String(point.lat), long: String(point.lng), description: '路灯不亮', ...over }).filter(
    (e): e is [string, string] => e[1] !== null,
  );

/** The refusal in both formats: the status, JSON `[{code, description}]` and XML `errors/error`, the same text. */
async function expectRefusal(call: (format: 'json' | 'xml') => Promise<Answer>, status: number, description: RegExp): Promise<void> {
  const json = await call('json');
  expect({ status: json.status, type: json.type }).toEqual({ status, type: 'application/json; charset=utf-8' });
  expect(validate(json.json, schema('errors.json'))).toEqual([]);
  expect(json.json[0]).toEqual({ code: status, description: expect.stringMatching(description) });
  const xml = await call('xml');
  expect({ status: xml.status, type: xml.type }).toEqual({ status, type: 'text/xml; charset=utf-8' });
  expect(xml.xml.errors.error[0]).toEqual({ code: String(status), description: json.json[0].description });
}

describe('api_key', () => {
  it('a POST without one, with an unknown one, or with a revoked one is a 403', async () => {
    const anonymous = open311Client({ endpoint: `${stack.baseUrl}/open311/v2/`, jurisdictionId: demo.cityId });
    await expectRefusal((f) => anonymous.post(`requests.${f}`, valid()), 403, /api_key/);
    const forged = open311Client({ endpoint: `${stack.baseUrl}/open311/v2/`, apiKey: 'o311_forged-key-that-was-never-issued' });
    await expectRefusal((f) => forged.post(`requests.${f}`, valid()), 403, /api_key 无效/);

    const revokedKey = await issueOpen311Key(stack.db, '已吊销的客户端');
    const revoked = open311Client({ endpoint: `${stack.baseUrl}/open311/v2/`, apiKey: revokedKey });
    const { body } = await stack.call('GET', '/api/v1/open311/clients', { as: u.admin });
    const id = body.items.find((x: { name: string }) => x.name === '已吊销的客户端').id;
    expect((await stack.call('DELETE', `/api/v1/open311/clients/${id}`, { as: u.admin })).status).toBe(200);
    await expectRefusal((f) => revoked.post(`requests.${f}`, valid()), 403, /api_key 无效或已吊销/);
  });

  it('reads need none (GeoReport v2 reads are public)', async () => {
    const anonymous = open311Client({ endpoint: `${stack.baseUrl}/open311/v2/` });
    expect((await anonymous.get('services.xml')).status).toBe(200);
    expect((await anonymous.get('requests.json')).status).toBe(200);
  });
});

describe('404s', () => {
  it('an unknown service_code, on POST and on its definition', async () => {
    await expectRefusal((f) => client.post(`requests.${f}`, valid({ service_code: 'no-such-service' })), 404, /no-such-service/);
    // A category group is not a service: only leaves are.
    await expectRefusal((f) => client.post(`requests.${f}`, valid({ service_code: 'municipal' })), 404, /municipal/);
    await expectRefusal((f) => client.get(`services/no-such-service.${f}`), 404, /no-such-service/);
  });

  it('an unknown service_request_id', async () => {
    await expectRefusal((f) => client.get(`requests/20990101999999.${f}`), 404, /20990101999999/);
    await expectRefusal((f) => client.get(`requests/not-a-number.${f}`), 404, /not-a-number/);
  });

  it('an unknown jurisdiction_id, on every endpoint; none at all is fine', async () => {
    const elsewhere = open311Client({ endpoint: `${stack.baseUrl}/open311/v2/`, jurisdictionId: 'sfgov.org', apiKey });
    for (const resource of ['discovery', 'services', `services/${k.streetLight}`, 'requests']) {
      await expectRefusal((f) => elsewhere.get(`${resource}.${f}`), 404, /jurisdiction_id/);
    }
    await expectRefusal((f) => elsewhere.post(`requests.${f}`, valid()), 404, /jurisdiction_id/);
    // Districts, streets and communities are not jurisdictions here.
    const street = open311Client({ endpoint: `${stack.baseUrl}/open311/v2/`, jurisdictionId: demo.streets.kaiyuan });
    expect((await street.get('services.json')).status).toBe(404);
  });

  it('any extension but .xml and .json, and paths that are no endpoint (in the format the path asks for, else XML)', async () => {
    for (const path of ['services.html', 'services.yaml', 'services.XML', 'services', 'requests/20261123000001', 'nothing.json', 'services/a/b.json', '']) {
      const res = await fetch(`${stack.baseUrl}/open311/v2/${path}`);
      expect({ path, status: res.status }).toEqual({ path, status: 404 });
      const body = await res.text();
      // In the format the path asks for, else XML.
      expect(body).toMatch(path.endsWith('.json') ? /^\[\{"code":404,/ : /<errors>\s*<error>\s*<code>404<\/code>/);
    }
    await expectRefusal((f) => client.get(`servicerequestupdates.${f}`), 404, /未找到该接口/);
  });

  it('tokens: jiesu is realtime and never issues one, so every token is a 404', async () => {
    for (const token of ['12345', 'abc-def', '20261123000001']) {
      await expectRefusal((f) => client.get(`tokens/${token}.${f}`), 404, /token/);
    }
  });
});

describe('400s name the bad argument', () => {
  it('bad lat/long: not a number, out of range, one without the other, outside the city', async () => {
    await expectRefusal((f) => client.post(`requests.${f}`, valid({ lat: 'abc' })), 400, /参数 lat/);
    await expectRefusal((f) => client.post(`requests.${f}`, valid({ lat: '91' })), 400, /参数 lat/);
    await expectRefusal((f) => client.post(`requests.${f}`, valid({ long: '-200.5' })), 400, /参数 long/);
    await expectRefusal((f) => client.post(`requests.${f}`, valid({ long: null })), 400, /参数 long.*同时提供/);
    await expectRefusal((f) => client.post(`requests.${f}`, valid({ lat: '39.9042', long: '116.4074' })), 400, /位置不在本市范围内/);
  });

  it('no location, an address that names no place, an unknown address_id', async () => {
    await expectRefusal((f) => client.post(`requests.${f}`, valid({ lat: null, long: null })), 400, /缺少位置/);
    await expectRefusal((f) => client.post(`requests.${f}`, valid({ lat: null, long: null, address_string: '某某路 1 号' })), 400, /address_string.*lat 和 long/);
    await expectRefusal((f) => client.post(`requests.${f}`, valid({ address_id: '999999' })), 400, /address_id/);
  });

  it('missing service_code, a description over 4000 characters, bad media_url, phone, request_type', async () => {
    await expectRefusal((f) => client.post(`requests.${f}`, valid({ service_code: null })), 400, /service_code/);
    await expectRefusal((f) => client.post(`requests.${f}`, valid({ description: '长'.repeat(4001) })), 400, /参数 description/);
    await expectRefusal((f) => client.post(`requests.${f}`, valid({ media_url: 'not a url' })), 400, /参数 media_url/);
    await expectRefusal((f) => client.post(`requests.${f}`, valid({ phone: '电话号码' })), 400, /参数 phone/);
    await expectRefusal((f) => client.post(`requests.${f}`, valid({ 'attribute[request_type]': 'praise' })), 400, /attribute\[request_type\]/);
  });

  it('several bad arguments: one error each', async () => {
    const res = await client.post('requests.json', valid({ description: '长'.repeat(4001), media_url: 'nope', phone: 'x' }));
    expect(res.status).toBe(400);
    expect(validate(res.json, schema('errors.json'))).toEqual([]);
    expect(res.json.map((e: { description: string }) => /参数 (\S+)/.exec(e.description)?.[1]).sort()).toEqual(['description', 'media_url', 'phone']);
  });

  it('bad GET requests filters: dates, a window over 90 days, an end before the start, a status', async () => {
    await expectRefusal((f) => client.get(`requests.${f}`, { start_date: 'yesterday' }), 400, /start_date/);
    await expectRefusal((f) => client.get(`requests.${f}`, { end_date: '2026-02-30T00:00:00Z' }), 400, /end_date/);
    await expectRefusal((f) => client.get(`requests.${f}`, { start_date: '2026-01-01T00:00:00+08:00', end_date: '2026-06-01T00:00:00+08:00' }), 400, /90 天/);
    await expectRefusal((f) => client.get(`requests.${f}`, { start_date: '2026-06-01T00:00:00+08:00', end_date: '2026-01-01T00:00:00+08:00' }), 400, /晚于/);
    await expectRefusal((f) => client.get(`requests.${f}`, { status: 'open,pending' }), 400, /status/);
  });

  it('a body that is neither form encoding, and a method an endpoint does not take', async () => {
    const json = await fetch(`${stack.baseUrl}/open311/v2/requests.json`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ api_key: apiKey }) });
    expect(json.status).toBe(400);
    expect(((await json.json()) as { description: string }[])[0]!.description).toMatch(/x-www-form-urlencoded/);
    const put = await fetch(`${stack.baseUrl}/open311/v2/services.json`, { method: 'POST', body: new URLSearchParams({ api_key: apiKey }) });
    expect(put.status).toBe(405);
    expect(put.headers.get('allow')).toBe('GET');
  });
});

describe('never a 500 for bad input', () => {
  it('odd paths, queries and bodies all get a 4xx in the errors format', async () => {
    const odd = [
      ['GET', 'requests.json?start_date=%E0%A4%A'],
      ['GET', 'requests/%E0%A4%A.json'],
      ['GET', 'services/%00.xml'],
      ['GET', 'requests.json?service_request_id=' + ','.repeat(5000)],
      ['GET', 'requests.json?service_code=' + 'x'.repeat(3000)],
      ['GET', `requests.json?service_request_id=${Array.from({ length: 1001 }, (_, i) => i).join(',')}`],
      ['GET', 'requests.xml?start_date=9999-12-31T23:59:59Z'],
      ['GET', 'requests.xml?start_date=0000-01-01'],
      ['POST', 'requests.json'],
      ['POST', 'requests.json?api_key=' + encodeURIComponent(apiKey) + '&lat=1e400&long=NaN&service_code=' + k.streetLight],
      ['POST', 'requests.xml?api_key=' + 'x'.repeat(10_000)],
    ] as const;
    for (const [method, path] of odd) {
      const res = await fetch(`${stack.baseUrl}/open311/v2/${path}`, { method, ...(method === 'POST' ? { body: new URLSearchParams({ description: '\u0000\uD800' }) } : {}) });
      const text = await res.text();
      expect({ path: path.slice(0, 80), status: res.status < 500 }).toEqual({ path: path.slice(0, 80), status: true });
      if (res.status >= 400) expect(text).toMatch(/<errors>|^\[\{"code"/);
    }
    // An oversized body.
    const big = await fetch(`${stack.baseUrl}/open311/v2/requests.json`, { method: 'POST', body: new URLSearchParams({ api_key: apiKey, description: 'x'.repeat(1_100_000) }) });
    expect(big.status).toBe(413);
  });
});

describe('rate limit per api key', () => {
  it('past the limit, a 429 in the errors format; another key is not held up', async () => {
    const base = await appWith({ postsPerMinute: 2 });
    const limited = open311Client({ endpoint: base, apiKey });
    const other = open311Client({ endpoint: base, apiKey: await issueOpen311Key(stack.db, '另一个客户端') });
    // Refused POSTs count too (a flood of bad requests is still a flood).
    const bad = valid({ service_code: 'no-such-service' });
    expect((await limited.post('requests.json', bad)).status).toBe(404);
    expect((await limited.post('requests.json', bad)).status).toBe(404);
    const third = await limited.post('requests.xml', bad);
    expect(third.status).toBe(429);
    expect(third.xml.errors.error[0]).toEqual({ code: '429', description: expect.stringMatching(/频繁/) });
    expect((await other.post('requests.json', bad)).status).toBe(404);
  });
});

describe('privacy: OPEN311_PUBLISH', () => {
  it('`all` lists every case but 举报 reports, with no reporter and the citizen text only where it may be shown', async () => {
    const base = await appWith({ publish: 'all' });
    const reader = open311Client({ endpoint: base });
    const hotline = await a.open({ channel: 'hotline', requestType: 'complaint', category: k.streetLight, title: '小区门口路灯坏了', description: '我家住 3 单元，电话 13912345678' });
    const consented = await a.open({ channel: 'hotline', requestType: 'help', category: k.drainage, title: '下水道堵塞', description: '幸福路下水道堵塞', public: true });
    const report = await a.open({ channel: 'hotline', requestType: 'report', category: k.publicOrder, title: '举报', description: '举报某商户' });
    const byOpen311 = await client.post('requests.json', valid({ first_name: '凤', last_name: '郭', phone: '13800005678', email: 'guofeng@example.com' }));
    const viaOpen311 = byOpen311.json[0].service_request_id as string;
    opened.push(viaOpen311);

    const res = await reader.get('requests.json');
    expect(validate(res.json, schema('requests.json'))).toEqual([]);
    const byId = new Map(res.json.map((r: { service_request_id: string }) => [r.service_request_id, r]));
    expect(byId.has(report.id)).toBe(false);
    expect((await reader.get(`requests/${report.id}.json`)).status).toBe(404);
    // Not agreed to publication: no text, no street address, no coordinates; the status in words.
    expect(byId.get(hotline.id)).toMatchObject({ description: null, address: '开元街道小池社区', lat: null, long: null, media_url: null, status: 'open' });
    expect(byId.get(consented.id)).toMatchObject({ description: '幸福路下水道堵塞', address: '开元街道小池社区和谐路' });
    expect(byId.get(viaOpen311)).toMatchObject({ description: '路灯不亮', lat: point.lat, long: point.lng });
    for (const personal of ['郭凤', '13800005678', 'guofeng@example.com', '13912345678', '3 单元']) expect(res.text).not.toContain(personal);

    // The default (open311) lists only what came in through Open311.
    const defaults = await client.get('requests.json');
    const ids = defaults.json.map((r: { service_request_id: string }) => r.service_request_id);
    expect(ids).toContain(viaOpen311);
    expect(ids).not.toContain(hotline.id);
    expect(ids).not.toContain(consented.id);
  });

  it('OPEN311_JURISDICTION_ID names the jurisdiction; the city code is then refused', async () => {
    const base = await appWith({ jurisdictionId: 'linzhou.gov.cn' });
    expect((await open311Client({ endpoint: base, jurisdictionId: 'linzhou.gov.cn' }).get('services.json')).status).toBe(200);
    expect((await open311Client({ endpoint: base, jurisdictionId: demo.cityId }).get('services.json')).status).toBe(404);
  });
});
