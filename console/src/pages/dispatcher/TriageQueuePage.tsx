import { Alert, Card } from 'antd';
import { useMemo } from 'react';
import { tierOf } from '../../actions/available-actions';
import type { Case } from '../../api/types';
import { PagedCases } from '../../components/PagedCases';
import { PageHeader } from '../../components/PageHeader';
import { ProposedUnits } from '../../components/ProposedUnits';
import { useCursorList } from '../../hooks/useCursorList';
import { byNearestDeadline } from '../../lib/deadlines';
import { useMe } from '../../session';
import { term } from '../../terms';

/** 待分派: the cases waiting at this dispatcher's tier, the nearest triage deadline first. */
export function TriageQueuePage() {
  const me = useMe();
  const tier = tierOf(me);
  const list = useCursorList<Case>('/cases', { status: 'triage', tier: tier ?? undefined, sort: 'due', limit: 50 }, 10_000);
  const cases = useMemo(() => list.items.filter((c) => c.tier === tier).sort(byNearestDeadline()), [list.items, tier]);
  return (
    <>
      <PageHeader title={`待分派（${term('tier', tier)}）`}>
        {me.jurisdiction?.name}：直接办、派单、商定办、吹哨升级或并单。建议单位来自权责清单，派单时可修改。
      </PageHeader>
      {!tier && <Alert type="warning" showIcon style={{ marginBottom: 16 }} title="您的账号未设在社区、街道或市级平台，没有可分派的层级，请联系管理员" />}
      <Card>
        <PagedCases
          list={list}
          cases={cases}
          empty="当前没有待分派的案件"
          extraColumns={[{ title: '建议单位', key: 'proposal', width: 220, render: (_: unknown, c: Case) => <ProposedUnits category={c.category} communityId={c.location.communityId} /> }]}
        />
      </Card>
    </>
  );
}
