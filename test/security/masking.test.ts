/**
 * Citizens' personal data: each role sees the reporter's name and number exactly when it needs them, and they
 * never show up in logs, alerts, audit rows, metrics or error messages.
 */
import type { DestinationStream } from 'pino';
import { maskName, maskPhone } from '../../api/case-view';
import { createLogger } from '../../config/logger';
import { hashToken } from '../../db/queries/users';
import { demo } from '../../db/seeds/demo-city';
import { cableIntake } from '../support/fixtures';
import { startTestStack, type TestStack } from '../support/stack';
import { waitFor } from './support';

const { users: u, units } = demo;
const phone = '13912345678';
const name = '欧阳娜娜';
const full = { name, phone };
const masked = { name: '欧*', phone: '139****5678' };

let stack: TestStack;
const logLines: string[] = [];
const marker = `脱敏-${Date.now()}`;

beforeAll(async () => {
  // The API's log goes into memory (every level), so the test can read what would have been written.
  const destination = { write: (line: string) => void logLines.push(line) } as unknown as DestinationStream;
  stack = await startTestStack({ logger: createLogger({ level: 'trace', name: 'api' }, destination) });
});
afterAll(async () => {
  await stack?.stop();
});

async function open(): Promise<string> {
  const res = await stack.call('POST', '/api/v1/cases', { as: u.clerk, body: cableIntake({ description: `${marker} 线缆下垂`, reporter: full }) });
  expect(res.status).toBe(201);
  return res.body.id;
}
const act = async (id: string, path: string, as: string, body: unknown) => {
  const res = await stack.call('POST', `/api/v1/cases/${id}/${path}`, { as, body });
  expect({ path, as, status: res.status }).toEqual({ path, as, status: path === 'extension' ? 202 : 200 });
  return res.body;
};
const reporterAs = async (id: string, as: string) => {
  const res = await stack.call('GET', `/api/v1/cases/${id}`, { as });
  expect({ as, status: res.status }).toEqual({ as, status: 200 });
  const listed = await stack.call('GET', `/api/v1/cases?q=${id}`, { as });
  const inList = listed.body.items.find((c: { id: string }) => c.id === id);
  // The list answers the same masking as the detail.
  expect({ as, list: inList?.reporter }).toEqual({ as, list: res.body.reporter });
  return res.body.reporter;
};

describe('who sees the reporter', () => {
  it('masks the number and name the way API.md shows them', () => {
    expect(maskPhone('13800005678')).toBe('138****5678');
    expect(maskPhone('+8613800005678')).toBe('+86****5678');
    expect(maskPhone('62123456')).toBe('****56'); // short numbers keep two digits only
    expect(maskPhone('12345')).toBe('****');
    expect(maskName('张三丰')).toBe('张*');
    expect(maskName('郭凤')).toBe('郭*');
    expect(maskName('张')).toBe('*');
  });

  it('in triage: the clerk and the admin see it; the grid worker, dispatchers and supervisors see it masked', async () => {
    const id = await open();
    expect(await reporterAs(id, u.clerk)).toEqual(full);
    expect(await reporterAs(id, u.admin)).toEqual(full);
    for (const as of [u.grid, u.dispatcherCommunity, u.dispatcherStreet, u.dispatcherCity, u.supervisorStreet, u.supervisorCity]) {
      expect({ as, reporter: await reporterAs(id, as) }).toEqual({ as, reporter: masked });
    }
  });

  it('dispatched: the lead liaison sees it only once its unit accepted; a cooperating unit never does', async () => {
    const id = await open();
    await act(id, 'dispatch', u.dispatcherCommunity, { leadUnitId: units.mobile, cooperatingUnitIds: [units.telecom] });
    expect(await reporterAs(id, u.liaisonMobile)).toEqual(masked);
    expect(await reporterAs(id, u.liaisonTelecom)).toEqual(masked);
    await act(id, 'accept', u.liaisonTelecom, {});
    expect(await reporterAs(id, u.liaisonTelecom)).toEqual(masked);
    const accepted = await act(id, 'accept', u.liaisonMobile, {});
    expect(accepted.reporter).toEqual(full);
    expect(await reporterAs(id, u.liaisonMobile)).toEqual(full);
    expect(await reporterAs(id, u.liaisonTelecom)).toEqual(masked);
    for (const as of [u.dispatcherCommunity, u.supervisorStreet, u.grid]) expect({ as, r: await reporterAs(id, as) }).toEqual({ as, r: masked });
    expect(await reporterAs(id, u.clerk)).toEqual(full);
  });

  it('when the lead unit rejects and another unit leads, the first one no longer sees it (its assignment is no longer active)', async () => {
    const id = await open();
    await act(id, 'dispatch', u.dispatcherCommunity, { leadUnitId: units.mobile });
    await act(id, 'reject', u.liaisonMobile, { reason: '该线缆产权不属于本单位' });
    await act(id, 'dispatch', u.dispatcherCommunity, { leadUnitId: units.telecom });
    await act(id, 'accept', u.liaisonTelecom, {});
    expect(await reporterAs(id, u.liaisonTelecom)).toEqual(full);
    expect(await reporterAs(id, u.liaisonMobile)).toEqual(masked);
  });

  it('handled directly: the direct handler sees it (they go to or call the citizen); others of the same roles do not', async () => {
    const byGrid = await open();
    await act(byGrid, 'handle-directly', u.grid, { note: '现场处置' });
    expect(await reporterAs(byGrid, u.grid)).toEqual(full);
    expect(await reporterAs(byGrid, u.dispatcherCommunity)).toEqual(masked);

    const byDispatcher = await open();
    await act(byDispatcher, 'handle-directly', u.dispatcherCommunity, { note: '电话答复' });
    expect(await reporterAs(byDispatcher, u.dispatcherCommunity)).toEqual(full);
    expect(await reporterAs(byDispatcher, u.grid)).toEqual(masked);
    expect(await reporterAs(byDispatcher, u.dispatcherStreet)).toEqual(masked);
  });
});

