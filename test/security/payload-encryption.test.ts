/**
 * End to end: a case opened through the API leaves no citizen data readable in Temporal's history (what the
 * Temporal Web UI and anyone with access to Temporal's database see), and the codec endpoint gives it back
 * only to an admin (supervisors see reporters masked, and the codec knows no jurisdiction).
 */
import { Client } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { demo } from '../../db/seeds/demo-city';
import { workflowIdForCase } from '../../workflows/messages';
import { cableIntake } from '../support/fixtures';
import { startTestStack, type TestStack } from '../support/stack';
import { waitFor } from './support';

const { users: u, units } = demo;
const reporter = { name: '司马秋菊', phone: `139${String(Date.now()).slice(-8)}` };
const title = `加密测试-${Date.now()} 和谐路线缆下垂`;

let stack: TestStack;
let caseId: string;
let payloads: { path: string; metadata: Record<string, string>; data?: string }[];
let historyJson: string;

const b64 = (text: string) => Buffer.from(text).toString('base64');
const unb64 = (text: string | undefined) => Buffer.from(text ?? '', 'base64').toString('utf8');

/** Every Payload in a history as proto JSON ({metadata: {k: base64}, data: base64}), with where it sits. */
function collectPayloads(node: unknown, path = ''): typeof payloads {
  if (Array.isArray(node)) return node.flatMap((n, i) => collectPayloads(n, `${path}[${i}]`));
  if (!node || typeof node !== 'object') return [];
  const o = node as Record<string, unknown>;
  if (o.metadata && typeof o.metadata === 'object' && typeof (o.metadata as Record<string, unknown>).encoding === 'string') {
    return [{ path, metadata: o.metadata as Record<string, string>, data: o.data as string | undefined }];
  }
  return Object.entries(o).flatMap(([k, v]) => collectPayloads(v, `${path}.${k}`));
}

const decode = (as: string | undefined, body: unknown, headers: Record<string, string> = {}) =>
  stack.call('POST', '/codec/decode', { as, body, headers: { 'x-namespace': process.env.TEMPORAL_NAMESPACE ?? 'default', ...headers } });

beforeAll(async () => {
  stack = await startTestStack();
  const opened = await stack.call('POST', '/api/v1/cases', { as: u.clerk, body: cableIntake({ title, reporter }) });
  expect(opened.status).toBe(201);
  caseId = opened.body.id;
  // One decision too: update arguments and activity inputs carry the case as well.
  const dispatched = await stack.call('POST', `/api/v1/cases/${caseId}/dispatch`, {
    as: u.dispatcherCommunity,
    body: { leadUnitId: units.mobile, cooperatingUnitIds: [] },
  });
  expect(dispatched.status).toBe(200);

  // A client without the codec: what Temporal itself holds.
  const raw = new Client({ connection: stack.client.connection, namespace: process.env.TEMPORAL_NAMESPACE ?? 'default' });
  historyJson = historyToJSON(await raw.workflow.getHandle(workflowIdForCase(caseId)).fetchHistory());
  payloads = collectPayloads(JSON.parse(historyJson));
}, 120_000);
afterAll(async () => {
  await stack?.stop();
});

describe('Temporal history holds ciphertext only', () => {
  it('has every payload encrypted, apart from the search attributes Temporal indexes and the SDK\'s own marker bookkeeping', () => {
    // Marker `details.data` and `details.patch-data` are written by the SDK core (local activity sequence and timing,
    // `{"id":"projected-after-commit","deprecated":false}`), never by the codec.
    const data = payloads.filter((p) => !p.path.includes('searchAttributes') && !/markerRecordedEventAttributes\.details\.(data|patch-data)\./.test(p.path));
    // Start input, update arguments and results, activity inputs and results.
    expect(data.length).toBeGreaterThan(5);
    expect(data.filter((p) => unb64(p.metadata.encoding) !== 'binary/encrypted').map((p) => p.path)).toEqual([]);
    expect(new Set(data.map((p) => unb64(p.metadata['encryption-key-id'])))).toEqual(new Set(['test']));
  });

  it('shows the reporter\'s name and phone and the case title nowhere, raw or base64-decoded', () => {
    const everything = [historyJson, ...payloads.map((p) => unb64(p.data))].join('\n');
    for (const secret of [reporter.name, reporter.phone, title]) {
      expect({ secret, found: everything.includes(secret) }).toEqual({ secret, found: false });
      expect({ secret, found: historyJson.includes(b64(secret)) }).toEqual({ secret, found: false });
    }
  });
});

