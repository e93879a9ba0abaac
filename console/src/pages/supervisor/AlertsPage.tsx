import { App, Badge, Button, Card, Select, Space, Table, Tag, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { Link } from 'react-router-dom';
import { api } from '../../api/http';
import { errorText } from '../../api/error-text';
import type { Alert, AlertCounts } from '../../api/types';
import { ErrorNotice } from '../../components/ErrorNotice';
import { PageHeader } from '../../components/PageHeader';
import { useAlertFeed } from '../../hooks/useAlertFeed';
import { useApiData } from '../../hooks/useApiData';
import { useReference } from '../../hooks/useReference';
import { formatTime } from '../../lib/format';
import { useSession } from '../../session';
import { alertColor, term, zh } from '../../terms';

const streamBadge = {
  connecting: { status: 'processing', text: '正在连接实时告警…' },
  open: { status: 'success', text: '实时接收中' },
  retrying: { status: 'warning', text: '连接中断，正在重连' },
  stopped: { status: 'error', text: '已停止接收' },
} as const;

/** 实时告警: 预警, 超时, 升级, 退单, 延期申请 ... of the cases in my area, as they happen. */
export function AlertsPage() {
  const { logout } = useSession();
  const feed = useAlertFeed(logout);
  const ref = useReference();
  const [type, setType] = useState<string | undefined>();
  const { message } = App.useApp();
  // Acknowledged here: the feed holds alerts as they came, this holds who acknowledged them since.
  const [acked, setAcked] = useState<Record<string, Alert>>({});
  const counts = useApiData((signal) => api.get<AlertCounts>('/alerts/counts', undefined, signal), [feed.alerts.length, acked], 30_000);
  const shown = useMemo(() => feed.alerts.filter((a) => !type || a.type === type).map((a) => acked[a.id] ?? a), [feed.alerts, type, acked]);
  const acknowledge = (alert: Alert) =>
    api.post<Alert>(`/alerts/${alert.id}/ack`, {}).then(
      (done) => setAcked((old) => ({ ...old, [done.id]: done })),
      (err: unknown) => {
        const text = errorText(err);
        void message.error(`${text.title}。${text.next}`);
      },
    );
  const left = counts.data?.unacknowledged;
  const badge = streamBadge[feed.state];
  return (
    <>
      <PageHeader
        title="实时告警"
        extra={
          <>
            <Badge status={badge.status} text={feed.detail ?? badge.text} />
            {left && (
              <Space size={4}>
                <Typography.Text type="secondary">未确认</Typography.Text>
                {(['community', 'street', 'city'] as const).map((t) => (
                  <Tag key={t} color={left[t] > 0 ? 'red' : 'default'}>
                    {term('tier', t)} {left[t]}
                  </Tag>
                ))}
              </Space>
            )}
            <Select
              allowClear
              placeholder="全部类型"
              style={{ width: 170 }}
              value={type}
              onChange={setType}
              options={Object.entries(zh.alert).map(([value, label]) => ({ value, label }))}
            />
          </>
        }
      >
        近 24 小时本辖区案件的告警，新告警无需刷新即自动出现在最上方。
      </PageHeader>
      <Card>
        <ErrorNotice error={feed.error} />
        <Table<Alert>
          rowKey="id"
          size="middle"
          loading={feed.loading}
          dataSource={shown}
          pagination={{ pageSize: 50, hideOnSinglePage: true }}
          locale={{ emptyText: '暂无告警' }}
          columns={[
            {
              title: '类型',
              dataIndex: 'type',
              width: 150,
              render: (t: string, a) => (
                <>
                  <Tag color={alertColor[t] ?? 'default'}>{term('alert', t)}</Tag>
                  {feed.fresh.has(a.id) && <Tag color="red">新</Tag>}
                </>
              ),
            },
            { title: '时间', dataIndex: 'at', width: 150, render: (at: string) => formatTime(at) },
            { title: '案件', dataIndex: 'caseId', width: 170, render: (id: string) => <Link to={`/console/cases/${id}`}>{id}</Link> },
            { title: '层级', dataIndex: 'tier', width: 140, render: (t: string) => term('tier', t) },
            { title: '内容', dataIndex: 'message' },
            {
              title: '单位 / 时限',
              key: 'more',
              width: 200,
              render: (_: unknown, a) => (
                <Typography.Text type="secondary">
                  {a.unitId ? ref.unitName(a.unitId) : ref.placeName(a.jurisdictionId)}
                  {a.deadline && <div>时限 {formatTime(a.deadline)}</div>}
                </Typography.Text>
              ),
            },
            {
              title: '处理',
              key: 'ack',
              width: 150,
              render: (_: unknown, a) =>
                a.acknowledgedAt ? (
                  <Typography.Text type="secondary">
                    {a.acknowledgedBy?.displayName ?? ''} 已确认
                    <div>{formatTime(a.acknowledgedAt)}</div>
                  </Typography.Text>
                ) : (
                  <Button size="small" onClick={() => void acknowledge(a)}>
                    确认处理
                  </Button>
                ),
            },
          ]}
        />
      </Card>
    </>
  );
}
