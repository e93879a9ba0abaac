import { Button, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import type { ReactNode } from 'react';
import { Link } from 'react-router-dom';
import type { Case } from '../api/types';
import { useReference } from '../hooks/useReference';
import { currentDeadline } from '../lib/deadlines';
import { formatTime } from '../lib/format';
import { term } from '../terms';
import { DeadlineText } from './DeadlineText';
import { StatusTag } from './StatusTag';

export interface CaseTableProps {
  cases: Case[];
  loading: boolean;
  hasMore?: boolean;
  onLoadMore?: () => void;
  /** Whose deadline to show first (a liaison's unit: its own respond deadline). */
  unitId?: string | null;
  extraColumns?: ColumnsType<Case>;
  actions?: (c: Case) => ReactNode;
  empty?: string;
}

/** The list of cases every queue shows: number, title, place, status, the deadline that matters now. */
export function CaseTable({ cases, loading, hasMore, onLoadMore, unitId, extraColumns = [], actions, empty }: CaseTableProps) {
  const ref = useReference();
  const columns: ColumnsType<Case> = [
    {
      title: '案件编号 / 受理时间',
      dataIndex: 'caseNo',
      width: 165,
      render: (no: string, c) => (
        <div>
          <Link to={`/console/cases/${c.id}`}>{no}</Link>
          <div>
            <Typography.Text type="secondary">{formatTime(c.createdAt)}</Typography.Text>
          </div>
        </div>
      ),
    },
    {
      title: '诉求',
      dataIndex: 'title',
      width: 225,
      render: (title: string, c) => (
        <div>
          <div>
            {c.urgency === 'urgent' && <Tag color="red">紧急</Tag>}
            {title}
          </div>
          <Typography.Text type="secondary">
            {ref.categoryName(c.category)} · {ref.placeName(c.location.communityId)}
          </Typography.Text>
        </div>
      ),
    },
    {
      title: '状态 / 层级',
      dataIndex: 'status',
      width: 125,
      render: (s: string, c) => (
        <div>
          <StatusTag status={s} />
          {c.overdue && <Tag color="red">超时</Tag>}
          <div>
            <Typography.Text type="secondary">{term('tier', c.tier)}</Typography.Text>
          </div>
        </div>
      ),
    },
    {
      title: '当前时限',
      key: 'deadline',
      width: 185,
      render: (_: unknown, c) => {
        const d = currentDeadline(c, unitId);
        return d ? (
          <div>
            <Typography.Text type="secondary">{term('deadline', d.key)}</Typography.Text>
            <DeadlineText at={d.at} left={d.left} />
          </div>
        ) : (
          '—'
        );
      },
    },
    ...extraColumns,
  ];
  if (actions) columns.push({ title: '操作', key: 'actions', width: 210, render: (_: unknown, c) => actions(c) });
  return (
    <>
      <Table<Case>
        rowKey="id"
        size="middle"
        columns={columns}
        dataSource={cases}
        loading={loading}
        pagination={false}
        locale={{ emptyText: empty ?? '暂无案件' }}
        scroll={{ x: columns.reduce((sum, c) => sum + (typeof c.width === 'number' ? c.width : 150), 0) }}
      />
      {hasMore && (
        <div style={{ textAlign: 'center', marginTop: 12 }}>
          <Button onClick={onLoadMore} loading={loading}>
            加载更多
          </Button>
        </div>
      )}
    </>
  );
}
