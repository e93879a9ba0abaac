import { Button, Card, Table, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { Link } from 'react-router-dom';
import { api, isAbort } from '../../api/http';
import type { Page, PublicCase } from '../../api/types';
import { ErrorNotice } from '../../components/ErrorNotice';
import { formatTime } from '../../lib/format';
import { usePublicMonth } from './PublicLayout';

/** 最新诉求: the month's requests, newest first, page by page; the title only where the citizen agreed. */
export function RecentCasesPage() {
  const month = usePublicMonth();
  // A new month starts a new list (its own paging state).
  return <RecentCases key={month} month={month} />;
}

function RecentCases({ month }: { month: string }) {
  const [items, setItems] = useState<PublicCase[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(null);
  const [more, setMore] = useState<string | null>(null);

  useEffect(() => {
    const controller = new AbortController();
    setLoading(true);
    setError(null);
    api.publicGet<Page<PublicCase>>('/public/cases', { month, limit: 20, cursor: more ?? undefined }, controller.signal).then(
      (page) => {
        setItems((old) => (more ? [...old, ...page.items] : page.items));
        setCursor(page.nextCursor);
        setLoading(false);
      },
      (err: unknown) => {
        if (isAbort(err)) return;
        setError(err);
        setLoading(false);
      },
    );
    return () => controller.abort();
  }, [month, more]);

  return (
    <Card title={`${month} 诉求办理情况`}>
      <ErrorNotice error={error} />
      <Table<PublicCase>
        rowKey="caseNo"
        size="middle"
        loading={loading}
        dataSource={items}
        pagination={false}
        locale={{ emptyText: '本月暂无诉求' }}
        columns={[
          { title: '案件编号', dataIndex: 'caseNo', width: 170, render: (no: string) => <Link to={`/public/lookup?no=${no}`}>{no}</Link> },
          { title: '诉求', dataIndex: 'title', render: (t: string | null) => t ?? <Typography.Text type="secondary">（未公开内容）</Typography.Text> },
          { title: '分类', dataIndex: 'categoryName', width: 140 },
          { title: '街道（乡镇）', dataIndex: 'streetName', width: 130 },
          { title: '状态', dataIndex: 'statusName', width: 130, render: (s: string, c) => <Tag color={c.status === 'closed' ? 'green' : 'blue'}>{s}</Tag> },
          { title: '受理时间', dataIndex: 'createdAt', width: 150, render: (at: string) => formatTime(at) },
          { title: '结案时间', dataIndex: 'closedAt', width: 150, render: (at: string | null) => formatTime(at) },
        ]}
      />
      {cursor && (
        <div style={{ textAlign: 'center', marginTop: 12 }}>
          <Button loading={loading} onClick={() => setMore(cursor)}>
            加载更多
          </Button>
        </div>
      )}
    </Card>
  );
}
