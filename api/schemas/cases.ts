import { attachmentKinds, caseStatuses, channels, handlingModes, ratings, requestTypes, slaClasses, tiers, urgencies } from '../../workflows/domain';
import { Instant, text } from './common';
import { IsoDuration } from './calendar';
import { z } from './zod';

const id = (example: string) => z.string().trim().min(1).max(64).openapi({ example });

export const OpenCaseBody = z
  .strictObject({
    requestType: z.enum(requestTypes),
    category: id('cable-sagging'),
    title: text(100).openapi({ example: '东大线通信线缆下垂' }),
    description: text(4000).openapi({ example: '东大线沿途通信线缆严重下垂，最低处距地面仅3米，对过往货车构成威胁。' }),
    urgency: z.enum(urgencies),
    channel: z.enum(channels),
    location: z.strictObject({
      communityId: id('410581106201'),
      gridId: id('410581106201-01').optional(),
      address: text(300).openapi({ example: '东岗镇岩峪村东大线' }),
      lat: z.number().min(-90).max(90).optional(),
      lng: z.number().min(-180).max(180).optional(),
    }),
    reporter: z.strictObject({
      name: text(50).optional(),
      phone: z.string().trim().regex(/^\+?[0-9-]{5,20}$/, '电话号码格式不正确').optional(),
    }),
    attachments: z.array(z.strictObject({ url: z.url().max(2000), kind: z.enum(attachmentKinds) })).max(20).optional(),
    public: z.boolean().optional().openapi({ description: '诉求人同意在公开栏展示诉求标题和描述（默认不公开）' }),
  })
  .openapi('OpenCaseRequest');

export const HandleDirectlyBody = z.strictObject({ note: text(2000) }).openapi('HandleDirectlyRequest');

export const DispatchBody = z
  .strictObject({
    leadUnitId: id('unit-mobile'),
    cooperatingUnitIds: z.array(id('unit-telecom')).max(20).default([]),
    note: text(2000).optional(),
  })
  .openapi('DispatchRequest');

export const AgreementBody = z
  .strictObject({
    leadUnitId: id('unit-cable'),
    cooperatingUnitIds: z.array(id('unit-urban')).max(20).default([]),
    participants: z
      .array(z.strictObject({ name: text(50), unitId: id('unit-cable').optional(), role: text(50).optional() }))
      .min(1)
      .max(100),
    plan: text(4000).openapi({ example: '先排查管线、再回填硬化' }),
    costSharing: text(2000).optional().openapi({ example: '28户按面积分摊维修费用' }),
  })
  .openapi('AgreementRequest');

export const ProgressBody = z.strictObject({ note: text(4000) }).openapi('ProgressRequest');
export const ExtensionBody = z.strictObject({ duration: IsoDuration.openapi({ example: 'P3D' }), reason: text(2000) }).openapi('ExtensionRequest');
export const ExtensionDecisionBody = z.strictObject({ approve: z.boolean(), note: text(2000).optional() }).openapi('ExtensionDecisionRequest');
export const PauseBody = z.strictObject({ reason: text(2000) }).openapi('PauseRequest');
export const ResumeBody = z.strictObject({ note: text(2000).optional() }).openapi('ResumeRequest');
export const ComplexBody = z.strictObject({ reason: text(2000) }).openapi('ComplexMarkRequest');
export const ComplexDecisionBody = z.strictObject({ approve: z.boolean(), note: text(2000).optional() }).openapi('ComplexDecisionRequest');
export const EscalateBody = z.strictObject({ reason: text(2000) }).openapi('EscalateRequest');
export const WithdrawBody = z.strictObject({ reason: text(2000) }).openapi('WithdrawRequest');
export const MergeBody = z
  .strictObject({ intoCaseId: z.string().regex(/^[0-9]{8,20}$/, '案件编号格式不正确').openapi({ example: '20261123000001' }) })
  .openapi('MergeRequest');

export const RecategorizeBody = z
  .strictObject({ category: id('cable-sagging'), note: text(2000).optional().openapi({ example: '来电所述为线缆下垂，不是电杆倾斜' }) })
  .openapi('RecategorizeRequest');

