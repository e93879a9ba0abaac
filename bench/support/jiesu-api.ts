/** The few API calls the load benches make, over HTTP to the stack's API, loopback only. */
import { assertLoopback } from './report';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export type Api = <T = any>(method: string, path: string, token: string, body?: unknown) => Promise<T>;

/** Calls `/api/v1<path>`; anything but 2xx throws with the status and the error code. */
export function apiCaller(baseUrl: string): Api {
  assertLoopback(baseUrl);
  return async (method, path, token, body) => {
    const res = await fetch(`${baseUrl}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(60_000),
    });
    const text = await res.text();
    if (res.status >= 300) {
      let code = text.slice(0, 120);
      try {
        code = JSON.parse(text).error?.code ?? code;
      } catch {
        // not JSON: the start of the text says enough
      }
      throw new ApiError(res.status, `${method} ${path}: ${res.status} ${code}`);
    }
    return (text ? JSON.parse(text) : null) as any;
  };
}

/** A pothole in 小池社区, the general class: what most cases are. */
export const generalIntake = (i: number, what = '压测诉求') => ({
  requestType: 'complaint',
  category: 'road-damage',
  title: `${what} ${i}`,
  description: '道路坑洼（基准测试）',
  urgency: 'normal',
  channel: 'hotline',
  location: { communityId: '410581001001', address: '小池社区' },
  reporter: { phone: '13800000000' },
});

/** An urgent hazard: the urgent class, counted on the calendar (seconds are possible). */
export const urgentIntake = (i: number) => ({
  requestType: 'help',
  category: 'safety-hazard',
  title: `计时压测 ${i}`,
  description: '定时器延迟基准测试',
  urgency: 'urgent',
  channel: 'hotline',
  location: { communityId: '410581001001', address: '小池社区' },
  reporter: {},
});

export const dispatchBody = { leadUnitId: 'unit-urban' };

/** Changes part of an SLA policy (PUT takes the whole policy). */
export async function updatePolicy(api: Api, adminToken: string, slaClass: string, changes: Record<string, unknown>): Promise<void> {
  const { slaClass: _c, updatedAt: _u, updatedBy: _b, ...policy } = await api('GET', `/sla-policies/${slaClass}`, adminToken);
  await api('PUT', `/sla-policies/${slaClass}`, adminToken, { ...policy, ...changes });
}
