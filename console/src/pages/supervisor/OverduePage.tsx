import { Card } from 'antd';
import { CaseActions } from '../../actions/CaseActions';
import type { Case } from '../../api/types';
import { CaseTable } from '../../components/CaseTable';
import { ErrorNotice } from '../../components/ErrorNotice';
import { PageHeader } from '../../components/PageHeader';
import { useCursorList } from '../../hooks/useCursorList';

/** 超时案件: every case of my area with a passed, unmet deadline. */
export function OverduePage() {
  const list = useCursorList<Case>('/cases', { overdue: true, sort: 'due', limit: 50 }, 30_000);
  return (
    <>
      <PageHeader title="超时案件">有时限已过而未完成的案件；可督办或吹哨升级。</PageHeader>
      <Card>
        <ErrorNotice error={list.error} onRetry={list.reload} />
        <CaseTable
          cases={list.items}
          loading={list.loading}
          hasMore={list.hasMore}
          onLoadMore={list.loadMore}
          empty="没有超时案件"
          actions={(c) => <CaseActions target={c} onDone={list.reload} />}
        />
      </Card>
    </>
  );
}