describe('the codec endpoint (Temporal remote codec protocol)', () => {
  const encrypted = () => payloads.filter((p) => unb64(p.metadata.encoding) === 'binary/encrypted').map(({ metadata, data }) => ({ metadata, data }));

  it('speaks what the temporal CLI sends: an empty X-Namespace, `{}` for no payloads', async () => {
    for (const namespace of [undefined, '']) {
      const res = await stack.call('POST', '/codec/decode', {
        as: u.admin,
        body: { payloads: encrypted() },
        headers: namespace === undefined ? {} : { 'x-namespace': namespace },
      });
      expect({ namespace, status: res.status }).toEqual({ namespace, status: 200 });
    }
    // Proto3 JSON leaves an empty list out: `{}` is no payloads.
    const none = await decode(u.admin, {});
    expect(none).toMatchObject({ status: 200, body: { payloads: [] } });
  });

  it('decodes the history\'s payloads for an admin', async () => {
    for (const who of [u.admin]) {
      const res = await decode(who, { payloads: encrypted() });
      expect(res.status).toBe(200);
      expect(res.body.payloads).toHaveLength(encrypted().length);
      const text = res.body.payloads.map((p: { data: string }) => unb64(p.data)).join('\n');
      expect(text).toContain(reporter.name);
      expect(text).toContain(reporter.phone);
      expect(res.body.payloads.every((p: { metadata: Record<string, string> }) => unb64(p.metadata.encoding) !== 'binary/encrypted')).toBe(true);
    }
  });

  it('encodes what it is given, and decodes that back', async () => {
    const plain = { metadata: { encoding: b64('json/plain') }, data: b64(JSON.stringify({ hello: '你好' })) };
    const encoded = await stack.call('POST', '/codec/encode', { as: u.admin, body: { payloads: [plain] } });
    expect(encoded.status).toBe(200);
    expect(unb64(encoded.body.payloads[0].metadata.encoding)).toBe('binary/encrypted');
    const back = await decode(u.admin, encoded.body);
    expect(back.body.payloads).toEqual([plain]);
  });

  it('refuses a call without a token (401) and a clerk, dispatcher or supervisor (403), in the API\'s error format', async () => {
    const none = await decode(undefined, { payloads: encrypted() });
    expect(none.status).toBe(401);
    expect(none.body.error).toMatchObject({ code: 'UNAUTHORIZED' });
    for (const who of [u.clerk, u.dispatcherCommunity, u.supervisorCity]) {
      const res = await decode(who, { payloads: encrypted() });
      expect(res.status).toBe(403);
      expect(res.body.error).toMatchObject({ code: 'FORBIDDEN' });
      expect(JSON.stringify(res.body)).not.toContain(reporter.phone);
    }
  });

  it('refuses another namespace, a malformed body and a payload it cannot decrypt, naming the field', async () => {
    const other = await decode(u.admin, { payloads: encrypted() }, { 'x-namespace': 'elsewhere' });
    expect(other.status).toBe(400);
    expect(other.body.error.details).toEqual([expect.objectContaining({ field: 'header.X-Namespace' })]);

    const malformed = await decode(u.admin, { payloads: [{ data: 'not base64!' }] });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.details).toEqual([expect.objectContaining({ field: 'payloads.0.data' })]);

    const [first] = encrypted();
    const unknownKey = { ...first!, metadata: { ...first!.metadata, 'encryption-key-id': b64('k-gone') } };
    const refused = await decode(u.admin, { payloads: [first, unknownKey] });
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(refused.body.error.details).toEqual([{ field: 'payloads.1', message: expect.stringContaining('「k-gone」') }]);
  });

  it('answers the Temporal UI\'s CORS preflight, and no other origin', async () => {
    const preflight = (origin: string) =>
      fetch(`${stack.baseUrl}/codec/decode`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type,x-namespace' },
      });
    const ui = await preflight('http://127.0.0.1:8233');
    expect(ui.status).toBe(204);
    expect(ui.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:8233');
    expect(ui.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('x-namespace');
    const stranger = await preflight('https://evil.example');
    expect(stranger.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('writes who used it to the audit log, never the payloads', async () => {
    const since = new Date(Date.now() - 1000);
    await decode(u.admin, { payloads: encrypted() });
    await decode(u.clerk, { payloads: encrypted() });
    // Rows are written once the answer is out.
    const used = await waitFor(() =>
      stack.db('audit_log').where({ action: 'codec.use', username: u.admin, route: '/codec/decode', outcome: 'ok' }).where('at', '>=', since).first(),
    );
    expect(used).toMatchObject({ method: 'POST', status: 200, role: 'admin' });
    const refused = await waitFor(() => stack.db('audit_log').where({ action: 'codec.use', username: u.clerk }).where('at', '>=', since).first());
    expect(refused).toMatchObject({ outcome: 'refused', status: 403, code: 'FORBIDDEN' });
    const rows = await stack.db('audit_log').where({ action: 'codec.use' });
    expect(JSON.stringify(rows)).not.toContain(reporter.phone);
  });
});
