import { Card, Table, Tag } from 'antd';
import type { Assignment, Case } from '../../api/types';
import { useReference } from '../../hooks/useReference';
import { formatTime } from '../../lib/format';
import { term } from '../../terms';

const stateColor = { pending: 'orange', accepted: 'green', rejected: 'default' } as const;

/** 承办单位: each unit the case went to, lead or cooperating, and what it decided. */
export function AssignmentsCard({ c }: { c: Case }) {
  const { unitName } = useReference();
  if (c.assignments.length === 0) return null;
  return (
    <Card title="承办单位">
      <Table<Assignment>
        rowKey={(a) => `${a.unitId}-${a.assignedAt ?? ''}-${a.role}`}
        size="small"
        pagination={false}
        dataSource={c.assignments}
        rowClassName={(a) => (a.active === false ? 'inactive-row' : '')}
        columns={[
          { title: '单位', dataIndex: 'unitId', render: (id: string, a) => <>{unitName(id)}{a.active === false && <Tag style={{ marginLeft: 8 }}>已失效</Tag>}</> },
          { title: '角色', dataIndex: 'role', width: 100, render: (r: string) => term('assignmentRole', r) },
          { title: '状态', dataIndex: 'state', width: 90, render: (s: Assignment['state']) => <Tag color={stateColor[s]}>{term('assignmentState', s)}</Tag> },
          { title: '签收时限', dataIndex: 'respondBy', width: 150, render: (at: string | null) => formatTime(at) },
          { title: '处理时间', dataIndex: 'decidedAt', width: 150, render: (at: string | null) => formatTime(at) },
          { title: '说明', key: 'why', render: (_: unknown, a) => a.reason ?? a.note ?? '' },
        ]}
      />
    </Card>
  );
}
