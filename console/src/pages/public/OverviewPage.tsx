import { Card, Col, Row, Statistic, Table } from 'antd';
import { api } from '../../api/http';
import type { PublicOverview } from '../../api/types';
import { ErrorNotice } from '../../components/ErrorNotice';
import { useApiData } from '../../hooks/useApiData';
import { usePublicMonth } from './PublicLayout';

type StreetRow = PublicOverview['byStreet'][number];
type CategoryRow = PublicOverview['byCategory'][number];

/** 办理概况: how many requests each street and each category received, resolved and closed this month. */
export function OverviewPage() {
  const month = usePublicMonth();
  const { data, loading, error, reload } = useApiData((signal) => api.publicGet<PublicOverview>('/public/overview', { month }, signal), [month]);
  const streets = data?.byStreet ?? [];
  const sum = (k: keyof Omit<StreetRow, 'id' | 'name'>) => streets.reduce((n, s) => n + s[k], 0);
  return (
    <>
      <ErrorNotice error={error} onRetry={reload} />
      <Row gutter={16} style={{ marginBottom: 16 }}>
        {[
          ['受理', sum('received')],
          ['已办结', sum('resolved')],
          ['已结案', sum('closed')],
          ['超时', sum('overdue')],
        ].map(([label, value]) => (
          <Col span={6} key={label}>
            <Card loading={loading && !data}>
              <Statistic title={`${month} ${label}`} value={value} suffix="件" />
            </Card>
          </Col>
        ))}
      </Row>
      <Row gutter={16}>
        <Col xs={24} lg={12}>
          <Card title="按街道（乡镇）">
            <Table<StreetRow>
              rowKey="id"
              size="small"
              loading={loading}
              dataSource={streets}
              pagination={false}
              locale={{ emptyText: '本月暂无诉求' }}
              columns={[
                { title: '街道（乡镇）', dataIndex: 'name' },
                { title: '受理', dataIndex: 'received', align: 'right' },
                { title: '已办结', dataIndex: 'resolved', align: 'right' },
                { title: '已结案', dataIndex: 'closed', align: 'right' },
                { title: '超时', dataIndex: 'overdue', align: 'right' },
              ]}
            />
          </Card>
        </Col>
        <Col xs={24} lg={12}>
          <Card title="按事项分类">
            <Table<CategoryRow>
              rowKey="id"
              size="small"
              loading={loading}
              dataSource={data?.byCategory ?? []}
              pagination={false}
              locale={{ emptyText: '本月暂无诉求' }}
              columns={[
                { title: '事项分类', dataIndex: 'name' },
                { title: '受理', dataIndex: 'received', align: 'right' },
                { title: '已办结', dataIndex: 'resolved', align: 'right' },
                { title: '已结案', dataIndex: 'closed', align: 'right' },
              ]}
            />
          </Card>
        </Col>
      </Row>
    </>
  );
}
