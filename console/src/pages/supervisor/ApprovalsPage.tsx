import { Card, Table } from 'antd';
import { Link } from 'react-router-dom';
import { CaseActions } from '../../actions/CaseActions';
import { api } from '../../api/http';
import type { Case, Page } from '../../api/types';
import { DeadlineText } from '../../components/DeadlineText';
import { ErrorNotice } from '../../components/ErrorNotice';
import { PageHeader } from '../../components/PageHeader';
import { useApiData } from '../../hooks/useApiData';
import { formatDuration, formatTime } from '../../lib/format';
import { term } from '../../terms';

/** The cases of my area waiting for a supervisor's decision (GET /cases?awaiting=approval), every page. */
async function openCases(signal: AbortSignal): Promise<Case[]> {
  const all: Case[] = [];
  let cursor: string | undefined;
  do {
    const page: Page<Case> = await api.get<Page<Case>>('/cases', { awaiting: 'approval', limit: 200, cursor }, signal);
    all.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return all;
}

/** 审批: extension requests (延期) and complex-case requests (复杂件认定) waiting for a supervisor. */
export function ApprovalsPage() {
  const { data, loading, error, reload } = useApiData(openCases, [], 20_000);
  const extensions = (data ?? []).filter((c) => c.extension?.state === 'pending');
  const complex = (data ?? []).filter((c) => c.complexMark?.state === 'pending');
  const caseColumn = { title: '案件', key: 'case', render: (_: unknown, c: Case) => <><Link to={`/console/cases/${c.id}`}>{c.caseNo}</Link><div>{c.title}</div></> };
  return (
    <>
      <PageHeader title="延期与复杂件审批">批准后，办结时限按申请延长，或按复杂件时限重新计算。</PageHeader>
      <ErrorNotice error={error} onRetry={reload} />
      <Card title={`延期申请（${extensions.length}）`} style={{ marginBottom: 16 }}>
        <Table<Case>
          rowKey="id"
          loading={loading}
          dataSource={extensions}
          pagination={false}
          locale={{ emptyText: '没有待审批的延期申请' }}
          columns={[
            caseColumn,
            { title: '申请延长', key: 'duration', width: 120, render: (_: unknown, c) => formatDuration(c.extension!.duration) },
            { title: '理由', key: 'reason', render: (_: unknown, c) => c.extension!.reason },
            { title: '申请时间', key: 'at', width: 150, render: (_: unknown, c) => formatTime(c.extension!.requestedAt) },
            { title: '当前办结时限', key: 'resolveBy', width: 200, render: (_: unknown, c) => <DeadlineText at={c.deadlines.resolveBy} left={c.timeLeft?.resolveBy} /> },
            { title: '操作', key: 'act', width: 130, render: (_: unknown, c) => <CaseActions target={c} onDone={reload} only={['extension/decision']} /> },
          ]}
        />
      </Card>
      <Card title={`复杂件认定申请（${complex.length}）`}>
        <Table<Case>
          rowKey="id"
          loading={loading}
          dataSource={complex}
          pagination={false}
          locale={{ emptyText: '没有待审批的复杂件认定申请' }}
          columns={[
            caseColumn,
            { title: '状态', key: 'status', width: 130, render: (_: unknown, c) => term('status', c.status) },
            { title: '理由', key: 'reason', render: (_: unknown, c) => c.complexMark!.reason },
            { title: '申请时间', key: 'at', width: 150, render: (_: unknown, c) => formatTime(c.complexMark!.requestedAt) },
            { title: '操作', key: 'act', width: 130, render: (_: unknown, c) => <CaseActions target={c} onDone={reload} only={['complex/decision']} /> },
          ]}
        />
      </Card>
    </>
  );
}
