import type { Knex } from 'knex';
import { allocateCaseNo } from '../../db/queries/cases';
import { demo } from '../../db/seeds/demo-city';
import type { CaseIntake } from '../../workflows/domain';

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

/** An intake as the API hands it to the workflow (no HTTP), numbered by the database like the API's. */
export async function workflowIntake(db: Knex, over: Partial<CaseIntake> = {}): Promise<CaseIntake> {
  const id = await allocateCaseNo(db, new Date());
  return {
    id,
    caseNo: id,
    requestType: 'report',
    category: demo.categories.cableSagging,
    slaClass: 'general',
    urgency: 'normal',
    title: '工作流测试：线缆下垂',
    description: '最低处距地面仅3米',
    channel: 'gridPatrol',
    location: { communityId: demo.communities.xiaochi, streetId: demo.streets.kaiyuan, cityId: demo.cityId, address: '和谐路' },
    reporter: { phone: '13800005678' },
    attachments: [],
    ...over,
  };
}