export const AcceptBody = z.strictObject({ note: text(2000).optional() }).openapi('AcceptRequest');
export const RejectBody = z.strictObject({ reason: text(2000, 5) }).openapi('RejectRequest');
export const ResolveBody = z
  .strictObject({
    summary: text(4000),
    evidence: z.array(z.url().max(2000)).max(20).default([]),
    explainedUnresolved: z.boolean().default(false),
  })
  .openapi('ResolveRequest');
export const CallbackBody = z
  .strictObject({ rating: z.enum(ratings), comment: text(2000).optional() })
  .openapi('CallbackRequest');

const Assignment = z.object({
  unitId: z.string(),
  role: z.enum(['lead', 'cooperating']),
  state: z.enum(['pending', 'accepted', 'rejected']),
  active: z.boolean().openapi({ description: '牵头单位退单后，该轮派单的记录保留但不再有效' }),
  tier: z.enum(tiers),
  assignedAt: Instant,
  respondBy: Instant.nullable(),
  decidedAt: Instant.nullable(),
  reason: z.string().nullable(),
  note: z.string().nullable(),
});

const TimelineEntry = z
  .object({
    seq: z.number().int(),
    type: z.string().openapi({ example: 'dispatched' }),
    at: Instant,
    actor: z.object({ userId: z.string(), displayName: z.string(), role: z.string(), unitId: z.string().nullable() }).nullable(),
    data: z.record(z.string(), z.unknown()),
  })
  .openapi('TimelineEntry');

export const CaseBody = z
  .object({
    id: z.string().openapi({ example: '20261123000001' }),
    caseNo: z.string(),
    status: z.enum(caseStatuses),
    tier: z.enum(tiers),
    mode: z.enum(handlingModes).nullable(),
    requestType: z.enum(requestTypes),
    category: z.string(),
    urgency: z.enum(urgencies),
    slaClass: z.enum(slaClasses),
    title: z.string(),
    description: z.string(),
    channel: z.enum(channels),
    location: z.object({
      communityId: z.string(),
      path: z
        .string()
        .nullable()
        .optional()
        .openapi({ description: '社区的辖区路径，如 /410581/41058101/410581001/410581001001/；早期案件可能没有', example: '/410581/41058101/410581001/410581001001/' }),
      streetId: z.string(),
      cityId: z.string(),
      gridId: z.string().nullable().optional(),
      address: z.string(),
      lat: z.number().nullable().optional(),
      lng: z.number().nullable().optional(),
    }),
    reporter: z.object({ name: z.string().nullable().optional(), phone: z.string().nullable().optional() }).openapi({
      description: '无权查看时电话显示为 138****5678，姓名只显示姓',
    }),
    attachments: z.array(z.object({ url: z.string(), kind: z.enum(attachmentKinds) })),
    public: z.boolean().openapi({ description: '诉求人同意在公开栏展示诉求标题和描述' }),
    assignments: z.array(Assignment),
    deadlines: z.object({
      triageBy: Instant.nullable().optional(),
      respondBy: Instant.nullable().optional(),
      resolveBy: Instant.nullable().optional(),
      callbackBy: Instant.nullable().optional(),
    }),
    timeLeft: z
      .object({ triageBy: z.string(), respondBy: z.string(), resolveBy: z.string(), callbackBy: z.string() })
      .partial()
      .optional()
      .openapi({ description: '各时限的剩余时间（按工作日或自然时间计），如「剩余 1 个工作日 3 小时」「已超时 2 小时」', example: { resolveBy: '剩余 4 个工作日 3 小时' } }),
    overdue: z.boolean(),
    escalations: z.array(
      z.object({ from: z.enum(tiers), to: z.enum(tiers), cause: z.enum(['deadline', 'manual', 'dispute']), at: Instant, reason: z.string().nullable().optional() }),
    ),
    resolution: z
      .object({ summary: z.string(), evidence: z.array(z.string()), explainedUnresolved: z.boolean(), at: Instant })
      .nullable(),
    extension: z
      .object({
        state: z.enum(['pending', 'approved', 'refused']),
        duration: z.string(),
        reason: z.string(),
        requestedAt: Instant,
        decidedAt: Instant.nullable().optional(),
        note: z.string().nullable().optional(),
        previousResolveBy: Instant.nullable().optional(),
      })
      .nullable(),
    agreement: z
      .object({
        participants: z.array(z.object({ name: z.string(), unitId: z.string().nullable().optional(), role: z.string().nullable().optional() })),
        plan: z.string(),
        costSharing: z.string().nullable().optional(),
        at: Instant,
      })
      .nullable(),
    paused: z.object({ since: Instant, reason: z.string() }).nullable().openapi({ description: '等待诉求人补充材料期间办结计时暂停' }),
    complexMark: z
      .object({ state: z.enum(['pending', 'approved', 'refused']), reason: z.string(), requestedAt: Instant, decidedAt: Instant.nullable().optional(), note: z.string().nullable().optional() })
      .nullable()
      .openapi({ description: '复杂件认定：调度员申请，督办人员批准后按复杂件时限重新计算' }),
    mergedInto: z.string().nullable(),
    duplicates: z.array(z.string()).openapi({ description: '并入本案件的重复诉求' }),
    endReason: z.string().nullable(),
    notRated: z.boolean().openapi({ description: '回访期限内未评价而结案' }),
    reopenCount: z.number().int(),
    rating: z.enum(ratings).nullable(),
    createdAt: Instant,
    dispatchedAt: Instant.nullable(),
    resolvedAt: Instant.nullable(),
    closedAt: Instant.nullable(),
    updatedAt: Instant,
    version: z.number().int(),
    timeline: z.array(TimelineEntry).optional().openapi({ description: '仅在 GET /cases/:id 中返回' }),
  })
  .openapi('Case');

