/**
 * The arrange client of the API tests: open cases, act on them, read them back, set SLA policies of seconds.
 * Every case it opens is remembered, so `withdrawAll` leaves nothing ticking on the shared dev server once
 * a file's worker is gone.
 */
import type { SlaClass } from '../../config/sla-defaults';
import { putSlaPolicy } from '../../db/queries/sla-policies';
import { demo } from '../../db/seeds/demo-city';
import { cableIntake } from './fixtures';
import type { TestStack } from './stack';

/** Slow enough that nothing fires during a test unless the test shortens it. */
export const slowPolicy = {
  triage: 'PT60S',
  respond: 'PT60S',
  resolve: 'PT120S',
  callback: 'PT60S',
  repeatOverdue: 'PT60S',
  maxPause: 'PT60S',
  warnAt: 0.8,
  basis: 'calendar',
  callbackBasis: 'calendar',
} as const;

export interface AlertItem {
  id: string;
  caseId: string;
  type: string;
  tier: string;
  message: string;
}

export function arrange(stack: () => TestStack) {
  const opened: string[] = [];
  const { users: u } = demo;
  return {
    /** A case from the standard intake with `over` applied; 201 or the test fails. */
    async open(over: Record<string, unknown> = {}, as: string = u.clerk) {
      const res = await stack().call('POST', '/api/v1/cases', { as, body: cableIntake(over) });
      if (res.status !== 201) throw new Error(`open as ${as}: ${res.status} ${JSON.stringify(res.body)}`);
      opened.push(res.body.id);
      return res.body;
    },
    /** A command whose answer is `expected` (any 2xx when not given); the case as answered. */
    async act(id: string, action: string, as: string, body: unknown = {}, expected?: number) {
      const res = await stack().call('POST', `/api/v1/cases/${id}/${action}`, { as, body });
      const ok = expected === undefined ? res.status >= 200 && res.status < 300 : res.status === expected;
      if (!ok) throw new Error(`${action} as ${as}: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body;
    },
    /** A command, answered whatever its status (for the refusals under test). */
    post: (id: string, action: string, as: string, body: unknown = {}, headers: Record<string, string> = {}) =>
      stack().call('POST', `/api/v1/cases/${id}/${action}`, { as, body, headers }),
    get: async (id: string, as: string = u.supervisorCity) => (await stack().call('GET', `/api/v1/cases/${id}`, { as })).body,
    alertsOf: async (id: string, as: string = u.supervisorCity) =>
      (await stack().call('GET', `/api/v1/alerts?caseId=${id}`, { as })).body.items as AlertItem[],
    /** The slow policy with `over` applied, for one class (general by default). */
    setPolicy: (over: Partial<Record<keyof typeof slowPolicy, string | number>> = {}, slaClass: SlaClass = 'general') =>
      putSlaPolicy(stack().db, slaClass, { ...slowPolicy, ...over } as never, null),
    async withdrawAll() {
      for (const id of opened) await stack().call('POST', `/api/v1/cases/${id}/withdraw`, { as: u.clerk, body: { reason: '测试结束，撤回' } });
    },
  };
}
