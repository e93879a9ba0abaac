/**
 * Every case command as the API offers it, in one table: the path under `/cases/:id/`, what the action is
 * called when it is refused (`不能<action>`), the OpenAPI summary, who may call it, the body, and what the
 * route checks or adds before the workflow decides.
 */
import type { ZodType } from 'zod';
import type { Db } from '../../db/connection';
import { getCaseScopeInfo } from '../../db/queries/cases';
import { getCategory } from '../../db/queries/categories';
import { isLeafCategory } from '../../db/queries/triage';
import type { AuthenticatedUser } from '../../db/queries/users';
import type { CaseCommandName, CaseCommands } from '../../workflows/domain';
import { ApiError } from '../errors';
import { canSeeCase, type Permission } from '../permissions';
import {
  AcceptBody,
  AgreementBody,
  CallbackBody,
  ComplexBody,
  ComplexDecisionBody,
  DispatchBody,
  EscalateBody,
  ExtensionBody,
  ExtensionDecisionBody,
  HandleDirectlyBody,
  MergeBody,
  PauseBody,
  ProgressBody,
  RecategorizeBody,
  RejectBody,
  ResolveBody,
  ResumeBody,
  WithdrawBody,
} from '../schemas/cases';

export interface NamedUnit {
  field: string;
  id: string;
}

export interface CaseCommandRoute<K extends CaseCommandName> {
  path: string;
  /** The action in a refusal: `案件当前状态为「已结案」，不能<action>`. */
  action: string;
  summary: string;
  permission: Permission;
  body: ZodType<CaseCommands[K]>;
  /** 200 unless the command only asks for something (202). */
  status?: number;
  /** Units the body names: each must exist and be active, or a 400 names its field. */
  unitsOf?: (cmd: CaseCommands[K]) => NamedUnit[];
  /** Adds what the rules need to know from other rows (the primary case of a merge). */
  enrich?: (cmd: CaseCommands[K], ctx: { db: Db; user: AuthenticatedUser }) => Promise<CaseCommands[K]>;
}

const leadAndCooperating = (c: { leadUnitId: string; cooperatingUnitIds: string[] }): NamedUnit[] => [
  { field: 'leadUnitId', id: c.leadUnitId },
  ...c.cooperatingUnitIds.map((id, i) => ({ field: `cooperatingUnitIds.${i}`, id })),
];

export const caseCommandRoutes: { [K in CaseCommandName]: CaseCommandRoute<K> } = {
  handleDirectly: {
    path: 'handle-directly',
    action: '直接办理',
    summary: '直接办：社区调度员或网格员当场处置',
    permission: 'cases.handleDirectly',
    body: HandleDirectlyBody,
  },
  dispatch: {
    path: 'dispatch',
    action: '派单',
    summary: '派单：指定牵头单位和协办单位（市级为指定办，不可退单）',
    permission: 'cases.dispatch',
    body: DispatchBody,
    unitsOf: leadAndCooperating,
  },
  recordAgreement: {
    path: 'agreement',
    action: '登记商定办协议',
    summary: '商定办：登记各方商定的方案，参会单位即签收',
    permission: 'cases.agreement',
    body: AgreementBody,
    unitsOf: (c) => [...leadAndCooperating(c), ...c.participants.flatMap((p, i) => (p.unitId ? [{ field: `participants.${i}.unitId`, id: p.unitId }] : []))],
  },
  accept: { path: 'accept', action: '签收', summary: '签收：被派单位联络员确认责任', permission: 'cases.accept', body: AcceptBody },
  reject: { path: 'reject', action: '退单', summary: '退单：被派单位联络员说明理由（至少 5 个字）', permission: 'cases.reject', body: RejectBody },
  noteProgress: {
    path: 'progress',
    action: '反馈办理进展',
    summary: '反馈办理进展（满足按时反馈要求，不停止计时）',
    permission: 'cases.progress',
    body: ProgressBody,
  },
  requestExtension: {
    path: 'extension',
    action: '申请延期',
    summary: '申请延期（最多 10 个工作日，一次，待督办人员审批）',
    permission: 'cases.extension',
    body: ExtensionBody,
    status: 202,
  },
  decideExtension: {
    path: 'extension/decision',
    action: '审批延期',
    summary: '审批延期申请（批准后办结时限顺延）',
    permission: 'cases.extensionDecision',
    body: ExtensionDecisionBody,
  },
  pause: { path: 'pause', action: '暂停计时', summary: '待补充材料：暂停办结计时（有上限，超时自动恢复）', permission: 'cases.pause', body: PauseBody },
  resume: { path: 'resume', action: '恢复计时', summary: '补充材料已到：恢复办结计时，时限顺延等待的时间', permission: 'cases.resume', body: ResumeBody },
  markComplex: {
    path: 'complex',
    action: '认定为复杂件',
    summary: '申请认定为复杂件（需督办人员批准，批准后按复杂件时限计算）',
    permission: 'cases.complex',
    body: ComplexBody,
  },
  decideComplex: { path: 'complex/decision', action: '审批复杂件认定', summary: '审批复杂件认定', permission: 'cases.complexDecision', body: ComplexDecisionBody },
  escalate: { path: 'escalate', action: '升级（吹哨）', summary: '吹哨：手动升级到上一级（社区→街道→市级平台）', permission: 'cases.escalate', body: EscalateBody },
  withdraw: { path: 'withdraw', action: '撤回', summary: '诉求人撤回', permission: 'cases.withdraw', body: WithdrawBody },
  merge: {
    path: 'merge',
    action: '并单',
    summary: '并单：重复诉求并入主案件',
    permission: 'cases.merge',
    body: MergeBody,
    // A primary the dispatcher cannot see is one they cannot merge into: the same 404 as one that does not exist.
    enrich: async (c, { db, user }) => {
      const into = await getCaseScopeInfo(db, c.intoCaseId);
      if (!into || !canSeeCase(user, into)) {
        throw new ApiError(404, 'NOT_FOUND', `主案件不存在或不在您的辖区内：${c.intoCaseId}`, [{ field: 'intoCaseId', message: '请填写本辖区内仍在办理的案件编号' }]);
      }
      return { ...c, into: { status: into.status } };
    },
  },
  recategorize: {
    path: 'category',
    action: '更改事项分类',
    summary: '改分类：调度员更正事项分类（时限按新分类重算；更正记为智能分拨的训练样本）',
    permission: 'cases.recategorize',
    body: RecategorizeBody,
    // The rules need the new category's deadline class; a category that does not exist, or a group, is a 400.
    enrich: async (c, { db }) => {
      const category = await getCategory(db, c.category);
      if (!category) throw ApiError.validation([{ field: 'category', message: `事项分类不存在：${c.category}` }]);
      if (!(await isLeafCategory(db, category.id))) throw ApiError.validation([{ field: 'category', message: `请选择具体的事项分类（${category.name}是分类组）` }]);
      return { ...c, categoryClass: category.slaClass };
    },
  },
  resolve: { path: 'resolve', action: '办结', summary: '办结：牵头单位联络员或直接办理人提交办理结果', permission: 'cases.resolve', body: ResolveBody },
  callback: { path: 'callback', action: '登记回访', summary: '回访：登记诉求人评价（不满意则重新办理）', permission: 'cases.callback', body: CallbackBody },
};
