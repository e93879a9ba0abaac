import { Card, Descriptions, Empty, Input, Spin, Steps, Tag, Typography } from 'antd';
import { useSearchParams } from 'react-router-dom';
import { api, ApiFailure } from '../../api/http';
import type { PublicCase } from '../../api/types';
import { ErrorNotice } from '../../components/ErrorNotice';
import { useApiData } from '../../hooks/useApiData';
import { formatTime } from '../../lib/format';

const notFound = (err: unknown) =>
  err instanceof ApiFailure && (err.status === 404 || err.status === 400) ? new ApiFailure(404, 'NOT_FOUND', '未找到该案件编号', [{ field: '', message: '请核对受理时告知您的案件编号（数字）' }]) : err;

/** 进度查询: a citizen types the case number they were given and follows its steps. */
export function LookupPage() {
  const [params, setParams] = useSearchParams();
  const no = params.get('no')?.trim() ?? '';
  const { data, loading, error } = useApiData(
    (signal) => (no ? api.publicGet<PublicCase>(`/public/cases/${encodeURIComponent(no)}`, undefined, signal) : Promise.resolve(null)),
    [no],
  );
  return (
    <Card title="办理进度查询">
      <Input.Search
        key={no}
        defaultValue={no}
        placeholder="输入案件编号"
        enterButton="查询"
        size="large"
        style={{ maxWidth: 480, marginBottom: 24 }}
        onSearch={(v) => setParams(v.trim() ? { no: v.trim() } : {})}
      />
      {no && loading && <Spin description="正在查询…" />}
      {no && !loading && error != null && <ErrorNotice error={notFound(error)} />}
      {!no && <Empty description="请输入受理时告知您的案件编号" />}
      {no && !loading && !error && data && (
        <>
          <Typography.Title level={4}>
            案件 {data.caseNo} <Tag color={data.status === 'closed' ? 'green' : 'blue'}>{data.statusName}</Tag>
          </Typography.Title>
          <Descriptions
            column={{ xs: 1, md: 2 }}
            size="small"
            style={{ marginBottom: 24 }}
            items={[
              { key: 'title', label: '诉求', span: 2, children: data.title ?? '（诉求人未同意公开内容）' },
              ...(data.description ? [{ key: 'desc', label: '内容', span: 2, children: data.description }] : []),
              { key: 'category', label: '事项分类', children: data.categoryName ?? '—' },
              { key: 'place', label: '所在地', children: [data.streetName, data.communityName].filter(Boolean).join(' ') || '—' },
              { key: 'unit', label: '承办单位', children: data.leadUnitName ?? '—' },
              { key: 'created', label: '受理时间', children: formatTime(data.createdAt) },
              { key: 'resolved', label: '办结时间', children: formatTime(data.resolvedAt) },
              { key: 'closed', label: '结案时间', children: formatTime(data.closedAt) },
            ]}
          />
          <Steps
            orientation="vertical"
            size="small"
            current={(data.steps?.length ?? 1) - 1}
            items={(data.steps ?? []).map((s) => ({ title: s.label, content: formatTime(s.at), status: 'finish' as const }))}
          />
        </>
      )}
    </Card>
  );
}
