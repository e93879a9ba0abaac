/**
 * Open311 clients and their keys: `npm run cli -- open311-key <clientName>` (the key is the last word
 * printed), the admin routes that list, create and revoke them, keys stored as hashes only, and the
 * `import-areas` command a city loads its own places with.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { hashToken } from '../../db/queries/users';
import { communityPlaces } from '../../db/queries/community-places';
import { demo } from '../../db/seeds/demo-city';
import { startTestStack, type TestStack } from '../support/stack';
import { issueOpen311Key, open311Client, runCliCommand } from './support';

const { users: u, communities: c, categories: k } = demo;

let stack: TestStack;
const opened: string[] = [];

beforeAll(async () => {
  stack = await startTestStack({ ownDatabase: true });
}, 120_000);
afterAll(async () => {
  for (const id of opened) await stack.call('POST', `/api/v1/cases/${id}/withdraw`, { as: u.clerk, body: { reason: '测试结束，撤回' } });
  await stack?.stop();
});

describe('npm run cli -- open311-key <clientName>', () => {
  it('prints a new key as the last word; only its hash is stored; the client gets a clerk at the city', async () => {
    const { out, hints } = await runCliCommand(stack.db, 'open311-key', ['Mark-a-Spot', '测试']);
    const key = out.join(' ').split(/\s+/).at(-1)!;
    expect(key).toMatch(/^o311_[A-Za-z0-9_-]{32}$/);
    expect(hints.join('\n')).toContain('Mark-a-Spot 测试');
    const row = await stack.db('open311_clients').where({ name: 'Mark-a-Spot 测试' }).first();
    expect(row.key_hash).toBe(hashToken(key));
    expect(JSON.stringify(row)).not.toContain(key);
    const user = await stack.db('users').where({ id: row.user_id }).first();
    expect(user).toMatchObject({ role: 'clerk', jurisdiction_id: demo.cityId, display_name: 'Open311 客户端：Mark-a-Spot 测试' });

    // A second active client of the same name is refused; the usage is told without a name.
    await expect(runCliCommand(stack.db, 'open311-key', ['mark-a-spot', '测试'])).rejects.toThrow(/已存在/);
    await expect(runCliCommand(stack.db, 'open311-key', [])).rejects.toThrow(/客户端名称/);
  });
});

describe('admin routes under /api/v1', () => {
  it('list (never a key or hash), create (the key once), revoke (the key stops at once, twice is harmless)', async () => {
    const created = await stack.call('POST', '/api/v1/open311/clients', { as: u.admin, body: { name: '12345 小程序' } });
    expect(created.status).toBe(201);
    const { client, key } = created.body;
    expect(client).toMatchObject({ name: '12345 小程序', active: true, revokedAt: null, cases: 0, keyHint: key.slice(0, 9) });

    const poster = open311Client({ endpoint: `${stack.baseUrl}/open311/v2/`, apiKey: key });
    const posted = await poster.post('requests.json', [
      ['service_code', k.sanitation],
      ['address_id', c.xiaochi],
      ['description', '垃圾清运不及时'],
    ]);
    expect(posted.status).toBe(200);
    opened.push(posted.json[0].service_request_id);

    const list = await stack.call('GET', '/api/v1/open311/clients', { as: u.admin });
    expect(list.status).toBe(200);
    const listed = list.body.items.find((x: { id: string }) => x.id === client.id);
    expect(listed).toMatchObject({ cases: 1, active: true });
    expect(listed.lastUsedAt).not.toBeNull();
    expect(JSON.stringify(list.body)).not.toContain(key);
    expect(JSON.stringify(list.body)).not.toContain(hashToken(key));

    expect((await stack.call('POST', '/api/v1/open311/clients', { as: u.admin, body: { name: '12345 小程序' } })).status).toBe(409);

    const revoked = await stack.call('DELETE', `/api/v1/open311/clients/${client.id}`, { as: u.admin });
    expect(revoked.status).toBe(200);
    expect(revoked.body.client).toMatchObject({ active: false, revokedAt: expect.any(String) });
    expect((await stack.call('DELETE', `/api/v1/open311/clients/${client.id}`, { as: u.admin })).status).toBe(200);
    const refused = await poster.post('requests.json', [['service_code', k.sanitation], ['address_id', c.xiaochi]]);
    expect(refused.status).toBe(403);
    // Its system user is disabled with it: no bearer token of it works either.
    expect((await stack.db('users').where({ id: client.userId }).first()).disabled_at).not.toBeNull();
    // The name is free again.
    expect((await stack.call('POST', '/api/v1/open311/clients', { as: u.admin, body: { name: '12345 小程序' } })).status).toBe(201);
  });

  it('refuses other roles, unknown and malformed ids, bad names', async () => {
    for (const as of [u.clerk, u.supervisorCity, u.dispatcherCity]) {
      expect((await stack.call('GET', '/api/v1/open311/clients', { as })).status).toBe(403);
      expect((await stack.call('POST', '/api/v1/open311/clients', { as, body: { name: 'x' } })).status).toBe(403);
    }
    expect((await stack.call('GET', '/api/v1/open311/clients')).status).toBe(401);
    expect((await stack.call('DELETE', '/api/v1/open311/clients/00000000-0000-0000-0000-000000000000', { as: u.admin })).status).toBe(404);
    expect((await stack.call('DELETE', '/api/v1/open311/clients/not-a-uuid', { as: u.admin })).status).toBe(400);
    expect((await stack.call('POST', '/api/v1/open311/clients', { as: u.admin, body: { name: '' } })).status).toBe(400);
    expect((await stack.call('POST', '/api/v1/open311/clients', { as: u.admin, body: { name: 'x', key: 'mine' } })).status).toBe(400);
  });
});

describe('npm run cli -- import-areas <file.geojson>', () => {
  it("loads a city's own centroids and areas; Open311 places points by them", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'jiesu-areas-'));
    try {
      const file = path.join(dir, 'areas.geojson');
      // 南山村 gets an area far from its demo centroid; 五龙村 is named by its name, with a point.
      await writeFile(
        file,
        JSON.stringify({
          type: 'FeatureCollection',
          features: [
            { type: 'Feature', properties: { id: c.nanshan }, geometry: { type: 'Polygon', coordinates: [[[113.6, 36.3], [113.62, 36.3], [113.62, 36.32], [113.6, 36.32], [113.6, 36.3]]] } },
            { type: 'Feature', properties: { name: '五龙村' }, geometry: { type: 'Point', coordinates: [113.73, 36.21] } },
          ],
        }),
      );
      const { out } = await runCliCommand(stack.db, 'import-areas', [file]);
      expect(out).toEqual(['2']);
      const places = new Map((await communityPlaces(stack.db)).map((p) => [p.id, p]));
      expect(places.get(c.nanshan)!.centroid!.lat).toBeCloseTo(36.31, 6);
      expect(places.get(c.nanshan)!.area).toMatchObject({ type: 'Polygon' });
      expect(places.get(c.wulong)).toMatchObject({ centroid: { lat: 36.21, lng: 113.73 }, area: null });

      const key = await issueOpen311Key(stack.db, 'areas');
      const poster = open311Client({ endpoint: `${stack.baseUrl}/open311/v2/`, apiKey: key });
      const res = await poster.post('requests.json', [['service_code', k.streetLight], ['lat', '36.31'], ['long', '113.61'], ['description', '村口路灯不亮']]);
      expect(res.status).toBe(200);
      opened.push(res.json[0].service_request_id);
      expect((await stack.call('GET', `/api/v1/cases/${res.json[0].service_request_id}`, { as: u.clerk })).body.location.communityId).toBe(c.nanshan);

      // All or nothing: an unknown jurisdiction refuses the whole file.
      await writeFile(file, JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: { id: 'nowhere' }, geometry: { type: 'Point', coordinates: [1, 2] } }] }));
      await expect(runCliCommand(stack.db, 'import-areas', [file])).rejects.toThrow(/nowhere/);
      await writeFile(file, '{ not json');
      await expect(runCliCommand(stack.db, 'import-areas', [file])).rejects.toThrow(/GeoJSON/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
