/** The drill's printed result: what the clients saw, the fault timeline, and the verification table. */
import type { Failure } from './check';
import type { DrillCommand, Outcome } from './records';
import type { RoundResult } from './round';

/** Terminal columns a text takes: CJK and full-width characters take two. */
function width(text: string): number {
  let w = 0;
  for (const ch of text) w += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(ch) ? 2 : 1;
  return w;
}

const pad = (text: string, columns: number): string => text + ' '.repeat(Math.max(1, columns - width(text)));
const padStart = (text: string, columns: number): string => ' '.repeat(Math.max(0, columns - width(text))) + text;

function tally<T>(items: T[], key: (t: T) => string): string {
  const counts = new Map<string, number>();
  for (const i of items) counts.set(key(i), (counts.get(key(i)) ?? 0) + 1);
  return [...counts].map(([k, n]) => `${k} ${n}`).join('，') || '无';
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)}s`;

/** The English tag a failure's text ends with, e.g. `deadline passed, never fired`: what kind of failure it is. */
const failureKind = (f: Failure): string => /\(([a-z][^()]*)\)[^()]*$/.exec(f.detail)?.[1]?.split(':')[0] ?? f.detail.slice(0, 40);

export function formatRound(round: number, r: RoundResult, maxFailuresShown = 15): string {
  const lines: string[] = [];
  const rule = '─'.repeat(96);
  lines.push(rule, `  第 ${round} 轮结果 (round ${round}): ${r.verdict.ok ? '通过 (PASS)' : '失败 (FAIL)'}，用时 ${seconds(r.tookMs)}`, rule);
  const outcome = (o: Outcome) => ({ accepted: '已确认 accepted', refused: '被拒绝 refused', 'gave-up': '无答复 gave up' })[o];
  lines.push(`  受理 (intakes)     ${r.arrivals} 件到达：${tally(r.ledger.intakes, (i) => outcome(i.outcome))}`);
  const decided = r.ledger.decisions;
  lines.push(`  决定 (decisions)   ${decided.length} 个：${tally(decided, (d) => outcome(d.outcome))}`);
  const refusedBy = decided.filter((d) => d.outcome === 'refused');
  if (refusedBy.length) lines.push(`    被拒绝的 (refused, by status/code): ${tally(refusedBy, (d) => `${d.command as DrillCommand} ${d.status}/${d.code ?? '-'}`)}`);
  const retried = [...r.ledger.intakes, ...decided].filter((x) => x.attempts > 1).length;
  lines.push(`  重试 (retried)     ${retried} 个请求重试过；所有应答 (every answer): ${Object.entries(r.ledger.answers).sort().map(([k, n]) => `${k}×${n}`).join(' ')}`);
  const replicas = Object.entries(r.ledger.routing.answered);
  if (r.ledger.routing.failovers > 0 || replicas.length > 1) {
    lines.push(`  API 副本 (replicas) 应答 (answers) ${replicas.map(([url, n]) => `${url}×${n}`).join(' ')}；转向另一副本 (failovers) ${r.ledger.routing.failovers} 次`);
  }
  const internal = Object.entries(r.ledger.internalErrors);
  if (internal.length) lines.push(`  500 应答 (internal errors; a part that is down should be a 503): ${internal.map(([k, n]) => `${k} ×${n}`).join('；')}`);
  lines.push('  故障时间线 (fault timeline):');
  for (const f of r.faults) {
    const down = f.readyAt ? seconds(Date.parse(f.readyAt) - Date.parse(f.killedAt)) : '未恢复 (never back)';
    lines.push(`    kill -9 ${pad(f.component, 10)} ${f.killedAt}  重启 (restart) ${f.restartedAt ?? '-'}  不可用 (unavailable) ${down}`);
  }
  for (const e of r.unplannedExits) lines.push(`    意外退出 (exited on its own) ${pad(e.part, 10)} ${e.at}  ${e.how}`);
  lines.push(`  稳定 (settle)      ${r.settled ? '已稳定' : '超时仍未稳定 (timed out)'}，等待 ${seconds(r.settleMs)}`);
  lines.push('');
  lines.push(`  ${pad('检查 (check)', 52)}${padStart('核对 checked', 14)}${padStart('失败 failed', 13)}`);
  for (const c of r.verdict.checks) {
    const mark = c.failures.length === 0 ? '✓' : '✗';
    lines.push(`  ${mark} ${pad(c.title, 50)}${padStart(String(c.checked), 14)}${padStart(String(c.failures.length), 13)}${c.note ? `   ${c.note}` : ''}`);
  }
  for (const c of r.verdict.checks.filter((x) => x.failures.length > 0)) {
    lines.push('', `  ✗ ${c.title}: ${tally(c.failures, failureKind)}`);
    for (const f of c.failures.slice(0, maxFailuresShown)) lines.push(`    ${f.caseId ?? '-'}  ${f.detail}`);
    if (c.failures.length > maxFailuresShown) lines.push(`    …… 另有 ${c.failures.length - maxFailuresShown} 条 (more)`);
  }
  if (r.kept) lines.push('', `  数据与日志保留在 (data and logs kept in) ${r.dir}`);
  lines.push(rule);
  return lines.join('\n');
}
