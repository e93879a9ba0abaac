/**
 * The production shape runs many workers and API replicas because they keep no state of their own (issue 16,
 * item 2). On the run's topology: both replicas serve, requests of one case land on either, two worker
 * processes poll the queue, and a worker killed outright is restarted while the other keeps cases moving.
 */
import { Connection } from '@temporalio/client';
import { demo } from '../../db/seeds/demo-city';
import { arrange } from '../support/arrange';
import { eventually } from '../support/eventually';
import { startTestStack, TestStack } from '../support/stack';
import { API_URLS_VARIABLE, TASK_QUEUE_VARIABLE } from '../support/topology-stack';

const { users: u, units } = demo;
let stack: TestStack;
let connection: Connection;
const { open, act, get, withdrawAll } = arrange(() => stack);
const apiUrls = () => process.env[API_URLS_VARIABLE]!.split(',');

beforeAll(async () => {
  stack = await startTestStack();
  connection = await Connection.connect({ address: process.env.TEMPORAL_ADDRESS! });
});
afterAll(async () => {
  await withdrawAll();
  await connection?.close();
  await stack?.stop();
});

/** Case intakes a replica has answered, from its own /metrics (each process counts only its own). */
async function intakesServed(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith('jiesu_http_request_duration_seconds_count{') && l.includes('method="POST"') && l.includes('route="/api/v1/cases"') && l.includes('status="201"'));
  return line ? Number(line.split(' ').pop()) : 0;
}

/** Worker processes polling for workflow tasks, by pid (the SDK's identity is `pid@host`). */
async function pollingPids(): Promise<number[]> {
  const res = await connection.workflowService.describeTaskQueue({
    namespace: process.env.TEMPORAL_NAMESPACE!,
    taskQueue: { name: process.env[TASK_QUEUE_VARIABLE]! },
    taskQueueType: 1, // TASK_QUEUE_TYPE_WORKFLOW
  });
  return [...new Set((res.pollers ?? []).map((p) => Number(p.identity?.split('@')[0])))];
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('the topology', () => {
  it('has two API replicas, both ready, each serving its share of the requests', async () => {
    expect(apiUrls()).toHaveLength(2);
    for (const url of apiUrls()) expect((await fetch(`${url}/readyz`)).status).toBe(200);
    const before = await Promise.all(apiUrls().map(intakesServed));
    for (let i = 0; i < 4; i++) await open({ title: `副本轮询 ${i}` });
    const after = await Promise.all(apiUrls().map(intakesServed));
    expect(after.map((n, i) => n - before[i]!)).toEqual([2, 2]);
  });

  it('carries one case through replicas that share nothing but the databases', async () => {
    const [a, b] = apiUrls();
    const token = async (user: string) => ({ authorization: `Bearer ${await stack.tokenFor(user)}`, 'content-type': 'application/json' });
    const c = await open({ title: '跨副本办理' });
    const dispatched = await fetch(`${a}/api/v1/cases/${c.id}/dispatch`, { method: 'POST', headers: await token(u.dispatcherCommunity), body: JSON.stringify({ leadUnitId: units.mobile }) });
    expect(dispatched.status).toBe(200);
    const accepted = await fetch(`${b}/api/v1/cases/${c.id}/accept`, { method: 'POST', headers: await token(u.liaisonMobile), body: '{}' });
    expect(accepted.status).toBe(200);
    const read = await fetch(`${a}/api/v1/cases/${c.id}`, { headers: await token(u.clerk) });
    expect(((await read.json()) as { status: string }).status).toBe('in_progress');
  });

  it('has two worker processes; one killed outright is started again while the other keeps cases moving', async () => {
    const pids = await eventually(async () => {
      const found = (await pollingPids()).filter(alive);
      expect(found.length).toBeGreaterThanOrEqual(2);
      return found;
    });
    process.kill(pids[0]!, 'SIGKILL');
    // Meanwhile the other worker serves: a case opens and is dispatched.
    const c = await open({ title: '一个 worker 被杀之后' });
    await act(c.id, 'dispatch', u.dispatcherCommunity, { leadUnitId: units.mobile });
    expect((await get(c.id)).status).toBe('dispatched');
    // The supervisor starts a new process (new pid) that polls again; it bundles the workflows first.
    await eventually(async () => {
      const now = (await pollingPids()).filter(alive);
      expect(now.filter((pid) => !pids.includes(pid)).length).toBeGreaterThanOrEqual(1);
      expect(now.length).toBeGreaterThanOrEqual(2);
    }, 180_000, 1000);
  }, 240_000);
});
