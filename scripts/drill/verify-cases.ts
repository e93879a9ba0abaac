/**
 * The drill's checks on cases as a whole: nothing the API accepted is lost, nothing is there twice, every
 * accepted decision took effect once, and the read model says what the workflow says.
 */
import { kpiFacts } from '../../workflows/domain';
import { asJson, CheckBuilder, CheckResult, firstDifference } from './check';
import { drillCommands, type DrillCommand, type Ledger, type Observation } from './records';

/** 1. Every case the API accepted (201/200 with an id) is in PostgreSQL and in Temporal. */
export function acceptedCasesExist(ledger: Ledger, seen: Observation): CheckResult {
  const check = new CheckBuilder('已受理的案件都在 (accepted cases exist)');
  for (const intake of ledger.intakes) {
    if (intake.outcome !== 'accepted') continue;
    check.checked++;
    const found = intake.caseId ? seen.cases.get(intake.caseId) : undefined;
    if (!intake.caseId) check.fail(null, `受理请求 ${intake.key} 得到 ${intake.status} 却没有案件编号 (accepted without a case id)`);
    else if (!found?.row) check.fail(intake.caseId, `数据库中没有该案件 (no cases row); key ${intake.key}`);
    else if (!found.workflowExists) check.fail(intake.caseId, `Temporal 中没有该案件工作流 (no workflow): ${found.workflowError ?? '未列出 (not listed)'}`);
  }
  return check.result();
}

/** 2. One case per Idempotency-Key and per request (titles are unique per request, as fingerprints are). */
export function noDuplicates(ledger: Ledger, seen: Observation): CheckResult {
  const check = new CheckBuilder('无重复案件 (no duplicates)');
  const idsByTitle = new Map<string, Set<string>>();
  for (const c of seen.cases.values()) {
    for (const title of [c.row?.doc.title, c.workflow?.state.title]) {
      if (!title) continue;
      if (!idsByTitle.has(title)) idsByTitle.set(title, new Set());
      idsByTitle.get(title)!.add(c.id);
    }
  }
  for (const intake of ledger.intakes) {
    check.checked++;
    const ids = [...(idsByTitle.get(intake.title) ?? [])];
    if (ids.length > 1) check.fail(ids[0]!, `同一请求 ${intake.key} 有 ${ids.length} 件案件 (one request, several cases): ${ids.join(', ')}`);
    if (intake.outcome !== 'accepted' || !intake.caseId) continue;
    if (ids.length === 1 && ids[0] !== intake.caseId) {
      check.fail(intake.caseId, `请求 ${intake.key} 被答以 ${intake.caseId}，实际案件为 ${ids[0]} (answered with another case)`);
    }
    const mapped = seen.intakeKeys.get(intake.key);
    if (mapped !== undefined && mapped !== intake.caseId) {
      check.fail(intake.caseId, `Idempotency-Key ${intake.key} 在库中指向 ${mapped} (the key maps to another case)`);
    }
  }
  return check.result();
}

