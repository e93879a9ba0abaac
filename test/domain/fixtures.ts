import type { Actor, CaseIntake } from '../../workflows/domain';

/** A minimal intake at community C of street S for pure domain tests (no database ids needed). */
export const domainIntake: CaseIntake = {
  id: '1',
  caseNo: '1',
  requestType: 'report',
  category: 'cable-sagging',
  slaClass: 'general',
  urgency: 'normal',
  title: '线缆下垂',
  description: '',
  channel: 'hotline',
  location: { communityId: 'C', streetId: 'S', cityId: 'CITY', address: 'x' },
  reporter: { phone: '13800005678' },
  attachments: [],
};

/** Instants of the pure tests: `at(n)` is n seconds after a fixed Monday morning. */
export const t0 = Date.parse('2026-11-23T02:00:00.000Z');
export const at = (seconds: number) => new Date(t0 + seconds * 1000).toISOString();

export const actor = (over: Partial<Actor>): Actor => ({ userId: 'u', username: 'u', displayName: 'U', role: 'clerk', ...over });
export const clerk = actor({ userId: 'clerk', jurisdictionId: 'CITY', jurisdictionPath: '/CITY/' });
export const dispatcherAt = (node: string) => actor({ userId: `d-${node}`, role: 'dispatcher', jurisdictionId: node });
export const supervisorAt = (node: string) => actor({ userId: `s-${node}`, role: 'supervisor', jurisdictionId: node });
export const liaison = (unitId: string) => actor({ userId: `l-${unitId}`, role: 'liaison', unitId });
