import { Card } from 'antd';
import type { Case } from '../../api/types';
import { PagedCases } from '../../components/PagedCases';
import { PageHeader } from '../../components/PageHeader';
import { useCursorList } from '../../hooks/useCursorList';

/** 待回访: resolved cases waiting for the citizen's rating, nearest callback deadline first. */
export function CallbacksPage() {
  const list = useCursorList<Case>('/cases', { status: 'resolved', sort: 'due', limit: 20 }, 15_000);
  return (
    <>
      <PageHeader title="待回访">致电诉求人，询问对办理结果的评价；「不满意」将重新交办。</PageHeader>
      <Card>
        <PagedCases
          list={list}
          empty="没有待回访的案件"
          only={['callback']}
        />
      </Card>
    </>
  );
}
