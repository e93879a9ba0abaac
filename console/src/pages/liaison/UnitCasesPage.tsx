import { Card, Segmented, Tag } from 'antd';
import { useMemo, useState } from 'react';
import type { Case } from '../../api/types';
import { PagedCases } from '../../components/PagedCases';
import { PageHeader } from '../../components/PageHeader';
import { useCursorList } from '../../hooks/useCursorList';
import { byNearestDeadline } from '../../lib/deadlines';
import { useMe } from '../../session';
import { term } from '../../terms';

type Filter = 'open' | 'all';
const finished = new Set(['closed', 'withdrawn', 'merged']);

/** 本单位案件: every case assigned to my unit, the nearest deadline (签收 or 办结) first. */
export function UnitCasesPage() {
  const me = useMe();
  const unitId = me.unit?.id;
  const [filter, setFilter] = useState<Filter>('open');
  const list = useCursorList<Case>('/cases', { unitId, sort: 'due', limit: 50 }, 10_000);
  const cases = useMemo(
    () => list.items.filter((c) => filter === 'all' || !finished.has(c.status)).sort(byNearestDeadline(unitId)),
    [list.items, filter, unitId],
  );
  const myPart = (c: Case) => {
    const mine = c.assignments.filter((a) => a.unitId === unitId && a.active !== false);
    return mine.map((a) => (
      <Tag key={`${a.role}-${a.state}`} color={a.state === 'pending' ? 'orange' : a.state === 'accepted' ? 'green' : 'default'}>
        {term('assignmentRole', a.role)} · {term('assignmentState', a.state)}
      </Tag>
    ));
  };
  return (
    <>
      <PageHeader
        title={`本单位案件（${me.unit?.name ?? '未设单位'}）`}
        extra={
          <Segmented<Filter>
            value={filter}
            onChange={setFilter}
            options={[
              { value: 'open', label: '待办' },
              { value: 'all', label: '全部' },
            ]}
          />
        }
      >
        按最近的时限排序：待签收的看签收时限，已签收的看办结时限。
      </PageHeader>
      <Card>
        <PagedCases
          list={list}
          cases={cases}
          unitId={unitId}
          empty="本单位当前没有待办案件"
          extraColumns={[{ title: '本单位', key: 'mine', width: 140, render: (_: unknown, c: Case) => myPart(c) }]}
        />
      </Card>
    </>
  );
}
