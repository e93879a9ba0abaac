/**
 * The console's words. The Chinese for every code the server knows comes from the one table of the domain
 * (workflows/domain/terms.ts: pure data, bundled as it is); the console adds only its own words (the actions
 * on its buttons, the events of the timeline as a timeline reads them).
 */
import { zh as domainZh } from '../../workflows/domain/terms';

export const zh = {
  ...domainZh,
  action: {
    'handle-directly': '直接办',
    dispatch: '派单',
    agreement: '商定办',
    escalate: '吹哨升级',
    merge: '并单',
    complex: '申请复杂件',
    accept: '签收',
    reject: '退单',
    progress: '反馈进展',
    extension: '申请延期',
    resolve: '办结',
    pause: '暂停（待补充材料）',
    resume: '恢复办理',
    callback: '回访',
    withdraw: '撤回',
    'extension/decision': '审批延期',
    'complex/decision': '审批复杂件',
  },
  event: {
    case_opened: '受理登记',
    handled_directly: '直接办理',
    dispatched: '派单',
    agreement_recorded: '商定办方案',
    assignment_accepted: '单位签收',
    assignment_rejected: '单位退单',
    progress_noted: '反馈进展',
    extension_requested: '申请延期',
    extension_decided: '延期审批',
    paused: '暂停办理（待补充材料）',
    resumed: '恢复办理',
    resolved: '办结',
    callback_recorded: '回访',
    callback_window_expired: '回访期满未评价',
    complex_requested: '申请复杂件',
    complex_decided: '复杂件审批',
    escalated: '升级',
    withdrawn: '撤回',
    merged: '并入其他案件',
    duplicate_merged: '并入重复诉求',
    clocks_planned: '计算时限',
    clocks_plan_failed: '时限计算失败',
    clock_warned: '时限预警',
    clock_missed: '时限已过',
    alert_raised: '发出告警',
  },

} as const;

export type Zh = typeof zh;

/** A code in one of the tables above, or the code itself when the table lacks it (a newer server). */
export function term<K extends keyof Zh>(table: K, code: string | null | undefined): string {
  if (code === null || code === undefined || code === '') return '—';
  const words = zh[table] as Record<string, string>;
  return words[code] ?? code;
}

export const statusColor: Record<string, string> = {
  triage: 'orange',
  dispatched: 'blue',
  in_progress: 'processing',
  resolved: 'cyan',
  closed: 'green',
  withdrawn: 'default',
  merged: 'default',
};

export const alertColor: Record<string, string> = {
  warning: 'gold',
  overdue: 'red',
  escalated: 'volcano',
  rejected: 'magenta',
  extension_requested: 'blue',
  complex_requested: 'purple',
  plan_failed: 'red',
};

export { kpiMeasures as measureKeys, type KpiMeasure as MeasureKey } from '../../workflows/domain/terms';
