import { Card } from 'antd';
import type { Case } from '../../api/types';
import { PagedCases } from '../../components/PagedCases';
import { PageHeader } from '../../components/PageHeader';
import { useCursorList } from '../../hooks/useCursorList';

/** 超时案件: every case of my area with a passed, unmet deadline. */
export function OverduePage() {
  const list = useCursorList<Case>('/cases', { overdue: true, sort: 'due', limit: 50 }, 30_000);
  return (
    <>
      <PageHeader title="超时案件">有时限已过而未完成的案件；可督办或吹哨升级。</PageHeader>
      <Card>
        <PagedCases
          list={list}
          empty="没有超时案件"
        />
      </Card>
    </>
  );
}
