import { Card, DatePicker, Segmented, Select, Space } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { api } from '../../api/http';
import type { KpiReport } from '../../api/types';
import { ErrorNotice } from '../../components/ErrorNotice';
import { ExportButtons } from '../../components/ExportButtons';
import { MeasuresTable } from '../../components/MeasuresTable';
import { PageHeader } from '../../components/PageHeader';
import { RateBars } from '../../components/RateBars';
import { useApiData } from '../../hooks/useApiData';
import { measureKeys, zh, type MeasureKey } from '../../terms';

type GroupBy = 'street' | 'unit';

/** 考核指标: the DOMAIN §6 measures by street or by unit, over a chosen period, with one rate charted. */
export function KpiPage() {
  const [range, setRange] = useState<[Dayjs, Dayjs]>(() => [dayjs().startOf('month'), dayjs()]);
  const [groupBy, setGroupBy] = useState<GroupBy>('street');
  const [measure, setMeasure] = useState<MeasureKey>('onTimeCompletionRate');
  const from = range[0].startOf('day').toISOString();
  const to = range[1].add(1, 'day').startOf('day').toISOString();
  const { data, loading, error, reload } = useApiData((signal) => api.get<KpiReport>('/kpis', { from, to, groupBy }, signal), [from, to, groupBy]);
  const groups = data?.groups ?? [];
  return (
    <>
      <PageHeader
        title="考核指标"
        extra={
          <>
            <DatePicker.RangePicker
              value={range}
              allowClear={false}
              onChange={(v) => v?.[0] && v[1] && setRange([v[0], v[1]])}
              presets={[
                { label: '本月', value: [dayjs().startOf('month'), dayjs()] },
                { label: '上月', value: [dayjs().subtract(1, 'month').startOf('month'), dayjs().subtract(1, 'month').endOf('month')] },
                { label: '今年', value: [dayjs().startOf('year'), dayjs()] },
              ]}
            />
            <Segmented<GroupBy>
              value={groupBy}
              onChange={setGroupBy}
              options={[
                { value: 'street', label: '按街道（乡镇）' },
                { value: 'unit', label: '按责任单位' },
              ]}
            />
            <ExportButtons path="/kpis/export" query={{ from, to, groupBy }} name="考核指标" />
          </>
        }
      >
        统计期间内首次派单（或直接办理）的案件；比率的分母为 0 时显示「—」。
      </PageHeader>
      <ErrorNotice error={error} onRetry={reload} />
      <Card style={{ marginBottom: 16 }}>
        <MeasuresTable
          rows={groups}
          loading={loading}
          nameTitle={groupBy === 'street' ? '街道（乡镇）' : '责任单位'}
          name={(r) => r.name ?? r.key}
          rowKey={(r) => r.key}
          summary={data?.total}
        />
      </Card>
      <Card
        title="对比图"
        extra={
          <Space>
            指标
            <Select<MeasureKey> value={measure} onChange={setMeasure} style={{ width: 150 }} options={measureKeys.map((k) => ({ value: k, label: zh.measure[k] }))} />
          </Space>
        }
      >
        <RateBars title={zh.measure[measure]} bars={groups.map((g) => ({ key: g.key, label: g.name ?? g.key, rate: g[measure] }))} />
      </Card>
    </>
  );
}
