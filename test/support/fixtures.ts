import { demo } from '../../db/seeds/demo-city';

/** A valid intake body: 岩峪村's sagging cables (DOMAIN.md §8), overridable per test. */
export const cableIntake = (over: Record<string, unknown> = {}) => ({
  requestType: 'report',
  category: demo.categories.cableSagging,
  title: '东大线通信线缆下垂',
  description: '东大线沿途部分通信线缆严重下垂，最低处距地面仅3米，对过往货车构成安全威胁。',
  urgency: 'normal',
  channel: 'gridPatrol',
  location: { communityId: demo.communities.xiaochi, address: '开元街道小池社区和谐路' },
  reporter: { name: '郭凤', phone: '13800005678' },
  ...over,
});
