import { Alert, Card, Col, Row, Space, Spin, Tag, Typography } from 'antd';
import { useParams } from 'react-router-dom';
import { CaseActions } from '../../actions/CaseActions';
import { api } from '../../api/http';
import type { Case } from '../../api/types';
import { ErrorNotice } from '../../components/ErrorNotice';
import { StatusTag } from '../../components/StatusTag';
import { useApiData } from '../../hooks/useApiData';
import { formatTime } from '../../lib/format';
import { term } from '../../terms';
import { AssignmentsCard } from './AssignmentsCard';
import { CaseSummary } from './CaseSummary';
import { CaseTimeline } from './CaseTimeline';
import { DeadlinesCard } from './DeadlinesCard';
import { HandlingCard } from './HandlingCard';

const refreshMs = 5000;

/** One case: status, deadlines, units, the whole timeline, the user's actions; re-read every few seconds. */
export function CasePage() {
  const { id = '' } = useParams();
  const { data: c, loading, error, reload } = useApiData((signal) => api.get<Case>(`/cases/${encodeURIComponent(id)}`, undefined, signal), [id], refreshMs);
  if (!c) {
    return loading ? <Spin size="large" description="正在读取案件…" style={{ display: 'block', margin: '80px auto' }} /> : <ErrorNotice error={error} onRetry={reload} />;
  }
  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Card>
        <div style={{ display: 'flex', justifyContent: 'space-between', gap: 16, flexWrap: 'wrap' }}>
          <div>
            <Typography.Title level={3} style={{ marginTop: 0 }}>
              {c.title}
            </Typography.Title>
            <Space wrap>
              <Typography.Text copyable={{ text: c.caseNo }}>案件编号 {c.caseNo}</Typography.Text>
              <StatusTag status={c.status} />
              <Tag>{term('tier', c.tier)}</Tag>
              {c.mode && <Tag color="purple">{term('mode', c.mode)}</Tag>}
              {c.overdue && <Tag color="red">超时</Tag>}
              <Typography.Text type="secondary">更新于 {formatTime(c.updatedAt)}，每 {refreshMs / 1000} 秒自动刷新</Typography.Text>
            </Space>
          </div>
          <CaseActions target={c} onDone={reload} />
        </div>
      </Card>
      {error != null && <ErrorNotice error={error} onRetry={reload} />}
      {c.status === 'merged' && c.mergedInto && <Alert type="info" showIcon title={`本案件已并入案件 ${c.mergedInto}`} />}
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={16}>
          <Space orientation="vertical" size={16} style={{ width: '100%' }}>
            <CaseSummary c={c} />
            <AssignmentsCard c={c} />
            <HandlingCard c={c} />
          </Space>
        </Col>
        <Col xs={24} xl={8}>
          <Space orientation="vertical" size={16} style={{ width: '100%' }}>
            <DeadlinesCard c={c} />
            <CaseTimeline entries={c.timeline ?? []} />
          </Space>
        </Col>
      </Row>
    </Space>
  );
}