const optionalBool = z
  .enum(['true', 'false'])
  .transform((v) => v === 'true')
  .optional();

export const ListCasesQuery = z
  .strictObject({
    status: z.enum(caseStatuses).optional(),
    tier: z.enum(tiers).optional(),
    mode: z.enum(handlingModes).optional(),
    unitId: id('unit-mobile').optional(),
    streetId: id('410581001').optional(),
    communityId: id('410581001001').optional(),
    category: id('road-damage').optional(),
    channel: z.enum(channels).optional(),
    requestType: z.enum(requestTypes).optional(),
    urgency: z.enum(urgencies).optional(),
    overdue: optionalBool,
    awaiting: z.enum(['approval']).optional().openapi({ description: 'approval：待督办人员审批（延期申请或复杂件认定）的案件' }),
    createdFrom: Instant.optional().openapi({ description: '受理时间 ≥ 该时刻' }),
    createdTo: Instant.optional().openapi({ description: '受理时间 < 该时刻' }),
    dispatchedFrom: Instant.optional().openapi({ description: '首次派单时间 ≥ 该时刻' }),
    dispatchedTo: Instant.optional().openapi({ description: '首次派单时间 < 该时刻' }),
    sort: z.enum(['newest', 'due']).default('newest').openapi({ description: 'newest：新案件在前（默认）；due：最近的截止时间在前（已超期的最先，无计时的最后）' }),
    q: z.string().trim().min(1).max(100).optional().openapi({ description: '在标题、描述、地址中查找（中文按字查找，不需分词）' }),
    phone: z.string().trim().regex(/^\+?[0-9 -]{5,20}$/, '电话号码格式不正确').optional().openapi({ description: '诉求人电话（仅受理员和管理员可用）：同一来电人的历史诉求' }),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    cursor: z.string().max(500).optional(),
  })
  .openapi('ListCasesQuery');

export const CaseList = z.object({ items: z.array(CaseBody), nextCursor: z.string().nullable() }).openapi('CaseList');

export const CaseIdParams = z.object({ id: z.string().regex(/^[0-9]{8,20}$/, '案件编号格式不正确').openapi({ example: '20261123000001' }) });