/** 5. The projection equals the workflow's state: the row, its columns, its events and its alerts. */
export function projectionMatches(seen: Observation): CheckResult {
  const check = new CheckBuilder('读模型与工作流一致 (projection = workflow)');
  for (const c of seen.cases.values()) {
    check.checked++;
    if (!c.workflow) {
      check.fail(c.id, `工作流不可读 (workflow not readable): ${c.workflowError ?? '未列出 (not listed)'}`);
      continue;
    }
    if (!c.row) {
      check.fail(c.id, '工作流存在，但数据库中没有案件行 (workflow without a cases row)');
      continue;
    }
    const state = asJson(c.workflow.state);
    const timeline = c.workflow.timeline;
    const columns: [string, unknown, unknown][] = [
      ['version', c.row.version, state.version],
      ['status', c.row.status, state.status],
      ['tier', c.row.tier, state.tier],
      ['overdue', c.row.overdue, state.overdue],
      ['lead_unit_id', c.row.leadUnitId, kpiFacts(state).leadUnitId],
    ];
    const wrongColumn = columns.find(([, row, wf]) => row !== wf);
    if (wrongColumn) {
      check.fail(c.id, `列 ${wrongColumn[0]}: 数据库 ${String(wrongColumn[1])} ≠ 工作流 ${String(wrongColumn[2])} (column differs)`);
      continue;
    }
    const docDiff = firstDifference(asJson(c.row.doc), state);
    if (docDiff) {
      check.fail(c.id, `doc 与工作流状态不同 (doc differs) ${docDiff}`);
      continue;
    }
    const rowEvents = c.eventRows.map((e) => `${e.seq}:${e.type}`).join(',');
    const wfEvents = timeline.map((e) => `${e.seq}:${e.type}`).join(',');
    if (rowEvents !== wfEvents) {
      check.fail(c.id, `时间线不同 (timeline differs): 数据库 ${c.eventRows.length} 条，工作流 ${timeline.length} 条; ${firstDifference(rowEvents.split(','), wfEvents.split(','))}`);
      continue;
    }
    // Same kinds in the same order is not the same timeline: a row written by a workflow task that was then lost
    // (and ran again later) keeps the earlier attempt's instant.
    const at = new Map(timeline.map((e) => [e.seq, e.at]));
    const moved = c.eventRows.filter((e) => e.at !== undefined && e.at !== at.get(e.seq));
    if (moved.length) {
      const e = moved[0]!;
      check.fail(c.id, `时间线 ${moved.length} 条时刻不同，首条 seq ${e.seq} ${e.type}: 数据库 ${e.at} ≠ 工作流 ${at.get(e.seq)} (event instant differs)`);
      continue;
    }
    const raised = timeline.flatMap((e) => (e.type === 'alert_raised' ? [`${c.id}:${e.seq}:${e.alert.type}:${e.alert.tier}`] : [])).sort();
    const stored = c.alertRows.map((a) => `${a.dedupeKey}:${a.type}:${a.tier}`).sort();
    const alertDiff = firstDifference(stored, raised);
    if (alertDiff) check.fail(c.id, `告警与时间线不同 (alerts differ from the timeline's) ${alertDiff}`);
  }
  return check.result();
}

/**
 * 6. Every decision the API accepted is on the timeline once (a retried one too): per case, command and
 * caller, the events number at least the accepted requests and at most those plus the unanswered ones.
 */
export function decisionsAppliedOnce(ledger: Ledger, seen: Observation): CheckResult {
  const check = new CheckBuilder('已确认的决定恰好执行一次 (decisions applied once)');
  const groups = new Map<string, { caseId: string; command: DrillCommand; actor: string; accepted: number; unanswered: number; keys: string[] }>();
  for (const d of ledger.decisions) {
    const id = `${d.caseId}|${d.command}|${d.actor}`;
    const g = groups.get(id) ?? { caseId: d.caseId, command: d.command, actor: d.actor, accepted: 0, unanswered: 0, keys: [] };
    if (d.outcome === 'accepted') g.accepted++;
    if (d.outcome === 'gave-up') g.unanswered++;
    g.keys.push(`${d.key}=${d.outcome}${d.status ? `/${d.status}` : ''}`);
    groups.set(id, g);
  }
  for (const g of groups.values()) {
    check.checked += g.accepted;
    const timeline = seen.cases.get(g.caseId)?.workflow?.timeline;
    if (!timeline) {
      if (g.accepted > 0) check.fail(g.caseId, `无法读取时间线，无法核对 ${g.command} (timeline not readable)`);
      continue;
    }
    const type = drillCommands[g.command].event;
    const applied = timeline.filter((e) => e.type === type && e.actor?.username === g.actor).length;
    if (applied < g.accepted) {
      check.fail(g.caseId, `${g.actor} 的 ${g.command} 已确认 ${g.accepted} 次，时间线只有 ${applied} 次 (accepted decision lost) [${g.keys.join(' ')}]`);
    } else if (applied > g.accepted + g.unanswered) {
      check.fail(g.caseId, `${g.actor} 的 ${g.command} 在时间线上 ${applied} 次，多于确认的 ${g.accepted} 次 (applied more than answered) [${g.keys.join(' ')}]`);
    }
  }
  return check.result();
}
