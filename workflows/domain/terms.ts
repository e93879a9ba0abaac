/**
 * The one place where the Chinese terms users see map to the English names the code uses.
 * Everything a person reads (errors, alerts, UI labels) takes its words from here.
 */
export const caseStatuses = ['triage', 'dispatched', 'in_progress', 'resolved', 'closed', 'withdrawn', 'merged'] as const;
export type CaseStatus = (typeof caseStatuses)[number];

export const tiers = ['community', 'street', 'city'] as const;
export type Tier = (typeof tiers)[number];

export const handlingModes = ['direct', 'negotiated', 'designated'] as const;
export type HandlingMode = (typeof handlingModes)[number];

export const requestTypes = ['consultation', 'help', 'complaint', 'report', 'suggestion'] as const;
export type RequestType = (typeof requestTypes)[number];

export const channels = ['hotline', 'miniProgram', 'gridPatrol', 'socialMedia', 'app', 'walkIn', 'open311'] as const;
export type Channel = (typeof channels)[number];

export const urgencies = ['urgent', 'normal'] as const;
export type Urgency = (typeof urgencies)[number];

export const slaClasses = ['urgent', 'utility', 'general', 'complex'] as const;
export type SlaClassName = (typeof slaClasses)[number];

export const ratings = ['satisfied', 'basically_satisfied', 'unsatisfied'] as const;
export type Rating = (typeof ratings)[number];

export const roles = ['clerk', 'gridWorker', 'dispatcher', 'liaison', 'supervisor', 'admin'] as const;
export type Role = (typeof roles)[number];

export const attachmentKinds = ['image', 'video', 'audio', 'document'] as const;
export type AttachmentKind = (typeof attachmentKinds)[number];

export const alertTypes = ['warning', 'overdue', 'escalated', 'rejected', 'extension_requested', 'complex_requested', 'plan_failed'] as const;
export type AlertType = (typeof alertTypes)[number];

export const zh = {
  status: {
    triage: '待分派',
    dispatched: '已派单',
    in_progress: '办理中',
    resolved: '已办结待回访',
    closed: '已结案',
    withdrawn: '已撤回',
    merged: '已并单',
  } satisfies Record<CaseStatus, string>,
  tier: { community: '社区（村）', street: '街道（乡镇）', city: '市接诉即办平台' } satisfies Record<Tier, string>,
  mode: { direct: '直接办', negotiated: '商定办', designated: '指定办' } satisfies Record<HandlingMode, string>,
  requestType: {
    consultation: '咨询',
    help: '求助',
    complaint: '投诉',
    report: '举报',
    suggestion: '建议',
  } satisfies Record<RequestType, string>,
  channel: {
    hotline: '12345热线',
    miniProgram: '小程序随手拍',
    gridPatrol: '网格巡查',
    socialMedia: '网络媒体',
    app: '城市APP',
    walkIn: '来访',
    open311: 'Open311',
  } satisfies Record<Channel, string>,
  rating: { satisfied: '满意', basically_satisfied: '基本满意', unsatisfied: '不满意' } satisfies Record<Rating, string>,
  role: {
    clerk: '受理员',
    gridWorker: '网格员',
    dispatcher: '调度员',
    liaison: '部门联络员',
    supervisor: '督办人员',
    admin: '系统管理员',
  } satisfies Record<Role, string>,
  urgency: { urgent: '紧急', normal: '一般' } satisfies Record<Urgency, string>,
  slaClass: { urgent: '紧急类', utility: '水电气热类', general: '一般类', complex: '复杂件' } satisfies Record<SlaClassName, string>,
  level: { city: '市', district: '区（县）', street: '街道（乡镇）', community: '社区（村）', grid: '网格' },
  attachmentKind: { image: '图片', video: '视频', audio: '音频', document: '文件' } satisfies Record<AttachmentKind, string>,
  assignmentRole: { lead: '牵头单位', cooperating: '协办单位' },
  assignmentState: { pending: '待签收', accepted: '已签收', rejected: '已退单' },
  decisionState: { pending: '待审批', approved: '已批准', refused: '未批准' },
  escalationCause: { deadline: '超时自动升级', manual: '人工吹哨', dispute: '派单争议' },
  deadline: { triageBy: '分派时限', respondBy: '签收时限', resolveBy: '办结时限', callbackBy: '回访时限' },
  measure: {
    responseRate: '响应率',
    onTimeFeedbackRate: '按时反馈率',
    onTimeCompletionRate: '按期办结率',
    firstTimeResolutionRate: '一次办结率',
    resolutionRate: '解决率',
    satisfactionRate: '满意率',
    escalationRate: '升级率',
  },
  clock: {
    triage: '分派',
    respond: '签收',
    resolve: '办结',
    callback: '回访',
    repeatOverdue: '督办提醒',
    pause: '待补充材料',
  },
  alert: {
    warning: '预警',
    overdue: '超时',
    escalated: '升级',
    rejected: '退单',
    extension_requested: '延期申请',
    complex_requested: '复杂件认定申请',
    plan_failed: '时限计算失败',
  } satisfies Record<AlertType, string>,
} as const;

