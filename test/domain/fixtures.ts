import type { CaseIntake } from '../../workflows/domain';

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
