import { Card, Select, Space } from 'antd';
import { useState } from 'react';
import { api } from '../../api/http';
import type { PublicScorecards } from '../../api/types';
import { ErrorNotice } from '../../components/ErrorNotice';
import { MeasuresTable } from '../../components/MeasuresTable';
import { RateBars } from '../../components/RateBars';
import { useApiData } from '../../hooks/useApiData';
import { measureKeys, zh, type MeasureKey } from '../../terms';
import { usePublicMonth } from './PublicLayout';

/** 单位评分: each unit's scorecard for the month (DOMAIN §6 measures), with one measure charted. */
export function ScorecardsPage() {
  const month = usePublicMonth();
  const [measure, setMeasure] = useState<MeasureKey>('satisfactionRate');
  const { data, loading, error, reload } = useApiData((signal) => api.publicGet<PublicScorecards>('/public/scorecards', { month }, signal), [month]);
  const units = data?.units ?? [];
  return (
    <>
      <ErrorNotice error={error} onRetry={reload} />
      <Card title={`${month} 责任单位评分`} style={{ marginBottom: 16 }}>
        <MeasuresTable rows={units} loading={loading} nameTitle="责任单位" name={(u) => u.name} rowKey={(u) => u.unitId} />
      </Card>
      <Card
        title="单位对比"
        extra={
          <Space>
            指标
            <Select<MeasureKey> value={measure} onChange={setMeasure} style={{ width: 150 }} options={measureKeys.map((k) => ({ value: k, label: zh.measure[k] }))} />
          </Space>
        }
      >
        <RateBars title={zh.measure[measure]} bars={units.map((u) => ({ key: u.unitId, label: u.name, rate: u[measure] }))} />
      </Card>
    </>
  );
}