/** The seven rates of DOMAIN.md §6, in the order every report shows them (the console, the exports). */
export const kpiMeasures = [
  'responseRate',
  'onTimeFeedbackRate',
  'onTimeCompletionRate',
  'firstTimeResolutionRate',
  'resolutionRate',
  'satisfactionRate',
  'escalationRate',
] as const;
export type KpiMeasure = (typeof kpiMeasures)[number];

/**
 * What exported case lists and KPI tables (.csv, .xlsx) are headed with, in column order. A time column says it
 * is Beijing time and a rate column that it is a percentage, so a spreadsheet read on its own is not misread.
 */
export const exportColumns = {
  case: {
    caseNo: '案件编号',
    createdAt: '受理时间（北京时间）',
    channel: '来源渠道',
    requestType: '诉求类型',
    category: '诉求类别',
    urgency: '紧急程度',
    title: '诉求标题',
    description: '诉求内容',
    street: '街道（乡镇）',
    community: '社区（村）',
    address: '详细地址',
    reporterName: '诉求人',
    reporterPhone: '联系电话',
    status: '案件状态',
    tier: '当前层级',
    mode: '办理方式',
    leadUnit: zh.assignmentRole.lead,
    cooperatingUnits: zh.assignmentRole.cooperating,
    dispatchedAt: '首次派单时间（北京时间）',
    resolveBy: `${zh.deadline.resolveBy}（北京时间）`,
    overdue: '是否超期',
    resolvedAt: '办结时间（北京时间）',
    closedAt: '结案时间（北京时间）',
    rating: '满意度评价',
    reopenCount: '重办次数',
  },
  /** The KPI table's first two columns: the group's id, and its name headed by what is grouped. */
  kpiKey: '编号',
  kpiGroup: { unit: '责任单位', street: '街道（乡镇）', community: '社区（村）', category: '诉求类别', tier: '案件层级' },
  kpi: {
    dispatched: '统计案件数',
    responseRate: `${zh.measure.responseRate}（%）`,
    onTimeFeedbackRate: `${zh.measure.onTimeFeedbackRate}（%）`,
    onTimeCompletionRate: `${zh.measure.onTimeCompletionRate}（%）`,
    firstTimeResolutionRate: `${zh.measure.firstTimeResolutionRate}（%）`,
    resolutionRate: `${zh.measure.resolutionRate}（%）`,
    satisfactionRate: `${zh.measure.satisfactionRate}（%）`,
    escalationRate: `${zh.measure.escalationRate}（%）`,
  },
  total: '合计',
  yes: '是',
  no: '否',
  /** File and sheet names. */
  title: { cases: '案件列表', kpis: '考核指标' },
  /** The last line of an export stopped at its row cap: the file must not look complete. */
  truncated: (cap: number) => `（已达导出上限 ${cap} 行，其余案件未导出；请缩小筛选范围后分批导出）`,
} as const;
