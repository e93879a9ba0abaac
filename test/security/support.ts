/**
 * Shared by the security tests: the extra users that make "out of scope" concrete for every role, and cases
 * brought into the state in which a given action is allowed, so that only the caller varies.
 */
import { createApp } from '../../api/app';
import { registeredRoutes, type RegisteredRoute } from '../../api/permissions';
import { createLogger } from '../../config/logger';
import { createUser } from '../../db/queries/users';
import { demo } from '../../db/seeds/demo-city';
import type { Role } from '../../workflows/domain';
import { cableIntake } from '../support/fixtures';
import type { TestStack } from '../support/stack';

const { users: u, units } = demo;

/** Someone of each role whose scope holds a case at 小池社区 (开元街道) dispatched to 移动. */
export const inScope: Record<Role, string> = {
  clerk: u.clerk,
  gridWorker: u.grid,
  dispatcher: u.dispatcherCommunity,
  liaison: u.liaisonMobile,
  supervisor: u.supervisorStreet,
  admin: u.admin,
};

/** Someone of each role whose scope does not hold it; an admin's scope is the whole city, so there is none. */
export const outOfScope: Record<Role, string | null> = {
  clerk: 'clerk-zhenlin',
  gridWorker: u.gridYanyu,
  dispatcher: u.dispatcherTown,
  liaison: u.liaisonPower,
  supervisor: 'supervisor-donggang',
  admin: null,
};

/** The two demo accounts the seed lacks: a clerk of another street and a supervisor of another town. */
export async function createOutOfScopeUsers(stack: TestStack): Promise<void> {
  for (const [username, displayName, role, jurisdictionId] of [
    ['clerk-zhenlin', '振林街道受理员', 'clerk', demo.streets.zhenlin],
    ['supervisor-donggang', '东岗镇督办员', 'supervisor', demo.streets.donggang],
  ] as const) {
    await createUser(stack.db, { username, displayName, role, jurisdictionId }).catch((err: { code?: string }) => {
      if (err.code !== 'USERNAME_TAKEN') throw err;
    });
  }
}

export const reporter = { name: '郭凤', phone: '13800005678' };

export class Cases {
  constructor(
    private readonly stack: TestStack,
    private readonly marker: string,
  ) {}

  private async act(id: string, path: string, as: string, body: unknown, expected = 200): Promise<any> {
    const res = await this.stack.call('POST', `/api/v1/cases/${id}/${path}`, { as, body });
    if (res.status !== expected) throw new Error(`setup ${path} as ${as}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  async triage(): Promise<string> {
    const res = await this.stack.call('POST', '/api/v1/cases', {
      as: u.clerk,
      body: cableIntake({ description: `${this.marker} 线缆下垂，最低处距地面仅3米`, reporter }),
    });
    if (res.status !== 201) throw new Error(`setup open: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.id;
  }

  async dispatchedToMobile(): Promise<string> {
    const id = await this.triage();
    await this.act(id, 'dispatch', u.dispatcherCommunity, { leadUnitId: units.mobile, cooperatingUnitIds: [units.telecom] });
    return id;
  }

  async inProgressMobile(): Promise<string> {
    const id = await this.dispatchedToMobile();
    await this.act(id, 'accept', u.liaisonMobile, {});
    return id;
  }

  async direct(by: string): Promise<string> {
    const id = await this.triage();
    await this.act(id, 'handle-directly', by, { note: '现场处置' });
    return id;
  }

  /** In progress with `role`'s in-scope user as the one who may work on it (lead liaison or direct handler). */
  async inProgressFor(role: Role): Promise<{ id: string; worker: string }> {
    if (role === 'dispatcher') return { id: await this.direct(u.dispatcherCommunity), worker: u.dispatcherCommunity };
    if (role === 'gridWorker') return { id: await this.direct(u.grid), worker: u.grid };
    return { id: await this.inProgressMobile(), worker: u.liaisonMobile };
  }

  async pausedFor(role: Role): Promise<string> {
    const { id, worker } = await this.inProgressFor(role);
    await this.act(id, 'pause', worker, { reason: '等待诉求人补充照片' });
    return id;
  }

  async extensionPending(): Promise<string> {
    const id = await this.inProgressMobile();
    await this.act(id, 'extension', u.liaisonMobile, { duration: 'P3D', reason: '需协调电信共同施工' }, 202);
    return id;
  }

  async complexPending(): Promise<string> {
    const id = await this.triage();
    await this.act(id, 'complex', u.dispatcherCommunity, { reason: '涉及四家运营商，需多方协调' });
    return id;
  }

  async resolved(): Promise<string> {
    const id = await this.inProgressMobile();
    await this.act(id, 'resolve', u.liaisonMobile, { summary: '已对下垂线缆集中梳理抬升' });
    return id;
  }

  async escalated(): Promise<string> {
    const id = await this.triage();
    await this.act(id, 'escalate', u.dispatcherCommunity, { reason: '社区无法协调运营商' });
    return id;
  }

  async version(id: string): Promise<number> {
    const row = await this.stack.db('cases').select('version').where({ id }).first();
    return Number(row.version);
  }
}

/** Polls until `check` returns a value (audit rows and alerts are written just after the answer). */
export async function waitFor<T>(check: () => Promise<T | null | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== null && value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** API.md's error body: `{error: {code, message, details}}`. */
export function isErrorBody(body: unknown): boolean {
  const e = (body as { error?: { code?: unknown; message?: unknown; details?: unknown } } | null)?.error;
  return (
    !!e &&
    typeof e.code === 'string' &&
    /^[A-Z_]+$/.test(e.code) &&
    typeof e.message === 'string' &&
    e.message.length > 0 &&
    Array.isArray(e.details) &&
    e.details.every((d: any) => typeof d?.field === 'string' && typeof d?.message === 'string')
  );
}

/** The route registry fills as an app is built; build one (never started) so that it is complete. */
export function allRoutes(): RegisteredRoute[] {
  createApp({ db: {} as never, gateway: {} as never, log: createLogger({ level: 'silent', name: 'routes' }), alertFeed: {} as never });
  return registeredRoutes();
}