describe('the reporter never leaks elsewhere', () => {
  it('not in the timeline, alerts, audit rows, metrics, error messages or logs', async () => {
    const id = await open();
    await act(id, 'dispatch', u.dispatcherCommunity, { leadUnitId: units.mobile });
    await act(id, 'accept', u.liaisonMobile, {});
    await act(id, 'extension', u.liaisonMobile, { duration: 'P2D', reason: '需协调电信共同施工' });
    await act(id, 'escalate', u.dispatcherCommunity, { reason: '需街道协调' });

    const detail = await stack.call('GET', `/api/v1/cases/${id}`, { as: u.supervisorStreet });
    expect(JSON.stringify(detail.body.timeline)).not.toContain(phone);
    expect(JSON.stringify(detail.body.timeline)).not.toContain(name);

    const alerts = await waitFor(async () => {
      const res = await stack.call('GET', `/api/v1/alerts?caseId=${id}`, { as: u.supervisorCity });
      return res.body.items.length >= 2 ? res.body.items : null;
    });
    const alertRows = await stack.db('alerts').where({ case_id: id });
    for (const text of [JSON.stringify(alerts), JSON.stringify(alertRows)]) {
      expect(text).not.toContain(phone);
      expect(text).not.toContain(name);
      expect(text).not.toContain(phone.slice(-4)); // not even the masked tail
    }

    // Error messages never echo what was sent: a bad number, a number in an unknown field, a search by number.
    const refused = [
      await stack.call('POST', '/api/v1/cases', { as: u.clerk, body: cableIntake({ reporter: { name, phone: `${phone}!!` } }) }),
      await stack.call('POST', '/api/v1/cases', { as: u.clerk, body: cableIntake({ reporter: { name: 'x'.repeat(60) + name, phone } }) }),
      await stack.call('POST', `/api/v1/cases/${id}/progress`, { as: u.liaisonMobile, body: { note: 7, phone } }),
      await stack.call('GET', `/api/v1/cases?q=${phone}&bogus=${phone}`, { as: u.clerk }),
      await stack.call('GET', `/api/v1/cases?q=${phone}`, { token: 'jsu_forged' }),
    ];
    for (const res of refused) {
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(JSON.stringify(res.body)).not.toContain(phone);
      expect(JSON.stringify(res.body)).not.toContain(name);
    }

    const auditRows = await stack.db('audit_log').where({ case_id: id }).orWhere('route', 'like', '/api/v1/cases%').orderBy('id', 'desc').limit(200);
    expect(auditRows.length).toBeGreaterThan(0);
    expect(JSON.stringify(auditRows)).not.toContain(phone);
    expect(JSON.stringify(auditRows)).not.toContain(name);

    const metrics = await fetch(`${stack.baseUrl}/metrics`).then((r) => r.text());
    expect(metrics).not.toContain(phone);
    expect(metrics).not.toContain(id); // route patterns, not URLs

    const logs = logLines.join('');
    expect(logLines.length).toBeGreaterThan(10);
    // Booleans, not the text: a failure must not print the log it found the data in.
    expect(logs.includes(phone)).toBe(false);
    expect(logs.includes(name)).toBe(false);
    expect(/jsu_[A-Za-z0-9_-]{20,}/.test(logs)).toBe(false); // no token secret
    // Token use is logged: by user and token id.
    const clerkToken = await stack.db('api_tokens').where({ token_hash: hashToken(await stack.tokenFor(u.clerk)) }).first('id');
    expect(logs.includes(`"tokenId":"${clerkToken.id}"`)).toBe(true);
  });

  it('redacts a reporter that code logs carelessly, however deep it sits', () => {
    const lines: string[] = [];
    const log = createLogger({ level: 'info', name: 'redaction' }, { write: (l: string) => void lines.push(l) } as unknown as DestinationStream);
    log.info({ reporter: full }, 'top');
    log.info({ state: { reporter: full } }, 'one deep');
    log.info({ snapshot: { state: { reporter: full } } }, 'two deep');
    log.info({ intake: { phone } }, 'a phone');
    expect(lines).toHaveLength(4);
    expect(lines.join('')).not.toContain(phone);
    expect(lines.join('')).not.toContain(name);
  });
});
